/**
 * Charts for the monthly report as PNG images, drawn without native dependencies (no canvas, no
 * fonts): an RGB raster, a few shapes, and the PNG encoder (PNG spec: signature, IHDR, one zlib
 * IDAT of filter-0 scanlines, IEND; CRC-32 over each chunk's type and data, from node:zlib).
 * The images carry no text: the report puts every label, value and axis range in the document
 * next to the image, where it can be read, searched and translated.
 */
import { crc32, deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

export const CHART_COLOURS = {
  background: [255, 255, 255],
  axis: [140, 140, 140],
  grid: [230, 230, 230],
  bar: [22, 119, 255],
  highlight: [250, 140, 22],
  line: [22, 119, 255],
  target: [82, 196, 26],
  noData: [191, 191, 191],
} as const satisfies Record<string, Rgb>;

/** A width × height RGB image, row-major, top-left origin. */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = CHART_COLOURS.background) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 4_000_000) throw new RangeError(`bad raster size ${width}×${height}`);
    this.pixels = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  set(x: number, y: number, colour: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.pixels[i] = colour[0];
    this.pixels[i + 1] = colour[1];
    this.pixels[i + 2] = colour[2];
  }

  get(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.pixels[i]!, this.pixels[i + 1]!, this.pixels[i + 2]!];
  }

  /** Fills the pixels x ≤ px < x + w, y ≤ py < y + h (rounded, clipped to the image). */
  rect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    const [x0, y0] = [Math.max(0, Math.round(x)), Math.max(0, Math.round(y))];
    const [x1, y1] = [Math.min(this.width, Math.round(x + w)), Math.min(this.height, Math.round(y + h))];
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.set(px, py, colour);
  }

  /** A straight line `thickness` pixels wide (a square brush along Bresenham's line); `dash` draws that many pixels on, as many off. */
  line(xa: number, ya: number, xb: number, yb: number, colour: Rgb, thickness = 1, dash = 0): void {
    let [x, y] = [Math.round(xa), Math.round(ya)];
    const [x1, y1] = [Math.round(xb), Math.round(yb)];
    const [dx, dy] = [Math.abs(x1 - x), -Math.abs(y1 - y)];
    const [sx, sy] = [x < x1 ? 1 : -1, y < y1 ? 1 : -1];
    const half = Math.floor((thickness - 1) / 2);
    let error = dx + dy;
    for (let step = 0; ; step++) {
      if (!dash || Math.floor(step / dash) % 2 === 0) this.rect(x - half, y - half, thickness, thickness, colour);
      if (x === x1 && y === y1) return;
      const e2 = 2 * error;
      if (e2 >= dy) { error += dy; x += sx; }
      if (e2 <= dx) { error += dx; y += sy; }
    }
  }

  /** A filled disc. */
  dot(cx: number, cy: number, radius: number, colour: Rgb): void {
    for (let py = Math.floor(cy - radius); py <= Math.ceil(cy + radius); py++) {
      for (let px = Math.floor(cx - radius); px <= Math.ceil(cx + radius); px++) {
        if ((px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2) this.set(px, py, colour);
      }
    }
  }
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The raster as a PNG file: 8-bit truecolour, no interlace, every scanline with filter type 0. */
export function encodePng(raster: Raster): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(raster.width, 0);
  header.writeUInt32BE(raster.height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  const stride = raster.width * 3;
  const scanlines = Buffer.alloc((stride + 1) * raster.height);
  for (let y = 0; y < raster.height; y++) scanlines.set(raster.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', Buffer.alloc(0))]);
}

export interface PlotArea { left: number; top: number; width: number; height: number }

export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
  plot: PlotArea;
  /** Gridlines are drawn at these values (the document states them as the axis labels). */
  gridValues: number[];
}

const MARGIN = 16;

function frame(raster: Raster, max: number): { plot: PlotArea; gridValues: number[]; yOf: (value: number) => number } {
  const plot = { left: MARGIN, top: MARGIN, width: raster.width - 2 * MARGIN, height: raster.height - 2 * MARGIN };
  const yOf = (value: number) => plot.top + plot.height - (Math.min(Math.max(value, 0), max) / max) * plot.height;
  const gridValues = [1, 2, 3, 4].map((i) => (max * i) / 4);
  for (const value of gridValues) raster.line(plot.left, yOf(value), plot.left + plot.width, yOf(value), CHART_COLOURS.grid);
  raster.line(plot.left, plot.top, plot.left, plot.top + plot.height, CHART_COLOURS.axis, 2);
  raster.line(plot.left, plot.top + plot.height, plot.left + plot.width, plot.top + plot.height, CHART_COLOURS.axis, 2);
  return { plot, gridValues, yOf };
}

/** A round upper bound for an axis holding `value` (1, 2, 2.5 or 5 × 10ⁿ), at least `floor`. */
export function niceMax(value: number, floor = 1): number {
  const wanted = Math.max(value, floor, Number.MIN_VALUE);
  const magnitude = 10 ** Math.floor(Math.log10(wanted));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= wanted * (1 - 1e-9))!;
}

export interface BarChartInput {
  values: readonly number[];
  /** The axis maximum (a bar of this value reaches the top of the plot). */
  max: number;
  /** The bar drawn in the highlight colour (the district the report is about), if any. */
  highlight?: number;
  width?: number;
  height?: number;
}

/** Vertical bars from the baseline, left to right in the order given, each centred in an equal slot. */
export function barChart(input: BarChartInput): ChartImage & { bars: { x: number; y: number; width: number; height: number }[] } {
  const raster = new Raster(input.width ?? 640, input.height ?? 300);
  const max = input.max > 0 ? input.max : 1;
  const { plot, gridValues, yOf } = frame(raster, max);
  const slot = plot.width / Math.max(1, input.values.length);
  // At most 80 px wide: one district's report has one bar, which should still read as a bar.
  const barWidth = Math.max(1, Math.round(Math.min(slot * 0.6, 80)));
  const bars = input.values.map((value, i) => {
    const x = Math.round(plot.left + slot * i + (slot - barWidth) / 2);
    const y = Math.round(yOf(value));
    const bar = { x, y, width: barWidth, height: Math.round(plot.top + plot.height) - y };
    raster.rect(bar.x, bar.y, bar.width, bar.height, i === input.highlight ? CHART_COLOURS.highlight : CHART_COLOURS.bar);
    return bar;
  });
  return { png: encodePng(raster), width: raster.width, height: raster.height, plot, gridValues, bars };
}

export interface LineChartInput {
  /** One value per period, oldest first; null is no data: a gap in the line and a grey mark on the axis. */
  values: readonly (number | null)[];
  max: number;
  /** A dashed horizontal line at the target value. */
  target?: number | null;
  width?: number;
  height?: number;
}

/** A line through the periods' values, with a dot at each. */
export function lineChart(input: LineChartInput): ChartImage & { points: ({ x: number; y: number } | null)[] } {
  const raster = new Raster(input.width ?? 640, input.height ?? 260);
  const max = input.max > 0 ? input.max : 1;
  const { plot, gridValues, yOf } = frame(raster, max);
  const slot = plot.width / Math.max(1, input.values.length);
  const xOf = (i: number) => Math.round(plot.left + slot * (i + 0.5));
  if (input.target !== null && input.target !== undefined) raster.line(plot.left, yOf(input.target), plot.left + plot.width, yOf(input.target), CHART_COLOURS.target, 2, 6);
  const points = input.values.map((value, i) => (value === null ? null : { x: xOf(i), y: Math.round(yOf(value)) }));
  points.forEach((point, i) => {
    const next = points[i + 1];
    if (point && next) raster.line(point.x, point.y, next.x, next.y, CHART_COLOURS.line, 3);
  });
  points.forEach((point, i) => {
    if (point) raster.dot(point.x, point.y, 4, CHART_COLOURS.line);
    else raster.rect(xOf(i) - 4, plot.top + plot.height - 10, 8, 8, CHART_COLOURS.noData);
  });
  return { png: encodePng(raster), width: raster.width, height: raster.height, plot, gridValues, points };
}

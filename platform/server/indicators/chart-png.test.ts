/**
 * The report's PNG rasteriser, read back by an independent decoder: the file's structure (PNG
 * signature, IHDR, CRC-32 of every chunk), then the colours of pixels where the charts must
 * have drawn something — and where they must not have.
 */
import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { barChart, CHART_COLOURS, encodePng, lineChart, niceMax, Raster, type Rgb } from './chart-png.server.ts';

/** CRC-32 (ISO 3309, the PNG spec's sample code), independent of node:zlib. */
function referenceCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Decoded { width: number; height: number; bitDepth: number; colourType: number; chunks: string[]; pixel(x: number, y: number): Rgb }

function decodePng(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(referenceCrc(png.subarray(at + 4, at + 8 + length)));
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3 + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride], `filter of row ${y}`).toBe(0);
  return {
    width, height, bitDepth: ihdr![8]!, colourType: ihdr![9]!, chunks,
    pixel: (x, y) => [raw[y * stride + 1 + x * 3]!, raw[y * stride + 2 + x * 3]!, raw[y * stride + 3 + x * 3]!],
  };
}

describe('PNG encoding', () => {
  it('given a 3×2 raster with two coloured pixels, when encoded, then a decoder reads an 8-bit RGB image with exactly those pixels', () => {
    const raster = new Raster(3, 2);
    raster.set(0, 0, [255, 0, 0]);
    raster.set(2, 1, [0, 0, 255]);
    const image = decodePng(encodePng(raster));
    expect(image).toMatchObject({ width: 3, height: 2, bitDepth: 8, colourType: 2, chunks: ['IHDR', 'IDAT', 'IEND'] });
    expect(image.pixel(0, 0)).toEqual([255, 0, 0]);
    expect(image.pixel(2, 1)).toEqual([0, 0, 255]);
    expect(image.pixel(1, 0)).toEqual(CHART_COLOURS.background);
    expect(image.pixel(1, 1)).toEqual(CHART_COLOURS.background);
  });

  it('given a raster size that is not a positive whole number, when created, then it is refused', () => {
    expect(() => new Raster(0, 10)).toThrow(RangeError);
    expect(() => new Raster(10.5, 10)).toThrow(RangeError);
  });
});

describe('bar chart', () => {
  it('given scores 6, 3 and 0 out of 6, when drawn, then the first bar fills the plot height, the second half of it and the third none', () => {
    const chart = barChart({ values: [6, 3, 0], max: 6, width: 300, height: 200 });
    const image = decodePng(chart.png);
    expect([image.width, image.height]).toEqual([300, 200]);
    const [full, half, none] = chart.bars;
    const mid = (bar: { x: number; width: number }) => bar.x + Math.floor(bar.width / 2);
    expect(image.pixel(mid(full!), chart.plot.top + 2)).toEqual(CHART_COLOURS.bar);
    expect(Math.abs(half!.height - full!.height / 2)).toBeLessThanOrEqual(1);
    expect(image.pixel(mid(half!), half!.y + 2)).toEqual(CHART_COLOURS.bar);
    expect(image.pixel(mid(half!), half!.y - 3)).not.toEqual(CHART_COLOURS.bar);
    expect(none!.height).toBe(0);
    expect(image.pixel(mid(none!), chart.plot.top + chart.plot.height / 2)).not.toEqual(CHART_COLOURS.bar);
    // Outside the plot (the margin) nothing is drawn.
    expect(image.pixel(2, 2)).toEqual(CHART_COLOURS.background);
  });

  it('given the district the report is about, when drawn, then its bar is in the highlight colour and the others are not', () => {
    const chart = barChart({ values: [4, 5], max: 5, highlight: 1, width: 200, height: 120 });
    const image = decodePng(chart.png);
    const bottom = chart.plot.top + chart.plot.height - 3;
    expect(image.pixel(chart.bars[0]!.x + 2, bottom)).toEqual(CHART_COLOURS.bar);
    expect(image.pixel(chart.bars[1]!.x + 2, bottom)).toEqual(CHART_COLOURS.highlight);
  });
  it('given a single bar (a district\'s own report), when drawn, then it stays a bar: centred in the plot and at most 80 px wide', () => {
    const chart = barChart({ values: [3], max: 6, width: 640, height: 200 });
    const [bar] = chart.bars;
    expect(bar!.width).toBe(80);
    expect(Math.abs(bar!.x + bar!.width / 2 - (chart.plot.left + chart.plot.width / 2))).toBeLessThanOrEqual(1);
    const image = decodePng(chart.png);
    const bottom = chart.plot.top + chart.plot.height - 3;
    expect(image.pixel(bar!.x, bottom)).toEqual(CHART_COLOURS.bar);
    expect(image.pixel(bar!.x - 1, bottom)).not.toEqual(CHART_COLOURS.bar);
    expect(image.pixel(bar!.x + bar!.width, bottom)).not.toEqual(CHART_COLOURS.bar);
  });
});

describe('line chart', () => {
  it('given values with a gap, when drawn, then each value has a dot at its height, no line crosses the gap and the gap is marked grey on the axis', () => {
    const chart = lineChart({ values: [0, 50, null, 100], max: 100, width: 400, height: 200 });
    const image = decodePng(chart.png);
    const [first, second, gap, last] = chart.points;
    expect(gap).toBeNull();
    expect(image.pixel(second!.x, second!.y)).toEqual(CHART_COLOURS.line);
    expect(image.pixel(last!.x, last!.y)).toEqual(CHART_COLOURS.line);
    expect(second!.y).toBe(Math.round(chart.plot.top + chart.plot.height / 2));
    expect(last!.y).toBe(chart.plot.top);
    // Between the first two points the line is drawn; between the second and the last it is not.
    const between = (a: { x: number; y: number }, b: { x: number; y: number }) => image.pixel(Math.round((a.x + b.x) / 2), Math.round((a.y + b.y) / 2));
    expect(between(first!, second!)).toEqual(CHART_COLOURS.line);
    expect(between(second!, last!)).not.toEqual(CHART_COLOURS.line);
    const gapX = Math.round(chart.plot.left + (chart.plot.width / 4) * 2.5);
    expect(image.pixel(gapX, chart.plot.top + chart.plot.height - 6)).toEqual(CHART_COLOURS.noData);
  });

  it('given a target, when drawn, then a dashed line in the target colour crosses the plot at its height', () => {
    const chart = lineChart({ values: [10, 10], max: 100, target: 90, width: 400, height: 200 });
    const image = decodePng(chart.png);
    const y = Math.round(chart.plot.top + chart.plot.height * 0.1);
    const row = Array.from({ length: chart.plot.width }, (_, i) => image.pixel(chart.plot.left + i, y));
    const onTarget = row.filter((p) => p.join() === CHART_COLOURS.target.join()).length;
    expect(onTarget).toBeGreaterThan(chart.plot.width * 0.3);
    expect(onTarget).toBeLessThan(chart.plot.width * 0.7);
  });
});

describe('axis maximum', () => {
  it('given values, when rounded up for an axis, then 1, 2, 2.5 or 5 times a power of ten is chosen', () => {
    expect(niceMax(83)).toBe(100);
    expect(niceMax(100)).toBe(100);
    expect(niceMax(6)).toBe(10);
    expect(niceMax(4.2)).toBe(5);
    expect(niceMax(0.3)).toBe(1);
    expect(niceMax(0.3, 0.1)).toBe(0.5);
    expect(niceMax(0)).toBe(1);
  });
});

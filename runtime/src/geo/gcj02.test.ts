import { describe, expect, it } from 'vitest';
import { displayTransform, gcj02ToWgs84, isInChina, wgs84ToGcj02 } from './gcj02.ts';

/** Metres between two nearby points (equirectangular; fine at city scale). */
const metres = (a: { lng: number; lat: number }, b: { lng: number; lat: number }) => {
  const k = Math.PI / 180;
  const x = (b.lng - a.lng) * k * Math.cos(((a.lat + b.lat) / 2) * k);
  const y = (b.lat - a.lat) * k;
  return Math.hypot(x, y) * 6_371_000;
};

describe('WGS-84 ↔ GCJ-02', () => {
  it('given a point in Beijing, when converted, then it moves by the few hundred metres GCJ-02 basemaps are offset', () => {
    // Tiananmen in WGS-84; its GCJ-02 position (as 高德 shows it) is about 116.4037, 39.9106: some 550 m to the east-north-east.
    const wgs = { lng: 116.397428, lat: 39.90923 };
    const gcj = wgs84ToGcj02(wgs);
    expect(gcj.lng).toBeCloseTo(116.403669, 3);
    expect(gcj.lat).toBeCloseTo(39.910632, 3);
    const shift = metres(wgs, gcj);
    expect(shift).toBeGreaterThan(300);
    expect(shift).toBeLessThan(700);
  });

  it('given the demo city (Jinan area), when converted there and back, then the round trip is within a centimetre', () => {
    for (const p of [{ lng: 117.0, lat: 36.66 }, { lng: 117.12, lat: 36.68 }, { lng: 116.95, lat: 36.6 }]) {
      const back = gcj02ToWgs84(wgs84ToGcj02(p));
      expect(metres(p, back)).toBeLessThan(0.01);
    }
  });

  it('given a point outside mainland China, when converted, then it is unchanged', () => {
    const london = { lng: -0.1276, lat: 51.5072 };
    expect(isInChina(london)).toBe(false);
    expect(wgs84ToGcj02(london)).toEqual(london);
    expect(gcj02ToWgs84(london)).toEqual(london);
  });

  it('given the basemap system, when choosing the display transform, then WGS84 is the identity and GCJ02 converts both ways', () => {
    const p = { lng: 117.0, lat: 36.66 };
    expect(displayTransform('WGS84').toDisplay(p)).toEqual(p);
    const g = displayTransform('GCJ02');
    expect(g.toDisplay(p)).not.toEqual(p);
    expect(metres(g.fromDisplay(g.toDisplay(p)), p)).toBeLessThan(0.01);
  });
});

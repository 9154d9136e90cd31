/**
 * WGS-84 ↔ GCJ-02. The platform stores coordinates as WGS-84 / CGCS2000 (they agree to well under
 * a metre for city work); basemaps published in mainland China under GCJ-02 (高德, 腾讯, 百度's
 * base before its own BD-09 offset) are shifted by a few hundred metres, so vector layers drawn
 * over them are converted for display and taps are converted back before they are stored.
 *
 * The forward transform is the published public-domain approximation of GCJ-02 (Krasovsky 1940
 * ellipsoid parameters; sub-metre against the official one); the inverse has no closed form and is
 * found by fixed-point iteration to below 1e-7°. Outside mainland China no offset applies.
 */
const A = 6378245.0;
const EE = 0.006693421622965943;

export interface LngLat { readonly lng: number; readonly lat: number }

/** Roughly mainland China's bounding box (as the published algorithm uses it). */
export function isInChina({ lng, lat }: LngLat): boolean {
  return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  ret += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  ret += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return ret;
}

function transformLng(x: number, y: number): number {
  let ret = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  ret += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  ret += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return ret;
}

export function wgs84ToGcj02(point: LngLat): LngLat {
  if (!isInChina(point)) return point;
  const { lng, lat } = point;
  let dLat = transformLat(lng - 105, lat - 35);
  let dLng = transformLng(lng - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lng: lng + dLng, lat: lat + dLat };
}

/** The WGS-84 point whose GCJ-02 image is `point` (iterated until the residual is below 1e-7°). */
export function gcj02ToWgs84(point: LngLat): LngLat {
  if (!isInChina(point)) return point;
  let guess = { lng: point.lng, lat: point.lat };
  for (let i = 0; i < 30; i++) {
    const image = wgs84ToGcj02(guess);
    const dLng = point.lng - image.lng;
    const dLat = point.lat - image.lat;
    guess = { lng: guess.lng + dLng, lat: guess.lat + dLat };
    if (Math.abs(dLng) < 1e-7 && Math.abs(dLat) < 1e-7) break;
  }
  return guess;
}

/** The coordinate systems a basemap may use; vector data is WGS-84 and is shown converted. */
export const BASEMAP_COORDINATES = ['WGS84', 'GCJ02'] as const;
export type BasemapCoordinates = (typeof BASEMAP_COORDINATES)[number];

/** A function taking stored (WGS-84) points to the basemap's system, and its inverse. */
export function displayTransform(system: BasemapCoordinates): { toDisplay: (p: LngLat) => LngLat; fromDisplay: (p: LngLat) => LngLat } {
  return system === 'GCJ02' ? { toDisplay: wgs84ToGcj02, fromDisplay: gcj02ToWgs84 } : { toDisplay: (p) => p, fromDisplay: (p) => p };
}

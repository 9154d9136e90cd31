/** GeoJSON polygons in WGS-84/CGCS2000 longitude/latitude (the storage convention). */
import { z } from 'zod';

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

const ring = z.array(position).min(4).refine((r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1], { message: '#validation.polygon' });

export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(ring).min(1).max(100),
});
export type Polygon = z.infer<typeof polygonSchema>;

export function bboxOf(polygon: Polygon): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of polygon.coordinates[0]) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Ray casting on the outer ring minus holes; used to resolve a point to its unit grid. */
export function pointInPolygon([x, y]: [number, number], polygon: Polygon): boolean {
  const inside = (r: [number, number][]) => {
    let hit = false;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i];
      const [xj, yj] = r[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  };
  const [outer, ...holes] = polygon.coordinates;
  return inside(outer) && !holes.some(inside);
}

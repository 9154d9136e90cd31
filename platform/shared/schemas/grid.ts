/** Unit grids (单元网格, GB/T 30428.1): input and output schemas. */
import { z } from 'zod';
import { codeSchema, idSchema, nameSchema, searchText } from './common.ts';
import { polygonSchema } from './geo.ts';

export const gridInput = z.object({
  orgId: idSchema,
  code: codeSchema,
  name: nameSchema,
  geometry: polygonSchema,
});
export type GridInput = z.infer<typeof gridInput>;

export const gridPatch = gridInput.partial();
export type GridPatch = z.infer<typeof gridPatch>;

export const gridQuery = z.object({
  orgId: idSchema.optional(),
  q: searchText,
});
export type GridQuery = z.input<typeof gridQuery>;

/** Query strings arrive as text; '' must not silently become 0 (a point off the coast of Africa). */
const coordinate = (min: number, max: number) => z.string().trim().min(1).transform(Number).pipe(z.number().min(min).max(max));

export const gridResolveQuery = z.object({
  lng: coordinate(-180, 180),
  lat: coordinate(-90, 90),
});

export const gridOutput = z.object({
  id: z.string(),
  orgId: z.string(),
  code: z.string(),
  name: z.string(),
  geometry: polygonSchema,
  /** [minLng, minLat, maxLng, maxLat] */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type GridOutput = z.infer<typeof gridOutput>;

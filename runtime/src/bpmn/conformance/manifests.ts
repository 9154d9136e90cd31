/**
 * Schemas of the two expectation manifests in corpora/bpmn-exec (betsy-expected.json,
 * token-simulation-expected.json). They are external input, so they are validated before a test
 * trusts them.
 */
import { z } from 'zod';

export const betsyCaseSchema = z.object({
  input: z.string().nullable(),
  integerVariable: z.number().int(),
  expectedTrace: z.array(z.string()),
  delayMs: z.number().int().nonnegative(),
  parallelProcess: z.boolean(),
  source: z.enum(['betsy', 'derived']),
  completes: z.boolean().optional(),
  note: z.string().optional(),
});
export type BetsyCase = z.infer<typeof betsyCaseSchema>;

export const betsyManifestSchema = z.object({
  tests: z.record(
    z.string(),
    z.object({
      name: z.string(),
      description: z.string(),
      file: z.string().regex(/^betsy\/.+\.bpmn$/),
      cases: z.array(betsyCaseSchema).min(1),
    }),
  ),
});
export type BetsyManifest = z.infer<typeof betsyManifestSchema>;

const stepSchema = z.union([
  z.tuple([z.literal('trigger'), z.string()]),
  z.tuple([z.literal('trigger'), z.string(), z.string()]),
  z.tuple([z.literal('setConfig'), z.string(), z.object({ activeOutgoing: z.array(z.string()) })]),
  z.tuple([z.literal('waitAtElement'), z.string()]),
  z.tuple([z.literal('expect'), z.string()]),
]);
export type SimulationStep = z.infer<typeof stepSchema>;

export const tokenSimulationManifestSchema = z.object({
  tests: z.array(
    z.object({
      name: z.string(),
      model: z.string().regex(/^token-simulation\/.+\.bpmn$/),
      expected: z.array(z.string()).min(1),
      steps: z.array(stepSchema).min(1),
      description: z.string(),
    }),
  ),
});
export type TokenSimulationManifest = z.infer<typeof tokenSimulationManifestSchema>;
export type TokenSimulationTest = TokenSimulationManifest['tests'][number];

/** A simulator trace file: `<event>:<elementId>:<scopeId>` strings. */
export const simulatorTraceSchema = z.array(z.string().regex(/^(createScope|signal|enter|exit|destroyScope):[^:]+:[^:]+$/));

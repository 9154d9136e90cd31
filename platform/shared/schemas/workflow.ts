/** Inputs and outputs of the workflow API (process instances and tasks). */
import { z } from 'zod';
import { codeSchema, idSchema } from './common.ts';

const MAX_VARIABLES_BYTES = 256 * 1024;

/** Process variables: a JSON object with bounded size and plain names. */
export const variablesSchema = z.record(
  z.string().min(1).max(100).regex(/^[\p{L}_$][\p{L}\p{N}_$]*$/u, { message: '#validation.variableName' }),
  z.json(),
).refine((v) => JSON.stringify(v).length <= MAX_VARIABLES_BYTES, { message: '#validation.contentTooLarge' });

export const startInstanceInput = z.object({
  processKey: codeSchema,
  variables: variablesSchema.default({}),
  businessKey: z.string().trim().min(1).max(100).optional(),
});
export type StartInstanceInput = z.input<typeof startInstanceInput>;

/** A message (correlated to the oldest instance waiting for it, else starting a process) or a signal (broadcast). */
export const eventInput = z.object({
  /** As in the model's `<message name>` / `<signal name>`: letters, digits and `_ . : -`, e.g. `hotline.report`. */
  name: z.string().trim().min(1).max(200).regex(/^[\p{L}\p{N}_.:-]+$/u, { message: '#validation.eventName' }),
  variables: variablesSchema.default({}),
});
export type EventInput = z.input<typeof eventInput>;

export const eventOutput = z.object({
  /** Instances that were waiting and heard it, and instances it started, in order. */
  routed: z.array(z.object({ instanceId: z.string(), how: z.enum(['delivered', 'started']) })),
});
export type EventOutput = z.infer<typeof eventOutput>;

export const completeTaskInput = z.object({
  variables: variablesSchema.optional(),
  /** Submission of the task's form; re-validated against the form version pinned on the task. */
  formData: z.record(z.string(), z.unknown()).optional(),
  /** The handler's opinion (处理意见). */
  comment: z.string().trim().max(2000).optional(),
  /** Photos after handling (处置后), linked to the task's case. */
  attachmentIds: z.array(idSchema).max(20).optional(),
});
export type CompleteTaskInput = z.input<typeof completeTaskInput>;

export const taskQuery = z.object({
  /** mine = assigned to me; candidate = open tasks I may claim; done = completed by me (已办); all = process administrators. */
  view: z.enum(['mine', 'candidate', 'inbox', 'done', 'all']).default('inbox'),
  instanceId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TaskQuery = z.input<typeof taskQuery>;

export const taskOutput = z.object({
  id: z.string(), instanceId: z.string(), elementId: z.string(), activityId: z.string().nullable(), name: z.string().nullable(), status: z.string(),
  assigneeId: z.string().nullable(), candidateRoles: z.array(z.string()), candidatePositions: z.array(z.string()), candidateOrgIds: z.array(z.string()),
  formKey: z.string().nullable(), formDefinitionId: z.string().nullable(), dueAt: z.string().nullable(), overdue: z.boolean(),
  escalateTo: z.string().nullable().describe('tg:escalateTo: the role or position told once the task is overdue'), escalatedAt: z.string().nullable().describe('When they were told'),
  processKey: z.string(), businessKey: z.string().nullable(),
  variables: z.record(z.string(), z.unknown()), createdAt: z.string(), completedAt: z.string().nullable(), completedBy: z.string().nullable(),
  comment: z.string().nullable(),
});
export type TaskOutput = z.infer<typeof taskOutput>;

export const instanceOutput = z.object({
  id: z.string(), processKey: z.string(), definitionId: z.string(), definitionVersion: z.number(), businessKey: z.string().nullable(),
  status: z.string(), variables: z.record(z.string(), z.unknown()), startedAt: z.string(), endedAt: z.string().nullable(), startedBy: z.string().nullable(),
  parentInstanceId: z.string().nullable(),
  activities: z.array(z.object({
    id: z.string(), elementId: z.string(), elementKind: z.string(), startedAt: z.string(), endedAt: z.string().nullable(), outcome: z.string().nullable(),
  })),
  tasks: z.array(taskOutput),
});
export type InstanceOutput = z.infer<typeof instanceOutput>;

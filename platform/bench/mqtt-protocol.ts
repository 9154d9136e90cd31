/** What mqtt.ts hands the publisher process (a file: 10,000 tokens) and what the publisher reports back over IPC. */
import { z } from 'zod';

export const fleetFile = z.object({
  tenantCode: z.string().min(1),
  prefix: z.string().min(1),
  devices: z.array(z.object({ code: z.string().min(1), token: z.string().min(1) })).min(1),
  /** Codes of the devices that send one alarm probe each (a subset of `devices`). */
  probes: z.array(z.string().min(1)),
});
export type FleetFile = z.infer<typeof fleetFile>;

const ms = z.number().nonnegative().nullable();

export const publisherReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connected'), devices: z.number().int(), seconds: z.number() }),
  z.object({ type: z.literal('measuring') }),
  z.object({ type: z.literal('measured') }),
  z.object({
    type: z.literal('result'),
    /** Messages written and acknowledged over the whole run (warm-up, window, drain). */
    sent: z.number().int(), acked: z.number().int(),
    /** Written during the window; acknowledgements received during it. */
    windowSent: z.number().int(), windowAcked: z.number().int(), seconds: z.number(),
    /** Messages the schedule owed but could not send (every device's window full, or the 50 ms cap). */
    heldBack: z.number().int(),
    refused: z.number().int(), closed: z.number().int(), socketErrors: z.number().int(), unexpected: z.number().int(),
    /** In flight when sending stopped; never acknowledged within the drain time (or lost with a closed connection). */
    unackedAtEnd: z.number().int(), neverAcked: z.number().int(),
    /** Send → PUBACK of the messages sent during the window. */
    pubackMs: z.object({ p50: ms, p99: ms, max: ms }),
    /** Each second of the window: acknowledgements received, and the slowest of them (send → PUBACK, ms). */
    perSecond: z.array(z.object({ acked: z.number().int(), slowestMs: z.number() })),
    /** The publisher's own CPU time during the window, µs. */
    cpuUs: z.number().nullable(),
    /** Each probe's epoch ms send time (its reading's `ts`); null when its device had lost its connection. */
    probes: z.array(z.object({ code: z.string(), sentAt: z.number().nullable() })),
  }),
  z.object({ type: z.literal('failed'), message: z.string(), refused: z.number().int() }),
]);
export type PublisherEvent = z.infer<typeof publisherReport>;

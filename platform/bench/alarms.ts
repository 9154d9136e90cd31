/**
 * `npm run bench:alarms` (part of `npm run bench`): alarm evaluation, in process, no database.
 *
 * 100 threshold rules (`lel >= 25`, `pressure < 0.14`, 1–3 severity levels each, over the metrics
 * of five seeded device types; about a third also carry a duration level and a third an offline
 * level) meet 100,000 readings of 200 random devices of those types (deterministic PRNG). Ours is
 * the runtime evaluator as the platform runs it: rules picked through the platform's own index
 * (`TenantAlarmRules` from server/alarms/rules.server.ts — its constructor and environments need
 * no database), each compiled once per rule × type and folded in place (`foldReading`) into a
 * state per rule × device kept in memory, as the alarm store folds the states of a batch. Beside it, in the same process, json-rules-engine 7.3.1
 * with the same rules, stateless (simple levels only: see alarms-peer.ts), one `engine.run` per
 * message. Rounds are interleaved (ours 100 rules, json-rules-engine, ours 1,000 rules) and
 * figures are medians.
 *
 * Then: a differential check — the stateless projection of the 100 rules (simple levels only,
 * each (message, rule) evaluated from no state) must fire exactly the (message, rule, severity)
 * set json-rules-engine fires; the run exits non-zero otherwise. And 1,000 rules of which the
 * same 100 apply to the messages' device types (900 watch the 17 other seeded types): our
 * throughput must stay ≥ 50 % of the 100-rule figure. Never fails on a missed target.
 *
 * Knobs: BENCH_MESSAGES (100000), BENCH_PEER_MESSAGES (messages json-rules-engine runs per
 * round: the first of the same messages; 20000), BENCH_ROUNDS (5).
 */
import type { AlarmEvent, AlarmReading, AlarmState } from '@tongguan/runtime/alarms/evaluator';
import { adoptAlarmState, evaluateReading, foldReading } from '@tongguan/runtime/alarms/evaluator';
import type { Diagnostic } from '@tongguan/runtime/expr/index';
import { z } from 'zod';
import { TenantAlarmRules, type IndexedRule } from '../server/alarms/rules.server.ts';
import { peerEngine, peerFacts, runPeer } from './alarms-peer.ts';
import {
  MESSAGE_TYPES, loadDeviceTypes, makeDevices, makeMessages, makeRules, median, rate, table,
  type BenchMessage, type BenchRule, type DeviceTypes,
} from './alarms-workload.ts';

const env = z.object({
  BENCH_MESSAGES: z.coerce.number().int().min(1000).default(100_000),
  BENCH_PEER_MESSAGES: z.coerce.number().int().min(100).optional(),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(5),
}).parse(process.env);
// json-rules-engine runs ≈ 1,200 msgs/s here: 100,000 per round would take 80 s, so it runs the first 20,000 by default.
const PEER_MESSAGES = Math.min(env.BENCH_PEER_MESSAGES ?? 20_000, env.BENCH_MESSAGES);

const TARGETS = { vsPeer: 100, scaled: 0.5 };
const START_TS = Date.parse('2026-03-02T00:00:00Z');

/** The platform's index of a city's rules, built by its own class (no facilities: device scopes only). */
function indexOf(types: DeviceTypes, rules: readonly BenchRule[], stateless = false): TenantAlarmRules {
  const indexed: IndexedRule[] = rules.map((rule, i) => {
    const content = stateless ? rule.stateless : rule.content;
    const offline = content.levels.flatMap((l) => (l.condition.type === 'offline' ? [l.condition.hours] : []));
    return {
      definitionId: `def-${i}`, key: rule.key, version: 1, name: rule.key, content, sourceKind: 'device',
      offlineHours: offline.length ? Math.min(...offline) : null,
    };
  });
  return new TenantAlarmRules(0, indexed, types, new Map(), new Map(), new Map());
}

interface Work { readonly message: BenchMessage; readonly reading: AlarmReading }

interface OursResult { msgsPerSecond: number; evaluations: number; events: number; raises: number; errors: number; states: number }

/**
 * As the platform runs it: rules picked by the AlarmEngine's index (device-type and device
 * rules), each compiled once per rule × type (`TenantAlarmRules.compiled`) and folded in place
 * into a state per rule × device that the caller owns — the store does the same with the states
 * it read back in its transaction. Here the states stay in memory (per device, per rule).
 */
function runOurs(index: TenantAlarmRules, work: readonly Work[]): OursResult {
  // Per device: the states of its type's rules (aligned with `compiledForDeviceType`), then of rules naming the device.
  const states = new Map<string, { byType: (AlarmState | undefined)[]; byDevice: Map<IndexedRule, AlarmState> }>();
  const events: AlarmEvent[] = [];
  const errors: { path: string; diagnostic: Diagnostic }[] = [];
  let evaluations = 0;
  let eventCount = 0;
  let raises = 0;
  let stateCount = 0;
  const began = process.hrtime.bigint();
  for (const { message, reading } of work) {
    let held = states.get(message.deviceCode);
    if (held === undefined) states.set(message.deviceCode, (held = { byType: [], byDevice: new Map() }));
    const typeRules = index.compiledForDeviceType(message.typeKey);
    for (let i = 0; i < typeRules.length; i++) {
      const { rule, compiled } = typeRules[i]!;
      let state = held.byType[i];
      if (state === undefined) {
        held.byType[i] = state = adoptAlarmState(rule.content, null);
        stateCount++;
      }
      foldReading(compiled, state, reading, events, errors);
      evaluations++;
    }
    for (const rule of index.byDevice.get(message.deviceCode) ?? []) {
      const compiled = index.compiled(rule, message.typeKey);
      if (compiled === null) continue;
      let state = held.byDevice.get(rule);
      if (state === undefined) {
        held.byDevice.set(rule, (state = adoptAlarmState(rule.content, null)));
        stateCount++;
      }
      foldReading(compiled, state, reading, events, errors);
      evaluations++;
    }
    if (events.length) {
      eventCount += events.length;
      for (const e of events) if (e.type === 'raise') raises++;
      events.length = 0;
    }
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { msgsPerSecond: work.length / seconds, evaluations, events: eventCount, raises, errors: errors.length, states: stateCount };
}

/** Ours on the stateless projection, every (message, rule) from no state: the fired (index, rule, severity). */
function oursStateless(index: TenantAlarmRules, work: readonly Work[]): Set<string> {
  const fired = new Set<string>();
  work.forEach(({ message, reading }, i) => {
    for (const rule of index.byDeviceType.get(message.typeKey) ?? []) {
      const environment = index.environment(rule, message.typeKey)!;
      for (const e of evaluateReading(rule.content, null, reading, { environment }).events) {
        if (e.type === 'raise') fired.add(`${i}|${rule.key}|${e.severity}`);
      }
    }
  });
  return fired;
}

async function main(): Promise<void> {
  const types = loadDeviceTypes();
  const otherTypes = [...types.keys()].filter((k) => !(MESSAGE_TYPES as readonly string[]).includes(k));
  const rules = makeRules(types, MESSAGE_TYPES, 100, 'alarm', 1, { stateful: true });
  const others = makeRules(types, otherTypes, 900, 'other', 2, { stateful: true });
  const devices = makeDevices(MESSAGE_TYPES, 40);
  const messages = makeMessages(types, devices, env.BENCH_MESSAGES, START_TS, 1000, 3);
  const work: Work[] = messages.map((message) => ({ message, reading: { ts: message.ts, values: message.values, attributes: {}, threshold: {} } }));
  const index100 = indexOf(types, rules);
  const index1000 = indexOf(types, [...rules, ...others]);
  const statelessIndex = indexOf(types, rules, true);
  const peer = peerEngine(rules);
  const facts = peerFacts(messages.slice(0, PEER_MESSAGES));

  const levels = rules.flatMap((r) => r.content.levels);
  const count = (type: string) => levels.filter((l) => l.condition.type === type).length;
  console.log(`Alarm evaluation: ${rules.length} rules over ${MESSAGE_TYPES.length} device types (${count('simple')} simple, ${count('duration')} duration, ${count('offline')} offline levels), ${devices.length} devices, ${rate(messages.length)} messages`);
  console.log(`json-rules-engine 7.3.1 gets the ${count('simple')} simple levels (stateless) of the same rules and the first ${rate(PEER_MESSAGES)} messages; ${env.BENCH_ROUNDS} rounds, interleaved, warm-up first.`);

  // Warm-up (JIT, compile caches, environments).
  runOurs(index100, work.slice(0, 10_000));
  runOurs(index1000, work.slice(0, 10_000));
  await runPeer(peer, facts.slice(0, Math.min(2000, facts.length)));

  const ours100: OursResult[] = [];
  const ours1000: OursResult[] = [];
  const peerRates: number[] = [];
  let peerEvents = 0;
  for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
    const a = runOurs(index100, work);
    ours100.push(a);
    console.log(`  round ${round}  ours, 100 rules (stateful)        ${rate(a.msgsPerSecond).padStart(10)} msgs/s  ${rate(a.evaluations)} rule evaluations, ${rate(a.events)} events, ${rate(a.states)} states`);
    const began = process.hrtime.bigint();
    peerEvents = (await runPeer(peer, facts)).events;
    const peerRate = facts.length / (Number(process.hrtime.bigint() - began) / 1e9);
    peerRates.push(peerRate);
    console.log(`  round ${round}  json-rules-engine, 100 rules       ${rate(peerRate).padStart(10)} msgs/s  ${rate(peerEvents)} events`);
    const b = runOurs(index1000, work);
    ours1000.push(b);
    console.log(`  round ${round}  ours, 1,000 rules (100 applicable) ${rate(b.msgsPerSecond).padStart(10)} msgs/s  ${rate(b.evaluations)} rule evaluations, ${rate(b.events)} events`);
  }

  const errors = [...ours100, ...ours1000].reduce((n, r) => n + r.errors, 0);
  const o100 = median(ours100.map((r) => r.msgsPerSecond));
  const o1000 = median(ours1000.map((r) => r.msgsPerSecond));
  const jre = median(peerRates);
  const vsPeer = o100 / jre;
  const scaled = o1000 / o100;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log(`\n${table([
    ['engine', 'rules', 'state', 'msgs/s (median)', 'µs/msg', 'events/round', 'ratio', 'target', 'verdict'],
    ['Tongguan evaluator', '100', 'duration+offline, Map', rate(o100), (1e6 / o100).toFixed(2), rate(ours100[0]!.events), `${vsPeer.toFixed(1)}× JRE`, `≥ ${TARGETS.vsPeer}×`, verdict(vsPeer >= TARGETS.vsPeer)],
    ['json-rules-engine 7.3.1', '100', 'none (simple levels)', rate(jre), (1e6 / jre).toFixed(2), rate(peerEvents), '1.0×', '', ''],
    ['Tongguan evaluator', '1,000 (100 apply)', 'duration+offline, Map', rate(o1000), (1e6 / o1000).toFixed(2), rate(ours1000[0]!.events), `${(scaled * 100).toFixed(0)} % of 100`, '≥ 50 %', verdict(scaled >= TARGETS.scaled)],
  ])}`);
  if (errors) console.log(`Expression errors during evaluation: ${errors}`);

  // Differential check on the stateless projection.
  const theirs = new Set<string>();
  await runPeer(peer, facts, theirs);
  const ours = oursStateless(statelessIndex, work.slice(0, PEER_MESSAGES));
  const onlyOurs = [...ours].filter((k) => !theirs.has(k));
  const onlyTheirs = [...theirs].filter((k) => !ours.has(k));
  const describe = (k: string) => {
    const [i, key, severity] = k.split('|');
    const rule = rules.find((r) => r.key === key)!;
    return `message ${i} (${messages[Number(i)]!.deviceCode} ${JSON.stringify(messages[Number(i)]!.values)}) rule ${key} [${rule.stateless.levels.map((l) => `${l.severity}: ${l.condition.type === 'simple' ? l.condition.expr : ''}`).join('; ')}] severity ${severity}`;
  };
  console.log(`\nDifferential check (${rate(PEER_MESSAGES)} messages × the stateless projection, (message, rule, severity) fired): ours ${rate(ours.size)}, json-rules-engine ${rate(theirs.size)} —`
    + ` ${onlyOurs.length || onlyTheirs.length ? 'DIFFERENT' : 'identical'}`);
  for (const k of onlyOurs.slice(0, 5)) console.log(`  only ours:              ${describe(k)}`);
  for (const k of onlyTheirs.slice(0, 5)) console.log(`  only json-rules-engine: ${describe(k)}`);
  console.log(`\nTargets: ≥ ${TARGETS.vsPeer}× json-rules-engine's msgs/s with duration and offline tracking on; with 1,000 rules (10 % applicable) ≥ ${TARGETS.scaled * 100} % of the 100-rule figure. Not a CI gate: a MISS never fails the run; a differential mismatch does.`);
  if (onlyOurs.length || onlyTheirs.length || errors) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

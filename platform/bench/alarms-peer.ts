/**
 * The alarm benchmark's peer: json-rules-engine 7.3.1 with the same rules, stateless (it has no
 * notion of "for 10 minutes" or "no data for 72 h", so only the simple levels are given to it).
 * One Engine holds every rule; one rule per alarm rule:
 *   all: [ deviceType == scope (priority 10, so other types' rules stop there),
 *          any: [ one comparison per simple level ] ]
 * and a run's facts are the reading's values plus `deviceType`. The severity fired is the most
 * severe level whose comparison held (read from the rule result's condition tree; the levels of
 * one `any` share a priority, so json-rules-engine evaluates all of them).
 */
import { Engine, type RuleProperties, type RuleResult } from 'json-rules-engine';
import type { BenchMessage, BenchRule } from './alarms-workload.ts';

const OPERATORS: Readonly<Record<string, string>> = { '>=': 'greaterThanInclusive', '>': 'greaterThan', '<=': 'lessThanInclusive', '<': 'lessThan' };
const SIMPLE = /^([A-Za-z][A-Za-z0-9_]*) (>=|>|<=|<) (-?[0-9.]+)$/;

export interface PeerEngine {
  readonly engine: Engine;
  /** Rule key → severity of each level in its `any`, in order. */
  readonly severities: ReadonlyMap<string, readonly number[]>;
}

export function peerEngine(rules: readonly BenchRule[]): PeerEngine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  const severities = new Map<string, number[]>();
  for (const rule of rules) {
    const { scope, levels } = rule.stateless;
    const any: { fact: string; operator: string; value: number }[] = levels.map((level) => {
      if (level.condition.type !== 'simple') throw new Error(`${rule.key}: only simple levels go to json-rules-engine`);
      const match = SIMPLE.exec(level.condition.expr);
      if (!match) throw new Error(`${rule.key}: cannot translate ${level.condition.expr}`);
      return { fact: match[1]!, operator: OPERATORS[match[2]!]!, value: Number(match[3]) };
    });
    const properties: RuleProperties = {
      name: rule.key,
      conditions: { all: [{ fact: 'deviceType', operator: 'equal', value: scope.key, priority: 10 }, { any, priority: 1 }] },
      event: { type: 'alarm', params: { rule: rule.key } },
    };
    engine.addRule(properties);
    severities.set(rule.key, levels.map((l) => l.severity));
  }
  return { engine, severities };
}

export type PeerFacts = Record<string, number | string>;

export const peerFacts = (messages: readonly BenchMessage[]): PeerFacts[] => messages.map((m) => ({ deviceType: m.typeKey, ...m.values }));

/** The most severe level that held in a successful rule result. */
function severityOf(peer: PeerEngine, result: RuleResult): number {
  const severities = peer.severities.get(String(result.name))!;
  const top = result.conditions as unknown as { all: [unknown, { any: { result?: boolean }[] }] };
  let best = Infinity;
  top.all[1].any.forEach((c, i) => { if (c.result === true) best = Math.min(best, severities[i]!); });
  return best;
}

/**
 * Runs every message through the engine, one `engine.run` after the other. With `fired`, records
 * `index|rule|severity` of every rule that fired (for the differential check).
 */
export async function runPeer(peer: PeerEngine, facts: readonly PeerFacts[], fired?: Set<string>): Promise<{ events: number }> {
  let events = 0;
  for (let i = 0; i < facts.length; i++) {
    const result = await peer.engine.run(facts[i]);
    events += result.events.length;
    if (fired) for (const r of result.results) fired.add(`${i}|${String(r.name)}|${severityOf(peer, r)}`);
  }
  return { events };
}

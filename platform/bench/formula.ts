/**
 * `npm run bench:formula` (part of `npm run bench`): one indicator formula compiled once and
 * evaluated 1,000,000 times by the platform's expression language, side by side with mathjs and
 * expr-eval compiling the same text. Inputs cycle through 1,024 variable sets, a tenth of them
 * with a zero denominator: the platform gives "no data" (null) there, the peers Infinity or NaN —
 * the table counts both. Rounds are interleaved and figures are medians. Never fails on a miss.
 *
 * Knobs: BENCH_EVALS (1000000), BENCH_ROUNDS (3).
 */
import { z } from 'zod';
import { compile, createEnvironment, t } from '@tongguan/runtime/expr/index';
import { compile as mathCompile } from 'mathjs';
import { Parser } from 'expr-eval';

const env = z.object({
  BENCH_EVALS: z.coerce.number().int().min(1000).default(1_000_000),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(3),
}).parse(process.env);

const FORMULA = '(online + maintenance) / connected * 100';
const TARGET = 5;

type Scope = { online: number; maintenance: number; connected: number };
const scopes: Scope[] = Array.from({ length: 1024 }, (_, i) => ({
  online: (i * 37) % 500, maintenance: (i * 11) % 20, connected: i % 10 === 0 ? 0 : 400 + (i % 200),
}));

type Evaluate = (scope: Scope) => unknown;

const platform = compile(FORMULA, { environment: createEnvironment({ variables: { online: t.number, maintenance: t.number, connected: t.number } }), expectedType: t.number });
const mathjs = mathCompile(FORMULA);
const exprEval = new Parser().parse(FORMULA);
const exprEvalJs = exprEval.toJSFunction('online,maintenance,connected') as (a: number, b: number, c: number) => number;

const engines: { name: string; run: Evaluate }[] = [
  { name: 'Tongguan expression language', run: (s) => platform.evaluate(s) },
  { name: 'mathjs 15 (compile → evaluate)', run: (s) => mathjs.evaluate(s) },
  { name: 'expr-eval 2 (parse → evaluate)', run: (s) => exprEval.evaluate(s as unknown as Record<string, number>) },
  { name: 'expr-eval 2 (toJSFunction)', run: (s) => exprEvalJs(s.online, s.maintenance, s.connected) },
];

function measure(run: Evaluate): { evalsPerSecond: number; noData: number; nonFinite: number } {
  let noData = 0;
  let nonFinite = 0;
  let sink = 0;
  const began = process.hrtime.bigint();
  for (let i = 0; i < env.BENCH_EVALS; i++) {
    const value = run(scopes[i & 1023]!);
    if (value === null || value === undefined) noData++;
    else if (typeof value === 'number' && !Number.isFinite(value)) nonFinite++;
    else sink += value as number;
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  if (sink === -1) console.log('');
  return { evalsPerSecond: env.BENCH_EVALS / seconds, noData, nonFinite };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`Formula: ${FORMULA}  (${env.BENCH_EVALS.toLocaleString('en')} evaluations × ${env.BENCH_ROUNDS} rounds, interleaved; warm-up first)`);
for (const engine of engines) measure(engine.run);
const results = new Map(engines.map((e) => [e.name, [] as ReturnType<typeof measure>[]]));
for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
  for (const engine of engines) {
    const result = measure(engine.run);
    results.get(engine.name)!.push(result);
    console.log(`  round ${round}  ${engine.name.padEnd(32)} ${Math.round(result.evalsPerSecond).toLocaleString('en').padStart(12)} evals/s`);
  }
}
const mathjsRate = median(results.get(engines[1]!.name)!.map((r) => r.evalsPerSecond));
console.log('\nengine                            evals/s (median)   vs mathjs   no data (null)   NaN/Infinity');
for (const engine of engines) {
  const runs = results.get(engine.name)!;
  const rate = median(runs.map((r) => r.evalsPerSecond));
  console.log(`${engine.name.padEnd(32)} ${Math.round(rate).toLocaleString('en').padStart(16)}   ${(rate / mathjsRate).toFixed(2).padStart(8)}×   ${String(runs[0]!.noData).padStart(14)}   ${String(runs[0]!.nonFinite).padStart(12)}`);
}
const ratio = median(results.get(engines[0]!.name)!.map((r) => r.evalsPerSecond)) / mathjsRate;
console.log(`\nTarget: ≥ ${TARGET}× mathjs with null-safe KPI semantics (a zero denominator is no data, never NaN/Infinity) — ${ratio >= TARGET ? 'PASS' : 'MISS'} (${ratio.toFixed(2)}×). Not a CI gate.`);

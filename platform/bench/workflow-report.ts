/** The workflow benchmark's tables: both engines' figures side by side, ratios, target verdicts. */
import { STEPS_PER_INSTANCE, type Workload } from './workflow-models.ts';

export interface Comparison {
  workload: Workload;
  name: string;
  instancesPerSecond: number;
  cpuPerStepUs: number;
  peerInstancesPerSecond: number;
  peerCpuPerStepUs: number;
  /** Required ratio to bpmn-engine; undefined: reported without a target. */
  target?: number;
}

export interface LatencyRow {
  name: string;
  offered: number;
  achieved: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  target?: number;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

export function throughputTable(comparisons: Comparison[]): string {
  const rows = [[
    'model', 'platform', 'instances/s', 'steps/s', 'CPU µs/step', 'bpmn-engine inst/s', 'steps/s', 'CPU µs/step', 'ratio', 'target', 'verdict',
  ]];
  for (const c of comparisons) {
    const ratio = c.instancesPerSecond / c.peerInstancesPerSecond;
    rows.push([
      c.workload, c.name, c.instancesPerSecond.toFixed(0), (c.instancesPerSecond * STEPS_PER_INSTANCE).toFixed(0), c.cpuPerStepUs.toFixed(0),
      c.peerInstancesPerSecond.toFixed(0), (c.peerInstancesPerSecond * STEPS_PER_INSTANCE).toFixed(0), c.peerCpuPerStepUs.toFixed(0),
      `${ratio.toFixed(2)}×`, c.target === undefined ? '—' : `≥ ${c.target}×`, c.target === undefined ? '' : verdict(ratio >= c.target),
    ]);
  }
  return table(rows);
}

export function latencyTable(rows: LatencyRow[]): string {
  const out = [['one step (complete task → next wait state committed)', 'platform', 'offered steps/s', 'done steps/s', 'p50 ms', 'p99 ms', 'max ms', 'target', 'verdict']];
  for (const r of rows) {
    out.push([
      'sequential, open loop at 50 % of peak', r.name, r.offered.toFixed(0), r.achieved.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.maxMs.toFixed(1),
      r.target === undefined ? '—' : `p99 ≤ ${r.target} ms`, r.target === undefined ? '' : verdict(r.p99Ms <= r.target),
    ]);
  }
  return table(out);
}

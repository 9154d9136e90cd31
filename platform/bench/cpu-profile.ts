/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the time went: self time by area
 * (a package, a platform file, Node internals, GC) and inclusive time of the platform's own
 * functions, as shares of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs';
import { PLATFORM_DIR } from '../server/http/web-build.server.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(root)']);

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  return path.startsWith(PLATFORM_DIR) ? `platform${path.slice(PLATFORM_DIR.length)}` : path;
}

const labelOf = (frame: ProfileNode['callFrame']) => `${frame.functionName || '(anonymous)'} ${areaOf(frame)}:${frame.lineNumber + 1}`;

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)}%`;

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/**
 * `last`: only the samples of that span, as milliseconds before the profile ended (`from` > `to`),
 * e.g. a benchmark's measured window when the profile stops right after it.
 */
export function summariseProfile(file: string, rows = 15, last?: { fromMs: number; toMs: number }): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // Sample times are microseconds on the profiler's clock, from startTime by the deltas.
  const times: number[] = [];
  profile.timeDeltas.reduce((at, dt, i) => (times[i] = at + dt), profile.startTime);
  const inSpan = (i: number) => !last || (times[i]! >= profile.endTime - last.fromMs * 1000 && times[i]! <= profile.endTime - last.toMs * 1000);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByArea = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveByArea = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || IDLE.has(node.callFrame.functionName) || !inSpan(i)) return;
    busy += dt;
    const area = areaOf(node.callFrame);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + dt);
    const fn = labelOf(node.callFrame);
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
    // Each platform function once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) continue;
      const frameArea = areaOf(frame);
      if (!seen.has(`area:${frameArea}`)) {
        seen.add(`area:${frameArea}`);
        inclusiveByArea.set(frameArea, (inclusiveByArea.get(frameArea) ?? 0) + dt);
      }
      if (!frameArea.startsWith('platform/')) continue;
      const label = labelOf(frame);
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + dt);
    }
  });
  if (!busy) return 'The profile holds no busy samples.';
  const lines = [`CPU profile ${file}: ${(busy / 1000).toFixed(0)} ms busy`, '', 'Self time by area:'];
  for (const [area, t] of top(selfByArea, rows)) lines.push(`  ${pct(t, busy)}  ${area}`);
  lines.push('', 'Inclusive time by area (time with the area anywhere on the stack):');
  for (const [area, t] of top(inclusiveByArea, rows)) lines.push(`  ${pct(t, busy)}  ${area}`);
  lines.push('', 'Self time by function:');
  for (const [label, t] of top(selfByFunction, rows)) lines.push(`  ${pct(t, busy)}  ${label}`);
  lines.push('', 'Inclusive time of platform functions:');
  for (const [label, t] of top(inclusive, rows)) lines.push(`  ${pct(t, busy)}  ${label}`);
  return lines.join('\n');
}

/**
 * The anomalies the demo can inject (issue 5 item 3), each as what it does to a device's metrics
 * over its course: `progress` runs from 0 at injection to 1 at `rampSeconds`, then holds until the
 * anomaly ends and the device returns to normal. Each ends past the threshold of the template's
 * default alarm rule for it (templates/five-domains/monitoring/alarm-rules.json) within a minute,
 * so the demo shows the alarm, its case and the map within seconds.
 */
export const ANOMALY_KINDS = ['gasLeak', 'pipeBurst', 'manholeOpen', 'manholeTilt', 'manholeDisplaced', 'bridgeStrain', 'wasteOdor', 'sewagePh', 'waterlogging', 'crowdDensity'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface AnomalyEffect {
  readonly name: { 'zh-CN': string; en: string };
  /** The metrics it changes; a device must report at least one of them. */
  readonly metrics: readonly string[];
  readonly rampSeconds: number;
  /** The device types it is meant for (the template's alarm rule watches them), when not every type with the metrics. */
  readonly deviceTypes?: readonly string[];
  /** The value of `metric` at `progress`, given its normal value. */
  apply(metric: string, normal: number, progress: number): number;
}

const towards = (normal: number, target: number, progress: number) => normal + (target - normal) * progress;

export const ANOMALIES: Readonly<Record<AnomalyKind, AnomalyEffect>> = {
  gasLeak: { name: { 'zh-CN': '燃气泄漏（可燃气体浓度上升）', en: 'Gas leak (LEL rising)' }, metrics: ['lel'], rampSeconds: 20, apply: (_m, n, p) => towards(n, 45, p) },
  pipeBurst: {
    name: { 'zh-CN': '管道爆管（压力骤降、流量激增）', en: 'Pipe burst (pressure drop, flow surge)' }, metrics: ['pressure', 'inletPressure', 'flow'], rampSeconds: 30, deviceTypes: ['waterPressureMonitor'],
    apply: (m, n, p) => (m === 'flow' ? n * (1 + 2.5 * p) : Math.max(0, n - 0.25 * p)),
  },
  manholeOpen: { name: { 'zh-CN': '井盖开启', en: 'Manhole cover open' }, metrics: ['open'], rampSeconds: 0, apply: () => 1 },
  manholeTilt: { name: { 'zh-CN': '井盖倾斜', en: 'Manhole cover tilted' }, metrics: ['tilt'], rampSeconds: 10, apply: (_m, n, p) => towards(n, 32, p) },
  manholeDisplaced: { name: { 'zh-CN': '井盖移位（丢失）', en: 'Manhole cover displaced (missing)' }, metrics: ['displacement', 'open'], rampSeconds: 10, apply: (m, n, p) => (m === 'open' ? 1 : towards(n, 260, p)) },
  bridgeStrain: { name: { 'zh-CN': '桥梁应变突增', en: 'Bridge strain spike' }, metrics: ['strain', 'deflection'], rampSeconds: 20, apply: (m, n, p) => (m === 'strain' ? towards(n, 1650, p) : n * (1 + 4 * p)) },
  wasteOdor: { name: { 'zh-CN': '垃圾点位臭气（氨、硫化氢超标）', en: 'Waste point odour (NH3, H2S high)' }, metrics: ['nh3', 'h2s'], rampSeconds: 30, apply: (m, n, p) => (m === 'nh3' ? towards(n, 28, p) : towards(n, 8, p)) },
  sewagePh: { name: { 'zh-CN': '污水 pH 异常', en: 'Sewage pH out of range' }, metrics: ['ph'], rampSeconds: 30, apply: (_m, n, p) => towards(n, 3.6, p) },
  waterlogging: { name: { 'zh-CN': '道路积水', en: 'Road waterlogging' }, metrics: ['depth', 'level'], rampSeconds: 60, apply: (m, n, p) => (m === 'depth' ? towards(n, 42, p) : n + 1.2 * p) },
  crowdDensity: { name: { 'zh-CN': '人员密度过高', en: 'Crowd density too high' }, metrics: ['crowdDensity', 'headcount', 'inflowRate'], rampSeconds: 30, apply: (m, n, p) => (m === 'crowdDensity' ? towards(n, 4.2, p) : n * (1 + 2 * p)) },
};

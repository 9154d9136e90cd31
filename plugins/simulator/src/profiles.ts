/**
 * Normal behaviour of each metric the demo device types report: a level, a daily swing (peaking
 * in the afternoon, Beijing time) and noise, within the type's range. Keys are shared across
 * types (`temperature` on a gas detector and a bridge); unknown keys sit low in their range.
 */
export interface MetricProfile {
  readonly base: number;
  /** Half the daily swing. */
  readonly daily?: number;
  /** Standard deviation of the noise. */
  readonly noise: number;
  /** A counter that only grows by about this much per hour. */
  readonly perHour?: number;
}

export const PROFILES: Readonly<Record<string, MetricProfile>> = {
  lel: { base: 1, noise: 0.4 },
  temperature: { base: 16, daily: 6, noise: 0.5 },
  battery: { base: 86, noise: 0.3 },
  pressure: { base: 0.35, daily: 0.03, noise: 0.004 },
  inletPressure: { base: 0.38, noise: 0.005 },
  outletPressure: { base: 2.6, noise: 0.05 },
  flow: { base: 420, daily: 160, noise: 20 },
  velocity: { base: 0.9, daily: 0.3, noise: 0.05 },
  totalFlow: { base: 1_250_000, noise: 0, perHour: 420 },
  noiseLevel: { base: 28, noise: 2 },
  noiseFrequency: { base: 600, noise: 40 },
  level: { base: 0.6, daily: 0.15, noise: 0.02 },
  depth: { base: 0, noise: 0 },
  open: { base: 0, noise: 0 },
  tilt: { base: 0.6, noise: 0.15 },
  displacement: { base: 1, noise: 0.3 },
  ph: { base: 7.3, noise: 0.08 },
  orp: { base: -120, noise: 12 },
  conductivity: { base: 900, noise: 30 },
  turbidity: { base: 60, noise: 6 },
  cod: { base: 260, noise: 15 },
  nh3n: { base: 28, noise: 2 },
  nh3: { base: 0.6, daily: 0.3, noise: 0.1 },
  h2s: { base: 0.05, daily: 0.02, noise: 0.01 },
  tvoc: { base: 0.3, noise: 0.05 },
  hcho: { base: 0.03, noise: 0.005 },
  co2: { base: 520, daily: 60, noise: 15 },
  pm25: { base: 38, daily: 12, noise: 4 },
  pm10: { base: 70, daily: 20, noise: 6 },
  fillLevel: { base: 45, daily: 25, noise: 3 },
  leachateLevel: { base: 0.8, noise: 0.03 },
  settlement: { base: 1.5, noise: 0.1 },
  soilMoisture: { base: 32, noise: 0.8 },
  strain: { base: 120, daily: 40, noise: 8 },
  deflection: { base: 3, daily: 1.5, noise: 0.3 },
  crack: { base: 0.12, noise: 0.005 },
  bearingDisplacement: { base: 2, daily: 1, noise: 0.2 },
  vibration: { base: 40, daily: 20, noise: 6 },
  frequency: { base: 2.4, noise: 0.02 },
  vehicleCount: { base: 260, daily: 180, noise: 20 },
  overweightCount: { base: 1, noise: 0.5 },
  maxGrossWeight: { base: 42, daily: 8, noise: 3 },
  crownSettlement: { base: 2, noise: 0.1 },
  cumulativeSettlement: { base: 6, noise: 0.2 },
  soilPressure: { base: 380, noise: 5 },
  waterPressure: { base: 120, noise: 3 },
  concreteStress: { base: 8, noise: 0.3 },
  humidity: { base: 62, daily: 8, noise: 1.5 },
  occupancy: { base: 0, noise: 0 },
  waterTankLevel: { base: 88, noise: 0.5 },
  co: { base: 2, noise: 0.5 },
  o2: { base: 20.9, noise: 0.05 },
  headcount: { base: 1800, daily: 1400, noise: 80 },
  crowdDensity: { base: 0.6, daily: 0.4, noise: 0.05 },
  inflowRate: { base: 120, daily: 90, noise: 10 },
};

/** Flags that are normally true (power and water available); all other flags are normally false. */
export const FLAGS_NORMALLY_ON: ReadonlySet<string> = new Set(['powerAvailable', 'waterAvailable', 'compressorOn', 'deodorizerOn', 'photocatalysisOn']);

/** A small fast PRNG (mulberry32): the same seed gives the same readings. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normally distributed noise from a uniform source (Box–Muller). */
export function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

export const hashCode = (text: string): number => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
};

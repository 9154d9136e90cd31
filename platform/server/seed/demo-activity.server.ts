/**
 * 示范市的运行记录 (demo mode): right after the demo city is seeded, five weeks of the city's life
 * are played through the platform's own services, so that every third-level indicator of 000
 * table 5.1.5 and the 11 case-handling performance indicators (6-1-x) has a value — for the city
 * and each district, this period and the one before — that traces back to data:
 *
 * - 平台上报: each reported indicator's numbers per district (the district's staff) and for the city
 *   (the command centre, the sum of the districts'), submitted and approved by the administrator
 *   (`submitReport`, `reviewReport`: range checks, the indicator's checks, separation of duties).
 * - 实地考察: evaluation grids drawn for each inspection indicator (`sampleInspections`) and each task
 *   recorded on the spot by its inspector (`submitInspection`), 3–5 points inside the grid, most
 *   checklist answers yes.
 * - 案件: 12–13 cases a month through the city's case process, as people would drive them
 *   (`createCase`, `completeTask`): registered or voided, dispatched or parked, handled on time,
 *   returned, extended, reworked, overdue and supervised (the process's own timer), closed.
 * - 监测: every active device reports each metric of its type every 2 hours (the simulator plugin's
 *   normal levels, well inside the alarm rules), the latest a few minutes ago, through the one
 *   telemetry pipeline (alarm rules judge every reading); bridge strain spikes raise the template
 *   rule's alarms, which people acknowledge, resolve and close — one is left open; the hourly and
 *   daily rollups are then built by the platform's rollup job.
 * - 登记: two facilities the demo registry lacks for a district value (a drainage hazard point in
 *   高新区, a sewage station with its analyser in 东湖区), registered through the facility service.
 *
 * Past events run through a second App on the same database whose clock this module moves
 * (`createApp` starts nothing in the background): events of all kinds are played in time order,
 * the process timers (overdue → 督办) firing when they fall due, so times, deadlines in working
 * hours and on-time outcomes are what the services made of them. Deterministic apart from what
 * the services draw themselves (the evaluation grids are drawn by a cryptographic shuffle).
 * Idempotent: an audit entry `seed_demo_activity` marks the city; a second call returns null.
 */
import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import { indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { periodContaining, previousPeriod, type Period } from '@tongguan/runtime/indicators/period';
import { createApp, type Actor, type App } from '../app.server.ts';
import { recordAudit, type RequestMeta } from '../audit/audit.server.ts';
import { can } from '../access/guard.server.ts';
import { resolvePrincipal, type Principal } from '../auth/principal.server.ts';
import { submitReport, reviewReport } from '../indicators/reports.server.ts';
import { sampleInspections, submitInspection, type InspectionTaskOutput } from '../indicators/inspections.server.ts';
import { createCase, getCase } from '../services/cases.server.ts';
import { completeTask, listTasks } from '../services/tasks.server.ts';
import { createDevice, createFacility, monitoringTypes } from '../devices/devices.server.ts';
import type { TelemetryMessage } from '../devices/ingest.server.ts';
import { rollUpTelemetry } from '../devices/rollups.server.ts';
import { changeAlarm, listAlarms } from '../alarms/alarms.server.ts';
import { fireDueTimers } from '../workflow/scheduler.server.ts';
import { runDueJobs } from '../workflow/jobs.server.ts';
import { escalateOverdueTasks } from '../workflow/escalation.server.ts';
import { pointInPolygon } from '../../shared/schemas/geo.ts';
// The simulator plugin's normal behaviour of each metric, so the history looks like what it sends live.
import { FLAGS_NORMALLY_ON, PROFILES, gaussian, hashCode, random, type MetricProfile } from '../../../plugins/simulator/src/profiles.ts';

export const DEMO_ACTIVITY_MARKER = 'seed_demo_activity';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;
const SEED = 20_260_302;
/** Telemetry history and its sampling. */
const HISTORY_DAYS = 35;
const SAMPLE_EVERY = 2 * HOUR;
/** Readings per ingestion call (one transaction each: fewer, larger batches cost less per reading). */
const READINGS_PER_CHUNK = 12_000;
const META: RequestMeta = { ip: null, userAgent: 'seed-demo-activity' };

export interface DemoActivityReport {
  /** Facilities and devices registered. */
  registered: { facilities: number; devices: number };
  reports: { submitted: number; approved: number };
  inspections: { tasks: number; done: number; points: number };
  cases: { reported: number; registered: number; dispatched: number; closed: number; voided: number; suspended: number; supervised: number };
  telemetry: { devices: number; readings: number; refused: number; rolledUp: number };
  alarms: { raised: number; closed: number; open: number };
  /** Wall time of the whole run. */
  ms: number;
}

/** Demo mode, after `seedDemo`: the demo city's activity; null when it was seeded before (or there is no demo city). */
export async function seedDemoActivity(app: App, tenantCode = 'demo'): Promise<DemoActivityReport | null> {
  const started = Date.now();
  const { tenants, auditLog } = app.db.t;
  const [tenant] = await app.db.read.select({ id: tenants.id }).from(tenants).where(eq(tenants.code, tenantCode));
  if (!tenant) return null;
  const tenantId = tenant.id;
  const [marked] = await app.db.read.select({ seq: auditLog.seq }).from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, DEMO_ACTIVITY_MARKER))).limit(1);
  if (marked) return null;
  const anchor = app.now().getTime();
  // Marked first: a run that fails half-way is not repeated on the next start (it would duplicate what it did).
  await app.db.transaction((tx) => recordAudit(app.db, tx, {
    tenantId, actorId: null, actorName: 'seed', action: DEMO_ACTIVITY_MARKER, objectType: 'tenant', objectId: tenantId, detail: { phase: 'start' },
  }, META, new Date(anchor)));

  const report: DemoActivityReport = {
    registered: { facilities: 0, devices: 0 }, reports: { submitted: 0, approved: 0 }, inspections: { tasks: 0, done: 0, points: 0 },
    cases: { reported: 0, registered: 0, dispatched: 0, closed: 0, voided: 0, suspended: 0, supervised: 0 },
    telemetry: { devices: 0, readings: 0, refused: 0, rolledUp: 0 }, alarms: { raised: 0, closed: 0, open: 0 }, ms: 0,
  };
  const city = await loadCity(app, tenantId);
  report.registered = await registerMissingFacilities(app, city);
  const world = new World(app, anchor);
  const caseIds: string[] = [];
  try {
    const rng = random(SEED);
    const indicators = await publishedIndicators(app, tenantId);
    spawnReports(world, city, indicators, rng, report);
    spawnInspections(world, city, indicators, rng, report);
    spawnCases(world, city, rng, caseIds);
    await spawnMonitoring(world, city, rng, report);
    await world.play();
  } finally {
    await world.close();
  }
  for (let n = await rollUpTelemetry(app); n > 0; n = await rollUpTelemetry(app)) report.telemetry.rolledUp += n;
  const c = app.db.t.cases;
  const cases = caseIds.length ? await app.db.read.select({ status: c.status, registeredAt: c.registeredAt, dispatchedAt: c.dispatchedAt, supervisions: c.supervisionCount })
    .from(c).where(and(eq(c.tenantId, tenantId), inArray(c.id, caseIds))) : [];
  report.cases = {
    reported: cases.length, registered: cases.filter((x) => x.registeredAt).length, dispatched: cases.filter((x) => x.dispatchedAt).length,
    closed: cases.filter((x) => x.status === 'closed').length, voided: cases.filter((x) => x.status === 'voided').length,
    suspended: cases.filter((x) => x.status === 'suspended').length, supervised: cases.filter((x) => x.supervisions > 0).length,
  };
  const a = app.db.t.alarms;
  const alarms = await app.db.read.select({ status: a.status }).from(a)
    .where(and(eq(a.tenantId, tenantId), gte(a.raisedAt, new Date(anchor - HISTORY_DAYS * DAY)), lte(a.raisedAt, new Date(anchor))));
  report.alarms = {
    raised: alarms.length, closed: alarms.filter((x) => x.status === 'closed').length,
    open: alarms.filter((x) => x.status === 'active' || x.status === 'acknowledged' || x.status === 'handling').length,
  };
  report.ms = Date.now() - started;
  await app.db.transaction((tx) => recordAudit(app.db, tx, {
    tenantId, actorId: null, actorName: 'seed', action: DEMO_ACTIVITY_MARKER, objectType: 'tenant', objectId: tenantId, detail: { phase: 'done', ...report },
  }, META, app.now()));
  return report;
}

/** One line on what was seeded, for the start-up log and the CLI. */
export function describeDemoActivity(a: DemoActivityReport): string {
  return `Seeded the demo city's activity in ${(a.ms / 1000).toFixed(1)} s: ${a.reports.approved} approved reports, ${a.inspections.done} inspections `
    + `(${a.inspections.points} points), ${a.cases.reported} cases (${a.cases.closed} closed), ${a.telemetry.readings} readings from ${a.telemetry.devices} devices, `
    + `${a.alarms.raised} alarms (${a.alarms.open} open)`;
}

// ---------------------------------------------------------------------------------------------
// The simulated clock and the events played on it

/**
 * A life is a sequence of things someone does: it yields the time it wants to go on at and is
 * resumed then (with the time of the next other event, its horizon). Lives are played in time
 * order on one clock; before each step the process timers due by then fire (overdue → 督办), as
 * the timer loop would, with their jobs and escalations.
 */
type Life = AsyncGenerator<number, void, number>;

class World {
  readonly sim: App;
  private clock = 0;
  private seq = 0;
  private readonly queue: { at: number; seq: number; life: Life }[] = [];
  private readonly born: Life[] = [];

  constructor(readonly app: App, readonly anchor: number) {
    this.sim = createApp(app.config, app.db, () => new Date(this.clock));
  }

  get now(): number {
    return this.clock;
  }

  /** Moves the clock on (never back). */
  advance(to: number): void {
    if (to > this.clock) this.clock = Math.min(Math.round(to), this.anchor);
  }

  spawn(life: Life): void {
    this.born.push(life);
  }

  private async admit(): Promise<void> {
    while (this.born.length) {
      const life = this.born.shift()!;
      const first = await life.next(this.anchor);
      if (!first.done) this.queue.push({ at: Math.max(Math.round(first.value), this.clock), seq: this.seq++, life });
    }
  }

  async play(): Promise<void> {
    await this.admit();
    while (this.queue.length) {
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const q = this.queue[i]!;
        const b = this.queue[best]!;
        if (q.at < b.at || (q.at === b.at && q.seq < b.seq)) best = i;
      }
      const [next] = this.queue.splice(best, 1) as [{ at: number; seq: number; life: Life }];
      if (next.at > this.anchor) { await next.life.return(); continue; }
      await this.catchUp(next.at);
      const horizon = Math.min(this.anchor + 1, ...this.queue.map((q) => q.at));
      const step = await next.life.next(horizon);
      if (!step.done) this.queue.push({ at: Math.max(Math.round(step.value), this.clock), seq: this.seq++, life: next.life });
      await this.admit();
    }
    await this.catchUp(this.anchor);
  }

  /** Fires the process timers due by `at` at their own time, then escalations and jobs at `at`. */
  private async catchUp(at: number): Promise<void> {
    const tm = this.app.db.t.timers;
    for (let i = 0; i < 100; i++) {
      const [due] = await this.app.db.read.select({ dueAt: tm.dueAt }).from(tm).where(eq(tm.status, 'scheduled')).orderBy(asc(tm.dueAt)).limit(1);
      if (!due || due.dueAt.getTime() > at) break;
      this.advance(due.dueAt.getTime());
      const fired = await fireDueTimers(this.sim);
      await runDueJobs(this.sim);
      if (!fired) break;
    }
    this.advance(at);
    await escalateOverdueTasks(this.sim);
    await runDueJobs(this.sim);
  }

  async close(): Promise<void> {
    await this.sim.telemetry.close();
    await this.sim.alarms.settled();
    await this.sim.deliveries.stop();
  }
}

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const beijingHour = (ts: number) => (((ts + BEIJING) % DAY) + DAY) % DAY / HOUR;

/**
 * A time at `fraction` of [from, to); a night time (20:00–08:00 Beijing) moves into the following
 * day's 08:00–20:00, spread as the night was, when that stays before `to`.
 */
function daytime(from: number, to: number, fraction: number): number {
  // Whole milliseconds: telemetry timestamps must be integers.
  const at = Math.round(from + (to - from) * Math.min(Math.max(fraction, 0), 1));
  const hour = beijingHour(at);
  const night = hour >= 20 ? hour - 20 : hour < 8 ? hour + 4 : -1;
  if (night < 0) return at;
  const morning = at - hour * HOUR + (hour >= 20 ? DAY : 0) + 8 * HOUR;
  const moved = Math.round(morning + night * HOUR);
  return moved < to ? moved : at;
}

// ---------------------------------------------------------------------------------------------
// The city: people, districts, grids, units

interface Person { id: string; username: string; displayName: string; actor: Actor; principal: Principal }
interface District { id: string; code: string; name: string; path: string }
interface Grid { id: string; orgId: string; code: string; name: string; districtId: string | null; geometry: App['db']['t']['grids']['$inferSelect']['geometry']; bbox: [number, number, number, number] }
interface Unit { id: string; code: string; name: string; path: string; districtId: string | null }

interface City {
  tenantId: string;
  people: Person[];
  districts: District[];
  grids: Grid[];
  units: Unit[];
  /** The city's own organisation (the root). */
  rootIds: string[];
  admin: Person;
}

async function loadCity(app: App, tenantId: string): Promise<City> {
  const { users: u, organisations: o, grids: g } = app.db.t;
  const rows = await app.db.read.select({ id: u.id, tenantId: u.tenantId, username: u.username, displayName: u.displayName, authVersion: u.authVersion })
    .from(u).where(and(eq(u.tenantId, tenantId), eq(u.status, 'active'))).orderBy(asc(u.username));
  const people: Person[] = [];
  for (const row of rows) {
    const principal = await resolvePrincipal(app.db, app.principals, row, 'system', null);
    people.push({ id: row.id, username: row.username, displayName: row.displayName, principal, actor: { principal, meta: META, locale: 'zh-CN' } });
  }
  const orgs = await app.db.read.select().from(o).where(eq(o.tenantId, tenantId)).orderBy(asc(o.code));
  const districts = orgs.filter((x) => x.level === 'district').map((x) => ({ id: x.id, code: x.code, name: x.name, path: x.path }));
  const districtOfPath = (path: string) => districts.find((d) => path.startsWith(d.path))?.id ?? null;
  const pathOf = new Map(orgs.map((x) => [x.id, x.path]));
  const grids = (await app.db.read.select().from(g).where(eq(g.tenantId, tenantId)).orderBy(asc(g.code)))
    .map((x) => ({ id: x.id, orgId: x.orgId, code: x.code, name: x.name, geometry: x.geometry, bbox: x.bbox, districtId: districtOfPath(pathOf.get(x.orgId) ?? '') }));
  const units = orgs.filter((x) => x.kind === 'responsibleUnit').map((x) => ({ id: x.id, code: x.code, name: x.name, path: x.path, districtId: districtOfPath(x.path) }));
  const admin = people.find((p) => p.username === 'admin' && can(p.actor, 'update', 'Indicator', { regionId: null }))
    ?? people.find((p) => p.principal.roleCodes.includes('cityAdmin'));
  if (!admin) throw new Error('The demo city has no city administrator');
  return { tenantId, people, districts, grids, units, rootIds: orgs.filter((x) => x.level === 'city').map((x) => x.id), admin };
}

const hasRole = (p: Person, role: string) => p.principal.roleCodes.includes(role);
const holds = (p: Person, position: string) => (p.principal.positions as readonly string[]).includes(position);
const memberUnder = (p: Person, orgId: string) => p.principal.orgAncestorIds.includes(orgId);

/** The first person with `role` holding the first of `positions` anyone holds (else any of the role). */
function personWith(city: City, role: string, positions: readonly string[], where: (p: Person) => boolean = () => true): Person | undefined {
  const candidates = city.people.filter((p) => hasRole(p, role) && where(p));
  for (const position of positions) {
    const found = candidates.find((p) => holds(p, position));
    if (found) return found;
  }
  return candidates[0];
}

/** A point inside the grid (grids are rectangles; checked as the inspection service checks). */
function pointIn(grid: Grid, rng: Rng): { lng: number; lat: number } {
  const [minX, minY, maxX, maxY] = grid.bbox;
  for (let i = 0; i < 20; i++) {
    const lng = Number((minX + (maxX - minX) * between(rng, 0.12, 0.88)).toFixed(6));
    const lat = Number((minY + (maxY - minY) * between(rng, 0.12, 0.88)).toFixed(6));
    if (pointInPolygon([lng, lat], grid.geometry)) return { lng, lat };
  }
  return { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 };
}

// ---------------------------------------------------------------------------------------------
// Registry gaps: a district value needs a facility the demo registry does not have

async function registerMissingFacilities(app: App, city: City): Promise<{ facilities: number; devices: number }> {
  const out = { facilities: 0, devices: 0 };
  const { entities: e, devices: d } = app.db.t;
  const facilities = await app.db.read.select({ code: e.code, typeKey: e.typeKey, districtOrgId: e.districtOrgId, attributes: e.attributes })
    .from(e).where(eq(e.tenantId, city.tenantId));
  const types = await monitoringTypes(app, city.tenantId);
  const drainage = city.units.find((u) => u.name.includes('排水'));
  const admin = city.admin.actor;
  const exists = (code: string) => facilities.some((f) => f.code === code);
  const [gx, dh] = [city.districts.find((x) => x.code.endsWith('-gx')), city.districts.find((x) => x.code.endsWith('-dh'))];
  const gridOf = (district: District | undefined, index: number) => city.grids.filter((g) => g.districtId === district?.id)[index];
  // 2-3-2: a district whose drainage pipes carry no risk rating has no hazard points to monitor.
  const hazard = (district: District | undefined) => facilities.some((f) => f.districtOrgId === district?.id && f.typeKey === 'drainagePipe'
    && ['重大风险', '较大风险', '一般风险'].includes(String((f.attributes as Record<string, unknown>).riskLevel)));
  const gxGrid = gridOf(gx, 5);
  if (gx && gxGrid && types.facilities.has('drainagePipe') && !hazard(gx) && !exists('FAC-DR-101')) {
    const [x0, y0, x1, y1] = gxGrid.bbox;
    const y = Number(((y0 + y1) / 2).toFixed(6));
    await createFacility(app, admin, {
      code: 'FAC-DR-101', name: '创新路雨污合流支管', typeKey: 'drainagePipe', orgId: drainage?.id ?? null, location: [Number(((x0 + x1) / 2).toFixed(6)), y],
      geometry: { type: 'LineString', coordinates: [[Number((x0 + (x1 - x0) * 0.2).toFixed(6)), y], [Number((x0 + (x1 - x0) * 0.8).toFixed(6)), y]] },
      // Assessed 一般风险 this year; monitoring not installed yet (the district's 2-3-2 shows it).
      attributes: { diameter: 600, material: '砖砌', system: '雨污合流', burialDepth: 2.2, length: 420, riskLevel: '一般风险', builtOn: '1998-09-01' },
    });
    out.facilities++;
  }
  // 4-1-2: a district without a sewage plant has no effluent to judge.
  const dhGrid = gridOf(dh, 3);
  const plantIn = (district: District | undefined) => facilities.some((f) => f.districtOrgId === district?.id && f.typeKey === 'sewagePlant');
  if (dh && dhGrid && types.facilities.has('sewagePlant') && types.devices.has('sewageQualityAnalyzer') && !plantIn(dh) && !exists('FAC-DR-102')) {
    const [x0, y0, x1, y1] = dhGrid.bbox;
    const location: [number, number] = [Number((x0 + (x1 - x0) * 0.3).toFixed(6)), Number((y0 + (y1 - y0) * 0.4).toFixed(6))];
    const plant = await createFacility(app, admin, {
      code: 'FAC-DR-102', name: '东湖区龙泉污水处理站', typeKey: 'sewagePlant', orgId: drainage?.id ?? null, location,
      attributes: { capacity: 3, process: 'MBR', effluentStandard: '一级A', serviceArea: 8, commissionedOn: '2021-10-15' },
    });
    out.facilities++;
    const [clash] = await app.db.read.select({ id: d.id }).from(d).where(and(eq(d.tenantId, city.tenantId), eq(d.code, 'DEV-DR-WQ-101')));
    if (!clash) {
      await createDevice(app, admin, { code: 'DEV-DR-WQ-101', typeKey: 'sewageQualityAnalyzer', facilityId: plant.id, installedOn: '2022-03-01' });
      out.devices++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Indicators

interface Indicator { key: string; content: IndicatorContent }

async function publishedIndicators(app: App, tenantId: string): Promise<Indicator[]> {
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, { version: number; content: IndicatorContent }>();
  for (const row of rows) if ((latest.get(row.key)?.version ?? 0) < row.version) latest.set(row.key, { version: row.version, content: indicatorContentSchema.parse(row.content) });
  return [...latest].filter(([, v]) => v.content.level === 3 && v.content.formula).map(([key, v]) => ({ key, content: v.content }))
    .sort((a, b) => a.content.code.localeCompare(b.content.code, 'en', { numeric: true }));
}

/** The period containing the clock and the one before, each with the part of it that has happened. */
function periodsOf(indicator: Indicator, anchor: number): { period: Period; current: boolean; end: number }[] {
  const current = periodContaining(indicator.content.period, new Date(anchor));
  const previous = previousPeriod(current);
  return [{ period: previous, current: false, end: previous.end.getTime() }, { period: current, current: true, end: anchor }];
}

// ---------------------------------------------------------------------------------------------
// 平台上报: the numbers each reported indicator asks for

interface ReportContext {
  /** The share of the period the numbers cover (1 for a closed period; flows scale with it, stocks do not). */
  share: number;
  /** The district's standing facts (the same in every report). */
  facts: { population: number; units: number; bridges: number; tunnels: number; wastePoints: number; pipesKm: number };
}

const flow = (value: number, share: number, integer = true) => (integer ? Math.max(1, Math.round(value * share)) : Math.max(0.1, Number((value * share).toFixed(1))));
const part = (rng: Rng, whole: number, lo: number, hi: number, integer = true) => {
  const value = whole * between(rng, lo, hi);
  return integer ? Math.min(whole, Math.round(value)) : Math.min(whole, Number(value.toFixed(1)));
};

/** Per indicator key: plausible numbers for one district that pass its checks. Keys the table does not know are not reported. */
const REPORT_VALUES: Record<string, (rng: Rng, ctx: ReportContext) => Record<string, number>> = {
  // 桥梁定期检测完成覆盖率: most bridges inspected in their cycle.
  '1-2-1': (rng, { facts }) => ({ bridges: facts.bridges, inspected: part(rng, facts.bridges, 0.82, 1) }),
  '1-3-1': (rng, { facts }) => ({ tunnels: facts.tunnels, inspected: part(rng, facts.tunnels, 0.7, 1) }),
  // 当天运维工单完成率: 120–300 work orders a month.
  '1-4-1': (rng, { share }) => { const orders = flow(between(rng, 120, 300), share); return { orders, completed: part(rng, orders, 0.88, 0.98) }; },
  // 老化管道更新改造率: 8–16 % of the network due for renewal, a third to three quarters of it renewed by the year's end.
  '2-1-3': (rng, { facts, share }) => {
    const ageing = Number((facts.pipesKm * between(rng, 0.08, 0.16)).toFixed(1));
    return { ageing, renewed: part(rng, ageing, 0.35 * Math.max(share, 0.1), 0.75 * Math.max(share, 0.1), false) };
  },
  // 漏损率: 3000–8000 万m³ supplied a year, 88–93 % of it billed.
  '2-2-1': (rng, { share }) => { const supplied = flow(between(rng, 3000, 8000), share, false); return { supplied, billed: part(rng, supplied, 0.88, 0.93, false) }; },
  '2-2-3': (rng, { share }) => { const measured = flow(between(rng, 400, 1200), share); return { measured, passed: part(rng, measured, 0.95, 0.995) }; },
  '3-1-1': (rng, { facts }) => ({ points: facts.wastePoints, monitored: part(rng, facts.wastePoints, 0.2, 0.45) }),
  '3-1-2': (rng, { share }) => ({ mixed: flow(between(rng, 20, 80), share), littered: flow(between(rng, 30, 120), share), overflowing: flow(between(rng, 10, 60), share) }),
  '3-3-2': (rng, { share }) => { const scheduled = flow(between(rng, 600, 1500), share); return { scheduled, onTime: part(rng, scheduled, 0.93, 0.99) }; },
  '4-1-1': (rng, { share }) => { const generated = flow(between(rng, 5000, 12000), share, false); return { generated, collected: part(rng, generated, 0.85, 0.95, false) }; },
  '5-1-2': (rng, { facts }) => ({ units: facts.units, connected: part(rng, facts.units, 0.4, 0.75) }),
  '5-3-1': (rng, { facts }) => ({ population: facts.population, area: Math.round(facts.population * between(rng, 1.2, 2.4)) }),
  '5-4-1': (rng, { share }) => { const dispatches = flow(between(rng, 300, 900), share); return { dispatches, totalMinutes: Math.round(dispatches * between(rng, 8, 13)) }; },
  '5-4-3': (rng, { facts }) => ({ population: facts.population, firefighters: Math.round(facts.population * between(rng, 4, 9) / 10_000) }),
};

function spawnReports(world: World, city: City, indicators: readonly Indicator[], rng: Rng, report: DemoActivityReport): void {
  const reviewer = city.admin;
  const cityReporter = personWith(city, 'commandCenter', ['intakeOperator', 'shiftLead'], (p) => p.id !== reviewer.id && can(p.actor, 'create', 'Indicator', { regionId: null }));
  const districtReporters = new Map(city.districts.map((d) => [d.id, personWith(city, 'districtStaff', ['intakeOperator', 'dispatcher'],
    (p) => can(p.actor, 'create', 'Indicator', { regionId: d.id }) && !can(p.actor, 'create', 'Indicator', { regionId: null }))]));
  const facts = new Map(city.districts.map((d) => {
    const r = random(SEED ^ hashCode(d.code));
    return [d.id, {
      population: intBetween(r, 350_000, 900_000), units: intBetween(r, 900, 2800), bridges: intBetween(r, 14, 38), tunnels: intBetween(r, 2, 7),
      wastePoints: intBetween(r, 160, 420), pipesKm: intBetween(r, 260, 620),
    }];
  }));
  for (const indicator of indicators) {
    const values = REPORT_VALUES[indicator.key];
    if (indicator.content.collection !== 'reported' || !values) continue;
    const inputs = indicator.content.basis.filter((item) => item.source === 'input').map((item) => item.key);
    for (const { period, current, end } of periodsOf(indicator, world.anchor)) {
      const start = period.start.getTime();
      world.spawn((async function* reportLife(): Life {
        // A closed period is reported in the days after it; the current one shortly before now, up to then.
        const submitAt = current ? daytime(start, end, between(rng, 0.86, 0.95)) : daytime(end, Math.min(end + 10 * DAY, world.anchor), between(rng, 0.1, 0.5));
        const share = current ? Math.max(0.02, (submitAt - start) / (period.end.getTime() - start)) : 1;
        const byDistrict = city.districts.map((d) => ({ district: d, values: values(rng, { share, facts: facts.get(d.id)! }) }));
        if (byDistrict.some((x) => Object.keys(x.values).sort().join() !== [...inputs].sort().join())) return;
        const total: Record<string, number> = {};
        for (const { values: v } of byDistrict) for (const [k, n] of Object.entries(v)) total[k] = Number(((total[k] ?? 0) + n).toFixed(1));
        const ids: string[] = [];
        // Every step must happen by now: near it, the steps come closer together.
        const steps = 2 * (byDistrict.length + 1) + 2;
        const pace = Math.min(10 * MINUTE, Math.max(0, world.anchor - submitAt) / steps);
        yield submitAt;
        for (const { district, values: v } of byDistrict) {
          const reporter = districtReporters.get(district.id);
          if (!reporter) continue;
          ids.push((await submitReport(world.sim, reporter.actor, indicator.key, { period: period.label, regionId: district.id, values: v })).id);
          report.reports.submitted++;
          yield world.now + pace * between(rng, 0.3, 1);
        }
        if (cityReporter) {
          ids.push((await submitReport(world.sim, cityReporter.actor, indicator.key, { period: period.label, values: total })).id);
          report.reports.submitted++;
        }
        const room = Math.max(0, world.anchor - world.now - (ids.length + 1) * pace);
        yield world.now + Math.min(between(rng, 2, 20) * HOUR, room * between(rng, 0.3, 0.8));
        for (const id of ids) {
          await reviewReport(world.sim, reviewer.actor, id, { approved: true, comment: '已核对台账，数据属实' });
          report.reports.approved++;
          yield world.now + pace * between(rng, 0.1, 0.5);
        }
      })());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 实地考察

const mayInspect = (p: Person, grid: Grid) => holds(p, 'inspector') && can(p.actor, 'create', 'Indicator') && can(p.actor, 'read', 'Grid', { id: grid.id, orgId: grid.orgId });

function spawnInspections(world: World, city: City, indicators: readonly Indicator[], rng: Rng, report: DemoActivityReport): void {
  const gridById = new Map(city.grids.map((g) => [g.id, g]));
  for (const indicator of indicators) {
    if (indicator.content.collection !== 'inspection') continue;
    for (const { period, end } of periodsOf(indicator, world.anchor)) {
      const start = period.start.getTime();
      world.spawn((async function* inspectionLife(): Life {
        const drawAt = daytime(start, end, between(rng, 0.2, 0.45));
        yield drawAt;
        const tasks: InspectionTaskOutput[] = await sampleInspections(world.sim, city.admin.actor, indicator.key, { period: period.label, perDistrict: 2 });
        report.inspections.tasks += tasks.length;
        const planned = tasks.map((task) => ({ task, at: daytime(drawAt, end, between(rng, 0.05, 0.6)) })).sort((a, b) => a.at - b.at);
        for (const { task, at } of planned) {
          yield at;
          const grid = gridById.get(task.gridId);
          const inspector = city.people.find((p) => p.id === task.assigneeId) ?? (grid && city.people.find((p) => mayInspect(p, grid)));
          if (!grid || !inspector) continue;
          const points = Array.from({ length: Math.max(intBetween(rng, 3, 5), task.minPoints ?? 1) }, (_, i) => {
            const checks = Object.fromEntries(task.checklist.map((item) => [item, true]));
            // About one point in eight fails one item (or two).
            if (rng() < 0.12) for (let k = rng() < 0.25 ? 2 : 1; k > 0; k--) checks[pick(rng, task.checklist)] = false;
            const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([item]) => item);
            return { name: `评价点 ${i + 1}`, location: pointIn(grid, rng), checks, ...(failed.length ? { note: `不符合：${failed.join('；')}，已拍照留存` } : {}) };
          });
          await submitInspection(world.sim, inspector.actor, task.id, { points });
          report.inspections.done++;
          report.inspections.points += points.length;
        }
      })());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 案件

type Scenario = 'onTime' | 'rework' | 'return' | 'extend' | 'void' | 'suspend' | 'overdue' | 'overdueOpen' | 'inProgress' | 'reportedOnly';

/** What inspectors report, and who handles it (a responsible unit whose name holds `unit`, the district's own first). */
const CATEGORIES: Record<string, { unit: string; title: string; text: string }> = {
  E01001: { unit: '环卫', title: '暴露垃圾', text: '路边绿化带旁有生活垃圾堆放，约 2 立方米，影响市容' },
  E01003: { unit: '环卫', title: '道路不洁', text: '人行道油污、泥土较多，行人反映路面湿滑' },
  E02001: { unit: '执法', title: '非法小广告', text: '公交站亭、电箱上张贴大量小广告' },
  E05001: { unit: '执法', title: '占道经营', text: '早市摊贩占用人行道经营，影响通行' },
  E05004: { unit: '执法', title: '机动车乱停放', text: '多辆机动车停放在人行道上，行人需绕行机动车道' },
  P01009: { unit: '路灯', title: '路灯不亮', text: '连续 3 盏路灯夜间不亮，路段照明不足' },
  P01001: { unit: '供水', title: '供水井盖破损', text: '人行道上供水井盖破损下陷，存在绊倒隐患' },
  P01007: { unit: '排水', title: '雨水篦子缺失', text: '路口雨水篦子缺失一块，车辆经过有危险' },
  P04002: { unit: '园林', title: '行道树枝干遮挡', text: '行道树枝干下垂遮挡交通标志' },
  P02003: { unit: '市政', title: '道路护栏损坏', text: '中央隔离护栏被撞损约 6 米，需更换' },
  P06002: { unit: '执法', title: '工地围挡破损', text: '在建工地围挡倒伏，权属单位待核实' },
  E04004: { unit: '排水', title: '下水道堵塞', text: '雨水口堵塞，路面积水约 10 厘米' },
  E04007: { unit: '园林', title: '树木倒伏', text: '大风后行道树倒伏，占用一条机动车道' },
};
const ON_TIME_CATEGORIES = ['E01001', 'E02001', 'P01009', 'E05001', 'P04002', 'P01001', 'P01007'];
const SCENARIO_CATEGORY: Partial<Record<Scenario, string>> = {
  rework: 'E01003', return: 'E05004', extend: 'P02003', void: 'E01001', suspend: 'P06002', overdue: 'E04004', overdueOpen: 'E04007',
};

/** Last month (a whole month) and this month so far: scenario, district (index), where in the month it is reported. */
const LAST_MONTH: [Scenario, number, number][] = [
  ['onTime', 0, 0.04], ['onTime', 1, 0.1], ['rework', 2, 0.16], ['onTime', 0, 0.23], ['return', 1, 0.3], ['extend', 2, 0.37],
  ['void', 0, 0.44], ['overdue', 1, 0.5], ['onTime', 2, 0.57], ['suspend', 0, 0.64], ['onTime', 1, 0.72], ['overdueOpen', 2, 0.8], ['onTime', 0, 0.9],
];
const THIS_MONTH: [Scenario, number, number][] = [
  ['onTime', 0, 0.03], ['onTime', 1, 0.07], ['onTime', 2, 0.11], ['rework', 0, 0.16], ['return', 1, 0.21], ['extend', 2, 0.26],
  ['overdue', 0, 0.32], ['void', 1, 0.4], ['suspend', 2, 0.48], ['onTime', 0, 0.56], ['inProgress', 1, 0.86], ['reportedOnly', 2, 0.97],
];

function spawnCases(world: World, city: City, rng: Rng, caseIds: string[]): void {
  const current = periodContaining('month', new Date(world.anchor));
  const previous = previousPeriod(current);
  const intake = personWith(city, 'commandCenter', ['intakeOperator']);
  const dispatcher = personWith(city, 'commandCenter', ['dispatcher']);
  const shiftLead = personWith(city, 'commandCenter', ['shiftLead']);
  // 督办: the city's leader (a member of the city itself), else any leader.
  const leader = personWith(city, 'leader', ['leader'], (p) => p.principal.orgIds.some((id) => city.rootIds.includes(id))) ?? personWith(city, 'leader', ['leader']);
  if (!intake || !dispatcher || !shiftLead || !leader) return;
  const districts = city.districts.slice(0, 3);
  if (!districts.length) return;
  const unitFor = (keyword: string, districtId: string) => {
    const able = city.units.filter((u) => u.name.includes(keyword) && city.people.some((p) => hasRole(p, 'handler') && memberUnder(p, u.id)));
    return able.find((u) => u.districtId === districtId) ?? able.find((u) => u.districtId === null);
  };
  const handlerOf = (unit: Unit) => city.people.find((p) => hasRole(p, 'handler') && memberUnder(p, unit.id));
  for (const [month, plan] of [[previous, LAST_MONTH], [current, THIS_MONTH]] as const) {
    const from = month.start.getTime();
    const to = Math.min(month.end.getTime(), world.anchor);
    if (to <= from) continue;
    // Short of a month (early in this one), everything moves faster so that its cases still run their course.
    const pace = Math.min(1, Math.max(0.1, (to - from) / (5 * DAY)));
    const gap = (lo: number, hi: number) => Math.max(MINUTE, between(rng, lo, hi) * MINUTE * pace);
    let onTimeTurn = 0;
    for (const [scenario, d, fraction] of plan) {
      const district = districts[d % districts.length]!;
      const code = SCENARIO_CATEGORY[scenario] ?? ON_TIME_CATEGORIES[onTimeTurn++ % ON_TIME_CATEGORIES.length]!;
      const category = CATEGORIES[code]!;
      const inspectors = city.people.filter((p) => hasRole(p, 'inspector') && holds(p, 'inspector') && memberUnder(p, district.id)
        && city.grids.some((g) => g.districtId === district.id && can(p.actor, 'read', 'Grid', { id: g.id, orgId: g.orgId })));
      const reporter = inspectors.length ? pick(rng, inspectors) : undefined;
      const unit = unitFor(category.unit, district.id);
      const wrongUnit = scenario === 'return' ? unitFor(category.unit === '环卫' ? '执法' : '环卫', district.id) : undefined;
      if (!reporter || !unit) continue;
      const grids = city.grids.filter((g) => g.districtId === district.id && can(reporter.actor, 'read', 'Grid', { id: g.id, orgId: g.orgId }));
      const grid = pick(rng, grids);
      const location = pointIn(grid, rng);
      const reportAt = daytime(from, to, fraction + between(rng, -0.02, 0.02));
      world.spawn((async function* caseLife(): Life {
        yield reportAt;
        const reported = await createCase(world.sim, reporter.actor, {
          source: 'inspector', categoryCode: code, title: category.title, description: `${category.text}（${grid.name}）`, address: `${district.name}${grid.name}`, location,
        });
        caseIds.push(reported.id);
        /** Completes the stage as its candidate does from the inbox: through the stage's form when it has one. */
        const complete = async (elementId: string, person: Person, formData: Record<string, unknown> | undefined, comment: string) => {
          const task = (await listTasks(world.sim, person.actor, { view: 'inbox', instanceId: reported.processInstanceId })).find((x) => x.elementId === elementId);
          if (task) await completeTask(world.sim, person.actor, task.id, formData ? { formData, comment } : { comment });
        };
        const dueAt = async () => {
          const due = (await getCase(world.sim, city.admin.actor, reported.id)).dueAt;
          return due ? Date.parse(due) : world.now + 8 * HOUR;
        };
        if (scenario === 'reportedOnly') return;
        yield world.now + gap(8, 40);
        if (scenario === 'void') {
          await complete('register', intake, { decision: 'void' }, '与已立案件重复，不予立案');
          return;
        }
        await complete('register', intake, { decision: 'register' }, '经核实属实，予以立案');
        yield world.now + gap(10, 50);
        if (scenario === 'suspend') {
          await complete('dispatch', dispatcher, { decision: 'suspend' }, '权属单位不明，暂挂账待协调');
          return;
        }
        const first = wrongUnit ?? unit;
        await complete('dispatch', dispatcher, { decision: 'dispatch', responsibleUnitId: first.id }, `派遣至${first.name}`);
        if (wrongUnit) {
          const wrong = handlerOf(wrongUnit);
          if (!wrong) return;
          yield world.now + gap(30, 120);
          await complete('handle', wrong, { outcome: 'return' }, '不属本单位职责，申请退回');
          yield world.now + gap(10, 40);
          await complete('dispatch', dispatcher, { decision: 'dispatch', responsibleUnitId: unit.id }, `改派至${unit.name}`);
        }
        const handler = handlerOf(unit);
        if (!handler || scenario === 'inProgress') return;
        if (scenario === 'overdue' || scenario === 'overdueOpen') {
          // Nobody acts before the deadline: the process's timer raises 督办, a leader supervises.
          yield (await dueAt()) + gap(20, 90);
          await complete('supervise', leader, undefined, '请责任单位立即处置，今日内反馈');
          if (scenario === 'overdueOpen') return;
          yield world.now + gap(60, 240);
        } else {
          if (scenario === 'extend') {
            yield world.now + gap(60, 180);
            await complete('handle', handler, { outcome: 'extend', extraHours: 8 }, '需采购护栏配件，申请延期');
            yield world.now + gap(10, 40);
            await complete('approveExtension', shiftLead, { approved: true }, '同意延期 8 个工作小时');
          }
          const due = await dueAt();
          yield world.now + Math.max(MINUTE, Math.min(between(rng, 0.15, 0.6) * (due - world.now), gap(90, 360)));
        }
        await complete('handle', handler, { outcome: 'done' }, '已现场处置完毕');
        yield world.now + gap(40, 180);
        if (scenario === 'rework') {
          await complete('verify', reporter, { passed: false }, '现场仍有残留，未处置到位');
          yield world.now + gap(60, 240);
          await complete('handle', handler, { outcome: 'done' }, '已再次清理');
          yield world.now + gap(40, 120);
        }
        await complete('verify', reporter, { passed: true }, '现场核查已处置到位');
        yield world.now + gap(15, 90);
        await complete('close', shiftLead, undefined, '核查通过，予以结案');
      })());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 监测: telemetry history, bridge strain alarms

/** Levels kept well inside the template's alarm rules where the simulator's afternoon peak comes close (crowd density ≥ 1 人/m² for 10 minutes). */
const QUIETER: Readonly<Record<string, MetricProfile>> = {
  crowdDensity: { base: 0.42, daily: 0.22, noise: 0.04 },
};
const ORIGIN = Date.UTC(2026, 0, 1);

interface Spike { deviceCode: string; at: number; strain: number; persists: boolean }

interface MonitoredDevice { id: string; code: string; typeKey: string; districtOrgId: string | null; installedOn: string | null; metrics: { key: string; min?: number; max?: number; flag?: boolean }[] }

/** One reading of every metric of the device at `at`, as the simulator computes a normal one. */
function readingOf(device: MonitoredDevice, at: number, rng: Rng): Record<string, number | boolean> {
  const hour = ((at / HOUR) + 8) % 24;
  const swing = Math.sin((2 * Math.PI * (hour - 9)) / 24);
  const spread = ((hashCode(device.code) % 2001) / 1000 - 1) * 0.05;
  const values: Record<string, number | boolean> = {};
  for (const metric of device.metrics) {
    if (metric.flag) { values[metric.key] = FLAGS_NORMALLY_ON.has(metric.key); continue; }
    const min = metric.min ?? -Infinity;
    const max = metric.max ?? Infinity;
    const profile = QUIETER[metric.key] ?? PROFILES[metric.key] ?? { base: Number.isFinite(min) && Number.isFinite(max) ? min + (max - min) * 0.2 : 0, noise: 0 };
    let value = profile.base * (1 + spread) + (profile.daily ?? 0) * swing + profile.noise * gaussian(rng);
    if (profile.perHour) value = profile.base + profile.perHour * ((at - ORIGIN) / HOUR);
    values[metric.key] = Number(Math.min(max, Math.max(min, value)).toPrecision(5));
  }
  return values;
}

async function spawnMonitoring(world: World, city: City, rng: Rng, report: DemoActivityReport): Promise<void> {
  const { devices: d } = world.app.db.t;
  const types = await monitoringTypes(world.app, city.tenantId);
  const devices: MonitoredDevice[] = (await world.app.db.read.select({ id: d.id, code: d.code, typeKey: d.typeKey, districtOrgId: d.districtOrgId, installedOn: d.installedOn, status: d.status })
    .from(d).where(eq(d.tenantId, city.tenantId)).orderBy(asc(d.code)))
    .filter((x) => x.status === 'active' && (types.devices.get(x.typeKey)?.metrics.length ?? 0) > 0)
    .map((x) => ({ ...x, metrics: types.devices.get(x.typeKey)!.metrics }));
  const start = world.anchor - HISTORY_DAYS * DAY;
  const current = periodContaining('month', new Date(world.anchor));
  const previous = previousPeriod(current);

  // 桥梁报警: strain spikes on a bridge monitor of each district this month (and two last month), one still going on now.
  const bridgeMonitors = devices.filter((x) => x.typeKey === 'bridgeStaticMonitor' && x.metrics.some((m) => m.key === 'strain'));
  const byDistrict = city.districts.map((district) => bridgeMonitors.filter((x) => x.districtOrgId === district.id)).filter((list) => list.length);
  const spikes: Spike[] = [];
  const thisFrom = current.start.getTime();
  const thisSpan = world.anchor - thisFrom;
  // Early enough to be dealt with by now (in a month only hours old, within it all the same).
  const spikesUntil = Math.max(world.anchor - HOUR, thisFrom + thisSpan * 0.8);
  byDistrict.forEach((list, i) => spikes.push({ deviceCode: list[0]!.code, at: daytime(thisFrom, spikesUntil, 0.15 + 0.2 * i), strain: between(rng, 2550, 2850), persists: false }));
  const busiest = [...byDistrict].sort((a, b) => b.length - a.length)[0];
  if (busiest && busiest.length > 1) spikes.push({ deviceCode: busiest.at(-1)!.code, at: Math.round(world.anchor - Math.min(50 * MINUTE, thisSpan / 2)), strain: between(rng, 2600, 2750), persists: true });
  byDistrict.slice(0, 2).forEach((list, i) => {
    const at = daytime(previous.start.getTime(), previous.end.getTime(), 0.35 + 0.3 * i);
    if (at > start) spikes.push({ deviceCode: list.at(-1)!.code, at, strain: between(rng, 2520, 2700), persists: false });
  });

  // 2-2-2 and the like: one leak-noise logger's battery ran out four and a half days ago (offline > 72 h).
  const loggers = devices.filter((x) => x.typeKey === 'leakNoiseLogger');
  const silent = loggers.length > 1 ? loggers.at(-1)!.code : undefined;

  const messages: TelemetryMessage[] = [];
  for (const device of devices) {
    const deviceRng = random(SEED ^ hashCode(device.code));
    // Installed within the history: it reports from then on. An installation date after now contradicts
    // the registry (the device is active, and the simulator feeds it): it reports all along.
    const installedOn = device.installedOn ? Date.parse(`${device.installedOn}T00:00:00+08:00`) : -Infinity;
    const installed = installedOn < world.anchor ? installedOn : -Infinity;
    const stop = device.code === silent ? world.anchor - 4.5 * DAY : Infinity;
    const offset = (hashCode(device.code) % 20) * MINUTE;
    const mine = spikes.filter((s) => s.deviceCode === device.code);
    const high = (ts: number) => mine.some((s) => s.persists && ts >= s.at);
    const times: number[] = [];
    for (let ts = world.anchor - 10 * MINUTE - offset; ts >= start; ts -= SAMPLE_EVERY) if (ts >= installed && ts < stop) times.push(ts);
    for (const s of mine) {
      times.push(s.at, s.at + MINUTE, s.at + 2 * MINUTE);
      if (s.persists) for (let ts = s.at + 10 * MINUTE; ts <= world.anchor - 2 * MINUTE; ts += 10 * MINUTE) times.push(ts);
      else times.push(s.at + 4 * MINUTE);
    }
    const sorted = [...new Set(times)].sort((a, b) => a - b);
    for (const ts of sorted) {
      const values = readingOf(device, ts, deviceRng);
      const spike = mine.find((s) => ts >= s.at && ts <= s.at + 2 * MINUTE);
      if (spike || high(ts)) values.strain = Number(((spike ?? mine.find((s) => s.persists)!).strain + between(deviceRng, -60, 60)).toFixed(1));
      messages.push({ tenantId: city.tenantId, deviceCode: device.code, ts, values });
    }
  }
  messages.sort((a, b) => a.ts! - b.ts! || a.deviceCode.localeCompare(b.deviceCode));
  report.telemetry.devices = new Set(messages.map((m) => m.deviceCode)).size;

  world.spawn((async function* telemetryLife(): Life {
    let i = 0;
    while (i < messages.length) {
      const horizon = yield messages[i]!.ts!;
      const chunk: TelemetryMessage[] = [];
      let readings = 0;
      while (i < messages.length && (chunk.length === 0 || (messages[i]!.ts! < horizon && readings < READINGS_PER_CHUNK))) {
        const message = messages[i++]!;
        chunk.push(message);
        readings += Object.keys(message.values).length;
      }
      world.advance(chunk.at(-1)!.ts!);
      const outcome = await world.sim.telemetry.ingest(chunk);
      report.telemetry.readings += outcome.stored;
      report.telemetry.refused += outcome.rejected.length;
      // Alarm rules judge each batch after it is stored; what people do next must find their alarms.
      await world.sim.alarms.settled();
    }
  })());

  const staffOf = (districtId: string | null) => personWith(city, 'districtStaff', ['intakeOperator', 'dispatcher'], (p) => !!districtId && memberUnder(p, districtId));
  const dispatcher = personWith(city, 'commandCenter', ['dispatcher']);
  const shiftLead = personWith(city, 'commandCenter', ['shiftLead']);
  for (const spike of spikes) {
    const device = devices.find((x) => x.code === spike.deviceCode)!;
    world.spawn((async function* alarmLife(): Life {
      yield spike.at + intBetween(rng, 8, 20) * MINUTE;
      const find = async () => (await listAlarms(world.sim, city.admin.actor, { deviceId: device.id, ruleKey: 'bridge-strain-spike', from: new Date(spike.at - MINUTE).toISOString() })).items.at(-1);
      const raised = await find();
      const staff = staffOf(device.districtOrgId) ?? dispatcher;
      if (!raised || !staff || !dispatcher || !shiftLead) return;
      if (raised.status === 'active') await changeAlarm(world.sim, staff.actor, raised.id, 'acknowledge', { comment: '已通知桥梁养护单位到场核查' });
      if (spike.persists) return;
      yield world.now + intBetween(rng, 25, 70) * MINUTE;
      if ((await find())?.status === 'acknowledged') await changeAlarm(world.sim, dispatcher.actor, raised.id, 'resolve', { comment: '现场核查结构无异常，系超载车辆通过引起的瞬时应变' });
      yield world.now + intBetween(rng, 20, 120) * MINUTE;
      if ((await find())?.status === 'resolved') await changeAlarm(world.sim, shiftLead.actor, raised.id, 'close', { comment: '处置完毕，归档' });
    })());
  }
}

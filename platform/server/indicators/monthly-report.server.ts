/**
 * 月度运行报告: what a month's operation report holds (003 运行报告管理: reports compiled monthly,
 * with their data sources and an analysis of operation; compiled, approved and archived), read from
 * the stored indicator values — the indicator system's results for the month with 环比 and 同比,
 * the case-handling performance, the districts' comprehensive evaluation, a trend, the month's
 * alarms and the data sources — for the city, or for a district (a district's staff get theirs).
 * Rendered as DOCX by monthly-report-docx.server.ts; the export is audited.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { parsePeriod, periodContaining, previousPeriod, samePeriodLastYear, type Period } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { RawResponse } from '../api/define.server.ts';
import { AppError, parseInput } from '../errors.server.ts';
import { summariseAlarms, type AlarmPeriodSummary } from '../alarms/alarms.server.ts';
import { evaluationResults, type EvaluationResult } from './evaluation.server.ts';
import { renderMonthlyReport, reportFileName } from './monthly-report-docx.server.ts';

// Word refuses a document holding XML-illegal control characters.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const monthlyReportQuery = z.object({
  /** The month, 2026-11. */
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '#validation.reportMonth'),
  /** One district's report (its values instead of the city's); a district's staff get their own without it. */
  district: z.string().min(1).max(64).optional(),
  /** The indicator whose last 12 periods are charted; by default the first monthly one with a value this month. */
  trend: z.string().min(1).max(100).optional(),
  /** The report's 备注 section. */
  notes: z.string().max(2000).refine((text) => !CONTROL.test(text), '#validation.comment').optional(),
});

export interface ReportLine {
  key: string;
  code: string;
  name: string;
  nameEn: string | null;
  unit: string | null;
  parentCode: string | null;
  domain: IndicatorContent['domain'] | null;
  collection: IndicatorContent['collection'];
  /** The indicator's own period containing the month (2026-11, 2026-Q4, 2026). */
  period: string;
  value: number | null;
  /** `noData`: computed without data; `notComputed`: nothing stored for the period. */
  state: 'ok' | 'noData' | 'notComputed';
  target: IndicatorContent['target'] | null;
  meetsTarget: boolean | null;
  previous: number | null;
  lastYear: number | null;
  computedAt: Date | null;
}

export interface ReportGroup { code: string; name: string; nameEn: string | null; level: number; parentCode: string | null }

export interface MonthlyReport {
  city: { name: string; nameEn: string | null };
  month: Period;
  /** Whose values the report shows. */
  region: { level: 'city' | 'district'; id: string | null; name: string };
  compiledBy: string;
  compiledAt: Date;
  groups: ReportGroup[];
  lines: ReportLine[];
  evaluation: EvaluationResult;
  trend: { line: ReportLine; points: { period: string; value: number | null }[] } | null;
  /** Null when the compiler may not read alarms. */
  alarms: AlarmPeriodSummary | null;
  notes: string | null;
}

interface Published { key: string; content: IndicatorContent }

async function publishedIndicators(app: App, tenantId: string): Promise<Published[]> {
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, { version: number; content: IndicatorContent }>();
  for (const row of rows) {
    if ((latest.get(row.key)?.version ?? 0) > row.version) continue;
    latest.set(row.key, { version: row.version, content: indicatorContentSchema.parse(row.content) });
  }
  return [...latest].map(([key, { content }]) => ({ key, content })).sort((a, b) => a.content.code.localeCompare(b.content.code, 'en', { numeric: true }));
}

/** The city, a district asked for (within the caller's data scope), or the caller's own district. */
async function reportRegion(app: App, actor: Actor, district: string | undefined): Promise<MonthlyReport['region']> {
  const o = app.db.t.organisations;
  const districts = (await app.db.read.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, actor.principal.tenantId), eq(o.level, 'district'))))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  const mayRead = (id: string | null) => can(actor, 'read', 'Indicator', { regionId: id });
  if (district) {
    const found = districts.find((d) => d.id === district);
    if (!found) throw new AppError('validation_failed', {}, { fields: [{ field: 'district', message: '#validation.reportDistrict' }] });
    if (!mayRead(found.id)) throw new AppError('forbidden');
    return { level: 'district', id: found.id, name: found.name };
  }
  if (mayRead(null)) return { level: 'city', id: null, name: '' };
  const own = districts.find((d) => mayRead(d.id));
  if (!own) throw new AppError('forbidden');
  return { level: 'district', id: own.id, name: own.name };
}

type ValueRow = { key: string; periodKind: string; periodStart: Date; value: number | null; status: string; computedAt: Date };

async function storedValues(app: App, tenantId: string, region: MonthlyReport['region'], keys: string[], starts: Date[]): Promise<ValueRow[]> {
  if (!keys.length || !starts.length) return [];
  const iv = app.db.t.indicatorValues;
  return app.db.read.select({ key: iv.indicatorKey, periodKind: iv.periodKind, periodStart: iv.periodStart, value: iv.value, status: iv.status, computedAt: iv.computedAt })
    .from(iv).where(and(
      eq(iv.tenantId, tenantId), eq(iv.regionLevel, region.level), eq(iv.regionId, region.id ?? ''),
      inArray(iv.indicatorKey, keys), inArray(iv.periodStart, starts),
    ));
}

const uniqueStarts = (periods: Period[]) => [...new Set(periods.map((p) => p.start.getTime()))].map((ms) => new Date(ms));

/** Gathers the report; `query` is already validated. */
async function gatherReport(app: App, actor: Actor, query: z.output<typeof monthlyReportQuery>): Promise<MonthlyReport> {
  const { tenantId } = actor.principal;
  const month = parsePeriod('month', query.period)!;
  const region = await reportRegion(app, actor, query.district);
  const indicators = await publishedIndicators(app, tenantId);
  const leaves = indicators.filter((i) => i.content.level === 3);
  if (query.trend && !leaves.some((i) => i.key === query.trend)) {
    throw new AppError('validation_failed', {}, { fields: [{ field: 'trend', message: '#validation.reportTrend' }] });
  }
  const periods = new Map(leaves.map((i) => [i.key, periodContaining(i.content.period, month.start)] as const));
  const rows = await storedValues(app, tenantId, region, leaves.map((i) => i.key),
    uniqueStarts([...periods.values()].flatMap((p) => [p, previousPeriod(p), samePeriodLastYear(p)])));
  const find = (key: string, period: Period) => rows.find((r) => r.key === key && r.periodKind === period.kind && r.periodStart.getTime() === period.start.getTime());
  const lines: ReportLine[] = leaves.map(({ key, content }) => {
    const period = periods.get(key)!;
    const current = find(key, period);
    const value = current?.value ?? null;
    const target = content.target ?? null;
    return {
      key, code: content.code, name: content.name, nameEn: content.nameEn ?? null, unit: content.unit ?? null, parentCode: content.parentCode ?? null,
      domain: content.domain ?? null, collection: content.collection, period: period.label, value,
      state: current ? (value === null ? 'noData' : 'ok') : 'notComputed', target,
      meetsTarget: target && value !== null ? (target.operator === '>=' ? value >= target.value : value <= target.value) : null,
      previous: find(key, previousPeriod(period))?.value ?? null, lastYear: find(key, samePeriodLastYear(period))?.value ?? null,
      computedAt: current?.computedAt ?? null,
    };
  });
  const trendLine = query.trend ? lines.find((l) => l.key === query.trend)
    : lines.find((l) => periods.get(l.key)!.kind === 'month' && l.state === 'ok') ?? lines.find((l) => periods.get(l.key)!.kind === 'month') ?? lines[0];
  return {
    city: await cityOf(app, tenantId),
    month, region, compiledBy: actor.principal.displayName, compiledAt: app.now(),
    groups: indicators.filter((i) => i.content.level < 3).map(({ content: c }) => ({ code: c.code, name: c.name, nameEn: c.nameEn ?? null, level: c.level, parentCode: c.parentCode ?? null })),
    lines,
    evaluation: await evaluationResults(app, actor, { month: month.label }),
    trend: trendLine ? { line: trendLine, points: await trendPoints(app, tenantId, region, trendLine.key, periods.get(trendLine.key)!) } : null,
    alarms: can(actor, 'read', 'Alarm')
      ? await summariseAlarms(app, actor, { from: month.start, to: month.end, ...(region.id ? { districtId: region.id } : {}) })
      : null,
    notes: query.notes?.trim() || null,
  };
}

const TREND_PERIODS = 12;

/** The indicator's value in each of the 12 periods up to `last`, oldest first (null: no data or not computed). */
async function trendPoints(app: App, tenantId: string, region: MonthlyReport['region'], key: string, last: Period): Promise<{ period: string; value: number | null }[]> {
  const periods = [last];
  while (periods.length < TREND_PERIODS) periods.unshift(previousPeriod(periods[0]!));
  const rows = await storedValues(app, tenantId, region, [key], uniqueStarts(periods));
  return periods.map((p) => ({ period: p.label, value: rows.find((r) => r.periodKind === p.kind && r.periodStart.getTime() === p.start.getTime())?.value ?? null }));
}

async function cityOf(app: App, tenantId: string): Promise<MonthlyReport['city']> {
  const tn = app.db.t.tenants;
  const [row] = await app.db.read.select({ name: tn.name, nameEn: tn.nameEn }).from(tn).where(eq(tn.id, tenantId));
  return { name: row?.name ?? '', nameEn: row?.nameEn ?? null };
}

/** RFC 6266 / RFC 5987: an ASCII fallback name and the real (Chinese) one percent-encoded as UTF-8. */
export function attachmentDisposition(fallback: string, name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** GET /api/v1/reports/monthly: the month's operation report as a Word document, audited as an export. */
export async function exportMonthlyReport(app: App, actor: Actor, raw: unknown): Promise<RawResponse> {
  assertCan(actor, 'read', 'Indicator');
  const query = parseInput(monthlyReportQuery, raw);
  const report = await gatherReport(app, actor, query);
  const bytes = await renderMonthlyReport(report, actor.locale);
  await app.db.transaction((tx) => auditAs(app, tx, actor, {
    action: 'export', objectType: 'monthlyReport',
    detail: {
      period: report.month.label, regionLevel: report.region.level, regionId: report.region.id, trend: report.trend?.line.key ?? null,
      indicators: report.lines.length, withData: report.lines.filter((l) => l.state === 'ok').length, notes: report.notes !== null, bytes: bytes.length,
    },
  }, report.compiledAt));
  const name = reportFileName(report, actor.locale);
  const suffix = report.region.id ? `-${report.region.id}` : '';
  return new RawResponse(200, {
    'content-type': DOCX_TYPE,
    'content-disposition': attachmentDisposition(`monthly-report-${report.month.label}${suffix}.docx`, `${name}.docx`),
    'content-length': String(bytes.length),
  }, bytes);
}

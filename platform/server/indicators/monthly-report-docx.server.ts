/**
 * The monthly operation report as a Word document (`docx`, pure JS): headings in the order 003's
 * 运行报告 reads — overview, indicator results by the indicator system, case-handling performance,
 * ranking, trend, alarms, data sources, analysis, notes — then the compiler and blanks for 审核 /
 * 审批 / 归档. Every label is from the i18n catalog of the reader's language. Charts are PNGs from
 * chart-png.server.ts; what they show is written beside them (the images hold no text).
 */
import { AlignmentType, Document, Footer, HeadingLevel, ImageRun, Packer, PageNumber, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { translate, type Locale } from '../../shared/i18n/index.ts';
import { barChart, lineChart, niceMax, type ChartImage } from './chart-png.server.ts';
import type { MonthlyReport, ReportGroup, ReportLine } from './monthly-report.server.ts';

type Block = Paragraph | Table;
type T = (key: string, params?: Record<string, unknown>) => string;

/** A4 portrait with 2.5 cm margins: the text is 16 cm (9 070 twips, about 600 px at 96 dpi) wide. */
const TEXT_TWIPS = 9070;
const IMAGE_WIDTH_PX = 600;
const BEIJING_MS = 8 * 3_600_000;

const periodName = (report: MonthlyReport, locale: Locale, t: T) => {
  const [year, month] = report.month.label.split('-').map(Number) as [number, number];
  const monthName = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
  return t('monthlyReport.periodName', { year, month, monthName });
};

const cityName = (report: MonthlyReport, locale: Locale) => (locale === 'en' && report.city.nameEn) || report.city.name;
const regionName = (report: MonthlyReport, t: T) => (report.region.level === 'city' ? t('monthlyReport.city') : report.region.name);

/** 月度运行报告-示范市-2026年11月 (without the extension). */
export function reportFileName(report: MonthlyReport, locale: Locale): string {
  const t: T = (key, params) => translate(locale, key, params);
  const params = { city: cityName(report, locale), region: report.region.name, period: periodName(report, locale, t) };
  return t(report.region.level === 'city' ? 'monthlyReport.fileName' : 'monthlyReport.fileNameDistrict', params);
}

function formatters(locale: Locale, t: T) {
  const number = (value: number) => value.toLocaleString(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 });
  const withUnit = (value: number, unit: string | null) => `${number(value)}${unit === '%' ? '%' : unit ? ` ${unit}` : ''}`;
  return {
    number,
    withUnit,
    value: (line: Pick<ReportLine, 'value' | 'unit'>) => (line.value === null ? t('monthlyReport.noData') : withUnit(line.value, line.unit)),
    target: (line: ReportLine) => (line.target ? `${line.target.operator === '>=' ? '≥' : '≤'} ${withUnit(line.target.value, line.unit)}` : '—'),
    meets: (line: ReportLine) => (line.meetsTarget === null ? '—' : t(line.meetsTarget ? 'monthlyReport.met' : 'monthlyReport.missed')),
    /** The change against an earlier value, in percentage points for a rate. */
    change: (now: number | null, before: number | null, unit: string | null) => {
      if (now === null || before === null) return '—';
      const delta = now - before;
      const arrow = delta > 0 ? '↑' : delta < 0 ? '↓' : '→';
      return `${arrow} ${number(Math.abs(delta))}${unit === '%' ? ` ${t('monthlyReport.pp')}` : unit ? ` ${unit}` : ''}`;
    },
    time: (at: Date) => new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 16).replace('T', ' '),
  };
}

const text = (value: string, options: { bold?: boolean; size?: number } = {}) => new TextRun({ text: value, ...options });
const para = (value: string, options: { bold?: boolean; size?: number; alignment?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) =>
  new Paragraph({ alignment: options.alignment, spacing: { after: 120 }, children: [text(value, options)] });
const heading = (value: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ heading: level, spacing: { before: 240, after: 120 }, children: [text(value)] });

/** A table of text cells; the first row is the header. Cell text may hold line breaks. */
function table(header: string[], rows: string[][], widths: number[]): Table {
  const total = widths.reduce((a, b) => a + b, 0);
  const twips = widths.map((w) => Math.round((w / total) * TEXT_TWIPS));
  const cell = (value: string, i: number, head: boolean) => new TableCell({
    width: { size: twips[i]!, type: WidthType.DXA },
    ...(head ? { shading: { type: ShadingType.CLEAR, fill: 'EDEDED', color: 'auto' } } : {}),
    children: value.split('\n').map((part) => new Paragraph({ children: [text(part, { bold: head, size: 18 })] })),
  });
  return new Table({
    width: { size: TEXT_TWIPS, type: WidthType.DXA }, columnWidths: twips,
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, i, true)) }),
      ...rows.map((row) => new TableRow({ children: row.map((value, i) => cell(value, i, false)) })),
    ],
  });
}

function image(chart: ChartImage, title: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    children: [new ImageRun({
      type: 'png', data: chart.png,
      transformation: { width: IMAGE_WIDTH_PX, height: Math.round((chart.height / chart.width) * IMAGE_WIDTH_PX) },
      altText: { name: title, title, description: title },
    })],
  });
}

function indicatorSections(report: MonthlyReport, lines: ReportLine[], locale: Locale, t: T, f: ReturnType<typeof formatters>): Block[] {
  const name = (item: ReportGroup | ReportLine) => (locale === 'en' && item.nameEn) || item.name;
  const rows = (shown: ReportLine[]) => table(
    ['code', 'name', 'value', 'target', 'status', 'previous', 'lastYear', 'source'].map((c) => t(`monthlyReport.columns.${c}`)),
    shown.map((l) => [
      l.code, `${name(l)}${l.period === report.month.label ? '' : `\n(${l.period})`}`, f.value(l), f.target(l), f.meets(l),
      f.change(l.value, l.previous, l.unit), f.change(l.value, l.lastYear, l.unit),
      `${t(`ui.indicators.collection.${l.collection}`)}\n${l.computedAt ? f.time(l.computedAt) : t('monthlyReport.notComputed')}`,
    ]),
    [9, 20, 10, 10, 9, 11, 10, 16],
  );
  const out: Block[] = [];
  const placed = new Set<string>();
  for (const first of report.groups.filter((g) => g.level === 1)) {
    const blocks = report.groups.filter((g) => g.level === 2 && g.parentCode === first.code)
      .map((second) => ({ second, shown: lines.filter((l) => l.parentCode === second.code) })).filter((b) => b.shown.length);
    if (!blocks.length) continue;
    out.push(heading(`${first.code} ${name(first)}`, HeadingLevel.HEADING_2));
    for (const { second, shown } of blocks) {
      out.push(heading(`${second.code} ${name(second)}`, HeadingLevel.HEADING_3), rows(shown));
      for (const l of shown) placed.add(l.key);
    }
  }
  const rest = lines.filter((l) => !placed.has(l.key));
  if (rest.length) out.push(heading(t('monthlyReport.otherIndicators'), HeadingLevel.HEADING_2), rows(rest));
  return out;
}

function summary(report: MonthlyReport, t: T, f: ReturnType<typeof formatters>): Paragraph[] {
  const { lines, evaluation, alarms } = report;
  const count = (state: ReportLine['state']) => lines.filter((l) => l.state === state).length;
  const out = [para(t('monthlyReport.summaryIndicators', {
    total: lines.length, withData: count('ok'), met: lines.filter((l) => l.meetsTarget === true).length, missed: lines.filter((l) => l.meetsTarget === false).length,
    noData: count('noData') + count('notComputed'), notComputed: count('notComputed'),
  }))];
  const own = evaluation.districts.find((d) => d.regionId === report.region.id);
  if (!evaluation.indicators.length) out.push(para(t('monthlyReport.noRanking')));
  else if (own) out.push(para(t('monthlyReport.summaryRankingDistrict', { region: own.name, score: f.number(own.total), max: f.number(evaluation.maxScore), rank: own.rank })));
  else if (evaluation.districts[0]) out.push(para(t('monthlyReport.summaryRankingCity', { max: f.number(evaluation.maxScore), first: evaluation.districts[0].name, score: f.number(evaluation.districts[0].total) })));
  out.push(para(alarms ? t('monthlyReport.summaryAlarms', { total: alarms.total, falseAlarms: alarms.falseAlarms, open: alarms.open }) : t('monthlyReport.noAlarmAccess')));
  return out;
}

function ranking(report: MonthlyReport, t: T, f: ReturnType<typeof formatters>): Block[] {
  const { evaluation } = report;
  if (!evaluation.indicators.length || !evaluation.districts.length) return [para(t('monthlyReport.noRanking'))];
  const chart = barChart({ values: evaluation.districts.map((d) => d.total), max: evaluation.maxScore, highlight: evaluation.districts.findIndex((d) => d.regionId === report.region.id) });
  const highlighted = report.region.level === 'district' ? t('monthlyReport.rankingHighlight', { region: report.region.name }) : '';
  return [
    para(t('monthlyReport.rankingIntro', { max: f.number(evaluation.maxScore), count: evaluation.indicators.length })),
    image(chart, t('monthlyReport.sections.ranking')),
    para(t('monthlyReport.rankingChart', {
      names: evaluation.districts.map((d) => d.name).join(t('monthlyReport.listSeparator')), max: f.number(evaluation.maxScore), step: f.number(chart.gridValues[0]!), highlight: highlighted,
    })),
    table(['rank', 'district', 'score', 'missing'].map((c) => t(`monthlyReport.columns.${c}`)),
      evaluation.districts.map((d) => [String(d.rank), d.name, `${f.number(d.total)} / ${f.number(evaluation.maxScore)}`, String(d.missing.length)]), [10, 40, 25, 25]),
  ];
}

function trend(report: MonthlyReport, locale: Locale, t: T, f: ReturnType<typeof formatters>): Block[] {
  if (!report.trend) return [para(t('monthlyReport.noTrend'))];
  const { line, points } = report.trend;
  const values = points.map((p) => p.value);
  const highest = Math.max(0, ...values.filter((v): v is number => v !== null), line.target?.value ?? 0);
  const max = line.unit === '%' && highest <= 100 ? 100 : niceMax(highest);
  const chart = lineChart({ values, max, target: line.target?.value ?? null });
  const unit = line.unit === '%' ? '%' : line.unit ? ` ${line.unit}` : '';
  const name = (locale === 'en' && line.nameEn) || line.name;
  return [
    para(t('monthlyReport.trendIntro', { code: line.code, name, count: points.length })),
    image(chart, `${line.code} ${name}`),
    para(t('monthlyReport.trendChart', {
      name, from: points[0]!.period, to: points.at(-1)!.period, max: f.number(max), step: f.number(chart.gridValues[0]!), unit,
      target: line.target ? t('monthlyReport.trendTarget', { target: f.withUnit(line.target.value, line.unit) }) : '',
    })),
    table([t('monthlyReport.columns.period'), t('monthlyReport.columns.value')], points.map((p) => [p.period, f.value({ value: p.value, unit: line.unit })]), [50, 50]),
  ];
}

function alarmSection(report: MonthlyReport, t: T, f: ReturnType<typeof formatters>): Block[] {
  const { alarms } = report;
  if (!alarms) return [para(t('monthlyReport.noAlarmAccess'))];
  const intro = para(t('monthlyReport.alarmsIntro', { from: f.time(report.month.start).slice(0, 10), to: f.time(new Date(report.month.end.getTime() - 1)).slice(0, 10) }));
  if (!alarms.total) return [intro, para(t('monthlyReport.noAlarms'))];
  const moduleName = (module: string | null) => {
    const key = `ui.modules.${module}`;
    return module && t(key) !== key ? t(key) : module ?? t('monthlyReport.otherModule');
  };
  return [
    intro,
    table([t('monthlyReport.columns.severity'), t('monthlyReport.columns.alarms')],
      ([1, 2, 3, 4] as const).map((s) => [t(`monthlyReport.severities.${s}`), String(alarms.bySeverity[s])]), [60, 40]),
    para(''),
    table([t('monthlyReport.columns.module'), t('monthlyReport.columns.alarms')], alarms.byModule.map((m) => [moduleName(m.module), String(m.count)]), [60, 40]),
    para(t('monthlyReport.alarmTotals', { total: alarms.total, falseAlarms: alarms.falseAlarms, open: alarms.open })),
  ];
}

function sources(report: MonthlyReport, t: T, f: ReturnType<typeof formatters>): Block[] {
  const methods = (['realtime', 'reported', 'inspection'] as const).map((method) => {
    const mine = report.lines.filter((l) => l.collection === method);
    const latest = mine.reduce<Date | null>((at, l) => (l.computedAt && (!at || l.computedAt > at) ? l.computedAt : at), null);
    return [
      t(`ui.indicators.collection.${method}`), String(mine.length), String(mine.filter((l) => l.state === 'ok').length),
      String(mine.filter((l) => l.state === 'noData').length), String(mine.filter((l) => l.state === 'notComputed').length), latest ? f.time(latest) : '—',
    ];
  });
  return [
    para(t('monthlyReport.sourcesIntro')),
    table(['method', 'count', 'withData', 'noData', 'notComputed', 'latest'].map((c) => t(`monthlyReport.columns.${c}`)), methods, [20, 12, 12, 12, 12, 32]),
  ];
}

function analysis(report: MonthlyReport, locale: Locale, t: T, f: ReturnType<typeof formatters>): Paragraph[] {
  const name = (l: ReportLine) => (locale === 'en' && l.nameEn) || l.name;
  const missed = report.lines.filter((l) => l.meetsTarget === false);
  const stale = report.lines.filter((l) => l.state === 'notComputed');
  return [
    para(t('monthlyReport.analysisMissed'), { bold: true }),
    ...(missed.length
      ? missed.map((l) => para(t('monthlyReport.analysisMissedItem', { code: l.code, name: name(l), value: f.value(l), target: f.target(l) })))
      : [para(t('monthlyReport.analysisNoneMissed'))]),
    para(t('monthlyReport.analysisStale'), { bold: true }),
    para(stale.length ? stale.map((l) => `${l.code} ${name(l)}`).join(t('monthlyReport.listSeparator')) : t('monthlyReport.analysisNoneStale')),
  ];
}

/** The report as .docx bytes. */
export async function renderMonthlyReport(report: MonthlyReport, locale: Locale): Promise<Buffer> {
  const t: T = (key, params) => translate(locale, key, params);
  const f = formatters(locale, t);
  const section = (key: string) => heading(t(`monthlyReport.sections.${key}`), HeadingLevel.HEADING_1);
  const cases = report.lines.filter((l) => l.domain === 'cases');
  const system = report.lines.filter((l) => l.domain !== 'cases');
  const title = t('monthlyReport.title');
  const children: Block[] = [
    para(title, { bold: true, size: 36, alignment: AlignmentType.CENTER }),
    para(`${cityName(report, locale)}　${periodName(report, locale, t)}`, { size: 28, alignment: AlignmentType.CENTER }),
    para(t('monthlyReport.scope', { region: regionName(report, t) }), { alignment: AlignmentType.CENTER }),
    section('summary'), ...summary(report, t, f),
    section('indicators'), para(t('monthlyReport.indicatorsIntro')), ...(system.length ? indicatorSections(report, system, locale, t, f) : [para(t('monthlyReport.noIndicators'))]),
    section('cases'), para(t('monthlyReport.casesIntro')), ...(cases.length ? indicatorSections(report, cases, locale, t, f) : [para(t('monthlyReport.noIndicators'))]),
    section('ranking'), ...ranking(report, t, f),
    section('trend'), ...trend(report, locale, t, f),
    section('alarms'), ...alarmSection(report, t, f),
    section('sources'), ...sources(report, t, f),
    section('analysis'), ...analysis(report, locale, t, f),
    section('notes'), ...(report.notes ? report.notes.split(/\r?\n/).map((line) => para(line)) : [para(t('monthlyReport.notesEmpty'))]),
    para(''),
    para(t('monthlyReport.compiled', { name: report.compiledBy, at: f.time(report.compiledAt) })),
    para(t('monthlyReport.approval')),
  ];
  const document = new Document({
    creator: report.compiledBy, title: `${title} ${periodName(report, locale, t)}`, description: reportFileName(report, locale),
    styles: {
      default: {
        document: { run: { font: { ascii: 'Calibri', hAnsi: 'Calibri', eastAsia: 'SimSun' }, size: 21 } },
        heading1: { run: { size: 30, bold: true, color: '000000' } },
        heading2: { run: { size: 26, bold: true, color: '000000' } },
        heading3: { run: { size: 22, bold: true, color: '000000' } },
      },
    },
    sections: [{
      properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
      footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] }) },
      children,
    }],
  });
  return Packer.toBuffer(document);
}

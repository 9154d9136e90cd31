/**
 * ISO 8601 forms accepted in timer definitions (BPMN 2.0 §10.5.4 names ISO 8601 for timeDate,
 * timeDuration and timeCycle): a date-time, a duration, and a repeating interval
 * `R[n]/[start/]duration`.
 */

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const DURATION_SOURCE =
  String.raw`P(?!$)(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
  String.raw`(?:T(?=\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?`;
const DATE_TIME_SOURCE = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?`;

const DURATION = new RegExp(`^${DURATION_SOURCE}$`);
const DATE_TIME = new RegExp(`^${DATE_TIME_SOURCE}$`);
// `R[n]/[start/]duration` only: the form model.ts documents and the engine schedules.
const CYCLE = new RegExp(String.raw`^R\d*/(?:(?:${DATE_TIME_SOURCE})/)?(?:${DURATION_SOURCE})$`);

export type TimerType = 'date' | 'duration' | 'cycle';

function isRealDateTime(value: string): boolean {
  // The pattern admits 2024-02-31T25:00; Date.parse rejects impossible fields.
  const [date, time] = value.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map((part) => Number(part.slice(0, 2)));
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day && hour < 24 && minute < 60;
}

export function isIso8601Timer(type: TimerType, value: string): boolean {
  switch (type) {
    case 'date':
      return DATE_TIME.test(value) && isRealDateTime(value);
    case 'duration':
      return DURATION.test(value);
    case 'cycle':
      return CYCLE.test(value);
  }
}

/**
 * Text that is clearly meant as ISO 8601 (`P…`, `R…/`, `2024-…`) must be valid ISO 8601: read as
 * an expression, `PT5X` would silently become a variable look-up.
 */
export function looksLikeIso8601(value: string): boolean {
  return /^(?:P[\dT]|R\d*\/|\d{4}-\d{2})/.test(value);
}

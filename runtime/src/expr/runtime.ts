/**
 * What compiled closures run against: the variables, the evaluation context port, and lambda
 * frames. Also the per-call-site `CallContext` handed to function implementations.
 */
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { ExprError, type Span } from './errors.ts';
import type { CallContext, ExprLambda } from './functions/registry.ts';
import { DEFAULT_TIME_ZONE } from './temporal.ts';
import { fromJs, type ExprValue } from './values.ts';

/**
 * The world as evaluation sees it (a port). `now` is required by NOW()/TODAY(), `calendar` by the
 * working-time functions; `timeZone` defaults to Asia/Shanghai.
 */
export interface EvaluationContext {
  now?(): Date;
  readonly calendar?: WorkingCalendar;
  readonly timeZone?: string;
}

/**
 * Variables: a plain object (own properties only) or a lookup function. Values are JSON-like;
 * datetimes may be `Date` or ISO 8601 text (coerced where the static type says datetime).
 */
export type Variables = Readonly<Record<string, unknown>> | ((name: string) => unknown);

export interface Frame {
  readonly variables: Variables;
  readonly context: EvaluationContext;
  readonly timeZone: string;
  /** Values of the innermost lambda's parameters. */
  readonly locals: readonly ExprValue[] | undefined;
  readonly parent: Frame | undefined;
}

export function rootFrame(variables: Variables, context: EvaluationContext): Frame {
  return { variables, context, timeZone: context.timeZone ?? DEFAULT_TIME_ZONE, locals: undefined, parent: undefined };
}

export function readVariable(variables: Variables, name: string): unknown {
  if (typeof variables === 'function') return variables(name);
  return Object.hasOwn(variables, name) ? variables[name] : undefined;
}

/**
 * A reader for one variable name, fixed at compile time. Names that exist on `Object.prototype`
 * (`constructor`, `toString` …) need the own-property check; all others can be read directly,
 * which is the hot path of every condition.
 */
export function variableReader(name: string): (variables: Variables) => ExprValue {
  if (name in Object.prototype) return (variables) => fromJs(readVariable(variables, name));
  return (variables) => {
    const value = typeof variables === 'function' ? variables(name) : variables[name];
    return value === undefined ? null : (value as ExprValue);
  };
}

/**
 * The `CallContext` of one call site. It is reused across evaluations (no allocation per call):
 * the compiled call sets `frame` and `lambdas` right before invoking the function. Safe because
 * evaluation is synchronous and a call site never runs inside its own arguments.
 */
export class CallSite implements CallContext {
  frame: Frame | undefined;
  lambdas: (ExprLambda | undefined)[] = [];

  constructor(
    readonly name: string,
    readonly span: Span,
  ) {}

  get timeZone(): string {
    return this.frame?.timeZone ?? 'Asia/Shanghai';
  }

  now(): Date {
    const now = this.frame?.context.now;
    if (now === undefined) throw new ExprError('clockRequired', this.span, { name: this.name });
    return now.call(this.frame!.context);
  }

  calendar(): WorkingCalendar {
    const calendar = this.frame?.context.calendar;
    if (calendar === undefined) throw new ExprError('calendarRequired', this.span, { name: this.name });
    return calendar;
  }

  lambda(index: number): ExprLambda | undefined {
    return this.lambdas[index];
  }
}

/**
 * The mechanical rewrite that makes betsy's engine-neutral models runnable by Tongguan (test
 * support only). betsy's script tasks hold placeholder words with no script format
 * (corpora/bpmn-exec/README.md §1); Tongguan runs scripts only in its expression language, so each
 * placeholder becomes the equivalent assignment script. Conditions need no rewrite: betsy's
 * `test.contains("a")`, `integerVariable<3` and `${integerVariable}` are valid Tongguan
 * expressions (the language strips `${…}`).
 *
 * The trace is a process variable, `betsyTrace`, a text of `;`-terminated entries appended by the
 * scripts (the expression language has no list append): like betsy's log file, it records what
 * actually ran, in the instance it ran in. The harness reads it from every instance of the run.
 */
import { applyRules, declareTgNamespace, element, rewriteElements, setAttribute, type RewriteRule } from './xml-rewrite.ts';

export const TRACE_VARIABLE = 'betsyTrace';
/** Service type of the work item standing in for betsy's THROW_ERROR script (see the rule). */
export const THROW_ERROR_SERVICE = 'betsy.throwError';

const append = (entry: string): string => `${TRACE_VARIABLE} = CONCAT(${TRACE_VARIABLE}, "${entry};")`;

/** Placeholder → Tongguan script (README §1 table). THROW_ERROR is handled by its own rule. */
export const BETSY_SCRIPTS: Readonly<Record<string, string>> = {
  // betsy creates its log file here; nothing is traced, but the body must be a real assignment.
  CREATE_LOG_FILE: 'betsyLogCreated = true',
  SCRIPT_task1: append('SCRIPT_task1'),
  SCRIPT_task2: append('SCRIPT_task2'),
  SCRIPT_task3: append('SCRIPT_task3'),
  SCRIPT_task4: append('SCRIPT_task4'),
  SCRIPT_task5: append('SCRIPT_task5'),
  // betsy checks that a marker file exists, written by a called or message-started process.
  CREATE_MARKER_FILE: append('MARKER_exists'),
  INCREMENT_INTEGER_VARIABLE: 'integerVariable = integerVariable + 1',
  INCREMENT_INTEGER_VARIABLE_AND_LOG: `integerVariable = integerVariable + 1; ${append('INCREMENT_correct')}`,
};

/** Splits the trace variable's text into entries. */
export function traceEntries(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(';').filter((entry) => entry !== '');
}

function placeholderOf(body: string): string {
  const match = /<(?:\w+:)?script>\s*([\s\S]*?)\s*<\/(?:\w+:)?script>/.exec(body);
  if (match === null) throw new Error('betsy script task without <script>');
  return match[1]!;
}

function errorCodes(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?error\b[^>]*\serrorCode="([^"]*)"/g)].map((match) => match[1]!);
}

export const BETSY_RULES: readonly RewriteRule<void>[] = [
  {
    name: 'throw-error-as-service-task',
    why:
      'A Tongguan script cannot raise a BPMN error and error boundary events are allowed only where a handler can raise one ' +
      '(service-like tasks, sub-processes, call activities). The THROW_ERROR script task becomes a service task whose ' +
      'harness handler fails the job with the errorCode of the model\'s only <error> (WCP19: ERR_CODE): the activity ' +
      'still throws that BPMN error at the same place, with the same boundary event attached.',
    apply: (xml) => {
      const rewritten = rewriteElements(xml, ['scriptTask'], (found, prefix) => {
        if (placeholderOf(found.body) !== 'THROW_ERROR') return undefined;
        const codes = errorCodes(xml);
        if (codes.length !== 1) throw new Error(`THROW_ERROR needs exactly one <error errorCode>, found ${codes.length}`);
        const config = `<${prefix}extensionElements><tg:config>${JSON.stringify({ errorCode: codes[0] })}</tg:config></${prefix}extensionElements>`;
        const body = found.body.replace(/<(\w+:)?script>[\s\S]*?<\/\1script>/, '');
        return element(prefix, 'serviceTask', setAttribute(found.openTag, 'tg:type', THROW_ERROR_SERVICE), config + body);
      });
      return rewritten === xml ? xml : declareTgNamespace(rewritten);
    },
  },
  {
    name: 'placeholder-scripts',
    why:
      'betsy scripts are placeholder words without a scriptFormat; each becomes the Tongguan assignment script of the ' +
      'BETSY_SCRIPTS table (scriptFormat="tongguan") doing what betsy\'s harness does for that word. An unknown word fails ' +
      'the rewrite instead of being dropped.',
    apply: (xml) =>
      rewriteElements(xml, ['scriptTask'], (found, prefix) => {
        const placeholder = placeholderOf(found.body);
        const script = BETSY_SCRIPTS[placeholder];
        if (script === undefined) throw new Error(`unknown betsy script placeholder ${placeholder}`);
        const body = found.body.replace(/<(\w+:)?script>[\s\S]*?<\/\1script>/, `<${prefix}script><![CDATA[${script}]]></${prefix}script>`);
        return element(prefix, 'scriptTask', setAttribute(found.openTag, 'scriptFormat', 'tongguan'), body);
      }),
  },
];

export function rewriteBetsy(xml: string): { xml: string; applied: string[] } {
  return applyRules(xml, BETSY_RULES, undefined);
}

import { describe, expect, it } from 'vitest';
import { around, END, errorKeys, flow, onlyProcess, parse, START, warningKeys } from './testing.ts';

const conditional = (condition: string) =>
  `${START}<exclusiveGateway id="g" default="f2"/><task id="a"/>${END}` +
  flow('f0', 'start', 'g') + flow('f1', 'g', 'a', condition) + flow('f2', 'g', 'end') + flow('f3', 'a', 'end');

describe('expressions in an open environment (process variables are dynamic)', () => {
  it('accepts a plain condition over unknown variables', async () => {
    const model = onlyProcess(await parse(conditional('level &gt; 2 &amp;&amp; source == "hotline"')));
    expect(model.flows.get('f1')?.condition).toBe('level > 2 && source == "hotline"');
  });

  it('accepts a Camunda-style ${…} condition and stores it unwrapped', async () => {
    const model = onlyProcess(await parse(conditional('${approved}')));
    expect(model.flows.get('f1')?.condition).toBe('approved');
  });

  it('rejects a condition that cannot be boolean, naming the flow', async () => {
    const result = await parse(conditional('&quot;approved&quot;'));
    expect(errorKeys(result)).toEqual(['expression.invalid@f1']);
    expect(result.ok ? '' : result.problems[0].message).toContain('conditionExpression');
  });

  it('rejects a condition with a syntax error and says where, in the requested language', async () => {
    const english = await parse(conditional('level = 2'));
    const chinese = await parse(conditional('level = 2'), { locale: 'zh-CN' });
    expect(errorKeys(english)).toEqual(['expression.invalid@f1']);
    expect(english.ok ? '' : english.problems[0].message).toMatch(/==/);
    expect(chinese.ok ? '' : chinese.problems[0].message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('rejects an empty condition', async () => {
    expect(errorKeys(await parse(conditional('  ')))).toEqual(['expression.empty@f1']);
  });

  it('rejects a loop cardinality that is a string', async () => {
    const task = '<userTask id="u"><multiInstanceLoopCharacteristics><loopCardinality>"three"</loopCardinality></multiInstanceLoopCharacteristics></userTask>';
    expect(errorKeys(await parse(around(task, 'u')))).toEqual(['expression.invalid@u']);
  });

  it('rejects a completion condition that is not boolean', async () => {
    const task =
      '<userTask id="u"><multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality>' +
      '<completionCondition>0.6</completionCondition></multiInstanceLoopCharacteristics></userTask>';
    expect(errorKeys(await parse(around(task, 'u')))).toEqual(['expression.invalid@u']);
  });

  it('rejects a due date that is text', async () => {
    expect(errorKeys(await parse(around('<userTask id="u" tg:dueDate="&quot;tomorrow&quot;"/>', 'u')))).toEqual(['expression.invalid@u']);
  });

  it('accepts a due date in working hours or as a datetime', async () => {
    const tasks = ['<userTask id="u" tg:dueDate="8"/>', '<userTask id="u" tg:dueDate="slaHours[category] ?? 24"/>', '<userTask id="u" tg:dueDate="reportedAt + 4h"/>'];
    for (const task of tasks) expect(errorKeys(await parse(around(task, 'u')))).toEqual([]);
  });

  it('checks every script assignment', async () => {
    const task = '<scriptTask id="s" scriptFormat="tongguan"><script>a = 1\nb = unknownFunction(a)</script></scriptTask>';
    expect(errorKeys(await parse(around(task, 's')))).toEqual(['expression.invalid@s']);
  });

  it('reports checker warnings as warnings, not errors', async () => {
    const result = await parse(conditional('"a" == 1'));
    expect(result.ok ? warningKeys(result) : errorKeys(result)).toEqual(['expression.suspicious@f1']);
  });
});

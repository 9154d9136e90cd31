import { describe, expect, it } from 'vitest';
import { around, errorKeys, nodeOf, onlyProcess, parse } from './testing.ts';

describe('user tasks', () => {
  it('reads every tg: assignment attribute into the model', async () => {
    const task =
      '<userTask id="u" tg:assignee="${initiator}" tg:candidateRoles="dispatcher, handler" tg:candidatePositions="inspector"' +
      ' tg:candidateOrganisations="responsibleUnitId" tg:formKey="case-dispatch" tg:dueDate="4 * 8" tg:escalateTo="shift-lead" tg:priority="level"/>';
    const model = onlyProcess(await parse(around(task, 'u')));
    expect(nodeOf(model, 'u')).toMatchObject({
      kind: 'userTask',
      assignment: {
        assignee: 'initiator',
        candidateRoles: ['dispatcher', 'handler'],
        candidatePositions: ['inspector'],
        candidateOrganisations: 'responsibleUnitId',
      },
      formKey: 'case-dispatch',
      dueDate: '4 * 8',
      escalateTo: 'shift-lead',
      priority: 'level',
    });
  });

  it('builds an empty assignment for a task without assignment rules (claimable by process administrators)', async () => {
    const model = onlyProcess(await parse(around('<userTask id="u"/>', 'u')));
    expect(nodeOf(model, 'u')).toMatchObject({ assignment: { candidateRoles: [], candidatePositions: [] } });
    expect(nodeOf(model, 'u')).not.toHaveProperty('formKey');
  });

  it('rejects a form key that is not a definition key', async () => {
    expect(errorKeys(await parse(around('<userTask id="u" tg:formKey="forms/dispatch form"/>', 'u')))).toEqual(['userTask.formKeyInvalid@u']);
  });

  it('rejects a candidate role list with an item that is not a code', async () => {
    expect(errorKeys(await parse(around('<userTask id="u" tg:candidateRoles="dispatcher, ${role}"/>', 'u')))).toEqual(['userTask.candidateListInvalid@u']);
  });

  it('rejects an assignee expression that does not parse', async () => {
    const result = await parse(around('<userTask id="u" tg:assignee="initiator +"/>', 'u'));
    expect(errorKeys(result)).toEqual(['expression.invalid@u']);
    expect(result.ok ? '' : result.problems[0].message).toContain('tg:assignee');
  });

  it('rejects BPMN potentialOwner assignments, which the engine does not read', async () => {
    const task = '<userTask id="u"><potentialOwner><resourceAssignmentExpression><formalExpression>admin</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>';
    expect(errorKeys(await parse(around(task, 'u')))).toEqual(['task.resourceAssignmentUnsupported@u']);
  });
});

describe('service, send and business-rule tasks', () => {
  it('reads the handler type, result variable and JSON config', async () => {
    const task = '<sendTask id="s" tg:type="notify" tg:resultVariable="notified"><extensionElements><tg:config>{"channel": "sms", "to": ["a"]}</tg:config></extensionElements></sendTask>';
    const model = onlyProcess(await parse(around(task, 's')));
    expect(nodeOf(model, 's')).toMatchObject({ kind: 'sendTask', serviceType: 'notify', resultVariable: 'notified', config: { channel: 'sms', to: ['a'] } });
  });

  it('uses an empty config when there is no <tg:config>', async () => {
    const model = onlyProcess(await parse(around('<businessRuleTask id="s" tg:type="classify"/>', 's')));
    expect(nodeOf(model, 's')).toMatchObject({ kind: 'businessRuleTask', config: {} });
  });

  it('rejects a service task without tg:type', async () => {
    expect(errorKeys(await parse(around('<serviceTask id="s"/>', 's')))).toEqual(['serviceTask.typeMissing@s']);
  });

  it('rejects a handler type that is not registered when the registered types are given', async () => {
    const result = await parse(around('<serviceTask id="s" tg:type="fax"/>', 's'), { locale: 'en', serviceTypes: new Set(['notify', 'http']) });
    expect(errorKeys(result)).toEqual(['serviceTask.typeUnknown@s']);
    expect(result.ok ? '' : result.problems[0].message).toContain('http, notify');
  });

  it('rejects a config that is not a JSON object', async () => {
    const task = '<serviceTask id="s" tg:type="notify"><extensionElements><tg:config>["sms"]</tg:config></extensionElements></serviceTask>';
    expect(errorKeys(await parse(around(task, 's')))).toEqual(['serviceTask.configInvalid@s']);
  });

  it('rejects a config element on a user task', async () => {
    const task = '<userTask id="u"><extensionElements><tg:config>{}</tg:config></extensionElements></userTask>';
    expect(errorKeys(await parse(around(task, 'u')))).toEqual(['tg.misplacedElement@u']);
  });

  it('rejects a result variable that is not a variable name', async () => {
    expect(errorKeys(await parse(around('<serviceTask id="s" tg:type="notify" tg:resultVariable="a-b"/>', 's')))).toEqual(['variable.nameInvalid@s']);
  });
});

describe('script tasks', () => {
  const script = (body: string, format = 'tongguan') => around(`<scriptTask id="s" scriptFormat="${format}"><script><![CDATA[${body}]]></script></scriptTask>`, 's');

  it('splits assignments at line breaks and semicolons outside strings and comparison operators', async () => {
    const model = onlyProcess(await parse(script('note = "a = b; c"; ok = level >= 2 && level != 5\nscore = score + 1')));
    expect(nodeOf(model, 's')).toMatchObject({
      assignments: [
        { target: 'note', expression: '"a = b; c"' },
        { target: 'ok', expression: 'level >= 2 && level != 5' },
        { target: 'score', expression: 'score + 1' },
      ],
    });
  });

  it('rejects JavaScript: script tasks run only the Tongguan expression language', async () => {
    const result = await parse(script('execution.setVariable("a", 1)', 'javascript'));
    expect(errorKeys(result)).toEqual(['script.formatUnsupported@s']);
    expect(result.ok ? '' : result.problems[0].message).toContain('script tasks run only the Tongguan expression language');
  });

  it('rejects a script task without scriptFormat', async () => {
    expect(errorKeys(await parse(around('<scriptTask id="s"><script>a = 1</script></scriptTask>', 's')))).toEqual(['script.formatUnsupported@s']);
  });

  it('rejects a statement that is not an assignment', async () => {
    expect(errorKeys(await parse(script('a == 1')))).toEqual(['expression.invalid@s']);
  });

  it('rejects an empty script', async () => {
    expect(errorKeys(await parse(script('  ')))).toEqual(['script.empty@s']);
  });
});

describe('call activities', () => {
  it('reads calledElement, the tg:in / tg:out mappings and inheritVariables', async () => {
    const call =
      '<callActivity id="c" calledElement="case-verify" tg:inheritVariables="true"><extensionElements>' +
      '<tg:in target="caseId" expression="caseId"/><tg:in target="deadline" expression="${now() + 2d}"/><tg:out target="verified" expression="result == &quot;ok&quot;"/>' +
      '</extensionElements></callActivity>';
    const model = onlyProcess(await parse(around(call, 'c')));
    expect(nodeOf(model, 'c')).toMatchObject({
      kind: 'callActivity',
      calledElement: 'case-verify',
      inheritVariables: true,
      inputs: [
        { target: 'caseId', expression: 'caseId' },
        { target: 'deadline', expression: 'now() + 2d' },
      ],
      outputs: [{ target: 'verified', expression: 'result == "ok"' }],
    });
  });

  it('does not inherit variables unless asked', async () => {
    const model = onlyProcess(await parse(around('<callActivity id="c" calledElement="sub"/>', 'c')));
    expect(nodeOf(model, 'c')).toMatchObject({ inheritVariables: false, inputs: [], outputs: [] });
  });

  it('rejects a call activity without calledElement', async () => {
    expect(errorKeys(await parse(around('<callActivity id="c"/>', 'c')))).toEqual(['callActivity.calledElementMissing@c']);
  });

  it('rejects a mapping whose target is not a variable name', async () => {
    const call = '<callActivity id="c" calledElement="sub"><extensionElements><tg:in target="1x" expression="a"/></extensionElements></callActivity>';
    expect(errorKeys(await parse(around(call, 'c')))).toEqual(['callActivity.mappingInvalid@c']);
  });
});

describe('multi-instance and loops', () => {
  const multi = (inner: string, attributes = '') => around(`<userTask id="u"><multiInstanceLoopCharacteristics ${attributes}>${inner}</multiInstanceLoopCharacteristics></userTask>`, 'u');

  it('reads a parallel 会签 over a collection with its completion condition', async () => {
    const xml = multi('<completionCondition>${nrOfCompletedInstances == nrOfInstances}</completionCondition>', 'tg:collection="approvers" tg:elementVariable="approver"');
    const model = onlyProcess(await parse(xml));
    expect(nodeOf(model, 'u')).toMatchObject({
      multiInstance: { isSequential: false, collection: 'approvers', elementVariable: 'approver', completionCondition: 'nrOfCompletedInstances == nrOfInstances' },
    });
  });

  it('reads a sequential multi-instance with a cardinality', async () => {
    const model = onlyProcess(await parse(multi('<loopCardinality>3</loopCardinality>', 'isSequential="true"')));
    expect(nodeOf(model, 'u')).toMatchObject({ multiInstance: { isSequential: true, loopCardinality: '3' } });
  });

  it('rejects multi-instance without cardinality or collection', async () => {
    expect(errorKeys(await parse(multi('')))).toEqual(['multiInstance.noCardinalityOrCollection@u']);
  });

  it('rejects multi-instance with both cardinality and collection', async () => {
    expect(errorKeys(await parse(multi('<loopCardinality>2</loopCardinality>', 'tg:collection="xs"')))).toEqual(['multiInstance.cardinalityAndCollection@u']);
  });

  it('rejects an element variable without a collection', async () => {
    expect(errorKeys(await parse(multi('<loopCardinality>2</loopCardinality>', 'tg:elementVariable="x"')))).toEqual(['multiInstance.elementVariableInvalid@u']);
  });

  it('rejects multi-instance behaviour events (behavior other than All)', async () => {
    expect(errorKeys(await parse(multi('<loopCardinality>2</loopCardinality>', 'behavior="One"')))).toEqual(['multiInstance.behaviorUnsupported@u']);
  });

  it('reads a standard loop', async () => {
    const xml = around('<task id="t"><standardLoopCharacteristics testBefore="true" loopMaximum="5"><loopCondition>count &lt; 3</loopCondition></standardLoopCharacteristics></task>', 't');
    expect(nodeOf(onlyProcess(await parse(xml)), 't')).toMatchObject({ loop: { testBefore: true, loopMaximum: 5, loopCondition: 'count < 3' } });
  });
});

describe('data and compensation', () => {
  it('rejects data input associations, which would move data the engine ignores', async () => {
    const task = '<task id="t"><dataInputAssociation id="dia"><sourceRef>do</sourceRef></dataInputAssociation></task><dataObject id="do"/>';
    expect(errorKeys(await parse(around(task, 't')))).toEqual(['data.associationUnsupported@t']);
  });

  it('accepts a data object as documentation, with a warning', async () => {
    const result = await parse(around('<task id="t"/>', 't') + '<dataObject id="do"/>');
    expect(result.ok && result.warnings.map((warning) => `${warning.code}@${warning.elementId}`)).toEqual(['data.objectIgnored@do']);
  });

  it('rejects a compensation activity', async () => {
    expect(errorKeys(await parse(around('<task id="t" isForCompensation="true"/>', 't')))).toEqual(['activity.compensationUnsupported@t']);
  });
});

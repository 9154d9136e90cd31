import { describe, expect, it } from 'vitest';
import { checkVariables } from './variables-json.ts';

describe('the start page variables editor', () => {
  it('given empty text, then there are no variables', () => {
    expect(checkVariables('  ')).toEqual({ ok: true, value: {} });
  });

  it('given a JSON object, then its entries are the variables', () => {
    expect(checkVariables('{"level": 3, "source": "hotline", "tags": ["a"]}')).toEqual({ ok: true, value: { level: 3, source: 'hotline', tags: ['a'] } });
  });

  it('given text that is not JSON, then the JSON message is named', () => {
    expect(checkVariables('{level: 3}')).toMatchObject({ ok: false, messageKey: 'ui.processes.invalidJson' });
  });

  it('given a JSON array, then it is refused as not an object', () => {
    expect(checkVariables('[1, 2]')).toMatchObject({ ok: false, messageKey: 'ui.processes.notAnObject' });
  });

  it('given a variable name starting with a digit, then the variable-name rule names it', () => {
    expect(checkVariables('{"1st": true}')).toEqual({ ok: false, messageKey: 'validation.variableName', path: '1st' });
  });
});

import { describe, expect, it } from 'vitest';
import { EXPR_ERROR_CODES, formatMessage, messages } from './messages.ts';

describe('given the message catalog', () => {
  it('when both locales are compared, then each has exactly the error codes', () => {
    expect(Object.keys(messages['zh-CN']).sort()).toEqual([...EXPR_ERROR_CODES].sort());
    expect(Object.keys(messages.en).sort()).toEqual([...EXPR_ERROR_CODES].sort());
  });

  it('when every code is rendered with sample parameters, then both texts are non-empty and filled in', () => {
    const params = { name: 'X', suggestion: 'Y', expected: 'number', actual: 'string', index: 1, operator: '+', left: 'number', right: 'string', type: 'number', token: ')', text: 't', character: 'c', unit: 'm', escape: '\\q', reason: 'negative', subject: 'argument', what: 'w' };
    for (const code of EXPR_ERROR_CODES) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const text = formatMessage(code, params, locale);
        expect(text.length, `${locale} ${code}`).toBeGreaterThan(3);
        expect(text, `${locale} ${code}`).not.toMatch(/undefined|\$\{/);
      }
    }
  });

  it('when a Chinese message names types, then the type names are Chinese', () => {
    expect(formatMessage('argumentType', { name: 'ROUND', index: 1, expected: 'list<number>', actual: 'datetime' })).toBe('函数 ROUND 的第 1 个参数应为 列表<数字>，实际为 日期时间');
  });

  it('when a run-time argument reason is a known key, then it is rendered in each language', () => {
    expect(formatMessage('invalidArgument', { name: 'ROUND', argument: 2, reason: 'notInteger' }, 'en')).toBe('Invalid argument to ROUND: argument 2 must be an integer');
    expect(formatMessage('invalidArgument', { name: 'ROUND', argument: 2, reason: 'notInteger' })).toBe('函数 ROUND 的参数无效：参数 2 应为整数');
  });

  it('when a suggestion is absent, then no "did you mean" text is added', () => {
    expect(formatMessage('unknownVariable', { name: 'x' }, 'en')).toBe('Unknown variable "x"');
  });
});

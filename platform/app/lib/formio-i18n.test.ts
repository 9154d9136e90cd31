import { describe, expect, it } from 'vitest';
import formioEnglish from '@formio/js/lib/cjs/translations/en';
import { FORMIO_ZH_CN } from './formio-i18n.ts';

const english = ((formioEnglish as unknown as { default?: Record<string, string> }).default ?? formioEnglish) as Record<string, string>;
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('form.io texts in Chinese', () => {
  it('given the Chinese map, then every key is one @formio/js 5.6 knows (no typo silently falls back to English)', () => {
    expect(Object.keys(FORMIO_ZH_CN).filter((key) => !(key in english))).toEqual([]);
  });

  it('given each translation, then it keeps the placeholders of the English message', () => {
    const mismatched = Object.entries(FORMIO_ZH_CN)
      .filter(([key, text]) => placeholders(text).join() !== placeholders(english[key]).join() && !['pattern', 'invalid_regex'].includes(key))
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('given the built-in validation rules, then each has a Chinese message', () => {
    const rules = ['required', 'minLength', 'maxLength', 'min', 'max', 'pattern', 'invalid_email', 'invalid_url', 'invalid_date', 'mask', 'select'];
    expect(rules.filter((rule) => !FORMIO_ZH_CN[rule])).toEqual([]);
  });
});

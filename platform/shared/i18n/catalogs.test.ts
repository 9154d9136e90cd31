import { describe, expect, it } from 'vitest';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';
import { negotiateLocale, translate } from './index.ts';
import { ALARM_VALIDATION_MESSAGES } from '@tongguan/runtime/alarms/definition';
import { NOTIFY_VALIDATION_MESSAGES } from '@tongguan/runtime/notify/channels';

function keys(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('i18n catalogs', () => {
  it('given both catalogs, when their keys are compared, then zh-CN and en are complete and identical', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('given any catalog entry, when read, then no message is empty', () => {
    for (const catalog of [zhCN, en]) {
      for (const key of keys(catalog)) expect(translate(catalog === zhCN ? 'zh-CN' : 'en', key).trim(), key).not.toBe('');
    }
  });

  it('given the validation keys the alarm rule and channel schemas introduce, when looked up, then both catalogs carry the texts they ship', () => {
    for (const [key, texts] of Object.entries({ ...ALARM_VALIDATION_MESSAGES, ...NOTIFY_VALIDATION_MESSAGES })) {
      expect(translate('zh-CN', `validation.${key}`), key).toBe(texts['zh-CN']);
      expect(translate('en', `validation.${key}`), key).toBe(texts.en);
    }
  });

  it('given Accept-Language headers, when negotiated, then zh-CN is the default and en is honoured by preference', () => {
    expect(negotiateLocale(undefined)).toBe('zh-CN');
    expect(negotiateLocale('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLocale('fr-FR, en;q=0.5, zh;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale('de')).toBe('zh-CN');
  });

  it('given parameters, when translating, then placeholders are filled and unknown ones kept', () => {
    expect(translate('en', 'errors.account_locked', { minutes: 15 })).toBe('The account is locked; try again in 15 minutes');
    expect(translate('zh-CN', 'errors.not_found', {})).toContain('{object}');
  });
});

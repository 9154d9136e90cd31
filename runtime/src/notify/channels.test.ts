import { describe, expect, it } from 'vitest';
import { externalChannels, notifyChannelsSchema } from './channels.ts';

const issuesOf = (input: unknown) => {
  const result = notifyChannelsSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('notification channels in definitions', () => {
  it('given ids and an entry with options, when parsed, then the external channels keep their order and options, without inApp', () => {
    const channels = notifyChannelsSchema.parse(['inApp', 'sms', { id: 'wecom', config: { format: 'markdown' } }]);
    expect(externalChannels(channels)).toEqual([{ id: 'sms', config: undefined }, { id: 'wecom', config: { format: 'markdown' } }]);
  });

  it('given no channels, when the external ones are asked for, then there are none (the in-app notice alone)', () => {
    expect(externalChannels(undefined)).toEqual([]);
    expect(externalChannels(['inApp'])).toEqual([]);
  });

  it('given a malformed id, a repeated channel or an unknown field, when parsed, then each is refused at its position', () => {
    expect(issuesOf(['inApp', 'SMS!'])).toEqual([['1', '#validation.channelId']]);
    expect(issuesOf(['sms', { id: 'sms' }])).toEqual([['1', '#validation.duplicateChannel']]);
    expect(issuesOf([{ id: 'Wecom' }])).toEqual([['0.id', '#validation.channelId']]);
    expect(issuesOf([{ id: 'sms', options: {} }]).length).toBeGreaterThan(0);
    expect(issuesOf([]).length).toBeGreaterThan(0);
  });
});

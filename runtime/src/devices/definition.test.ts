import { describe, expect, it } from 'vitest';
import { checkAttributes, deviceTypeContentSchema, entityTypeContentSchema, judgeReading, DEFAULT_OFFLINE_AFTER_HOURS } from './definition.ts';

const manholeSensor = deviceTypeContentSchema.parse({
  name: '井盖监测终端', domain: 'water', module: 'drainage',
  metrics: [
    { key: 'tilt', name: '倾角', unit: '°', min: 0, max: 90, samplingSeconds: 300 },
    { key: 'open', name: '开启', min: 0, max: 1, samplingSeconds: 300, flag: true },
  ],
});

describe('device types', () => {
  it('given no offline window, when parsed, then it is the standard\'s 72 hours (000 table 5.2.4, 2-2-2)', () => {
    expect(manholeSensor.offlineAfterHours).toBe(DEFAULT_OFFLINE_AFTER_HOURS);
    expect(DEFAULT_OFFLINE_AFTER_HOURS).toBe(72);
  });

  it('given a metric key twice or a minimum above the maximum, when parsed, then each is refused at its path', () => {
    const result = deviceTypeContentSchema.safeParse({
      name: 'x', domain: 'water', module: 'drainage',
      metrics: [{ key: 'a', name: 'a', samplingSeconds: 60, min: 5, max: 1 }, { key: 'a', name: 'b', samplingSeconds: 60 }],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message]).sort()).toEqual([['metrics.0.max', '#validation.minAboveMax'], ['metrics.1.key', '#validation.duplicateKey']]);
  });

  it('given readings, when judged, then numbers in range pass, flags accept booleans, and the rest are told apart', () => {
    expect(judgeReading(manholeSensor, 'tilt', 12.5)).toEqual({ value: 12.5 });
    expect(judgeReading(manholeSensor, 'open', true)).toEqual({ value: 1 });
    expect(judgeReading(manholeSensor, 'tilt', true)).toEqual({ problem: 'notNumeric' });
    expect(judgeReading(manholeSensor, 'tilt', '12')).toEqual({ problem: 'notNumeric' });
    expect(judgeReading(manholeSensor, 'tilt', Number.NaN)).toEqual({ problem: 'notNumeric' });
    expect(judgeReading(manholeSensor, 'tilt', 91)).toEqual({ problem: 'outOfRange' });
    expect(judgeReading(manholeSensor, 'depth', 1)).toEqual({ problem: 'unknownMetric' });
  });
});

describe('facility types', () => {
  const bridge = entityTypeContentSchema.parse({
    name: '桥梁', domain: 'roads', module: 'bridge', geometry: 'line',
    attributes: [
      { key: 'kind', name: '桥梁类型', type: 'string', options: ['梁桥', '拱桥'], required: true },
      { key: 'span', name: '跨径', type: 'number', unit: 'm', min: 0 },
      { key: 'builtOn', name: '建成日期', type: 'date' },
    ],
  });

  it('given attributes, when checked against the type, then missing, mistyped, unlisted, out-of-range and undeclared ones are each named', () => {
    expect(checkAttributes(bridge, { kind: '拱桥', span: 120, builtOn: '1998-10-01' })).toEqual([]);
    expect(checkAttributes(bridge, { span: -1, builtOn: '1998-13-45', colour: 'red' }).map((p) => [p.key, p.message]).sort()).toEqual([
      ['builtOn', '#validation.attributeType'], ['colour', '#validation.unknownAttribute'], ['kind', '#validation.inputRequired'], ['span', '#validation.attributeRange'],
    ]);
    expect(checkAttributes(bridge, { kind: '吊桥' })).toEqual([{ key: 'kind', message: '#validation.notAnOption' }]);
  });

  it('given options on a number attribute, when parsed, then it is refused', () => {
    const result = entityTypeContentSchema.safeParse({ name: 'x', domain: 'roads', module: 'road', geometry: 'point', attributes: [{ key: 'n', name: 'n', type: 'number', options: ['1'] }] });
    expect(result.error!.issues[0]!.message).toBe('#validation.optionsNeedString');
  });
});

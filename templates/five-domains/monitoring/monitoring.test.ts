// Template facility types (entityType) and device types (deviceType) for the nine monitoring modules of 000 §4.2.4.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MONITORING_MODULES, deviceTypeContentSchema, entityTypeContentSchema,
  type DeviceTypeContent, type EntityTypeContent,
} from '@tongguan/runtime/devices/definition';
import { alarmRuleContentSchema, checkAlarmRule, createAlarmEnvironment, type AlarmRuleContent } from '@tongguan/runtime/alarms/definition';

type Entry = { key: string; name: string; content: unknown };
const read = (file: string): Entry[] => JSON.parse(readFileSync(join(import.meta.dirname, file), 'utf8')) as Entry[];
const entityEntries = read('entity-types.json');
const deviceEntries = read('device-types.json');
const entities = new Map<string, EntityTypeContent>(entityEntries.map((e) => [e.key, entityTypeContentSchema.parse(e.content)]));
const devices = new Map<string, DeviceTypeContent>(deviceEntries.map((d) => [d.key, deviceTypeContentSchema.parse(d.content)]));
const metricKeys = (key: string) => devices.get(key)?.metrics.map((m) => m.key) ?? [];
const alarmEntries = read('alarm-rules.json');
const alarmRules = new Map<string, AlarmRuleContent>(alarmEntries.map((r) => [r.key, alarmRuleContentSchema.parse(r.content)]));
const processKeys = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'processes', 'index.json'), 'utf8')) as { key: string }[]).map((p) => p.key);

describe('monitoring template: facility types and device types', () => {
  for (const [file, entries, schema] of [
    ['entity-types.json', entityEntries, entityTypeContentSchema],
    ['device-types.json', deviceEntries, deviceTypeContentSchema],
  ] as const) {
    it(`given ${file}, when every entry is parsed with its schema, then none has problems and keys are unique camelCase`, () => {
      for (const e of entries) {
        const parsed = schema.safeParse(e.content);
        expect(parsed.success ? [] : parsed.error.issues, e.key).toEqual([]);
        expect(e.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(e.name, e.key).toBe((e.content as { name: string }).name);
      }
      expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
    });
  }

  it('given the facility types, when their attributes are read, then each has 3–8 attributes with 1–2 indexed and options only on strings', () => {
    for (const [key, type] of entities) {
      expect(type.attributes.length, key).toBeGreaterThanOrEqual(3);
      expect(type.attributes.length, key).toBeLessThanOrEqual(8);
      const indexed = type.attributes.filter((a) => a.indexed).length;
      expect(indexed, key).toBeGreaterThanOrEqual(1);
      expect(indexed, key).toBeLessThanOrEqual(2);
      expect(type.nameEn, key).toBeTruthy();
      expect(type.description, key).toBeTruthy();
    }
  });

  it('given the device types, when their facility types are resolved, then each names existing entity types and shares its domain with one of them', () => {
    for (const [key, type] of devices) {
      expect(type.facilityTypes.length, key).toBeGreaterThan(0);
      expect(type.facilityTypes.filter((f) => !entities.has(f)), key).toEqual([]);
      expect(type.facilityTypes.map((f) => entities.get(f)?.domain), key).toContain(type.domain);
    }
  });

  it('given the device types, when their metrics are read, then each has a plausible range and a unit (pH is dimensionless), flags are 0/1 without unit', () => {
    for (const [key, type] of devices) {
      for (const m of type.metrics) {
        const where = `${key}.${m.key}`;
        expect(m.min, where).toBeTypeOf('number');
        expect(m.max, where).toBeTypeOf('number');
        expect(m.max!, where).toBeGreaterThan(m.min!);
        expect(m.nameEn, where).toBeTruthy();
        if (m.flag) expect([m.min, m.max, m.unit], where).toEqual([0, 1, '']);
        else if (m.key !== 'ph') expect(m.unit, where).not.toBe('');
      }
    }
  });

  it('given the nine special modules of 000 §4.2.4, when the template is read, then every module has at least one facility type and one device type', () => {
    for (const module of MONITORING_MODULES) {
      expect([...entities.values()].filter((e) => e.module === module).length, module).toBeGreaterThanOrEqual(1);
      expect([...devices.values()].filter((d) => d.module === module).length, module).toBeGreaterThanOrEqual(1);
    }
  });

  it('given the domain split of 000 §4.2.4 (管线, 水务, 道路, 垃圾处理, 应急消防), when facility types are read, then each module sits in its domain', () => {
    const expected: Record<string, string[]> = {
      gas: ['pipelines'], waterSupply: ['pipelines'], drainage: ['pipelines', 'water'], sanitation: ['waste'],
      road: ['roads'], bridge: ['roads'], tunnel: ['roads'], shelter: ['fire'], crowdedPlace: ['fire'],
    };
    for (const [key, type] of entities) expect(expected[type.module], key).toContain(type.domain);
    expect(entities.get('manholeCover')?.domain).toBe('water');
    expect(entities.get('sewagePlant')?.domain).toBe('water');
  });

  it('given the tunnel structural health device type, when its metrics are listed, then it carries the six measures of 000 table 5.2.4 1-3-2', () => {
    const keys = metricKeys('tunnelHealthMonitor');
    // 拱顶沉降、累计沉降、水土压力（土压力/水压力）、砼应力、温度、湿度
    expect(keys).toEqual(expect.arrayContaining(['crownSettlement', 'cumulativeSettlement', 'soilPressure', 'waterPressure', 'concreteStress', 'temperature', 'humidity']));
    expect(devices.get('tunnelHealthMonitor')?.module).toBe('tunnel');
    expect(devices.get('tunnelHealthMonitor')?.facilityTypes).toContain('tunnel');
    const humidity = devices.get('tunnelHealthMonitor')?.metrics.find((m) => m.key === 'humidity');
    expect([humidity?.min, humidity?.max]).toEqual([0, 100]);
  });

  it('given the manhole cover sensor, when its metrics are listed, then it can detect 丢失、开启、移位 (004 §4.1.3.1): an open flag, tilt and displacement', () => {
    const type = devices.get('manholeCoverSensor');
    expect(type?.facilityTypes).toContain('manholeCover');
    const open = type?.metrics.find((m) => m.key === 'open');
    expect(open?.flag).toBe(true);
    expect(metricKeys('manholeCoverSensor')).toEqual(expect.arrayContaining(['open', 'tilt', 'displacement']));
  });

  it('given the waste-point gas monitor, when its metrics are listed, then it covers the gases of 000 table 5.2.4 3-2-1', () => {
    expect(metricKeys('wasteGasMonitor')).toEqual(expect.arrayContaining(['nh3', 'h2s', 'tvoc', 'hcho', 'co2', 'pm25', 'pm10']));
  });

  it('given the sewage quality analyser, when its metrics are listed, then it covers the values of 000 table 5.2.4 4-1-2 (ORP, EC, temperature, turbidity, pH)', () => {
    expect(metricKeys('sewageQualityAnalyzer')).toEqual(expect.arrayContaining(['orp', 'conductivity', 'temperature', 'turbidity', 'ph']));
  });

  it('given the device types, when offlineAfterHours is not overridden, then the standard\'s 72 h online rule (000 table 5.2.4 2-2-2) applies', () => {
    for (const [key, type] of devices) expect(type.offlineAfterHours, key).toBe(72);
  });

  it('given the default alarm rules, when each is checked against the device type it watches (as the platform does when it installs them), then none has an error', () => {
    expect(new Set(alarmEntries.map((r) => r.key)).size).toBe(alarmEntries.length);
    for (const [key, rule] of alarmRules) {
      expect(key).toMatch(/^[a-z][A-Za-z0-9-]*$/);
      expect(rule.scope.kind, key).toBe('deviceType');
      const type = devices.get(rule.scope.key);
      expect(type, key).toBeDefined();
      const only = type!.facilityTypes.length === 1 ? entities.get(type!.facilityTypes[0]!) : undefined;
      const environment = createAlarmEnvironment({ metrics: type!.metrics, ...(only ? { attributes: only.attributes } : {}) });
      expect(checkAlarmRule(rule, environment, { locale: 'en' }).filter((p) => p.diagnostic.severity === 'error').map((p) => `${p.path}: ${p.diagnostic.message}`), key).toEqual([]);
      if (rule.actions.startProcess) expect(processKeys, key).toContain(rule.actions.startProcess.processKey);
    }
  });

  it('given the device types, when the default alarm rules are read, then every type has its 72 h offline rule (000 table 5.2.4) and the listed hazards are watched', () => {
    for (const key of devices.keys()) {
      expect(alarmRules.get(`offline-${key}`)?.levels, key).toEqual([{ severity: 4, condition: { type: 'offline', hours: 72 } }]);
    }
    const watched = new Set([...alarmRules.values()].filter((r) => !r.levels.some((l) => l.condition.type === 'offline')).map((r) => r.scope.key));
    for (const type of ['gasLeakDetector', 'manholeCoverSensor', 'waterPressureMonitor', 'bridgeStaticMonitor', 'wasteGasMonitor', 'sewageQualityAnalyzer', 'waterloggingMonitor', 'crowdCounter', 'tunnelHealthMonitor']) {
      expect(watched, type).toContain(type);
    }
  });

  it('given the manhole cover rule, when read, then 丢失/移位 is 一级, 开启/倾斜 二级 and every alarm opens a 案件 on the standard case process (004 §4.1.3.1)', () => {
    const rule = alarmRules.get('manhole-cover-abnormal')!;
    expect(rule.levels.map((l) => l.severity)).toEqual([1, 2]);
    expect(JSON.stringify(rule.levels[1]!.condition)).toContain('"expr":"open"');
    expect(rule.actions.startProcess).toMatchObject({ processKey: 'case-closed-loop', variables: { categoryCode: '"E04005"' } });
    expect(rule.actions.startProcess?.minSeverity).toBeUndefined();
  });

  it('given the sewage rule, when read, then it watches pH outside 6–9 and the pipe burst rule a pressure drop', () => {
    expect(JSON.stringify(alarmRules.get('sewage-ph')!.levels)).toContain('ph < 6 || ph > 9');
    expect(alarmRules.get('water-pipe-burst')!.levels[0]!.condition).toEqual({ type: 'rate', metric: 'pressure', windowMinutes: 5, change: -0.1 });
  });
});

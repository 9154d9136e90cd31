import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '@tongguan/runtime/bpmn/parse/index';

const list = JSON.parse(readFileSync(join(import.meta.dirname, 'index.json'), 'utf8')) as { key: string; file: string }[];

describe('template processes', () => {
  for (const { key, file } of list) {
    it(`given ${file}, when parsed by the engine, then it is one executable process keyed ${key} with no problems`, async () => {
      const result = await parseBpmn(readFileSync(join(import.meta.dirname, file), 'utf8'), { locale: 'en' });
      expect(result.ok ? [] : result.problems).toEqual([]);
      if (!result.ok) return;
      expect(result.processes.map((p) => p.id)).toEqual([key]);
      expect(result.warnings).toEqual([]);
    });
  }

  it('given the case process, when its stages are listed, then the seven-stage closed loop and its exits are all there (Hunan guide 4.1.2)', async () => {
    const result = await parseBpmn(readFileSync(join(import.meta.dirname, 'case-closed-loop.bpmn'), 'utf8'));
    if (!result.ok) throw new Error('case process does not parse');
    const ids = [...result.processes[0].nodes.keys()];
    for (const stage of ['reported', 'register', 'dispatch', 'handle', 'verify', 'close', 'evaluate', 'suspended', 'approveExtension', 'supervise', 'voided', 'closed']) {
      expect(ids).toContain(stage);
    }
  });
});

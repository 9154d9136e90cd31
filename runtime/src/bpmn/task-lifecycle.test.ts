import { describe, expect, it } from 'vitest';
import { nextTaskStatus } from './task-lifecycle.ts';

describe('task lifecycle', () => {
  it('given an open task, when claimed then released, then it is open again', () => {
    expect(nextTaskStatus('open', { type: 'CLAIM' })).toBe('claimed');
    expect(nextTaskStatus('claimed', { type: 'RELEASE' })).toBe('open');
  });

  it('given an open or claimed task, when completed, then it is completed', () => {
    expect(nextTaskStatus('open', { type: 'COMPLETE' })).toBe('completed');
    expect(nextTaskStatus('claimed', { type: 'COMPLETE' })).toBe('completed');
  });

  it('given a completed or cancelled task, when anyone acts on it, then nothing is allowed', () => {
    for (const type of ['CLAIM', 'RELEASE', 'COMPLETE', 'CANCEL'] as const) {
      expect(nextTaskStatus('completed', { type })).toBeUndefined();
      expect(nextTaskStatus('cancelled', { type })).toBeUndefined();
    }
  });

  it('given an open task, when released, then it is refused (only claimed tasks can be released)', () => {
    expect(nextTaskStatus('open', { type: 'RELEASE' })).toBeUndefined();
  });
});

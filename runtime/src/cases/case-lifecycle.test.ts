import { describe, expect, it } from 'vitest';
import { eventBetween, isOpenCase, nextCaseStatus } from './case-lifecycle.ts';

describe('case lifecycle (Hunan guide 4.1.2 seven stages; GB/T 30428.8 exits)', () => {
  it('given a reported case, when it goes through the closed loop, then it ends closed', () => {
    let status = nextCaseStatus('reported', { type: 'REGISTER' });
    status = status && nextCaseStatus(status, { type: 'DISPATCH' });
    status = status && nextCaseStatus(status, { type: 'FEEDBACK' });
    status = status && nextCaseStatus(status, { type: 'CLOSE' });
    expect(status).toBe('closed');
  });

  it('given a handled case failing verification, when reworked, then it is dispatched again (返工)', () => {
    expect(nextCaseStatus('handled', { type: 'REWORK' })).toBe('dispatched');
  });

  it('given a dispatched case, when the unit returns it, then it waits for re-dispatch (退回/重新派遣)', () => {
    expect(nextCaseStatus('dispatched', { type: 'RETURN' })).toBe('registered');
    expect(nextCaseStatus('registered', { type: 'DISPATCH' })).toBe('dispatched');
  });

  it('given a parked case (挂账), when resumed, then it is registered again; it can also be voided', () => {
    expect(nextCaseStatus('registered', { type: 'SUSPEND' })).toBe('suspended');
    expect(nextCaseStatus('suspended', { type: 'RESUME' })).toBe('registered');
    expect(nextCaseStatus('suspended', { type: 'VOID' })).toBe('voided');
  });

  it('given a case in hand (dispatched or handled), when found invalid (e.g. its alarm judged false), then it can be voided (作废), not closed', () => {
    expect(nextCaseStatus('dispatched', { type: 'VOID' })).toBe('voided');
    expect(nextCaseStatus('handled', { type: 'VOID' })).toBe('voided');
    expect(nextCaseStatus('dispatched', { type: 'CLOSE' })).toBeUndefined();
  });

  it('given a closed or voided case, when anything happens, then nothing is allowed', () => {
    for (const type of ['REGISTER', 'DISPATCH', 'REWORK', 'RESUME', 'VOID'] as const) {
      expect(nextCaseStatus('closed', { type })).toBeUndefined();
      expect(nextCaseStatus('voided', { type })).toBeUndefined();
    }
    expect(isOpenCase('closed')).toBe(false);
    expect(isOpenCase('suspended')).toBe(true);
  });

  it('given an illegal jump, when asked, then it is refused (reported straight to closed)', () => {
    expect(nextCaseStatus('reported', { type: 'CLOSE' })).toBeUndefined();
    expect(eventBetween('reported', 'closed')).toBeUndefined();
  });

  it('given two statuses one step apart, when asked for the event between them, then it is named', () => {
    expect(eventBetween('dispatched', 'handled')).toEqual({ type: 'FEEDBACK' });
    expect(eventBetween('handled', 'dispatched')).toEqual({ type: 'REWORK' });
    expect(eventBetween('reported', 'voided')).toEqual({ type: 'VOID' });
  });
});

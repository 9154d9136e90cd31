import { describe, expect, it } from 'vitest';
import { submissionRows } from './form-values.ts';

const FORM = {
  display: 'form',
  components: [
    { type: 'radio', key: 'decision', label: '派遣方式', input: true, values: [{ label: '派遣至责任单位', value: 'dispatch' }, { label: '挂账', value: 'suspend' }] },
    { type: 'panel', key: 'more', input: false, components: [
      { type: 'select', key: 'unitId', label: '责任单位', input: true, data: { values: [{ label: '市排水管理处', value: 'u-1' }] } },
      { type: 'selectboxes', key: 'checks', label: '核查项', input: true, values: [{ label: '井盖', value: 'cover' }, { label: '路面', value: 'road' }] },
    ] },
    { type: 'number', key: 'hours', label: '延长小时', input: true },
    { type: 'button', key: 'submit', label: '提交', input: true },
  ],
};

describe('a form submission as rows to read', () => {
  it('given choices, when described, then each value shows under its label as the option label, in the form order', () => {
    const rows = submissionRows(FORM, { hours: 4, unitId: 'u-1', decision: 'dispatch', checks: { cover: true, road: false } });
    expect(rows).toEqual([
      { key: 'decision', label: '派遣方式', value: '派遣至责任单位' },
      { key: 'unitId', label: '责任单位', value: '市排水管理处' },
      { key: 'checks', label: '核查项', value: ['井盖'] },
      { key: 'hours', label: '延长小时', value: 4 },
    ]);
  });

  it('given keys the form does not describe and form.io’s own submit flag, then the unknown keys keep their key and submit is left out', () => {
    expect(submissionRows(FORM, { submit: true, note: 'x', decision: 'other' })).toEqual([
      { key: 'decision', label: '派遣方式', value: 'other' },
      { key: 'note', label: 'note', value: 'x' },
    ]);
  });

  it('given no form at all, then every value is shown under its key', () => {
    expect(submissionRows(null, { a: [1, 2], b: { x: 1 } })).toEqual([
      { key: 'a', label: 'a', value: ['1', '2'] },
      { key: 'b', label: 'b', value: '{"x":1}' },
    ]);
  });
});

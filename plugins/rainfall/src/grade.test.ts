import { describe, expect, it } from 'vitest';
import { gradeOf } from './grade.ts';

describe('precipitation grades (GB/T 28592-2012 table 1)', () => {
  it('given 24-hour amounts at the bounds, then each falls in its grade', () => {
    expect(gradeOf(0, '24h').name).toBe('微量降雨');
    expect(gradeOf(0.1, '24h').name).toBe('小雨');
    expect(gradeOf(9.9, '24h').name).toBe('小雨');
    expect(gradeOf(10, '24h').name).toBe('中雨');
    expect(gradeOf(24.9, '24h').name).toBe('中雨');
    expect(gradeOf(25, '24h').name).toBe('大雨');
    expect(gradeOf(49.9, '24h').name).toBe('大雨');
    expect(gradeOf(50, '24h')).toEqual({ level: 4, name: '暴雨', nameEn: 'rainstorm' });
    expect(gradeOf(99.9, '24h').name).toBe('暴雨');
    expect(gradeOf(100, '24h').name).toBe('大暴雨');
    expect(gradeOf(250, '24h').name).toBe('特大暴雨');
  });

  it('given 1-hour amounts, then the 1-hour table applies (16 mm in an hour is a rainstorm)', () => {
    expect(gradeOf(2.5, '1h').name).toBe('小雨');
    expect(gradeOf(2.6, '1h').name).toBe('中雨');
    expect(gradeOf(8.0, '1h').name).toBe('中雨');
    expect(gradeOf(8.1, '1h').name).toBe('大雨');
    expect(gradeOf(15.9, '1h').name).toBe('大雨');
    expect(gradeOf(16, '1h').name).toBe('暴雨');
  });

  it('given amounts finer than 0.1 mm, then they are read to 0.1 mm as the standard records them', () => {
    expect(gradeOf(9.96, '24h').name).toBe('中雨');
    expect(gradeOf(9.94, '24h').name).toBe('小雨');
  });

  it('given a negative or non-finite amount, then it is refused', () => {
    expect(() => gradeOf(-1, '24h')).toThrow(RangeError);
    expect(() => gradeOf(Number.NaN, '1h')).toThrow(/non-negative/);
  });
});

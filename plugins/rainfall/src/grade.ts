/**
 * Precipitation grades of GB/T 28592-2012 《降水量等级》 (table 1), for 24-hour and 1-hour
 * amounts in millimetres. Level 0 is 微量降雨 (trace), 1 小雨 … 6 特大暴雨.
 */
export type Window = '24h' | '1h';

export interface RainGrade {
  readonly level: number;
  readonly name: string;
  readonly nameEn: string;
}

const GRADES: Readonly<Record<Window, readonly (RainGrade & { below: number })[]>> = {
  '24h': [
    { level: 0, name: '微量降雨', nameEn: 'trace', below: 0.1 },
    { level: 1, name: '小雨', nameEn: 'light rain', below: 10 },
    { level: 2, name: '中雨', nameEn: 'moderate rain', below: 25 },
    { level: 3, name: '大雨', nameEn: 'heavy rain', below: 50 },
    { level: 4, name: '暴雨', nameEn: 'rainstorm', below: 100 },
    { level: 5, name: '大暴雨', nameEn: 'heavy rainstorm', below: 250 },
    { level: 6, name: '特大暴雨', nameEn: 'severe rainstorm', below: Infinity },
  ],
  '1h': [
    { level: 0, name: '微量降雨', nameEn: 'trace', below: 0.1 },
    { level: 1, name: '小雨', nameEn: 'light rain', below: 2.6 },
    { level: 2, name: '中雨', nameEn: 'moderate rain', below: 8.1 },
    { level: 3, name: '大雨', nameEn: 'heavy rain', below: 16 },
    { level: 4, name: '暴雨', nameEn: 'rainstorm', below: Infinity },
  ],
};

/** The grade of `millimetres` fallen in `window`; amounts are read to 0.1 mm as the standard does. */
export function gradeOf(millimetres: number, window: Window): RainGrade {
  if (!Number.isFinite(millimetres) || millimetres < 0) throw new RangeError(`rainfall must be a non-negative number of millimetres, not ${millimetres}`);
  const amount = Math.round(millimetres * 10) / 10;
  const { below: _below, ...grade } = GRADES[window].find((g) => amount < g.below)!;
  return grade;
}

export function gradesOf(window: Window): RainGrade[] {
  return GRADES[window].map(({ below: _below, ...grade }) => grade);
}

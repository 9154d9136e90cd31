import { describe, expect, it } from 'vitest';
import { dispositionFileName } from './download.ts';

describe('the file name of a download', () => {
  it('given filename* beside an ASCII filename, when read, then the UTF-8 name wins (RFC 5987)', () => {
    const header = `attachment; filename="monthly-report-2026-11.docx"; filename*=UTF-8''${encodeURIComponent('月度运行报告-示范市-2026年11月.docx')}`;
    expect(dispositionFileName(header, 'x')).toBe('月度运行报告-示范市-2026年11月.docx');
  });

  it('given only filename, or a malformed filename*, when read, then the plain name is used', () => {
    expect(dispositionFileName('attachment; filename="audit.csv"', 'x')).toBe('audit.csv');
    expect(dispositionFileName(`attachment; filename="a.docx"; filename*=UTF-8''%E6%9C`, 'x')).toBe('a.docx');
  });

  it('given no header, when read, then the fallback is used', () => {
    expect(dispositionFileName(null, 'report.docx')).toBe('report.docx');
  });
});

/** The CSV field of a dictionary import: paste the text or pick a file (read in the browser). */
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useRef } from 'react';
import type { FieldError } from '../../shared/errors.ts';
import { useT } from '../lib/i18n.tsx';

/** 'items.3.code' → line 5 of the file (line 1 is the header, item 0 is line 2). */
function describe(t: ReturnType<typeof useT>, error: FieldError): string {
  const match = /^items\.(\d+)\.?(.*)$/.exec(error.field);
  if (!match) return error.message;
  return `${t('ui.dictionaries.line', { line: Number(match[1]) + 2 })}${match[2] ? ` ${match[2]}` : ''}: ${error.message}`;
}

/** `errors`: the field errors of the last import, shown per CSV line. */
export function CsvImport({ errors = [] }: { errors?: readonly FieldError[] }) {
  const t = useT();
  const form = Form.useFormInstance();
  const file = useRef<HTMLInputElement>(null);
  const pick = async (chosen: File | undefined) => {
    if (!chosen) return;
    form.setFieldValue('csv', await chosen.text());
    form.setFields([{ name: 'csv', errors: [] }]);
  };
  return (
    <>
      <Form.Item name="csv" label={t('ui.dictionaries.csv')} rules={[{ required: true }]}
        extra={<Typography.Text type="secondary">{t('ui.dictionaries.csvHint')} <Typography.Text code>code,name,nameEn,parentCode,kind,standardRef</Typography.Text></Typography.Text>}>
        <Input.TextArea autoSize={{ minRows: 6, maxRows: 16 }} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="csv-text" />
      </Form.Item>
      {errors.length ? (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="csv-errors"
          title={<ul style={{ margin: 0, paddingInlineStart: 16 }}>{errors.slice(0, 20).map((e) => <li key={`${e.field}-${e.message}`}>{describe(t, e)}</li>)}</ul>} />
      ) : null}
      <input ref={file} type="file" accept=".csv,text/csv" hidden onChange={(e) => void pick(e.target.files?.[0])} />
      <Button onClick={() => file.current?.click()} style={{ marginBottom: 16 }}>{t('ui.dictionaries.chooseFile')}</Button>
    </>
  );
}

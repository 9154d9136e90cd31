/**
 * Edits one parameter's value with an editor that fits its type: number, switch, text (empty =
 * none) or JSON for structured values. The server validates against the parameter's schema.
 */
import { useState } from 'react';
import { Alert, Button, Input, InputNumber, Space, Switch } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';

type EditorKind = 'number' | 'boolean' | 'text' | 'json';

interface Props {
  parameterKey: string;
  value: unknown;
  defaultValue: unknown;
  disabled: boolean;
}

function kindOf(value: unknown, defaultValue: unknown): EditorKind {
  const sample = value ?? defaultValue;
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  if (sample === null || typeof sample === 'string') return 'text';
  return 'json';
}

function draftOf(kind: EditorKind, value: unknown): unknown {
  if (kind === 'json') return JSON.stringify(value, null, 2);
  if (kind === 'text') return value ?? '';
  return value;
}

export function ParameterEditor({ parameterKey, value, defaultValue, disabled }: Props) {
  const t = useT();
  const kind = kindOf(value, defaultValue);
  const [draft, setDraft] = useState<unknown>(() => draftOf(kind, value));
  const [invalid, setInvalid] = useState(false);
  const save = useIntent('set');

  const submit = (next: unknown) => save.submit({ value: next }, { key: parameterKey });
  const onSave = () => {
    if (kind === 'json') {
      try {
        submit(JSON.parse(String(draft)));
        setInvalid(false);
      } catch {
        setInvalid(true);
      }
      return;
    }
    submit(kind === 'text' ? (String(draft).trim() || null) : draft);
  };
  const onReset = () => {
    setDraft(draftOf(kind, defaultValue));
    submit(defaultValue);
  };

  const editor = {
    number: <InputNumber value={draft as number} onChange={(v) => setDraft(v)} disabled={disabled} style={{ width: 160 }} />,
    boolean: <Switch checked={Boolean(draft)} onChange={(v) => setDraft(v)} disabled={disabled} />,
    text: <Input value={String(draft)} onChange={(e) => setDraft(e.target.value)} disabled={disabled} placeholder={t('ui.parameters.empty')} />,
    json: <Input.TextArea value={String(draft)} onChange={(e) => setDraft(e.target.value)} disabled={disabled} autoSize={{ minRows: 2, maxRows: 12 }} style={{ fontFamily: 'monospace', fontSize: 12 }} />,
  }[kind];
  const serverError = save.error?.fields?.map((f) => `${f.field}: ${f.message}`).join('; ') ?? save.error?.message;

  return (
    <div data-testid={`parameter-${parameterKey}`}>
      {editor}
      {invalid ? <Alert type="error" showIcon title={t('ui.parameters.invalidJson')} style={{ marginTop: 4 }} /> : null}
      {serverError ? <Alert type="error" showIcon title={serverError} style={{ marginTop: 4 }} /> : null}
      {disabled ? null : (
        <Space style={{ marginTop: 8 }}>
          <Button type="primary" size="small" loading={save.busy} onClick={onSave}>{t('ui.common.save')}</Button>
          <Button size="small" onClick={onReset}>{t('ui.parameters.resetDefault')}</Button>
        </Space>
      )}
    </div>
  );
}

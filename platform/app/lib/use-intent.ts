/**
 * Submits a route action's `intent` from an antd form through a fetcher and puts the answer
 * back: field errors on the form's fields, the message as a toast. Pair with runIntent on the
 * server (action.server.ts).
 */
import { useEffect, useRef } from 'react';
import { useFetcher } from 'react-router';
import { App, type FormInstance } from 'antd';
import { useShell } from './shell-context.tsx';
import { useT } from './i18n.tsx';
import type { ActionResult } from './action.server.ts';

type Success = Extract<ActionResult, { ok: true }>;

interface Options {
  /** Form whose fields receive the server's field errors. */
  form?: FormInstance;
  /** Toast shown on success (a catalog key); false for none. */
  successKey?: string | false;
  onSuccess?: (result: Success) => void;
}

/** 'memberships.0.orgId' → ['memberships', 0, 'orgId'] (antd name paths). */
function namePath(field: string): (string | number)[] {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function useIntent(intent: string, options: Options = {}) {
  const fetcher = useFetcher<ActionResult>();
  const { csrfToken } = useShell();
  const { message } = App.useApp();
  const t = useT();
  const handled = useRef<ActionResult | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== 'idle' || !result || handled.current === result) return;
    handled.current = result;
    const { form, successKey = 'ui.common.saved', onSuccess } = latest.current;
    if (result.ok) {
      if (successKey) void message.success(t(successKey));
      onSuccess?.(result);
      return;
    }
    const fields = result.error.fields ?? [];
    if (form && fields.length) {
      form.setFields(fields.map((f) => ({ name: namePath(f.field), errors: [f.message] })));
    }
    void message.error(result.error.message);
  }, [fetcher.state, fetcher.data, message, t]);

  const submit = (payload?: unknown, extra: Record<string, string> = {}) => {
    const body: Record<string, string> = { _csrf: csrfToken, intent, ...extra };
    if (payload !== undefined) body.payload = JSON.stringify(payload);
    return fetcher.submit(body, { method: 'post' });
  };

  return {
    submit,
    busy: fetcher.state !== 'idle',
    result: fetcher.data,
    /** The error of the last answer, when it failed. */
    error: fetcher.data && !fetcher.data.ok ? fetcher.data.error : undefined,
  };
}

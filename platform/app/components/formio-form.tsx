/**
 * A task's form.io form, rendered in the browser only: @formio/js touches the DOM, so it is
 * imported inside an effect and the server renders an empty box. The page reads the values and
 * puts the server's per-field errors on the components through the handle.
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { Alert, Skeleton } from 'antd';
import type { FormOptions } from '@formio/js';
import { useLocale, useT } from '../lib/i18n.tsx';
import { FORMIO_ZH_CN } from '../lib/formio-i18n.ts';
import { withoutSubmitButtons, type ComponentError } from '../lib/formio-support.ts';
import '@formio/js/dist/formio.form.min.css';
import './formio-form.css';

/** The parts of a form.io Webform the page uses (its own typings are `any`). */
interface Webform {
  data: Record<string, unknown>;
  getComponent(path: string): Component | undefined;
  on(event: 'change', listener: () => void): void;
  destroy(all?: boolean): void;
}

interface Component {
  component: { key: string; label?: string };
  dataValue: unknown;
  setCustomValidity(messages: unknown[], dirty: boolean): void;
}

/** A server error on the form, with the value it judged: it stays shown until that value changes. */
interface ShownError extends ComponentError {
  judged: string;
}

function place(component: Component, message: string): void {
  component.setCustomValidity([{ level: 'error', message, fromServer: true, component: component.component }], true);
}

/** A server error placed on the form: the component's label when one was found. */
export interface PlacedError extends ComponentError {
  label: string | null;
}

export interface FormioHandle {
  /** The current submission data, or null while the form is not ready. */
  data(): Record<string, unknown> | null;
  /** Shows each error under its component; returns them with the components' labels. */
  showErrors(errors: readonly ComponentError[]): PlacedError[];
}

interface Props {
  schema: unknown;
  ref?: Ref<FormioHandle>;
}

export function FormioForm({ schema, ref }: Props) {
  const t = useT();
  const locale = useLocale();
  const box = useRef<HTMLDivElement>(null);
  const form = useRef<Webform | null>(null);
  const shown = useRef<ShownError[]>([]);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  // Rebuilt only when the definition really changes: a revalidated loader hands over an equal
  // but new object, and rebuilding would drop what the person typed and the errors shown.
  const source = JSON.stringify(schema);

  useEffect(() => {
    let cancelled = false;
    const element = box.current;
    import('@formio/js').then(async ({ Form }) => {
      if (cancelled || !element) return;
      // form.io's typings call i18n a flat map; the renderer takes one map per language.
      const options = { language: locale, i18n: { 'zh-CN': FORMIO_ZH_CN }, noAlerts: true } as unknown as FormOptions;
      const created = (await new Form(element, withoutSubmitButtons(JSON.parse(source) as object), options).ready) as Webform;
      if (cancelled) {
        created.destroy(true);
        return;
      }
      form.current = created;
      // form.io re-validates on every change (a debounced one may land after the server's answer)
      // and clears custom messages: put back those whose value the person has not touched since.
      created.on('change', () => {
        shown.current = shown.current.filter((error) => {
          const component = created.getComponent(error.path);
          if (!component || JSON.stringify(component.dataValue ?? null) !== error.judged) return false;
          place(component, error.message);
          return true;
        });
      });
      setState('ready');
    }).catch((error: unknown) => {
      if (!cancelled) setState('failed');
      // The person sees the failure above; the cause goes to the browser console for support.
      console.error('form.io render failed', error);
    });
    return () => {
      cancelled = true;
      form.current?.destroy(true);
      form.current = null;
      element?.replaceChildren();
    };
  }, [source, locale]);

  useImperativeHandle(ref, () => ({
    data: () => (form.current ? { ...form.current.data } : null),
    showErrors: (errors) => {
      shown.current = [];
      return errors.map((error) => {
        const component = form.current?.getComponent(error.path);
        if (component) {
          place(component, error.message);
          shown.current.push({ ...error, judged: JSON.stringify(component.dataValue ?? null) });
        }
        return { ...error, label: component?.component.label ?? null };
      });
    },
  }), []);

  return (
    <div>
      {state === 'loading' ? <Skeleton active paragraph={{ rows: 3 }} title={false} /> : null}
      {state === 'failed' ? <Alert type="error" showIcon title={t('ui.tasks.formFailed')} /> : null}
      <div ref={box} className="tg-formio" data-testid="task-form" />
    </div>
  );
}

/**
 * Completing a task (办理): the task's form (when it has one), the opinion (处理意见) and the
 * submit button. The server is the judge of the submission — it validates against the form
 * version pinned on the task (decision 006) — so every submission goes to the route's action and
 * a refusal comes back per field: under the form.io components and listed above the button.
 * Someone else completing the task first (409) replaces the form with a way back to the inbox.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Form, Input, Result } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { splitFormErrors } from '../lib/formio-support.ts';
import { FormioForm, type FormioHandle, type PlacedError } from './formio-form.tsx';
import { PhotoUpload } from './photo-upload.tsx';

interface Props {
  /** The form.io JSON pinned on the task, or null for a task without a form. */
  schema: unknown;
  /** The task works on a case: photos after handling (处置后) can go with the completion. */
  withPhotos?: boolean;
}

const COMMENT_MAX = 2000;

export function TaskCompletion({ schema, withPhotos = false }: Props) {
  const t = useT();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ comment?: string }>();
  const formio = useRef<FormioHandle>(null);
  const [placed, setPlaced] = useState<PlacedError[]>([]);
  const [general, setGeneral] = useState<string[]>([]);
  const [photos, setPhotos] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const complete = useIntent('complete', { successKey: 'ui.tasks.completed', onSuccess: () => navigate('/tasks') });
  const error = complete.error;

  useEffect(() => {
    if (!error || error.code !== 'validation_failed') return;
    const { components, rest } = splitFormErrors(error.fields);
    setPlaced(formio.current?.showErrors(components) ?? components.map((c) => ({ ...c, label: null })));
    const comment = rest.filter((f) => f.field === 'comment');
    form.setFields(comment.length ? [{ name: 'comment', errors: comment.map((f) => f.message) }] : []);
    setGeneral(rest.filter((f) => f.field !== 'comment').map((f) => f.message));
  }, [error, form]);

  if (error?.code === 'task_not_open') {
    return (
      <Result status="warning" title={error.message} data-testid="task-conflict"
        extra={<Link to="/tasks"><Button type="primary">{t('ui.tasks.backToInbox')}</Button></Link>} />
    );
  }

  const submit = ({ comment }: { comment?: string }) => {
    const formData = schema ? formio.current?.data() : undefined;
    if (schema && !formData) return;
    setPlaced([]);
    setGeneral([]);
    complete.submit({ formData, comment: comment?.trim() || undefined, ...(photos.length ? { attachmentIds: photos } : {}) });
  };

  // Server messages usually name the field already (「核查情况」为必填项); prefix only those that do not.
  const named = (p: PlacedError) => (p.label && p.message.includes(p.label) ? p.message : t('ui.workflow.labelled', { label: p.label ?? p.path, value: p.message }));
  const problems = [...placed.map(named), ...general];
  return (
    <div data-testid="task-completion">
      {schema ? <FormioForm schema={schema} ref={formio} /> : <Alert type="info" showIcon title={t('ui.tasks.noForm')} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="comment" label={t('ui.tasks.comment')} rules={[{ max: COMMENT_MAX }]}>
          <Input.TextArea rows={3} maxLength={COMMENT_MAX} placeholder={t('ui.tasks.commentPlaceholder')} data-testid="task-comment" />
        </Form.Item>
        {problems.length ? (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="task-errors" title={t('ui.tasks.formErrors')}
            description={<ul style={{ margin: 0, paddingInlineStart: 20 }}>{problems.map((p) => <li key={p}>{p}</li>)}</ul>} />
        ) : null}
        {withPhotos ? (
          <Form.Item label={t('ui.tasks.photosAfter')} data-testid="task-photos">
            <PhotoUpload value={photos} onChange={setPhotos} onUploadingChange={setUploading} />
          </Form.Item>
        ) : null}
        <Button type="primary" htmlType="submit" loading={complete.busy} disabled={uploading} block={false} data-testid="task-submit">{t('ui.tasks.complete')}</Button>
      </Form>
    </div>
  );
}

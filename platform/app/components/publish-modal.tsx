/** Publishing a draft definition needs a change note (发布说明), kept in the version history. */
import { useEffect } from 'react';
import { Form, Input, Modal } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';

interface Props {
  /** The draft's definition id; null when closed. */
  definitionId: string | null;
  title: string;
  onClose: () => void;
  onPublished?: () => void;
}

export function PublishModal({ definitionId, title, onClose, onPublished }: Props) {
  const t = useT();
  const [form] = Form.useForm<{ comment: string }>();
  const publish = useIntent('publish', { form, successKey: 'ui.definitions.published', onSuccess: () => { onClose(); onPublished?.(); } });
  useEffect(() => { if (definitionId) form.resetFields(); }, [definitionId, form]);
  return (
    <Modal open={Boolean(definitionId)} title={title} onCancel={onClose} onOk={() => form.submit()} confirmLoading={publish.busy}
      okText={t('ui.definitions.publish')}>
      <Form form={form} layout="vertical" onFinish={(v) => definitionId && publish.submit({ comment: v.comment }, { id: definitionId })}>
        <Form.Item name="comment" label={t('ui.definitions.comment')} rules={[{ required: true, whitespace: true, max: 500 }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={500} showCount data-testid="publish-comment" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

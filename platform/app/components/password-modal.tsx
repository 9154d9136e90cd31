/** Asks for a new password (重置密码); the policy is checked by the server. */
import { Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';

interface Props {
  user: { id: string; displayName: string } | null;
  onClose: () => void;
}

export function PasswordModal({ user, onClose }: Props) {
  const t = useT();
  const [form] = Form.useForm<{ password: string }>();
  const reset = useIntent('resetPassword', { form, successKey: 'ui.users.passwordReset', onSuccess: onClose });
  useEffect(() => { if (user) form.resetFields(); }, [user, form]);
  return (
    <Modal
      open={Boolean(user)}
      title={t('ui.users.resetPasswordOf', { name: user?.displayName ?? '' })}
      okText={t('ui.common.save')}
      confirmLoading={reset.busy}
      onCancel={onClose}
      onOk={() => form.submit()}
    >
      <Form form={form} layout="vertical" onFinish={(values) => user && reset.submit(values, { id: user.id })}>
        <Form.Item name="password" label={t('ui.users.newPassword')} extra={t('ui.users.passwordHint')} rules={[{ required: true, min: 8, max: 128 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

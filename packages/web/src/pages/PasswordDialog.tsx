/** 修改密码: the old password and a new one twice; the platform's strength rule is its own message. */
import { App, Form, Input, Modal } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api, ApiFailure } from '../api/client';

interface Fields {
  old_password: string;
  new_password: string;
  repeat: string;
}

export function PasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }): ReactNode {
  const [form] = Form.useForm<Fields>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);

  const save = async (): Promise<void> => {
    const fields = await form.validateFields();
    setSaving(true);
    try {
      const done = await answer(
        api.POST('/api/me/password', {
          body: { old_password: fields.old_password, new_password: fields.new_password },
        }),
      );
      void message.success(done.message);
      form.resetFields();
      onClose();
    } catch (error) {
      void message.error(error instanceof ApiFailure ? error.message : '修改未成功，请稍后再试');
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title="修改密码"
      open={open}
      okText="确认修改"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="old_password" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="new_password" label="新密码" rules={[{ required: true, message: '请输入新密码' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label="再次输入新密码"
          dependencies={['new_password']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('new_password')
                  ? Promise.resolve()
                  : Promise.reject(new Error('两次输入的新密码不一致')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

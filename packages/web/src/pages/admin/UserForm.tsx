/** A new console user (role, scope, township or department, first password) and an administrator's password reset. */
import { useQuery } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select } from 'antd';
import type { RuleObject } from 'antd/es/form';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMe } from '../../app/session';
import { failureText, useChoices } from './shared';

type NewUser = paths['/api/users']['post']['requestBody']['content']['application/json'];
type Role = NewUser['role'];
type Department = NonNullable<NewUser['department']>;

interface Fields {
  username: string;
  display_name: string;
  role: Role;
  scope_admdvs?: string;
  township?: string;
  department?: Department;
  password: string;
  repeat: string;
}

const repeatRule = ({ getFieldValue }: { getFieldValue: (name: string) => unknown }): RuleObject => ({
  validator: (_, value: unknown) =>
    value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致')),
});

function PasswordFields({ label }: { label: string }): ReactNode {
  return (
    <>
      <Form.Item
        name="password"
        label={label}
        rules={[{ required: true, message: '请输入密码' }]}
        extra="至少 8 位；管理员至少 12 位，须含字母和数字"
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="repeat"
        label="再次输入密码"
        dependencies={['password']}
        rules={[{ required: true, message: '请再次输入密码' }, repeatRule]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}

export function UserForm({ onSaved, onClose }: { onSaved: () => void; onClose: () => void }): ReactNode {
  const me = useMe();
  const choices = useChoices();
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: () => answer(api.GET('/api/regions')),
    staleTime: 600_000,
  });
  const { message } = App.useApp();
  const [form] = Form.useForm<Fields>();
  const [saving, setSaving] = useState(false);

  const save = async (): Promise<void> => {
    const fields = await form.validateFields();
    setSaving(true);
    try {
      await answer(
        api.POST('/api/users', {
          body: {
            username: fields.username,
            display_name: fields.display_name,
            role: fields.role,
            scope_admdvs: fields.scope_admdvs ?? null,
            township: fields.township?.trim() || null,
            department: fields.department ?? null,
            password: fields.password,
          },
        }),
      );
      void message.success(`已创建用户 ${fields.display_name}`);
      onSaved();
    } catch (error) {
      void message.error(failureText(error, '创建未成功，请稍后再试'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title="新增用户"
      okText="创建"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        name="user"
        layout="vertical"
        requiredMark={false}
        initialValues={{ scope_admdvs: me.scope_admdvs ?? undefined }}
      >
        <Form.Item
          name="username"
          label="用户名"
          rules={[
            { required: true, pattern: /^[a-z0-9_.-]{3,32}$/, message: '用户名为 3–32 位小写字母、数字或 _ . -' },
          ]}
        >
          <Input maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="display_name"
          label="姓名"
          rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
          <Select
            placeholder="请选择"
            options={choices?.roles.map((role) => ({ value: role.code, label: role.name }))}
          />
        </Form.Item>
        <Form.Item
          name="scope_admdvs"
          label="管辖区划"
          rules={[{ required: me.scope_admdvs !== null, message: '请选择管辖区划' }]}
          extra={me.scope_admdvs === null ? '留空即不限区划（全部区划）' : undefined}
        >
          <Select
            allowClear={me.scope_admdvs === null}
            placeholder={me.scope_admdvs === null ? '全部区划' : '请选择'}
            options={regions.data?.items.map((region) => ({ value: region.admdvs, label: region.name }))}
          />
        </Form.Item>
        <Form.Item name="township" label="所属乡镇（街道）" extra="仅乡镇（街道）用户填写，须同时选择所属县">
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="department" label="所属部门" extra="仅部门用户选择">
          <Select
            allowClear
            placeholder="不属于部门"
            options={choices?.departments.map((department) => ({ value: department.code, label: department.name }))}
          />
        </Form.Item>
        <PasswordFields label="初始密码" />
      </Form>
    </Modal>
  );
}

export function PasswordReset({
  user,
  onClose,
}: {
  user: { username: string; display_name: string };
  onClose: () => void;
}): ReactNode {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string; repeat: string }>();
  const [saving, setSaving] = useState(false);

  const save = async (): Promise<void> => {
    const fields = await form.validateFields();
    setSaving(true);
    try {
      await answer(
        api.PATCH('/api/users/{username}', {
          params: { path: { username: user.username } },
          body: { password: fields.password },
        }),
      );
      void message.success(`已重置 ${user.display_name} 的密码，其登录已全部失效`);
      onClose();
    } catch (error) {
      void message.error(failureText(error, '重置未成功，请稍后再试'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={`重置密码：${user.display_name}`}
      okText="重置"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} name="password-reset" layout="vertical" requiredMark={false}>
        <PasswordFields label="新密码" />
      </Form>
    </Modal>
  );
}

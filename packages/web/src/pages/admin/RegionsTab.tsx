/** 区划: the regions in the administrator's scope, the policy each settles with, and a form to add or change one. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Table, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMe } from '../../app/session';
import { Failure, Section } from '../../lib/ui';
import { failureText, useChoices } from './shared';

type Region = paths['/api/admin/regions']['get']['responses']['200']['content']['application/json']['items'][number];

interface Fields {
  admdvs: string;
  name: string;
  parent?: string;
  policy_id: string;
}

function RegionForm({
  region,
  regions,
  onClose,
}: {
  region: Region | 'new';
  regions: Region[];
  onClose: () => void;
}): ReactNode {
  const me = useMe();
  const choices = useChoices();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Fields>();
  const [saving, setSaving] = useState(false);
  const adding = region === 'new';

  const save = async (): Promise<void> => {
    const fields = await form.validateFields();
    setSaving(true);
    try {
      if (adding)
        await answer(
          api.POST('/api/regions', {
            body: {
              admdvs: fields.admdvs,
              name: fields.name,
              parent: fields.parent ?? null,
              policy_id: fields.policy_id,
            },
          }),
        );
      else
        await answer(
          api.PATCH('/api/regions/{admdvs}', {
            params: { path: { admdvs: region.admdvs } },
            body: { name: fields.name, policy_id: fields.policy_id },
          }),
        );
      void message.success(adding ? `已新增区划 ${fields.name}` : `已修改区划 ${fields.name}`);
      await Promise.all([
        queries.invalidateQueries({ queryKey: ['admin', 'regions'] }),
        queries.invalidateQueries({ queryKey: ['regions'] }),
      ]);
      onClose();
    } catch (error) {
      void message.error(failureText(error, '保存未成功，请稍后再试'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={adding ? '新增区划' : `修改区划：${region.name}`}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        name="region"
        layout="vertical"
        requiredMark={false}
        initialValues={adding ? { parent: me.scope_admdvs ?? undefined } : region}
      >
        {adding && (
          <Form.Item
            name="admdvs"
            label="区划代码"
            rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入 6 位医保区划代码' }]}
          >
            <Input maxLength={6} placeholder="如 341623" />
          </Form.Item>
        )}
        <Form.Item
          name="name"
          label="区划名称"
          rules={[{ required: true, whitespace: true, message: '请输入区划名称' }]}
        >
          <Input maxLength={40} />
        </Form.Item>
        {adding && (
          <Form.Item
            name="parent"
            label="上级区划"
            rules={[{ required: me.scope_admdvs !== null, message: '请选择上级区划' }]}
            extra={me.scope_admdvs === null ? '留空即新增顶级区划（地市）' : undefined}
          >
            <Select
              allowClear={me.scope_admdvs === null}
              placeholder="请选择"
              options={regions.map((item) => ({ value: item.admdvs, label: `${item.name}（${item.admdvs}）` }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="policy_id"
          label="所用政策"
          rules={[{ required: true, message: '请选择政策' }]}
          extra={adding ? undefined : '新政策自下一笔结算起适用'}
        >
          <Select
            placeholder="请选择"
            loading={!choices}
            options={choices?.policies.map((policy) => ({ value: policy.code, label: policy.name }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RegionsTab(): ReactNode {
  const regions = useQuery({
    queryKey: ['admin', 'regions'],
    queryFn: () => answer(api.GET('/api/admin/regions')),
  });
  const [editing, setEditing] = useState<Region | 'new' | null>(null);
  const items = regions.data?.items ?? [];

  return (
    <Section
      title="区划与所用政策"
      extra={
        <Button type="primary" onClick={() => setEditing('new')}>
          新增区划
        </Button>
      }
    >
      {regions.error && <Failure error={regions.error} />}
      <Table
        rowKey="admdvs"
        size="middle"
        loading={regions.isPending}
        dataSource={items}
        pagination={false}
        footer={() => `共 ${items.length} 个区划`}
        columns={[
          { title: '区划代码', dataIndex: 'admdvs', width: 110 },
          { title: '区划名称', dataIndex: 'name' },
          {
            title: '上级区划',
            dataIndex: 'parent_name',
            render: (name: string | null) => name ?? <Typography.Text type="secondary">顶级区划</Typography.Text>,
          },
          { title: '所用政策', dataIndex: 'policy_name' },
          { title: '定点医疗机构', dataIndex: 'institutions', align: 'right', width: 120 },
          { title: '用户', dataIndex: 'users', align: 'right', width: 80 },
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_: unknown, row: Region) => (
              <Button type="link" size="small" onClick={() => setEditing(row)}>
                修改
              </Button>
            ),
          },
        ]}
      />
      {editing && <RegionForm region={editing} regions={items} onClose={() => setEditing(null)} />}
    </Section>
  );
}

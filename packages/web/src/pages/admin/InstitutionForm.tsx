/** A designated institution's form: a new one (with its code, and then its secret shown once) or a change. */
import { useQuery } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Modal, Select, Space, Switch } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import type { IssuedSecret } from './SecretDialog';
import { failureText, useChoices } from './shared';

export type Institution =
  paths['/api/admin/institutions']['get']['responses']['200']['content']['application/json']['items'][number];
type Level = Institution['level'];

interface Fields {
  fixmedins_code: string;
  name: string;
  level: Level;
  admdvs: string;
  lat?: number | null;
  lon?: number | null;
  active: boolean;
}

export function InstitutionForm({
  institution,
  onSaved,
  onClose,
}: {
  institution: Institution | 'new';
  /** After saving; a new institution comes with its secret. */
  onSaved: (issued?: IssuedSecret) => void;
  onClose: () => void;
}): ReactNode {
  const choices = useChoices();
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: () => answer(api.GET('/api/regions')),
    staleTime: 600_000,
  });
  const { message } = App.useApp();
  const [form] = Form.useForm<Fields>();
  const [saving, setSaving] = useState(false);
  const adding = institution === 'new';

  const save = async (): Promise<void> => {
    const fields = await form.validateFields();
    const location = { lat: fields.lat ?? null, lon: fields.lon ?? null };
    setSaving(true);
    try {
      if (adding) {
        const created = await answer(
          api.POST('/api/institutions', {
            body: {
              fixmedins_code: fields.fixmedins_code,
              name: fields.name,
              level: fields.level,
              admdvs: fields.admdvs,
              active: fields.active,
              ...location,
            },
          }),
        );
        onSaved({ ...created.credential, institution: created.institution.name, reason: 'created' });
      } else {
        await answer(
          api.PATCH('/api/institutions/{code}', {
            params: { path: { code: institution.fixmedins_code } },
            body: { name: fields.name, level: fields.level, active: fields.active, ...location },
          }),
        );
        void message.success(`已保存 ${fields.name}`);
        onSaved();
      }
    } catch (error) {
      void message.error(failureText(error, '保存未成功，请稍后再试'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={adding ? '新增定点医疗机构' : `修改定点医疗机构：${institution.name}`}
      okText={adding ? '新增并发放密钥' : '保存'}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        name="institution"
        layout="vertical"
        requiredMark={false}
        initialValues={adding ? { active: true } : institution}
      >
        {adding && (
          <Form.Item
            name="fixmedins_code"
            label="定点医疗机构编号"
            rules={[{ required: true, pattern: /^H\d{11}$/, message: '应为 H 加 11 位数字，如 H34160200001' }]}
            extra="与医院 HIS 报文中的机构编号一致"
          >
            <Input maxLength={12} placeholder="H34160200001" />
          </Form.Item>
        )}
        <Form.Item
          name="name"
          label="机构名称"
          rules={[{ required: true, whitespace: true, message: '请输入机构名称' }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="level" label="机构级别" rules={[{ required: true, message: '请选择机构级别' }]}>
          <Select
            placeholder="请选择"
            options={choices?.levels.map((level) => ({ value: level.code, label: level.name }))}
          />
        </Form.Item>
        {adding && (
          <Form.Item name="admdvs" label="所在区划" rules={[{ required: true, message: '请选择所在区划' }]}>
            <Select
              placeholder="请选择"
              loading={regions.isPending}
              options={regions.data?.items.map((region) => ({ value: region.admdvs, label: region.name }))}
            />
          </Form.Item>
        )}
        <Form.Item label="位置（选填，经纬度须同时填写）">
          <Space>
            <Form.Item name="lat" noStyle>
              <InputNumber placeholder="纬度" min={3} max={54} step={0.001} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              name="lon"
              noStyle
              dependencies={['lat']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, value) =>
                    ((value ?? null) === null) === ((getFieldValue('lat') ?? null) === null)
                      ? Promise.resolve()
                      : Promise.reject(new Error('经纬度须同时填写或同时留空')),
                }),
              ]}
            >
              <InputNumber placeholder="经度" min={73} max={136} step={0.001} style={{ width: 160 }} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="active" label="在协议期内" valuePropName="checked" extra="停用后该机构的 HIS 凭证随即失效">
          <Switch checkedChildren="是" unCheckedChildren="否" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Registering an application at the counter: the person found by name, ID number or 人员编号 (searched on the
 * platform, IDs masked), the year, and the applicant's reason. The platform checks the person against the policy
 * (an ordinary insured person whose year's out-of-pocket amount is above the line) and says why when it refuses.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { yuanText } from '../../lib/money';
import { failureText } from './shared';

interface Fields {
  psn_no: string;
  year?: number;
  note: string;
}

/** A person picked by a search on the platform (at least two characters, after a pause in typing). */
function PersonSelect({ value, onChange }: { value?: string; onChange?: (value: string) => void }): ReactNode {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const found = useQuery({
    queryKey: ['persons', 'pick', q],
    queryFn: () => answer(api.GET('/api/persons', { params: { query: { q, page: 1, size: 20 } } })),
    enabled: q.length >= 2,
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setTyped }}
      value={value}
      onChange={onChange}
      placeholder="输入姓名、身份证号或人员编号查找"
      loading={found.isFetching}
      notFoundContent={q.length >= 2 && !found.isFetching ? '未找到' : null}
      data-testid="person-pick"
      options={found.data?.items.map((person) => ({
        value: person.psn_no,
        label: `${person.psn_name}（${person.psn_no}，${person.certno}，${person.township || '—'}）`,
      }))}
    />
  );
}

export function RegisterForm({
  onClose,
  onRegistered,
}: {
  onClose: () => void;
  onRegistered: (id: number) => void;
}): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [form] = Form.useForm<Fields>();
  const register = useMutation({
    mutationFn: (fields: Fields) =>
      answer(
        api.POST('/api/assistance-applications', {
          body: { psn_no: fields.psn_no, note: fields.note.trim(), ...(fields.year ? { year: fields.year } : {}) },
        }),
      ),
    onSuccess: (created) => {
      void message.success(
        `已登记申请 ${created.application_id}：年度个人自付 ${yuanText(created.burden)} 元，认定标准 ${yuanText(created.qualifying)} 元`,
      );
      void queries.invalidateQueries({ queryKey: ['applications'] });
      onRegistered(created.application_id);
    },
    onError: (error) => void message.error(failureText(error, '登记未成功，请稍后再试')),
  });
  return (
    <Modal
      open
      title="登记依申请救助"
      okText="登记"
      cancelText="取消"
      confirmLoading={register.isPending}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then(
          (fields) => register.mutate(fields),
          () => undefined,
        )
      }
      destroyOnHidden
      width={640}
    >
      <Form form={form} layout="vertical" data-testid="register-form">
        <Form.Item name="psn_no" label="申请人" rules={[{ required: true, message: '请查找并选择申请人' }]}>
          <PersonSelect />
        </Form.Item>
        <Form.Item name="year" label="年度" extra="不填为今年">
          <InputNumber min={2000} max={2100} precision={0} style={{ width: 140 }} placeholder="今年" />
        </Form.Item>
        <Form.Item
          name="note"
          label="申请事由"
          rules={[{ required: true, whitespace: true, message: '请填写申请事由' }]}
        >
          <Input.TextArea rows={3} maxLength={2000} placeholder="如：肺癌住院两次，自付费用负担重，本人申请" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

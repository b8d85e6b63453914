/**
 * A warning's follow-up as steps — raised, then every step recorded with who and when and what they wrote, then what
 * may come next — and the form of the next step for those who may record it (a visit's findings and a closing's
 * reason are required, as the platform requires them).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Radio, Steps, Typography } from 'antd';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { timeText } from '../../lib/ui';
import { failureText, STATUS_NAMES, type Status, type WarningDetail } from './shared';

const NOTE_LABELS: Partial<Record<Status, string>> = { visited: '走访情况', closed: '办结理由' };

export function FollowUpSteps({ detail }: { detail: WarningDetail }): ReactNode {
  const next = detail.next_statuses;
  const items = [
    { title: '新预警', content: timeText(detail.raised_at), status: 'finish' as const },
    ...detail.actions.map((action) => ({
      title: action.to_status === 'new' ? '重新预警' : STATUS_NAMES[action.to_status],
      status: 'finish' as const,
      content: (
        <>
          <div>
            {action.actor_name} · {timeText(action.at)}
          </div>
          {action.note && <Typography.Text type="secondary">{action.note}</Typography.Text>}
        </>
      ),
    })),
    ...(next.length > 0
      ? [
          {
            title: `下一步：${next.map((status) => status.name).join(' 或 ')}`,
            status: 'process' as const,
            content: '待登记',
          },
        ]
      : []),
  ];
  return (
    <Steps orientation="vertical" size="small" current={items.length - 1} items={items} data-testid="follow-up-steps" />
  );
}

export function NextStepForm({ detail }: { detail: WarningDetail }): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [form] = Form.useForm<{ status: Status; note?: string }>();
  const chosen = Form.useWatch('status', form);
  const record = useMutation({
    mutationFn: (body: { status: Status; note: string }) =>
      answer(
        api.POST('/api/warnings/{psn_no}/{year}/actions', {
          params: { path: { psn_no: detail.psn_no, year: detail.year } },
          body,
        }),
      ),
    onSuccess: (step) => {
      void message.success(`已登记「${step.status_name}」`);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['warnings'] });
    },
    onError: (error) => void message.error(failureText(error, '登记未成功，请稍后再试')),
  });
  if (detail.next_statuses.length === 0) return null;
  const noteLabel = chosen ? NOTE_LABELS[chosen] : undefined;
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(fields) => record.mutate({ status: fields.status, note: fields.note?.trim() ?? '' })}
      data-testid="next-step"
    >
      <Form.Item name="status" label="登记下一步" rules={[{ required: true, message: '请选择下一步' }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={detail.next_statuses.map((status) => ({ value: status.status, label: status.name }))}
        />
      </Form.Item>
      <Form.Item
        name="note"
        label={noteLabel ?? '说明'}
        rules={noteLabel ? [{ required: true, whitespace: true, message: `请填写${noteLabel}` }] : []}
      >
        <Input.TextArea rows={3} maxLength={2000} placeholder={noteLabel ? `必填：${noteLabel}` : '选填'} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={record.isPending}>
        登记
      </Button>
    </Form>
  );
}

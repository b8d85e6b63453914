/** 零星报销记录: every manual settlement in scope with its clerk; a reviewer reverses one with a reason. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { answer, api, ApiFailure } from '../../api/client';
import { useMe } from '../../app/session';
import { MED_TYPES } from '../../lib/codes';
import { Failure, timeText, yuanColumn } from '../../lib/ui';

interface Reversing {
  psn_no: string;
  setl_id: string;
  psn_name: string;
}

export function ManualList(): ReactNode {
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const cancelled = params.get('cancelled') as 'true' | 'false' | null;
  const [reversing, setReversing] = useState<Reversing | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const list = useQuery({
    queryKey: ['manual-settlements', page, cancelled],
    queryFn: () =>
      answer(
        api.GET('/api/manual-settlements', {
          params: { query: { page, size: 20, ...(cancelled ? { cancelled } : {}) } },
        }),
      ),
  });
  const reverse = useMutation({
    mutationFn: async () => {
      const { reason } = await form.validateFields();
      if (!reversing) throw new Error('nothing to reverse');
      return answer(
        api.POST('/api/manual-settlements/{psnNo}/{setlId}/cancellation', {
          params: { path: { psnNo: reversing.psn_no, setlId: reversing.setl_id } },
          body: { reason },
        }),
      );
    },
    onSuccess: () => {
      void message.success('已撤销，各基金支付已冲销');
      setReversing(null);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['manual-settlements'] });
    },
    onError: (error) => {
      if (error instanceof ApiFailure) void message.error(error.message);
    },
  });
  const mayReverse = me.role === 'reviewer' && !me.township;

  return (
    <>
      <Select
        style={{ width: 160, marginBottom: 12 }}
        value={cancelled ?? 'all'}
        onChange={(value: string) => setParams(value === 'all' ? {} : { tab: 'list', cancelled: value })}
        options={[
          { value: 'all', label: '全部' },
          { value: 'false', label: '有效' },
          { value: 'true', label: '已撤销' },
        ]}
      />
      {list.error && <Failure error={list.error} />}
      <Table
        rowKey="setl_id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total,
          showTotal: (total) => `共 ${total} 笔`,
          onChange: (next) => setParams({ tab: 'list', ...(cancelled ? { cancelled } : {}), page: String(next) }),
        }}
        columns={[
          {
            title: '结算时间',
            dataIndex: 'setl_time',
            render: (time: string, row) => (
              <Link to={`/settlements/${encodeURIComponent(row.psn_no)}/${encodeURIComponent(row.setl_id)}`}>
                {timeText(time)}
              </Link>
            ),
          },
          { title: '姓名', dataIndex: 'psn_name' },
          { title: '就诊医疗机构', dataIndex: 'fixmedins_name' },
          { title: '医疗类别', dataIndex: 'med_type', render: (code: string) => MED_TYPES[code] ?? code },
          yuanColumn('医疗费总额', 'medfee_sumamt'),
          yuanColumn('基本医保', 'hifp_pay'),
          yuanColumn('大病保险', 'hifmi_pay'),
          yuanColumn('医疗救助', 'maf_pay'),
          yuanColumn('个人负担', 'psn_part_amt'),
          { title: '经办人', dataIndex: 'clerk_name' },
          {
            title: '状态',
            key: 'state',
            render: (_, row) =>
              row.cancellation_id ? (
                <Tag color="red" title={`${row.cancelled_by_name ?? ''}：${row.cancel_reason ?? ''}`}>
                  已撤销
                </Tag>
              ) : mayReverse ? (
                <Button size="small" danger onClick={() => setReversing(row)} data-testid="reverse">
                  撤销
                </Button>
              ) : (
                <Tag color="green">有效</Tag>
              ),
          },
        ]}
      />
      <Modal
        title={`撤销零星报销 · ${reversing?.psn_name ?? ''}`}
        open={reversing !== null}
        okText="确认撤销"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={reverse.isPending}
        onOk={() => reverse.mutate()}
        onCancel={() => setReversing(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="撤销原因" rules={[{ required: true, min: 2, message: '请填写撤销原因' }]}>
            <Input.TextArea rows={3} maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * 依申请救助: the applications (status and year in the address, totals from the platform), registering one at the
 * counter (the bureau's operators), and an application's drawer (?id=) with its decision — reviewers only, with a
 * reason — and, once approved, the top-ups with how each was worked out.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Form, InputNumber, Select, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, Page, Section, timeText, yuanColumn } from '../../lib/ui';
import { ApplicationDrawer } from './ApplicationDrawer';
import { RegisterForm } from './RegisterForm';
import { mayRegister, STATUS_COLORS, STATUS_OPTIONS, type ApplicationStatus } from './shared';

export default function Applications(): ReactNode {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') || undefined) as ApplicationStatus | undefined;
  const year = params.get('year') ? Number(params.get('year')) : undefined;
  const page = Number(params.get('page') ?? 1) || 1;
  const size = Number(params.get('size') ?? 20) || 20;
  const opened = params.get('id') ? Number(params.get('id')) : undefined;
  const [registering, setRegistering] = useState(false);
  const list = useQuery({
    queryKey: ['applications', 'list', status, year, page, size],
    queryFn: () => answer(api.GET('/api/assistance-applications', { params: { query: { status, year, page, size } } })),
  });

  const write = (next: Record<string, string | number | undefined>): void => {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(next))
      if (value !== undefined && value !== '') values[key] = String(value);
    setParams(values);
  };
  const filter = { status, year };

  return (
    <Page
      title="依申请救助"
      extra={
        mayRegister(me) && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRegistering(true)} data-testid="register">
            登记申请
          </Button>
        )
      }
    >
      <Section title="查询条件">
        <Form
          layout="inline"
          key={params.toString()}
          initialValues={{ status, year }}
          onFinish={(fields: { status?: string; year?: number }) => write({ status: fields.status, year: fields.year })}
        >
          <Form.Item name="status" label="状态">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 130 }}
              options={STATUS_OPTIONS}
              data-testid="status-filter"
            />
          </Form.Item>
          <Form.Item name="year" label="年度">
            <InputNumber min={2000} max={2100} precision={0} placeholder="全部" style={{ width: 110 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
          </Form.Item>
        </Form>
      </Section>
      {list.error && <Failure error={list.error} />}
      <Table
        rowKey="application_id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: size,
          total: list.data?.total,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 件`,
          onChange: (next, nextSize) => write({ ...filter, page: next, size: nextSize }),
        }}
        columns={[
          {
            title: '申请编号',
            dataIndex: 'application_id',
            render: (id: number) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => write({ ...filter, page, size, id })}>
                {id}
              </Button>
            ),
          },
          { title: '姓名', dataIndex: 'psn_name' },
          { title: '身份证号', dataIndex: 'certno' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          { title: '年度', dataIndex: 'year' },
          yuanColumn('年度个人自付', 'burden'),
          yuanColumn('认定标准', 'qualifying'),
          {
            title: '状态',
            dataIndex: 'status_name',
            render: (name: string, row) => <Tag color={STATUS_COLORS[row.status]}>{name}</Tag>,
          },
          { title: '登记人', dataIndex: 'applied_by_name' },
          { title: '登记时间', dataIndex: 'applied_at', render: timeText },
          { title: '审核人', dataIndex: 'decided_by_name', render: (name: string | null) => name ?? '—' },
          yuanColumn('补付合计', 'top_up'),
        ]}
      />
      {registering && (
        <RegisterForm
          onClose={() => setRegistering(false)}
          onRegistered={(id) => {
            setRegistering(false);
            write({ ...filter, id });
          }}
        />
      )}
      {opened !== undefined && <ApplicationDrawer id={opened} onClose={() => write({ ...filter, page, size })} />}
    </Page>
  );
}

/**
 * 审计日志: who did what and with what outcome, newest first, filtered by who, by action (a kind or one action) and
 * by dates, all kept in the address; details as stored, read in Chinese.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { Failure, Section } from '../../lib/ui';
import { detailText } from './detail';
import { useChoices, useTabFilters } from './shared';

type Row = paths['/api/audit-log']['get']['responses']['200']['content']['application/json']['items'][number];
const KEYS = ['actor', 'action', 'from', 'to'] as const;

interface Fields {
  actor?: string;
  action?: string;
  dates?: [Dayjs, Dayjs] | null;
}

export function AuditTab(): ReactNode {
  const choices = useChoices();
  const { filter, page, size, search, turn } = useTabFilters('audit', KEYS);
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: () => answer(api.GET('/api/regions')),
    staleTime: 600_000,
  });
  const regionNames = new Map(regions.data?.items.map((region) => [region.admdvs, region.name]));
  const list = useQuery({
    queryKey: ['admin', 'audit', filter, page, size],
    queryFn: () => answer(api.GET('/api/audit-log', { params: { query: { ...filter, page, size } } })),
  });

  const find = (fields: Fields): void =>
    search({
      actor: fields.actor,
      action: fields.action,
      from: fields.dates?.[0].format('YYYY-MM-DD'),
      to: fields.dates?.[1].format('YYYY-MM-DD'),
    });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Section title="查询条件">
        <Form<Fields>
          name="audit-filter"
          layout="inline"
          initialValues={{
            actor: filter.actor,
            action: filter.action,
            dates: filter.from && filter.to ? [dayjs(filter.from), dayjs(filter.to)] : null,
          }}
          onFinish={find}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="actor" label="操作人" tooltip="用户名或定点医疗机构编号">
            <Input allowClear style={{ width: 170 }} maxLength={100} placeholder="用户名或机构编号" />
          </Form.Item>
          <Form.Item name="action" label="操作">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="全部"
              style={{ width: 230 }}
              options={choices?.actions.map((action) => ({ value: action.code, label: action.name }))}
            />
          </Form.Item>
          <Form.Item name="dates" label="日期">
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
          </Form.Item>
        </Form>
      </Section>
      <Section title="审计日志">
        {list.error && <Failure error={list.error} />}
        <Table
          rowKey="audit_id"
          size="middle"
          loading={list.isPending}
          dataSource={list.data?.items}
          pagination={{
            current: page,
            pageSize: size,
            total: list.data?.total,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 条`,
            onChange: turn,
          }}
          columns={[
            {
              title: '时间',
              dataIndex: 'at',
              width: 170,
              render: (at: string) => at.slice(0, 19).replace('T', ' '),
            },
            {
              title: '操作人',
              key: 'actor',
              width: 190,
              render: (_: unknown, row: Row) => (
                <>
                  {row.actor_name}
                  {row.actor.startsWith('user:') && (
                    <Typography.Text type="secondary">（{row.actor.slice(5)}）</Typography.Text>
                  )}
                </>
              ),
            },
            { title: '操作', dataIndex: 'action_name', width: 180 },
            {
              title: '结果',
              dataIndex: 'outcome_name',
              width: 160,
              render: (name: string, row: Row) => <Tag color={row.outcome === 'ok' ? 'green' : 'red'}>{name}</Tag>,
            },
            {
              title: '详情',
              dataIndex: 'detail',
              render: (detail: Row['detail']) => (
                <Typography.Text style={{ wordBreak: 'break-all' }}>
                  {detailText(detail, choices, regionNames)}
                </Typography.Text>
              ),
            },
          ]}
        />
      </Section>
    </Space>
  );
}

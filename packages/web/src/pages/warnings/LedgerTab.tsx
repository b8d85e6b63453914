/**
 * The ledger: filters (year, level, status, township, hand-down) in the address, the counts per level (a count
 * filters by its level), the table with the warnings ticked for hand-down or recall by the bureau's operators, the
 * workbook, and the drawer of the warning opened (?warning=psn_no/year).
 */
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Select, Space, Statistic, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api, download } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, timeText, yuanColumn } from '../../lib/ui';
import { HandDownBar } from './HandDown';
import {
  failureText,
  HandoverTag,
  isBureauOperator,
  LEVELS,
  LevelTag,
  STATUSES,
  type LedgerAnswer,
  type Level,
  type Status,
} from './shared';
import { WarningDrawer } from './WarningDrawer';

const KEYS = ['year', 'level', 'status', 'township', 'handed_down'] as const;
type Key = (typeof KEYS)[number];

export function LedgerTab(): ReactNode {
  const me = useMe();
  const { message } = App.useApp();
  const bureau = isBureauOperator(me);
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(
    KEYS.map((key) => [key, params.get(key) || undefined]).filter(([, value]) => value),
  ) as Partial<Record<Key, string>>;
  const page = Number(params.get('page') ?? 1) || 1;
  const size = Number(params.get('size') ?? 20) || 20;
  const opened = params.get('warning');
  const [selected, setSelected] = useState<string[]>([]);

  const year = filter.year ? Number(filter.year) : undefined;
  const handedDown: 'true' | 'false' | undefined =
    filter.handed_down === 'true' ? 'true' : filter.handed_down === 'false' ? 'false' : undefined;
  const level = filter.level as Level | undefined;
  const status = filter.status as Status | undefined;
  const countQuery = { year, status, township: filter.township, handed_down: handedDown };
  const list = useQuery({
    queryKey: ['warnings', 'list', { ...countQuery, level }, page, size],
    // The route also answers a workbook (format=xlsx): asked for JSON, it answers the ledger.
    queryFn: () =>
      answer(
        api.GET('/api/warnings', { params: { query: { ...countQuery, level, page, size, format: 'json' } } }),
      ) as Promise<LedgerAnswer>,
  });
  const counts = useQuery({
    queryKey: ['warnings', 'counts', countQuery],
    queryFn: () => answer(api.GET('/api/warnings/counts', { params: { query: countQuery } })),
  });
  // Every township of the year (for the picker and the hand-down by township), whatever the other filters.
  const townships = useQuery({
    queryKey: ['warnings', 'counts', { year }],
    queryFn: () => answer(api.GET('/api/warnings/counts', { params: { query: { year } } })),
  });
  const shownYear = year ?? counts.data?.year;
  const current = townships.data?.current_year;

  const write = (next: Partial<Record<Key | 'page' | 'size' | 'warning', string | undefined>>): void => {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(next)) if (value) values[key] = value;
    setParams(values);
  };
  const search = (fields: Partial<Record<Key, string>>): void => {
    setSelected([]);
    write({ ...filter, ...fields });
  };
  const exportLedger = async (): Promise<void> => {
    const query = new URLSearchParams({ format: 'xlsx' });
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    try {
      await download(`/api/warnings?${query.toString()}`, `预警台账-${shownYear ?? ''}.xlsx`);
    } catch (error) {
      void message.error(failureText(error, '导出未成功，请稍后再试'));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Form<Partial<Record<Key, string>>>
        layout="inline"
        key={`${params.toString()}|${shownYear ?? ''}`}
        initialValues={{ ...filter, year: filter.year ?? (shownYear ? String(shownYear) : undefined) }}
        onFinish={search}
        style={{ rowGap: 12 }}
      >
        <Form.Item name="year" label="年度">
          <Select
            style={{ width: 110 }}
            options={
              [0, 1, 2, 3]
                .map((back) => current && { value: String(current - back), label: `${current - back}年` })
                .filter(Boolean) as { value: string; label: string }[]
            }
          />
        </Form.Item>
        <Form.Item name="level" label="预警级别">
          <Select allowClear placeholder="全部" style={{ width: 110 }} options={[...LEVELS]} />
        </Form.Item>
        <Form.Item name="status" label="跟进状态">
          <Select allowClear placeholder="全部" style={{ width: 130 }} options={[...STATUSES]} />
        </Form.Item>
        {!me.township && (
          <Form.Item name="township" label="乡镇（街道）">
            <Select
              allowClear
              showSearch
              placeholder="全部"
              style={{ width: 150 }}
              options={townships.data?.townships.map((t) => ({ value: t.township, label: t.township }))}
            />
          </Form.Item>
        )}
        {!me.township && (
          <Form.Item name="handed_down" label="下放状态">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 110 }}
              options={[
                { value: 'true', label: '已下放' },
                { value: 'false', label: '未下放' },
              ]}
            />
          </Form.Item>
        )}
        <Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form.Item>
      </Form>
      {counts.data && (
        <Space size={12} wrap data-testid="level-counts">
          {LEVELS.map(({ value, label }) => (
            <Card
              key={value}
              size="small"
              hoverable
              style={{ width: 150, borderColor: level === value ? '#1668dc' : undefined }}
              onClick={() => search({ level: level === value ? undefined : value })}
              data-testid={`count-${value}`}
            >
              <Statistic
                title={<LevelTag level={value} name={label} />}
                value={counts.data.levels[value]}
                suffix="人"
              />
            </Card>
          ))}
          <Card size="small" style={{ width: 150 }}>
            <Statistic title="合计" value={counts.data.total} suffix="人" />
          </Card>
          {!me.township && (
            <Card size="small" style={{ width: 150 }} data-testid="count-pending">
              <Statistic title="未下放" value={counts.data.pending} suffix="人" />
            </Card>
          )}
        </Space>
      )}
      <Space wrap>
        {bureau && shownYear !== undefined && (
          <HandDownBar
            year={shownYear}
            filter={{ level, status, township: filter.township, handed_down: handedDown }}
            selected={selected}
            selectedRows={list.data?.items.filter((row) => selected.includes(row.psn_no)) ?? []}
            counts={counts.data}
            townships={townships.data?.townships ?? []}
            onDone={() => setSelected([])}
          />
        )}
        <Button icon={<DownloadOutlined />} onClick={() => void exportLedger()} data-testid="export">
          导出 XLSX
        </Button>
      </Space>
      {list.error && <Failure error={list.error} />}
      <Table
        rowKey="psn_no"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        rowSelection={
          bureau
            ? {
                selectedRowKeys: selected,
                preserveSelectedRowKeys: true,
                onChange: (keys) => setSelected(keys.map(String)),
              }
            : undefined
        }
        pagination={{
          current: page,
          pageSize: size,
          total: list.data?.total,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 人`,
          onChange: (next, nextSize) => write({ ...filter, page: String(next), size: String(nextSize) }),
        }}
        columns={[
          {
            title: '级别',
            dataIndex: 'level',
            render: (value: string, row) => <LevelTag level={value} name={row.level_name} />,
          },
          {
            title: '姓名',
            dataIndex: 'psn_name',
            render: (name: string, row) => (
              <Button
                type="link"
                style={{ padding: 0 }}
                onClick={() =>
                  write({ ...filter, page: String(page), size: String(size), warning: `${row.psn_no}/${row.year}` })
                }
              >
                {name}
              </Button>
            ),
          },
          { title: '身份证号', dataIndex: 'certno' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          { title: '人群', dataIndex: 'population' },
          yuanColumn('年度自付医药费用', 'amount'),
          { title: '跟进状态', dataIndex: 'status_name', render: (name: string) => <Tag>{name}</Tag> },
          { title: '反馈部门', dataIndex: 'department_name' },
          { title: '反馈时限', dataIndex: 'feedback_due' },
          { title: '下放', key: 'handover', render: (_, row) => <HandoverTag warning={row} /> },
          { title: '首次预警', dataIndex: 'raised_at', render: timeText },
        ]}
      />
      {opened && (
        <WarningDrawer
          psnNo={opened.split('/')[0] ?? ''}
          year={Number(opened.split('/')[1])}
          onClose={() => write({ ...filter, page: String(page), size: String(size) })}
        />
      )}
    </Space>
  );
}

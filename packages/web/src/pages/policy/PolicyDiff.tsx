/**
 * 对比: two regions or two dates (原值 on one side, 新值 on the other) and only what differs between them — a value,
 * its source, or a parameter one side has and the other not — each side's value with where it comes from.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Empty, Form, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { Failure, Section } from '../../lib/ui';
import { RegionSelect } from './RegionSelect';
import { SourceCell } from './SourceCell';
import type { DiffAnswer, DiffItem } from './types';

export interface Pair {
  admdvs?: string;
  date?: string;
}

function SideValue({ side }: { side: DiffItem['a'] }): ReactNode {
  if (!side) return <Typography.Text type="secondary">（无此参数）</Typography.Text>;
  return (
    <Space orientation="vertical" size={2}>
      <strong>{side.value}</strong>
      <SourceCell source={side.source} />
    </Space>
  );
}

/** What changed: the value, only its source, or the parameter is new or no longer there (the texts compared as shown). */
function Change({ item }: { item: DiffItem }): ReactNode {
  if (!item.a) return <Tag color="green">新增</Tag>;
  if (!item.b) return <Tag color="default">不再适用</Tag>;
  return item.a.value === item.b.value ? <Tag color="blue">依据变化</Tag> : <Tag color="red">取值变化</Tag>;
}

function sideTitle(side: DiffAnswer['a']): string {
  return `${side.region_name} ${side.date}（${side.policy_name}，自 ${side.version_from} 起的版本）`;
}

function PairFields({
  label,
  pair,
  onChange,
}: {
  label: string;
  pair: Pair;
  onChange: (pair: Pair) => void;
}): ReactNode {
  return (
    <Space wrap>
      <Typography.Text strong style={{ display: 'inline-block', width: 48 }}>
        {label}
      </Typography.Text>
      <Form.Item label="区划" style={{ marginBottom: 0 }}>
        <RegionSelect
          value={pair.admdvs}
          onChange={(admdvs) => onChange({ ...pair, admdvs })}
          testId={`${label === '原值' ? 'a' : 'b'}-region`}
        />
      </Form.Item>
      <Form.Item label="日期" style={{ marginBottom: 0 }}>
        <DatePicker
          allowClear={false}
          value={pair.date ? dayjs(pair.date) : undefined}
          placeholder="今天"
          onChange={(day) => onChange({ ...pair, date: day ? day.format('YYYY-MM-DD') : undefined })}
          data-testid={`${label === '原值' ? 'a' : 'b'}-date`}
        />
      </Form.Item>
    </Space>
  );
}

export function PolicyDiff({ a, b, onChange }: { a: Pair; b: Pair; onChange: (a: Pair, b: Pair) => void }): ReactNode {
  const ready = Boolean(a.admdvs && b.admdvs);
  const diff = useQuery({
    queryKey: ['policy-diff', a, b],
    enabled: ready,
    queryFn: () =>
      answer(
        api.GET('/api/policy/diff', {
          params: {
            query: { a_admdvs: a.admdvs ?? '', a_date: a.date, b_admdvs: b.admdvs ?? '', b_date: b.date },
          },
        }),
      ),
  });
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Section
        title="对比条件"
        extra={
          <Button onClick={() => onChange(b, a)} disabled={!ready}>
            交换两方
          </Button>
        }
      >
        <Space orientation="vertical" size={12}>
          <PairFields label="原值" pair={a} onChange={(next) => onChange(next, b)} />
          <PairFields label="新值" pair={b} onChange={(next) => onChange(a, next)} />
        </Space>
      </Section>
      {diff.error && <Failure error={diff.error} />}
      {diff.data && (
        <Section title={`不同之处（${diff.data.count} 项）`}>
          <div data-testid="diff">
            <Typography.Paragraph type="secondary">
              原值：{sideTitle(diff.data.a)}
              <br />
              新值：{sideTitle(diff.data.b)}
            </Typography.Paragraph>
            {diff.data.count === 0 ? (
              <Empty description="两者的取值与依据完全相同" />
            ) : (
              <Table<DiffItem>
                rowKey="path"
                size="small"
                pagination={false}
                dataSource={diff.data.items}
                columns={[
                  { title: '分类', dataIndex: 'section', width: 120 },
                  { title: '参数', dataIndex: 'name', width: '20%' },
                  { title: '变化', key: 'change', width: 100, render: (_, item) => <Change item={item} /> },
                  {
                    title: '新值',
                    dataIndex: 'b',
                    width: '30%',
                    render: (side: DiffItem['b']) => <SideValue side={side} />,
                  },
                  {
                    title: '原值',
                    dataIndex: 'a',
                    width: '30%',
                    render: (side: DiffItem['a']) => <SideValue side={side} />,
                  },
                ]}
              />
            )}
          </div>
        </Section>
      )}
    </Space>
  );
}

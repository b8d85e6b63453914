/**
 * The batches: hand-downs and recalls (who, when, how the warnings were chosen, how many went to which township and
 * how many are still there; a hand-down batch taken back whole by the bureau's operators), and the feedback batches
 * the policy's cadence sends each township and department, each with its workbook.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Select, Space, Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api, download } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, timeText } from '../../lib/ui';
import { townshipText } from './HandDown';
import { failureText, isBureauOperator, LEVELS, LevelTag, type Handover, type Level } from './shared';

/** The page and size of a tab, kept in the address with the tab. */
function usePaging(tab: string): {
  page: number;
  size: number;
  extra: Record<string, string>;
  turn: (page: number, size: number, extra?: Record<string, string>) => void;
} {
  const [params, setParams] = useSearchParams();
  const extra = Object.fromEntries([...params.entries()].filter(([key]) => !['tab', 'page', 'size'].includes(key)));
  return {
    page: Number(params.get('page') ?? 1) || 1,
    size: Number(params.get('size') ?? 20) || 20,
    extra,
    turn: (page, size, next = extra) => setParams({ tab, ...next, page: String(page), size: String(size) }),
  };
}

export function HandoverBatches(): ReactNode {
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { page, size, turn } = usePaging('handovers');
  const list = useQuery({
    queryKey: ['warnings', 'handovers', page, size],
    queryFn: () => answer(api.GET('/api/warning-handovers', { params: { query: { page, size } } })),
  });
  const recall = useMutation({
    mutationFn: (batch: Handover) =>
      answer(
        api.POST('/api/warning-handovers/{handover_id}/recall', {
          params: { path: { handover_id: batch.handover_id } },
          body: {},
        }),
      ),
    onSuccess: (batch) => {
      void message.success(`已收回 ${batch.warnings} 条：${townshipText(batch)}`);
      void queries.invalidateQueries({ queryKey: ['warnings'] });
    },
    onError: (error) => void message.error(failureText(error, '收回未成功，请稍后再试')),
  });
  return (
    <>
      {list.error && <Failure error={list.error} />}
      <Table
        rowKey="handover_id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: size,
          total: list.data?.total,
          showTotal: (total) => `共 ${total} 批`,
          onChange: turn,
        }}
        columns={[
          { title: '批次', dataIndex: 'handover_id' },
          {
            title: '类型',
            dataIndex: 'kind_name',
            render: (name: string, row) => <Tag color={row.kind === 'down' ? 'green' : 'orange'}>{name}</Tag>,
          },
          { title: '方式', dataIndex: 'basis_name' },
          { title: '选取条件', dataIndex: 'criteria' },
          { title: '年度', dataIndex: 'year' },
          { title: '乡镇（街道）', key: 'townships', render: (_, row) => townshipText(row) },
          { title: '预警数', dataIndex: 'warnings', align: 'right' },
          {
            title: '仍在乡镇',
            dataIndex: 'outstanding',
            align: 'right',
            render: (count: number, row) => (row.kind === 'down' ? count : '—'),
          },
          { title: '说明', dataIndex: 'note', render: (note: string) => note || '—' },
          { title: '办理人', dataIndex: 'actor_name' },
          { title: '办理时间', dataIndex: 'at', render: timeText },
          ...(isBureauOperator(me)
            ? [
                {
                  title: '操作',
                  key: 'recall',
                  render: (_: unknown, row: Handover) =>
                    row.kind === 'down' && row.outstanding > 0 ? (
                      <Popconfirm
                        title={`收回本批仍在乡镇的 ${row.outstanding} 条预警？`}
                        okText="收回"
                        cancelText="取消"
                        onConfirm={() => recall.mutate(row)}
                      >
                        <Button size="small" danger>
                          整批收回
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

export function FeedbackBatches(): ReactNode {
  const { message } = App.useApp();
  const { page, size, extra, turn } = usePaging('feedback');
  const level = extra['level'] as Level | undefined;
  const list = useQuery({
    queryKey: ['warnings', 'feedback', level, page, size],
    queryFn: () => answer(api.GET('/api/warning-feedback', { params: { query: { level, page, size } } })),
  });
  const workbook = async (batchId: number, name: string): Promise<void> => {
    try {
      await download(`/api/warning-feedback/${batchId}/xlsx`, name);
    } catch (error) {
      void message.error(failureText(error, '下载未成功，请稍后再试'));
    }
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space>
        预警级别
        <Select
          allowClear
          placeholder="全部"
          style={{ width: 120 }}
          value={level}
          options={[...LEVELS]}
          onChange={(next?: string) => turn(1, size, next ? { level: next } : {})}
        />
      </Space>
      {list.error && <Failure error={list.error} />}
      <Table
        rowKey="batch_id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: size,
          total: list.data?.total,
          showTotal: (total) => `共 ${total} 批`,
          onChange: (next, nextSize) => turn(next, nextSize),
        }}
        columns={[
          { title: '批次', dataIndex: 'batch_id' },
          {
            title: '级别',
            dataIndex: 'level',
            render: (value: string, row) => <LevelTag level={value} name={row.level_name} />,
          },
          { title: '县（市、区）', dataIndex: 'county' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          { title: '反馈部门', dataIndex: 'department_name' },
          { title: '反馈日期', dataIndex: 'due_date' },
          { title: '预警人数', dataIndex: 'warnings', align: 'right' },
          { title: '本期新增', dataIndex: 'new_warnings', align: 'right' },
          { title: '生成时间', dataIndex: 'at', render: timeText },
          {
            title: '台账',
            key: 'xlsx',
            render: (_, row) => (
              <Button
                size="small"
                icon={<DownloadOutlined />}
                onClick={() =>
                  void workbook(row.batch_id, `${row.township}-${row.level_name}台账-${row.due_date}.xlsx`)
                }
              >
                下载 XLSX
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}

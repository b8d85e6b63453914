/**
 * 导入历史: every import of the user's scope (a department's user: their department's), a page at a time with the
 * page in the address, each with its counts, the report of its bad rows and its before/after snapshot (unfolded
 * under its row).
 */
import { useQuery } from '@tanstack/react-query';
import { App, Button, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api, ApiFailure, download } from '../../api/client';
import { Failure, Section, timeText } from '../../lib/ui';
import { fileLabel, MODE_NAMES, spellColumns, statusTag, type DepartmentCode, type HistoryItem } from './shared';

type Change = 'created' | 'changed' | 'ended' | 'held';
const CHANGE_NAMES: Record<Change, string> = { created: '新增', changed: '变更', ended: '取消', held: '待核查' };

function ChangeList({ importId, change }: { importId: number; change: Change }): ReactNode {
  const [page, setPage] = useState(1);
  const changes = useQuery({
    queryKey: ['ledger-changes', importId, change, page],
    queryFn: () =>
      answer(
        api.GET('/api/ledger-imports/{importId}/changes', {
          params: { path: { importId }, query: { change, page, size: 10 } },
        }),
      ),
  });
  if (changes.error) return <Failure error={changes.error} />;
  return (
    <Table
      size="small"
      rowKey={(item) => `${item.psn_no ?? ''}-${item.category}-${item.after.begin ?? ''}-${item.row ?? ''}`}
      loading={changes.isPending}
      dataSource={changes.data?.items}
      columns={spellColumns(change).filter((column) => change === 'held' || column.title !== '行号')}
      pagination={{
        current: page,
        pageSize: 10,
        total: changes.data?.total,
        onChange: setPage,
        showTotal: (t) => `共 ${t} 条`,
      }}
    />
  );
}

/** The snapshot of an import: the spells it wrote, before and after, and the rows it held for a clerk. */
export function Snapshot({ item }: { item: HistoryItem }): ReactNode {
  const counts = useQuery({
    queryKey: ['ledger-changes', item.import_id, 'counts'],
    queryFn: () =>
      answer(
        api.GET('/api/ledger-imports/{importId}/changes', {
          params: { path: { importId: item.import_id }, query: { size: 1 } },
        }),
      ),
  });
  return (
    <div data-testid="snapshot" style={{ padding: '4px 8px' }}>
      <Typography.Text type="secondary">
        导入前后快照：{item.department_name}台账（{item.ledger_date}
        ）写入的每个人员类别在导入前后的认定期间；待核查的行未导入。
      </Typography.Text>
      {counts.error && <Failure error={counts.error} />}
      <Tabs
        size="small"
        destroyOnHidden
        items={(Object.keys(CHANGE_NAMES) as Change[]).map((change) => ({
          key: change,
          label: `${CHANGE_NAMES[change]} ${counts.data?.counts[change] ?? ''}`,
          children: <ChangeList importId={item.import_id} change={change} />,
        }))}
      />
    </div>
  );
}

export function ImportHistory({
  departments,
  fixedDepartment,
}: {
  departments: { code: string; name: string }[];
  fixedDepartment: string | null;
}): ReactNode {
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('hpage') ?? 1);
  const size = Number(params.get('hsize') ?? 10);
  const department = fixedDepartment ?? params.get('hdept') ?? undefined;
  const [opened, setOpened] = useState<number[]>([]);
  const history = useQuery({
    queryKey: ['ledger-history', department, page, size],
    queryFn: () =>
      answer(
        api.GET('/api/ledger-imports/history', {
          params: { query: { ...(department ? { department: department as DepartmentCode } : {}), page, size } },
        }),
      ),
  });
  const setParam = (changes: Record<string, string | undefined>): void => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes))
      if (value) next.set(key, value);
      else next.delete(key);
    setParams(next);
  };
  const errors = (item: HistoryItem): void =>
    void download(`/api/ledger-imports/${item.import_id}/errors.xlsx`, `台账导入${item.import_id}错误行.xlsx`).catch(
      (error: unknown) => message.error(error instanceof ApiFailure ? error.message : '下载未成功'),
    );

  return (
    <Section
      title="导入历史"
      extra={
        !fixedDepartment && (
          <Space>
            报送部门
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 160 }}
              value={department}
              onChange={(value?: string) => setParam({ hdept: value, hpage: undefined })}
              options={departments.map((d) => ({ value: d.code, label: d.name }))}
            />
          </Space>
        )
      }
    >
      {history.error && <Failure error={history.error} />}
      <Table
        size="small"
        rowKey="import_id"
        loading={history.isPending}
        dataSource={history.data?.items}
        data-testid="import-history"
        expandable={{
          expandedRowKeys: opened,
          showExpandColumn: false,
          expandedRowRender: (item) => <Snapshot item={item} />,
        }}
        pagination={{
          current: page,
          pageSize: size,
          total: history.data?.total,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 次导入`,
          onChange: (next, nextSize) => setParam({ hpage: String(next), hsize: String(nextSize) }),
        }}
        columns={[
          { title: '编号', dataIndex: 'import_id', width: 56 },
          { title: '导入时间', dataIndex: 'at', width: 136, render: timeText },
          { title: '报送部门', dataIndex: 'department_name', width: 110 },
          { title: '台账日期', dataIndex: 'ledger_date', width: 100 },
          { title: '文件名', dataIndex: 'file_name', ellipsis: true, render: fileLabel },
          { title: '方式', dataIndex: 'mode', width: 84, render: (mode: string) => MODE_NAMES[mode] ?? '—' },
          {
            title: '状态',
            dataIndex: 'status',
            width: 76,
            render: (status: string, item) =>
              item.refusal_message ? (
                <Tooltip title={item.refusal_message}>{statusTag(status)}</Tooltip>
              ) : (
                statusTag(status)
              ),
          },
          { title: '行数', width: 60, dataIndex: 'total_rows', align: 'right' },
          { title: '新增', width: 60, dataIndex: 'spells_created', align: 'right' },
          { title: '变更', width: 60, dataIndex: 'spells_changed', align: 'right' },
          { title: '终止', width: 60, dataIndex: 'spells_ended', align: 'right' },
          { title: '待核查', width: 60, dataIndex: 'rows_held', align: 'right' },
          { title: '错误行', width: 60, dataIndex: 'bad_rows', align: 'right' },
          {
            title: '操作',
            key: 'actions',
            width: 160,
            render: (_, item) => (
              <Space size={4}>
                {item.bad_rows > 0 && (
                  <Button size="small" type="link" onClick={() => errors(item)}>
                    错误报告
                  </Button>
                )}
                {item.status === 'imported' && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() =>
                      setOpened((keys) =>
                        keys.includes(item.import_id)
                          ? keys.filter((key) => key !== item.import_id)
                          : [...keys, item.import_id],
                      )
                    }
                  >
                    {opened.includes(item.import_id) ? '收起快照' : '快照'}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Section>
  );
}

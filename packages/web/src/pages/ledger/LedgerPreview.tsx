/**
 * A preview of an uploaded ledger: its counts, what it would do in tabs — 新增, 变更, 取消, 待核查, 错误 — each a
 * page of the server's list, the workbook to export, and the confirmation that imports exactly what is shown (the
 * rows 待核查 are not imported; a ledger ending too many categories asks for the number first).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Space, Statistic, Table, Tabs, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api, ApiFailure, download } from '../../api/client';
import { Failure, Section, timeText } from '../../lib/ui';
import { fileLabel, MODE_NAMES, spellColumns, type Preview } from './shared';

type Kind = 'new' | 'changed' | 'ended' | 'held';

function Items({ previewId, kind }: { previewId: number; kind: Kind }): ReactNode {
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(10);
  const items = useQuery({
    queryKey: ['ledger-preview-items', previewId, kind, page, size],
    queryFn: () =>
      answer(
        api.GET('/api/ledger-previews/{previewId}/items', {
          params: { path: { previewId }, query: { kind, page, size } },
        }),
      ),
  });
  if (items.error) return <Failure error={items.error} />;
  return (
    <Table
      size="small"
      rowKey={(item) => `${item.row ?? ''}-${item.psn_no ?? item.certno}-${item.category}-${item.before?.begin ?? ''}`}
      loading={items.isPending}
      dataSource={items.data?.items}
      columns={spellColumns(kind)}
      pagination={{
        current: page,
        pageSize: size,
        total: items.data?.total,
        showTotal: (total) => `共 ${total} 条`,
        onChange: (next, nextSize) => {
          setPage(next);
          setSize(nextSize);
        },
      }}
    />
  );
}

function Problems({ previewId }: { previewId: number }): ReactNode {
  const [page, setPage] = useState(1);
  const problems = useQuery({
    queryKey: ['ledger-preview-problems', previewId, page],
    queryFn: () =>
      answer(
        api.GET('/api/ledger-previews/{previewId}/problems', {
          params: { path: { previewId }, query: { page, size: 10 } },
        }),
      ),
  });
  if (problems.error) return <Failure error={problems.error} />;
  const nameAt = problems.data?.header.indexOf('姓名') ?? -1;
  return (
    <Table
      size="small"
      rowKey="row"
      loading={problems.isPending}
      dataSource={problems.data?.items}
      pagination={{
        current: page,
        pageSize: 10,
        total: problems.data?.total,
        onChange: setPage,
        showTotal: (t) => `共 ${t} 行`,
      }}
      columns={[
        { title: '行号', dataIndex: 'row', width: 70 },
        { title: '姓名', key: 'name', width: 120, render: (_, item) => (nameAt >= 0 ? item.cells[nameAt] : '') || '—' },
        {
          title: '错误原因',
          dataIndex: 'reasons',
          render: (reasons: string) => <Typography.Text type="danger">{reasons}</Typography.Text>,
        },
      ]}
    />
  );
}

export function LedgerPreview({
  preview,
  onConfirmed,
  onClose,
  canConfirm,
}: {
  preview: Preview;
  onConfirmed: (importId: number) => void;
  onClose: () => void;
  canConfirm: boolean;
}): ReactNode {
  const { message, modal } = App.useApp();
  const queries = useQueryClient();
  const id = preview.preview_id;
  const confirm = useMutation({
    mutationFn: async () => {
      const result = await api.POST('/api/ledger-previews/{previewId}/confirm', {
        params: { path: { previewId: id } },
        body: preview.mass_end ? { confirm_end: preview.spells_ended } : {},
      });
      const data = await answer(Promise.resolve(result));
      if (!('import_id' in data)) throw new ApiFailure(409, data.code, data.message);
      return data;
    },
    onSuccess: (data) => {
      void message.success(`已导入（导入记录 ${data.import_id}）`);
      void queries.invalidateQueries({ queryKey: ['ledger-history'] });
      void queries.invalidateQueries({ queryKey: ['ledger-preview', id] });
      onConfirmed(data.import_id);
    },
    onError: (error) => void message.error(error instanceof ApiFailure ? error.message : '导入未成功，请稍后再试'),
  });

  const ask = (): void => {
    void modal.confirm({
      title: '确认按预览导入？',
      okText: '确认导入',
      cancelText: '取消',
      content: (
        <Space orientation="vertical">
          <span>
            新增 {preview.spells_new} 个、变更 {preview.spells_changed} 个、取消 {preview.spells_ended} 个人员类别
            {preview.persons_new > 0 ? `，新登记 ${preview.persons_new} 人` : ''}。
          </span>
          {preview.rows_held > 0 && (
            <span>待核查的 {preview.rows_held} 行不导入，导入后列入导入记录，请与相关部门核实。</span>
          )}
          {preview.mass_end && (
            <Alert
              type="warning"
              showIcon
              title={`本次将终止本部门在该区划 ${preview.spells_running} 个有效人员类别中的 ${preview.spells_ended} 个，超过安全上限。请确认台账完整、确需终止后再导入。`}
            />
          )}
        </Space>
      ),
      onOk: () => confirm.mutateAsync().catch(() => undefined),
    });
  };

  const count = (label: string, value: number): ReactNode => (
    <span>
      {label} <Typography.Text strong>{value}</Typography.Text>
    </span>
  );

  return (
    <Section
      title={`台账预览 · ${fileLabel(preview.file_name)}`}
      extra={
        <Space>
          <Button
            onClick={() =>
              void download(`/api/ledger-previews/${id}/export.xlsx`, `台账预览${id}.xlsx`).catch((error: unknown) =>
                message.error(error instanceof ApiFailure ? error.message : '导出未成功'),
              )
            }
            data-testid="export-preview"
          >
            导出预览
          </Button>
          {canConfirm && (
            <Button
              type="primary"
              disabled={!preview.can_confirm}
              loading={confirm.isPending}
              onClick={ask}
              data-testid="confirm-import"
            >
              确认导入
            </Button>
          )}
          <Button onClick={onClose}>关闭</Button>
        </Space>
      }
    >
      <div data-testid="ledger-preview">
        <Descriptions size="small" column={4} style={{ marginBottom: 12 }}>
          <Descriptions.Item label="报送部门">{preview.department_name}</Descriptions.Item>
          <Descriptions.Item label="区划">{preview.region_name}</Descriptions.Item>
          <Descriptions.Item label="台账日期">{preview.ledger_date}</Descriptions.Item>
          <Descriptions.Item label="导入方式">{MODE_NAMES[preview.mode]}</Descriptions.Item>
          <Descriptions.Item label="数据行数">{preview.total_rows}</Descriptions.Item>
          <Descriptions.Item label="可导入行数">{preview.importable_rows}</Descriptions.Item>
          <Descriptions.Item label="无变化行数">{preview.rows_unchanged}</Descriptions.Item>
          <Descriptions.Item label="预览保留至">{timeText(preview.expires_at)}</Descriptions.Item>
        </Descriptions>
        <Space size={48} style={{ marginBottom: 8 }}>
          <Statistic
            title="新增"
            value={preview.spells_new}
            suffix={preview.persons_new > 0 ? `（新登记 ${preview.persons_new} 人）` : ''}
          />
          <Statistic title="变更" value={preview.spells_changed} />
          <Statistic
            title="取消"
            value={preview.spells_ended}
            styles={{ content: preview.mass_end ? { color: '#cf1322' } : {} }}
          />
          <Statistic
            title="待核查"
            value={preview.rows_held}
            styles={{ content: preview.rows_held ? { color: '#d46b08' } : {} }}
          />
          <Statistic
            title="错误"
            value={preview.bad_rows}
            styles={{ content: preview.bad_rows ? { color: '#cf1322' } : {} }}
          />
        </Space>
        {preview.blocked && <Alert type="info" showIcon title={preview.blocked} style={{ marginBottom: 8 }} />}
        {preview.mass_end && !preview.blocked && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 8 }}
            title={`将终止 ${preview.spells_running} 个有效人员类别中的 ${preview.spells_ended} 个，超过安全上限；确认导入时须再次确认。`}
          />
        )}
        <Tabs
          destroyOnHidden
          items={[
            { key: 'new', label: count('新增', preview.spells_new), children: <Items previewId={id} kind="new" /> },
            {
              key: 'changed',
              label: count('变更', preview.spells_changed),
              children: <Items previewId={id} kind="changed" />,
            },
            {
              key: 'ended',
              label: count('取消', preview.spells_ended),
              children: <Items previewId={id} kind="ended" />,
            },
            { key: 'held', label: count('待核查', preview.rows_held), children: <Items previewId={id} kind="held" /> },
            { key: 'problems', label: count('错误', preview.bad_rows), children: <Problems previewId={id} /> },
          ]}
        />
      </div>
    </Section>
  );
}

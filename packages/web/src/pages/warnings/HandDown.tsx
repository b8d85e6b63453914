/**
 * The bureau's hand-down (下放) and recall (收回) of warnings: the ticked rows, a township (with how many of its
 * warnings wait), or everything the current filter shows that is not yet handed down; ticked rows taken back. Each
 * answer says how many went to which township.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { failureText, LEVELS, type Counts, type Handover, type Level, type Status, type WarningItem } from './shared';

interface Filter {
  level?: Level | undefined;
  status?: Status | undefined;
  township?: string | undefined;
  handed_down?: 'true' | 'false' | undefined;
}

type Body = {
  basis: 'township' | 'selected' | 'filter';
  year: number;
  township?: string;
  level?: Level;
  status?: Status;
  handed_down?: 'true' | 'false';
  psn_nos?: string[];
  note?: string;
};

/** "烟庄街道 2 条、店子镇 1 条". */
export function townshipText(batch: Handover): string {
  return batch.townships.map((t) => `${t.township} ${t.warnings} 条`).join('、');
}

export function HandDownBar({
  year,
  filter,
  selected,
  selectedRows,
  counts,
  townships,
  onDone,
}: {
  year: number;
  filter: Filter;
  selected: string[];
  selectedRows: WarningItem[];
  counts: Counts | undefined;
  townships: Counts['townships'];
  onDone: () => void;
}): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [byTownship, setByTownship] = useState(false);
  const [form] = Form.useForm<{ township: string; level?: Level; note?: string }>();
  const done = (batch: Handover): void => {
    void message.success(`已${batch.kind_name} ${batch.warnings} 条：${townshipText(batch)}`);
    onDone();
    void queries.invalidateQueries({ queryKey: ['warnings'] });
  };
  const fail = (error: unknown): void => void message.error(failureText(error, '办理未成功，请稍后再试'));
  const handDown = useMutation({
    mutationFn: (body: Body) => answer(api.POST('/api/warning-handovers', { body })),
    onSuccess: done,
    onError: fail,
  });
  const recall = useMutation({
    mutationFn: (psnNos: string[]) => answer(api.POST('/api/warning-recalls', { body: { year, psn_nos: psnNos } })),
    onSuccess: done,
    onError: fail,
  });
  const pendingHere = !counts
    ? 0
    : filter.level === undefined
      ? counts.pending
      : filter.level === 'none'
        ? 0
        : counts.pending_levels[filter.level];
  // Of the ticked rows on this page, those handed down can be taken back (ticked rows on other pages are kept too).
  const handedTicked = selectedRows.filter((row) => row.handed_down).length;

  return (
    <Space wrap>
      <Popconfirm
        title={`将勾选的 ${selected.length} 条预警下放至各自乡镇（街道）？`}
        okText="下放"
        cancelText="取消"
        disabled={selected.length === 0}
        onConfirm={() => handDown.mutate({ basis: 'selected', year, psn_nos: selected })}
      >
        <Button
          type="primary"
          disabled={selected.length === 0}
          loading={handDown.isPending}
          data-testid="hand-down-selected"
        >
          下放所选（{selected.length}）
        </Button>
      </Popconfirm>
      <Button onClick={() => setByTownship(true)} data-testid="hand-down-township">
        按乡镇下放
      </Button>
      <Popconfirm
        title={`将当前筛选条件下未下放的 ${pendingHere} 条预警下放至各自乡镇（街道）？`}
        okText="下放"
        cancelText="取消"
        disabled={pendingHere === 0}
        onConfirm={() => handDown.mutate({ basis: 'filter', year, ...filter })}
      >
        <Button disabled={pendingHere === 0} data-testid="hand-down-filter">
          按当前条件下放（{pendingHere}）
        </Button>
      </Popconfirm>
      <Popconfirm
        title={`将勾选的预警从乡镇（街道）收回？收回后乡镇看不到这些预警。`}
        okText="收回"
        cancelText="取消"
        disabled={selected.length === 0}
        onConfirm={() => recall.mutate(selected)}
      >
        <Button danger disabled={selected.length === 0} loading={recall.isPending} data-testid="recall-selected">
          收回所选（{selectedRows.length === selected.length ? handedTicked : selected.length}）
        </Button>
      </Popconfirm>
      <Modal
        open={byTownship}
        title="按乡镇（街道）下放"
        okText="下放"
        cancelText="取消"
        confirmLoading={handDown.isPending}
        destroyOnHidden
        onCancel={() => setByTownship(false)}
        onOk={() =>
          void form
            .validateFields()
            .then((fields) =>
              handDown.mutateAsync({
                basis: 'township',
                year,
                township: fields.township,
                ...(fields.level ? { level: fields.level } : {}),
                note: fields.note?.trim() ?? '',
              }),
            )
            .then(() => setByTownship(false))
            .catch(() => undefined)
        }
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="township" label="乡镇（街道）" rules={[{ required: true, message: '请选择乡镇（街道）' }]}>
            <Select
              placeholder="请选择"
              data-testid="township-pick"
              options={townships.map((t) => ({
                value: t.township,
                label: `${t.township}（未下放 ${t.pending} 人）`,
                disabled: t.pending === 0,
              }))}
            />
          </Form.Item>
          <Form.Item name="level" label="预警级别" extra="不选则下放该乡镇（街道）全部未下放的预警">
            <Select allowClear placeholder="全部" options={[...LEVELS]} />
          </Form.Item>
          <Form.Item name="note" label="说明">
            <Input.TextArea rows={2} maxLength={500} placeholder="如：请于两周内入户核实" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

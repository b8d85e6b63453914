/**
 * 月度调整: for a month, people certified after they paid get the subsidy they now qualify for (the platform computes
 * it by the categories on the month's first day; a month run twice adds nothing). A bureau clerk runs it; everyone
 * may read what each month adjusted, with its sum, and export it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Popconfirm, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api, ApiFailure } from '../../api/client';
import { useMe } from '../../app/session';
import { yuanText } from '../../lib/money';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section, timeText, Yuan, yuanColumn } from '../../lib/ui';
import { atCounter, ExportButton, json, queryOf, useCalendar, useFilters } from './shared';

export function AdjustTab(): ReactNode {
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const calendar = useCalendar();
  const filters = useFilters();
  const month = filters.get('month') ?? calendar?.month ?? '';
  const region = filters.get('region');
  const [done, setDone] = useState<{ month: string; adjusted: number; total: string } | null>(null);
  const list = useQuery({
    queryKey: ['subsidy-adjustments', month, region, filters.page, filters.size],
    queryFn: () =>
      json(
        answer(
          api.GET('/api/subsidy-adjustments', {
            params: { query: { month, region, page: filters.page, size: filters.size } },
          }),
        ),
      ),
    enabled: month !== '',
  });
  const run = useMutation({
    mutationFn: () => answer(api.POST('/api/subsidy-adjustments', { body: { month } })),
    onSuccess: (result) => {
      setDone(result);
      void queries.invalidateQueries({ queryKey: ['subsidy-adjustments'] });
    },
    onError: (error) => void message.error(error instanceof ApiFailure ? error.message : '调整未成功，请稍后再试'),
  });

  return (
    <Section
      title="月度资助调整"
      extra={
        <Space wrap>
          <DatePicker
            picker="month"
            allowClear={false}
            value={month ? dayjs(`${month}-01`) : null}
            onChange={(value) => value && filters.set({ month: value.format('YYYY-MM') })}
          />
          <RegionPicker value={region} onChange={(next) => filters.set({ region: next })} />
          {atCounter(me) && (
            <Popconfirm
              title={`按 ${month} 月 1 日的人员类别调整资助？`}
              description="年中新认定的人员补足资助，由医疗救助基金支付；同一月份重复执行不会重复补足。"
              okText="执行调整"
              cancelText="取消"
              onConfirm={() => run.mutate()}
            >
              <Button type="primary" loading={run.isPending} data-testid="run-adjustment">
                执行本月调整
              </Button>
            </Popconfirm>
          )}
          <ExportButton
            path={`/api/subsidy-adjustments?${queryOf({ month, region, format: 'xlsx' })}`}
            name={`${month}资助调整.xlsx`}
          />
        </Space>
      }
    >
      {done && (
        <Alert
          type="success"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          title={`${done.month} 调整完成：${done.adjusted} 人补足资助，共 ${yuanText(done.total)} 元`}
        />
      )}
      {list.error && <Failure error={list.error} />}
      <Table
        size="small"
        rowKey={(row) => `${row.psn_no}-${row.year}`}
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: filters.page,
          pageSize: filters.size,
          total: list.data?.total,
          showTotal: (total) => `共 ${total} 人`,
          onChange: (page, size) => filters.set({ page: String(page), size: String(size) }),
        }}
        summary={() =>
          list.data && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={7}>
                <strong>
                  {month} 共调整 {list.data.total} 人
                </strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">
                <Yuan value={list.data.delta} strong />
              </Table.Summary.Cell>
              <Table.Summary.Cell index={8} />
            </Table.Summary.Row>
          )
        }
        columns={[
          {
            title: '姓名',
            dataIndex: 'psn_name',
            render: (name: string, row) => <Link to={`/persons/${encodeURIComponent(row.psn_no)}`}>{name}</Link>,
          },
          { title: '身份证号', dataIndex: 'certno' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          { title: '参保年度', dataIndex: 'year' },
          { title: '资助类别', dataIndex: 'category_name' },
          yuanColumn('调整前资助', 'before'),
          yuanColumn('调整后资助', 'after'),
          yuanColumn('补足金额', 'delta'),
          { title: '调整时间', dataIndex: 'at', render: timeText },
        ]}
      />
    </Section>
  );
}

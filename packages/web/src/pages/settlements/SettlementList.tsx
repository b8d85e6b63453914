/**
 * 结算查询: filters (person, institution, dates, medical type, county) kept in the address, a server-side page with
 * the count and the sums of everything that matches, one column per fund.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Form, Input, Select, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { MED_TYPES } from '../../lib/codes';
import { InstitutionPicker, RegionPicker } from '../../lib/pickers';
import { Failure, Page, Section, timeText, Yuan, yuanColumn } from '../../lib/ui';

interface Filters {
  psn_no?: string;
  fixmedins_code?: string;
  med_type?: string;
  admdvs?: string;
  dates?: [Dayjs, Dayjs] | null;
}

const FILTER_KEYS = ['psn_no', 'fixmedins_code', 'med_type', 'admdvs', 'from', 'to'] as const;

export default function SettlementList(): ReactNode {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(
    FILTER_KEYS.map((key) => [key, params.get(key) || undefined]).filter(([, value]) => value),
  ) as Partial<Record<(typeof FILTER_KEYS)[number], string>>;
  const page = Number(params.get('page') ?? 1);
  const size = Number(params.get('size') ?? 20);
  const list = useQuery({
    queryKey: ['settlements', filter, page, size],
    queryFn: () => answer(api.GET('/api/settlements', { params: { query: { ...filter, page, size } } })),
  });

  const search = (fields: Filters): void => {
    const next: Record<string, string> = {};
    for (const key of ['psn_no', 'fixmedins_code', 'med_type', 'admdvs'] as const) {
      const value = fields[key]?.trim();
      if (value) next[key] = value;
    }
    if (fields.dates) {
      next.from = fields.dates[0].format('YYYY-MM-DD');
      next.to = fields.dates[1].format('YYYY-MM-DD');
    }
    setParams(next);
  };

  return (
    <Page title="结算查询">
      <Section title="查询条件">
        <Form<Filters>
          layout="inline"
          initialValues={{
            ...filter,
            dates: filter.from && filter.to ? [dayjs(filter.from), dayjs(filter.to)] : null,
          }}
          onFinish={search}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="psn_no" label="人员编号">
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="fixmedins_code" label="定点医疗机构">
            <InstitutionPicker />
          </Form.Item>
          <Form.Item name="med_type" label="医疗类别">
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder="全部"
              options={Object.entries(MED_TYPES).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item name="admdvs" label="参保地区划">
            <RegionPicker />
          </Form.Item>
          <Form.Item name="dates" label="结算日期">
            <DatePicker.RangePicker />
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
        rowKey="setl_id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={{
          current: page,
          pageSize: size,
          total: list.data?.total,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 笔`,
          onChange: (next, nextSize) => setParams({ ...filter, page: String(next), size: String(nextSize) }),
        }}
        summary={() =>
          list.data && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={5}>
                <strong>全部 {list.data.total} 笔合计</strong>（结算 {list.data.person_times.settlements} 人次）
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                <Yuan value={list.data.sums.medfee_sumamt} strong />
              </Table.Summary.Cell>
              {(['hifp_pay', 'hifmi_pay', 'maf_pay'] as const).map((fund, index) => (
                <Table.Summary.Cell index={6 + index} key={fund} align="right">
                  <Yuan value={list.data.sums[fund]} strong />
                  <div className="amount">{list.data.person_times[fund]} 人次</div>
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={9} align="right">
                <Yuan value={list.data.sums.psn_part_amt} strong />
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )
        }
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
          {
            title: '姓名',
            dataIndex: 'psn_name',
            render: (name: string, row) => <Link to={`/persons/${encodeURIComponent(row.psn_no)}`}>{name}</Link>,
          },
          { title: '定点医疗机构', dataIndex: 'fixmedins_name' },
          { title: '医疗类别', dataIndex: 'med_type', render: (code: string) => MED_TYPES[code] ?? code },
          {
            title: '类型',
            dataIndex: 'kind',
            render: (kind: string) =>
              kind === 'cancellation' ? (
                <Tag color="red">冲销</Tag>
              ) : kind === 'top_up' ? (
                <Tag color="green">补付</Tag>
              ) : (
                <Tag>结算</Tag>
              ),
          },
          yuanColumn('医疗费总额', 'medfee_sumamt'),
          yuanColumn('基本医保', 'hifp_pay'),
          yuanColumn('大病保险', 'hifmi_pay'),
          yuanColumn('医疗救助', 'maf_pay'),
          yuanColumn('个人负担', 'psn_part_amt'),
        ]}
      />
    </Page>
  );
}

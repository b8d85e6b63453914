/**
 * 参保登记: a bureau clerk picks a person and the coverage year; the platform computes the contribution, the fiscal
 * part and the assistance fund's subsidy by the person's category on the day paid (shown before anything is
 * written), and the clerk confirms. Below, the year's enrollments with their sums, filtered in the address.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api, ApiFailure } from '../../api/client';
import { useMe } from '../../app/session';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section, Yuan, yuanColumn } from '../../lib/ui';
import { PersonPicker } from '../../lib/PersonPicker';
import { atCounter, ExportButton, json, queryOf, useCalendar, useFilters, YearSelect } from './shared';

interface Fields {
  psn_no?: string;
  year?: number;
  paid_on?: Dayjs;
  tier?: string;
}

function Register(): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const calendar = useCalendar();
  const [form] = Form.useForm<Fields>();
  const [asked, setAsked] = useState<{ psn_no: string; year: number; paid_on?: string; tier?: string } | null>(null);
  const quote = useQuery({
    queryKey: ['enrollment-quote', asked],
    queryFn: () => answer(api.GET('/api/enrollments/quote', { params: { query: asked! } })),
    enabled: asked !== null,
  });
  const enroll = useMutation({
    mutationFn: () => answer(api.POST('/api/enrollments', { body: asked! })),
    onSuccess: (done) => {
      void message.success(`已登记 ${done.year} 年度参保，医疗救助资助 ${done.subsidy} 元`);
      void queries.invalidateQueries({ queryKey: ['enrollments'] });
      void queries.invalidateQueries({ queryKey: ['enrollment-quote'] });
    },
    onError: (error) => void message.error(error instanceof ApiFailure ? error.message : '登记未成功，请稍后再试'),
  });
  const compute = (fields: Fields): void => {
    if (!fields.psn_no || !calendar) return;
    setAsked({
      psn_no: fields.psn_no,
      year: fields.year ?? calendar.year,
      ...(fields.paid_on ? { paid_on: fields.paid_on.format('YYYY-MM-DD') } : {}),
      ...(fields.tier ? { tier: fields.tier } : {}),
    });
  };
  const q = quote.data;

  return (
    <Section title="参保登记">
      <Form<Fields> form={form} layout="inline" style={{ rowGap: 12 }} onFinish={compute}>
        <Form.Item name="psn_no" label="参保人" rules={[{ required: true, message: '请选择参保人' }]}>
          <PersonPicker width={320} testId="enroll-person" />
        </Form.Item>
        <Form.Item name="year" label="参保年度">
          <Select
            style={{ width: 120 }}
            placeholder={calendar ? `${calendar.year}年度` : ''}
            options={calendar ? [calendar.year, calendar.year + 1].map((y) => ({ value: y, label: `${y}年度` })) : []}
          />
        </Form.Item>
        <Form.Item name="paid_on" label="缴费日期" tooltip="不选即为平台当日">
          <DatePicker placeholder="默认为今天" />
        </Form.Item>
        {q && q.tiers.length > 0 && (
          <Form.Item name="tier" label="缴费档次">
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder="标准档次"
              options={q.tiers.map((tier) => ({ value: tier, label: `${tier} 元` }))}
            />
          </Form.Item>
        )}
        <Form.Item>
          <Button htmlType="submit" data-testid="quote">
            测算资助
          </Button>
        </Form.Item>
      </Form>
      {quote.error && <Failure error={quote.error} />}
      {q && (
        <div style={{ marginTop: 16 }} data-testid="quote-result">
          <Descriptions size="small" bordered column={4}>
            <Descriptions.Item label="个人缴费标准">
              <Yuan value={q.contribution} />
            </Descriptions.Item>
            <Descriptions.Item label="财政补助">
              <Yuan value={q.fiscal} />
            </Descriptions.Item>
            <Descriptions.Item label="医疗救助资助">
              <Yuan value={q.subsidy} strong />
            </Descriptions.Item>
            <Descriptions.Item label="个人实缴">
              <Yuan value={q.person_pays} strong />
            </Descriptions.Item>
            <Descriptions.Item label="资助类别">{q.subsidy_category_name || '无'}</Descriptions.Item>
            <Descriptions.Item label="待遇期间">
              {q.begin_date} 至 {q.end_date}
            </Descriptions.Item>
            <Descriptions.Item label="资助依据" span={2}>
              {q.subsidy_rule}
            </Descriptions.Item>
          </Descriptions>
          <Space style={{ marginTop: 12 }}>
            {q.enrolled ? (
              <Alert type="info" showIcon title={`该人员已参加 ${q.year} 年度城乡居民医保`} />
            ) : (
              <Button type="primary" loading={enroll.isPending} onClick={() => enroll.mutate()} data-testid="enroll">
                确认登记
              </Button>
            )}
          </Space>
        </div>
      )}
    </Section>
  );
}

function Enrollments(): ReactNode {
  const calendar = useCalendar();
  const filters = useFilters();
  const year = Number(filters.get('year') ?? calendar?.year ?? 0);
  const region = filters.get('region');
  const q = filters.get('q');
  const list = useQuery({
    queryKey: ['enrollments', year, region, q, filters.page, filters.size],
    queryFn: () =>
      json(
        answer(
          api.GET('/api/enrollments', {
            params: { query: { year, region, q, page: filters.page, size: filters.size } },
          }),
        ),
      ),
    enabled: year > 0,
  });
  return (
    <Section
      title="参保登记记录"
      extra={
        <Space wrap>
          <YearSelect value={year} onChange={(next) => filters.set({ year: String(next) })} />
          <RegionPicker value={region} onChange={(next) => filters.set({ region: next })} />
          <Input.Search
            allowClear
            placeholder="人员编号或姓名"
            defaultValue={q}
            style={{ width: 180 }}
            onSearch={(value) => filters.set({ q: value.trim() || undefined })}
          />
          <ExportButton
            path={`/api/enrollments?${queryOf({ year, region, q, format: 'xlsx' })}`}
            name={`${year}年度参保登记.xlsx`}
          />
        </Space>
      }
    >
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
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 人`,
          onChange: (page, size) => filters.set({ page: String(page), size: String(size) }),
        }}
        summary={() =>
          list.data && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={5}>
                <strong>全部 {list.data.total} 人合计</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                <Yuan value={list.data.sums.contribution} strong />
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">
                <Yuan value={list.data.sums.subsidy} strong />
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">
                <Yuan value={list.data.sums.person_pays} strong />
              </Table.Summary.Cell>
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
          { title: '缴费日期', dataIndex: 'paid_on', render: (day: string | null) => day ?? '—' },
          { title: '资助类别', dataIndex: 'subsidy_category_name', render: (name: string) => name || '—' },
          yuanColumn('个人缴费标准', 'contribution'),
          yuanColumn('医疗救助资助', 'subsidy'),
          yuanColumn('个人实缴', 'person_pays'),
        ]}
      />
    </Section>
  );
}

export function EnrollTab(): ReactNode {
  const me = useMe();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {atCounter(me) ? (
        <Register />
      ) : (
        <Alert type="info" showIcon title="参保登记由医保经办机构的经办人员办理；此处可查看参保登记记录。" />
      )}
      <Enrollments />
    </Space>
  );
}

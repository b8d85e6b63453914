/** 参保率: residents and targets insured for the year, by county and township and in total (rates from the platform). */
import { useQuery } from '@tanstack/react-query';
import { DatePicker, Space, Table } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { percent } from '../../lib/money';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section } from '../../lib/ui';
import { ExportButton, json, queryOf, useCalendar, useFilters, YearSelect } from './shared';

export function CoverageTab(): ReactNode {
  const calendar = useCalendar();
  const filters = useFilters();
  const year = Number(filters.get('year') ?? calendar?.year ?? 0);
  const date = filters.get('date');
  const region = filters.get('region');
  const report = useQuery({
    queryKey: ['coverage', year, date, region],
    queryFn: () => json(answer(api.GET('/api/reports/coverage', { params: { query: { year, date, region } } }))),
    enabled: year > 0,
  });
  const data = report.data;
  return (
    <Section
      title="参保率"
      extra={
        <Space wrap>
          <YearSelect value={year} onChange={(next) => filters.set({ year: String(next) })} />
          <DatePicker
            placeholder="类别日期（今天）"
            style={{ width: 170 }}
            value={date ? dayjs(date) : null}
            onChange={(value) => filters.set({ date: value ? value.format('YYYY-MM-DD') : undefined })}
          />
          <RegionPicker value={region} onChange={(next) => filters.set({ region: next })} />
          <ExportButton
            path={`/api/reports/coverage?${queryOf({ year, date, region, format: 'xlsx' })}`}
            name={`${year}年度参保率.xlsx`}
            testId="export-coverage"
          />
        </Space>
      }
    >
      {report.error && <Failure error={report.error} />}
      <Table
        size="small"
        rowKey={(row) => `${row.admdvs}-${row.township}`}
        loading={report.isPending}
        dataSource={data?.rows}
        pagination={false}
        summary={() =>
          data && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <strong>合计</strong>
              </Table.Summary.Cell>
              {[
                data.total.residents,
                data.total.insured,
                percent(data.total.rate),
                data.total.targets,
                data.total.targets_insured,
                percent(data.total.targets_rate),
              ].map((value, index) => (
                <Table.Summary.Cell key={index} index={2 + index} align="right">
                  <strong>{value}</strong>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          )
        }
        columns={[
          { title: '县（区）', dataIndex: 'county' },
          { title: '乡镇（街道）', dataIndex: 'township', render: (t: string) => t || '—' },
          { title: '登记居民', dataIndex: 'residents', align: 'right' },
          { title: '已参保', dataIndex: 'insured', align: 'right' },
          { title: '参保率', dataIndex: 'rate', align: 'right', render: percent },
          { title: '救助对象', dataIndex: 'targets', align: 'right' },
          { title: '已参保对象', dataIndex: 'targets_insured', align: 'right' },
          { title: '对象参保率', dataIndex: 'targets_rate', align: 'right', render: percent },
        ]}
      />
    </Section>
  );
}

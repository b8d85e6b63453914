/**
 * 应保尽保: everyone in a category other than ordinary on the date (stable-exit included) not insured for the year,
 * with a first reason, a page at a time; the workbook has blank columns for the township's visit.
 */
import { useQuery } from '@tanstack/react-query';
import { DatePicker, Space, Table } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section } from '../../lib/ui';
import { ExportButton, queryOf, useCalendar, useFilters, YearSelect } from './shared';

export function UninsuredTab(): ReactNode {
  const calendar = useCalendar();
  const filters = useFilters();
  const year = Number(filters.get('year') ?? calendar?.year ?? 0);
  const date = filters.get('date');
  const region = filters.get('region');
  const list = useQuery({
    queryKey: ['uninsured-targets', year, date, region, filters.page, filters.size],
    queryFn: () =>
      answer(
        api.GET('/api/reports/uninsured-targets/persons', {
          params: { query: { year, date, region, page: filters.page, size: filters.size } },
        }),
      ),
    enabled: year > 0,
  });
  return (
    <Section
      title="应保尽保（未参保的救助对象）"
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
            path={`/api/reports/uninsured-targets?${queryOf({ year, date, region, format: 'xlsx' })}`}
            name={`${year}年度应保未保名单.xlsx`}
            testId="export-uninsured"
          />
        </Space>
      }
    >
      {list.error && <Failure error={list.error} />}
      <Table
        size="small"
        rowKey="psn_no"
        loading={list.isPending}
        dataSource={list.data?.items}
        data-testid="uninsured"
        pagination={{
          current: filters.page,
          pageSize: filters.size,
          total: list.data?.total,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 人未参保`,
          onChange: (page, size) => filters.set({ page: String(page), size: String(size) }),
        }}
        columns={[
          {
            title: '姓名',
            dataIndex: 'psn_name',
            render: (name: string, row) => <Link to={`/persons/${encodeURIComponent(row.psn_no)}`}>{name}</Link>,
          },
          { title: '身份证号', dataIndex: 'certno' },
          { title: '县（区）', dataIndex: 'county' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          { title: '人员类别', dataIndex: 'categories' },
          { title: '认定日期', dataIndex: 'certified' },
          {
            title: '最近参保年度',
            dataIndex: 'last_year',
            render: (last: number | null) => (last ? `${last}年度` : '无'),
          },
          { title: '提示原因', dataIndex: 'reason' },
        ]}
      />
    </Section>
  );
}

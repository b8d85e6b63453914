/**
 * 资助名册: the year's subsidised persons — what the assistance fund pays and what the persons pay (the tax
 * department collects) — summed by county, township and category, and the roster a page at a time; the workbook
 * holds both.
 */
import { useQuery } from '@tanstack/react-query';
import { Select, Space, Table } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { categoryName } from '../../lib/codes';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section, Yuan, yuanColumn } from '../../lib/ui';
import { ExportButton, queryOf, useCalendar, useFilters, YearSelect } from './shared';

type Category = NonNullable<
  NonNullable<paths['/api/reports/subsidy-roster/persons']['get']['parameters']['query']>['category']
>;

/** The categories a subsidy may follow (ordinary and stable-exit residents get none), named from the glossary. */
const CATEGORIES: Category[] = [
  'extreme_poverty',
  'subsistence_allowance',
  'low_income_margin',
  'returned_to_poverty',
  'monitored',
  'illness_impoverished',
  'family_planning_special',
  'priority_entitled',
];

export function RosterTab(): ReactNode {
  const calendar = useCalendar();
  const filters = useFilters();
  const year = Number(filters.get('year') ?? calendar?.year ?? 0);
  const region = filters.get('region');
  const category = filters.get('category') as Category | undefined;
  const roster = useQuery({
    queryKey: ['subsidy-roster', year, region, category, filters.page, filters.size],
    queryFn: () =>
      answer(
        api.GET('/api/reports/subsidy-roster/persons', {
          params: { query: { year, region, category, page: filters.page, size: filters.size } },
        }),
      ),
    enabled: year > 0,
  });
  const data = roster.data;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Section
        title="资助参保汇总"
        extra={
          <Space wrap>
            <YearSelect value={year} onChange={(next) => filters.set({ year: String(next) })} />
            <RegionPicker value={region} onChange={(next) => filters.set({ region: next })} />
            <Select
              allowClear
              placeholder="全部类别"
              style={{ width: 170 }}
              value={category}
              onChange={(next?: string) => filters.set({ category: next })}
              options={CATEGORIES.map((code) => ({ value: code, label: categoryName(code) }))}
            />
            <ExportButton
              path={`/api/reports/subsidy-roster?${queryOf({ year, region, format: 'xlsx' })}`}
              name={`${year}年度资助参保花名册.xlsx`}
              testId="export-roster"
            />
          </Space>
        }
      >
        {roster.error && <Failure error={roster.error} />}
        <Table
          size="small"
          rowKey={(g) => `${g.county}-${g.township}-${g.category ?? ''}`}
          loading={roster.isPending}
          dataSource={data?.groups}
          pagination={false}
          summary={() =>
            data && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  <strong>合计</strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <strong>{data.total}</strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <Yuan value={data.totals.contribution} strong />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  <Yuan value={data.totals.subsidy} strong />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">
                  <Yuan value={data.totals.person_pays} strong />
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )
          }
          columns={[
            { title: '县（区）', dataIndex: 'county' },
            { title: '乡镇（街道）', dataIndex: 'township', render: (t: string) => t || '—' },
            { title: '资助类别', dataIndex: 'category_name' },
            { title: '人数', dataIndex: 'persons', align: 'right' },
            yuanColumn('个人缴费标准合计', 'contribution'),
            yuanColumn('医疗救助资助', 'subsidy'),
            yuanColumn('个人实缴', 'person_pays'),
          ]}
        />
      </Section>
      <Section title="资助参保花名册">
        <Table
          size="small"
          rowKey="psn_no"
          loading={roster.isPending}
          dataSource={data?.items}
          data-testid="roster"
          pagination={{
            current: filters.page,
            pageSize: filters.size,
            total: data?.total,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 人`,
            onChange: (page, size) => filters.set({ page: String(page), size: String(size) }),
          }}
          columns={[
            {
              title: '姓名',
              dataIndex: 'psn_name',
              render: (name: string, row) => <Link to={`/persons/${encodeURIComponent(row.psn_no)}`}>{name}</Link>,
            },
            { title: '人员编号', dataIndex: 'psn_no' },
            { title: '身份证号', dataIndex: 'certno' },
            { title: '县（区）', dataIndex: 'county' },
            { title: '乡镇（街道）', dataIndex: 'township' },
            { title: '资助类别', dataIndex: 'subsidy_category_name' },
            yuanColumn('个人缴费标准', 'contribution'),
            yuanColumn('医疗救助资助', 'subsidy'),
            yuanColumn('个人实缴', 'person_pays'),
          ]}
        />
      </Section>
    </Space>
  );
}

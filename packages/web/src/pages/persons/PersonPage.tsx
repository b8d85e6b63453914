/**
 * A person's page: who they are, their categories on a timeline with the departments that certified them, each
 * year's enrollment and subsidy, the year-to-date per layer, their settlements, warnings and applications.
 */
import { useQuery } from '@tanstack/react-query';
import { Col, Descriptions, Empty, Row, Spin, Table, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { categoryName, MED_TYPES } from '../../lib/codes';
import { Failure, Page, Section, timeText, yuanColumn } from '../../lib/ui';

const LEVEL_COLORS: Record<string, string> = { blue: 'blue', yellow: 'gold', red: 'red' };

export default function PersonPage(): ReactNode {
  const { psnNo = '' } = useParams();
  const person = useQuery({
    queryKey: ['person', psnNo],
    queryFn: () => answer(api.GET('/api/persons/{psnNo}', { params: { path: { psnNo } } })),
  });
  if (person.isPending) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (person.error) return <Failure error={person.error} />;
  const p = person.data;
  const current = p.categories.filter((c) => c.end_date === null);

  return (
    <Page title={`参保人 · ${p.psn_name}`}>
      <Section title="基本信息">
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="姓名">{p.psn_name}</Descriptions.Item>
          <Descriptions.Item label="人员编号">{p.psn_no}</Descriptions.Item>
          <Descriptions.Item label="身份证号">{p.certno}</Descriptions.Item>
          <Descriptions.Item label="性别">{p.gend_name}</Descriptions.Item>
          <Descriptions.Item label="出生日期">{p.brdy}</Descriptions.Item>
          <Descriptions.Item label="参保地">{p.admdvs_name}</Descriptions.Item>
          <Descriptions.Item label="乡镇（街道）">{p.township || '—'}</Descriptions.Item>
          <Descriptions.Item label="当前人员类别">
            {current.length === 0 ? '普通参保居民' : current.map((c) => <Tag key={c.spell_id}>{c.name}</Tag>)}
          </Descriptions.Item>
          <Descriptions.Item label="补充保险">{p.supplementary ? '已参加' : '未参加'}</Descriptions.Item>
        </Descriptions>
      </Section>
      <Row gutter={16}>
        <Col span={10}>
          <Section title="人员类别（认定时间线）">
            {p.categories.length === 0 ? (
              <Empty description="无特殊人员类别" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                style={{ marginTop: 8 }}
                items={p.categories.map((c) => ({
                  key: c.spell_id,
                  color: c.end_date === null ? 'green' : 'gray',
                  content: (
                    <>
                      <strong style={{ marginRight: 12 }}>{c.name}</strong>
                      {c.source_dept_name}
                      <br />
                      <Typography.Text type="secondary">
                        {c.begin_date} 起{c.end_date ? `，${c.end_date} 止` : '，至今有效'}
                      </Typography.Text>
                    </>
                  ),
                }))}
              />
            )}
          </Section>
        </Col>
        <Col span={14}>
          <Section title="参保缴费与资助">
            <Table
              size="small"
              pagination={false}
              rowKey={(row) => `${row.year}-${row.insutype}`}
              dataSource={p.enrollments}
              columns={[
                { title: '年度', dataIndex: 'year' },
                { title: '参保期间', key: 'span', render: (_, row) => `${row.begin_date} 至 ${row.end_date ?? '—'}` },
                yuanColumn('个人缴费', 'contribution'),
                yuanColumn('资助金额', 'subsidy'),
                { title: '资助类别', dataIndex: 'subsidy_category', render: categoryName },
              ]}
            />
          </Section>
        </Col>
      </Row>
      <Section title="年度累计">
        <Table
          size="small"
          pagination={false}
          rowKey="year"
          dataSource={p.years}
          columns={[
            { title: '年度', dataIndex: 'year' },
            { title: '结算次数', dataIndex: 'settlements', align: 'right' },
            { title: '住院次数', dataIndex: 'admissions', align: 'right' },
            yuanColumn('医疗费用', 'medfee'),
            yuanColumn('基本医保', 'hifp_pay'),
            yuanColumn('大病保险', 'hifmi_pay'),
            yuanColumn('医疗救助', 'maf_pay'),
            yuanColumn('个人负担', 'personal_burden'),
            yuanColumn('其中政策范围内', 'in_scope_burden'),
          ]}
        />
      </Section>
      <Section title="结算记录">
        <Table
          size="small"
          rowKey="setl_id"
          dataSource={p.settlements}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            {
              title: '结算时间',
              dataIndex: 'setl_time',
              render: (time: string, row) => (
                <Link to={`/settlements/${encodeURIComponent(p.psn_no)}/${encodeURIComponent(row.setl_id)}`}>
                  {timeText(time)}
                </Link>
              ),
            },
            { title: '定点医疗机构', dataIndex: 'fixmedins_name' },
            { title: '医疗类别', dataIndex: 'med_type', render: (code: string) => MED_TYPES[code] ?? code },
            {
              title: '类型',
              dataIndex: 'kind',
              render: (kind: string, row) =>
                kind === 'cancellation' ? (
                  <Tag color="red">冲销</Tag>
                ) : kind === 'top_up' ? (
                  <Tag color="green">补付</Tag>
                ) : row.reversed_by ? (
                  <Tag>已冲销</Tag>
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
      </Section>
      <Row gutter={16}>
        <Col span={12}>
          <Section title="预警">
            <Table
              size="small"
              pagination={false}
              rowKey={(row) => `${row.year}-${row.raised_at}`}
              dataSource={p.warnings}
              locale={{ emptyText: '无预警' }}
              columns={[
                { title: '年度', dataIndex: 'year' },
                {
                  title: '级别',
                  dataIndex: 'level',
                  render: (level: string, row) => <Tag color={LEVEL_COLORS[level]}>{row.level_name}</Tag>,
                },
                { title: '状态', dataIndex: 'status_name' },
                yuanColumn('个人负担', 'amount'),
                { title: '责任部门', dataIndex: 'department_name' },
              ]}
            />
          </Section>
        </Col>
        <Col span={12}>
          <Section title="依申请救助">
            <Table
              size="small"
              pagination={false}
              rowKey="application_id"
              dataSource={p.applications}
              locale={{ emptyText: '无申请' }}
              columns={[
                { title: '年度', dataIndex: 'year' },
                { title: '登记时间', dataIndex: 'applied_at', render: timeText },
                { title: '状态', dataIndex: 'status_name' },
                { title: '审核时间', dataIndex: 'decided_at', render: timeText },
                yuanColumn('补付合计', 'top_up'),
              ]}
            />
          </Section>
        </Col>
      </Row>
    </Page>
  );
}

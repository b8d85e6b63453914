/**
 * 工作台: today's and this month's settlements with each fund's payments and person-times, what is waiting (pending
 * applications, open warnings by colour, settlements a ledger import asks to settle again), the last twelve months
 * per layer and this year per county, for the user's own scope.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Spin, Statistic, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMe } from '../../app/session';
import { yuanText } from '../../lib/money';
import type { ChartOption } from '../../lib/Chart';
import { Failure, Page } from '../../lib/ui';

const Chart = lazy(() => import('../../lib/Chart'));

type Board = paths['/api/dashboard']['get']['responses']['200']['content']['application/json'];
type Period = Omit<Board['today'], 'date'>;

const LAYERS = [
  { key: 'hifp', name: '基本医保', color: '#1668dc' },
  { key: 'hifmi', name: '大病保险', color: '#13a8a8' },
  { key: 'maf', name: '医疗救助', color: '#d48806' },
] as const;

/** A chart axis in 万元: the figures are yuan text; a chart only draws them. */
const tenThousands = (value: string): number => Number(value) / 10_000;

function PeriodCard({ title, period, testId }: { title: string; period: Period; testId: string }): ReactNode {
  return (
    <Card title={title} size="small" data-testid={testId}>
      <Row gutter={[16, 16]}>
        <Col span={6}>
          <Statistic title="结算人次" value={period.settlements} suffix="人次" />
        </Col>
        <Col span={9}>
          <Statistic title="医疗费总额（元）" value={yuanText(period.medfee_sumamt)} />
        </Col>
        <Col span={9}>
          <Statistic title="个人负担（元）" value={yuanText(period.psn_part_amt)} />
        </Col>
        {LAYERS.map((layer) => (
          <Col span={8} key={layer.key}>
            <Statistic
              title={`${layer.name}支付（元）`}
              value={yuanText(period[`${layer.key}_pay`])}
              styles={{ content: { color: layer.color, fontSize: 20 } }}
            />
            <Typography.Text type="secondary">{period[`${layer.key}_person_times`]} 人次</Typography.Text>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function Todo({ board }: { board: Board }): ReactNode {
  const me = useMe();
  const mayDecide = me.role === 'reviewer';
  return (
    <Card title="待办事项" size="small" data-testid="todo">
      <Row gutter={16}>
        <Col span={8}>
          <Statistic
            title={mayDecide ? '待审核的救助申请' : '审核中的救助申请'}
            value={board.pending_applications}
            suffix="件"
          />
        </Col>
        <Col span={10}>
          <Typography.Text type="secondary">未办结的预警（{board.year} 年）</Typography.Text>
          <div style={{ marginTop: 8, fontSize: 16 }}>
            <Tag color="red">红码 {board.open_warnings.red}</Tag>
            <Tag color="gold">黄码 {board.open_warnings.yellow}</Tag>
            <Tag color="blue">蓝码 {board.open_warnings.blue}</Tag>
          </div>
        </Col>
        <Col span={6}>
          <Statistic title="台账变更待重新结算" value={board.ledger_imports.resettlements} suffix="笔" />
          <Typography.Text type="secondary">涉及 {board.ledger_imports.awaiting_resettlement} 次导入</Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}

function charts(board: Board): { monthly: ChartOption; counties: ChartOption } {
  const layerSeries = (rows: Board['monthly'] | Board['by_county']): object[] =>
    LAYERS.map((layer) => ({
      name: layer.name,
      type: 'bar',
      stack: 'funds',
      itemStyle: { color: layer.color },
      data: rows.map((row) => tenThousands(row[`${layer.key}_pay`])),
    }));
  const axisInTenThousands = { type: 'value', name: '万元', axisLabel: { formatter: (v: number) => v.toFixed(0) } };
  const tooltip = { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2)} 万元` };
  return {
    monthly: {
      tooltip,
      legend: { top: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: board.monthly.map((row) => `${Number(row.month.slice(5))}月`) },
      yAxis: [axisInTenThousands, { type: 'value', name: '人次', splitLine: { show: false } }],
      series: [
        ...layerSeries(board.monthly),
        {
          name: '结算人次',
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: '#722ed1' },
          data: board.monthly.map((row) => row.person_times),
          tooltip: { valueFormatter: (v: number) => `${v} 人次` },
        },
      ],
    },
    counties: {
      tooltip,
      legend: { top: 0 },
      grid: { left: 90, right: 30, top: 40, bottom: 30 },
      yAxis: { type: 'category', data: board.by_county.map((row) => row.name) },
      xAxis: axisInTenThousands,
      series: layerSeries(board.by_county),
    },
  };
}

export default function Dashboard(): ReactNode {
  const board = useQuery({ queryKey: ['dashboard'], queryFn: () => answer(api.GET('/api/dashboard')) });
  const options = useMemo(() => (board.data ? charts(board.data) : null), [board.data]);
  if (board.isPending) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (board.error) return <Failure error={board.error} />;
  const data = board.data;
  return (
    <Page title="工作台" extra={<Link to="/settlements">结算查询</Link>}>
      <Row gutter={16} data-testid="dashboard-ready">
        <Col span={12}>
          <PeriodCard title={`今日（${data.today.date}）`} period={data.today} testId="today" />
        </Col>
        <Col span={12}>
          <PeriodCard title={`本月（${data.month.from} 至 ${data.month.to}）`} period={data.month} testId="month" />
        </Col>
      </Row>
      <Todo board={data} />
      <Row gutter={16}>
        <Col span={14}>
          <Card title="近 12 个月基金支付（万元）与结算人次" size="small">
            <Suspense fallback={<Spin />}>{options && <Chart option={options.monthly} />}</Suspense>
          </Card>
        </Col>
        <Col span={10}>
          <Card title={`${data.year} 年按县区基金支付（万元）`} size="small">
            <Suspense fallback={<Spin />}>
              {options && <Chart option={options.counties} height={Math.max(300, 60 + data.by_county.length * 36)} />}
            </Suspense>
          </Card>
        </Col>
      </Row>
    </Page>
  );
}

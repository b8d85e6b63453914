/**
 * One person-year's warning in a drawer: who and how much, its follow-up as steps with the next step's form, the
 * two remarks, the level's changes (with the amount that caused each), the hand-downs and recalls, and the feedback
 * batches it went out in.
 */
import { useQuery } from '@tanstack/react-query';
import { Col, Descriptions, Drawer, Empty, Row, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, Section, timeText, Yuan, yuanColumn } from '../../lib/ui';
import { FollowUpSteps, NextStepForm } from './FollowUp';
import { Remarks } from './Remarks';
import { HandoverTag, LevelTag, mayAct, type WarningDetail } from './shared';

const CAUSES: Record<string, string> = { screening: '筛查', settlement: '结算', cancellation: '冲销' };
const LEVEL_NAMES: Record<string, string> = { none: '无', blue: '蓝码', yellow: '黄码', red: '红码' };

function Details({ detail }: { detail: WarningDetail }): ReactNode {
  return (
    <Descriptions size="small" column={2} bordered>
      <Descriptions.Item label="姓名">
        <Link to={`/persons/${encodeURIComponent(detail.psn_no)}`}>{detail.psn_name}</Link>
      </Descriptions.Item>
      <Descriptions.Item label="人员编号">{detail.psn_no}</Descriptions.Item>
      <Descriptions.Item label="身份证号">{detail.certno}</Descriptions.Item>
      <Descriptions.Item label="所在地">
        {detail.county} {detail.township}
      </Descriptions.Item>
      <Descriptions.Item label="人群">{detail.population}</Descriptions.Item>
      <Descriptions.Item label="预警级别">
        <LevelTag level={detail.level} name={detail.level_name} />
      </Descriptions.Item>
      <Descriptions.Item label="年度自付医药费用">
        <Yuan value={detail.amount} strong /> 元
      </Descriptions.Item>
      <Descriptions.Item label="跟进状态">
        <Tag>{detail.status_name}</Tag>
      </Descriptions.Item>
      <Descriptions.Item label="反馈部门">{detail.department_name}</Descriptions.Item>
      <Descriptions.Item label="反馈时限">{detail.feedback_due}</Descriptions.Item>
      <Descriptions.Item label="首次预警">{timeText(detail.raised_at)}</Descriptions.Item>
      <Descriptions.Item label="下放">
        <Space>
          <HandoverTag warning={detail} />
          {detail.handed_down_at && timeText(detail.handed_down_at)}
        </Space>
      </Descriptions.Item>
    </Descriptions>
  );
}

export function WarningDrawer({
  psnNo,
  year,
  onClose,
}: {
  psnNo: string;
  year: number;
  onClose: () => void;
}): ReactNode {
  const me = useMe();
  const detail = useQuery({
    queryKey: ['warnings', 'detail', psnNo, year],
    queryFn: () => answer(api.GET('/api/warnings/{psn_no}/{year}', { params: { path: { psn_no: psnNo, year } } })),
  });
  const data = detail.data;
  return (
    <Drawer
      open
      size={880}
      onClose={onClose}
      title={data ? `${data.psn_name} · ${data.year}年度预警` : '预警详情'}
      data-testid="warning-drawer"
    >
      {detail.isPending && <Spin style={{ display: 'block', marginTop: 80 }} />}
      {detail.error && <Failure error={detail.error} />}
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Details detail={data} />
          <Section title="跟进流程">
            <Row gutter={24}>
              <Col span={mayAct(me) && data.next_statuses.length > 0 ? 12 : 24}>
                <FollowUpSteps detail={data} />
              </Col>
              {mayAct(me) && data.next_statuses.length > 0 && (
                <Col span={12}>
                  <NextStepForm key={data.actions.length} detail={data} />
                </Col>
              )}
            </Row>
          </Section>
          <Section title="备注">
            <Remarks detail={data} />
          </Section>
          <Section title="级别变化">
            <Table
              size="small"
              pagination={false}
              rowKey={(row) => `${row.at}-${row.to_level}`}
              dataSource={data.history}
              columns={[
                { title: '时间', dataIndex: 'at', render: timeText },
                { title: '原级别', dataIndex: 'from_level', render: (level: string) => LEVEL_NAMES[level] },
                {
                  title: '新级别',
                  dataIndex: 'to_level',
                  render: (level: string) => <LevelTag level={level} name={LEVEL_NAMES[level] ?? ''} />,
                },
                yuanColumn('年度自付医药费用', 'amount'),
                { title: '原因', dataIndex: 'cause', render: (cause: string) => CAUSES[cause] ?? cause },
              ]}
            />
          </Section>
          <Section title="下放与收回">
            {data.handovers.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未下放" />
            ) : (
              <Timeline
                items={data.handovers.map((handover) => ({
                  key: handover.handover_id,
                  color: handover.kind === 'down' ? 'green' : 'orange',
                  content: (
                    <>
                      <strong>
                        {handover.kind_name}（{handover.basis_name}，批次 {handover.handover_id}）
                      </strong>
                      <div>
                        {handover.actor_name} · {timeText(handover.at)}
                      </div>
                      {handover.note && <Typography.Text type="secondary">{handover.note}</Typography.Text>}
                    </>
                  ),
                }))}
              />
            )}
          </Section>
          <Section title="反馈批次">
            {data.feedback.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未随反馈批次发出" />
            ) : (
              <Table
                size="small"
                pagination={false}
                rowKey="batch_id"
                dataSource={data.feedback}
                columns={[
                  { title: '批次', dataIndex: 'batch_id' },
                  { title: '级别', dataIndex: 'level', render: (level: string) => LEVEL_NAMES[level] },
                  { title: '反馈日期', dataIndex: 'due_date' },
                  { title: '本期新增', dataIndex: 'is_new', render: (isNew: boolean) => (isNew ? '是' : '否') },
                  { title: '生成时间', dataIndex: 'at', render: timeText },
                ]}
              />
            )}
          </Section>
        </Space>
      )}
    </Drawer>
  );
}

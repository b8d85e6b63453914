/**
 * One application in a drawer: the applicant, the year's burden against the line, who registered it and who decided
 * it with the reason; the decision form for the bureau's reviewers (approve or refuse, a reason either way; not the
 * clerk's own registration); and, once approved, the category given and each top-up with how it was worked out.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Radio, Space, Spin, Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { useMe } from '../../app/session';
import { yuanText } from '../../lib/money';
import { Failure, Section, timeText, Yuan, yuanColumn } from '../../lib/ui';
import { Trace } from '../settlements/Trace';
import { failureText, mayDecide, STATUS_COLORS, type ApplicationDetail } from './shared';

function Details({ application }: { application: ApplicationDetail }): ReactNode {
  return (
    <Descriptions size="small" column={2} bordered>
      <Descriptions.Item label="申请编号">{application.application_id}</Descriptions.Item>
      <Descriptions.Item label="状态">
        <Tag color={STATUS_COLORS[application.status]}>{application.status_name}</Tag>
      </Descriptions.Item>
      <Descriptions.Item label="姓名">{application.psn_name}</Descriptions.Item>
      <Descriptions.Item label="身份证号">{application.certno}</Descriptions.Item>
      <Descriptions.Item label="乡镇（街道）">{application.township || '—'}</Descriptions.Item>
      <Descriptions.Item label="年度">{application.year}</Descriptions.Item>
      <Descriptions.Item label="年度个人自付">
        <Yuan value={application.burden} strong /> 元
      </Descriptions.Item>
      <Descriptions.Item label="认定标准">
        <Yuan value={application.qualifying} /> 元
      </Descriptions.Item>
      <Descriptions.Item label="申请事由" span={2}>
        {application.note || '—'}
      </Descriptions.Item>
      <Descriptions.Item label="登记">
        {application.applied_by_name} · {timeText(application.applied_at)}
      </Descriptions.Item>
      <Descriptions.Item label="审核">
        {application.decided_by_name ? `${application.decided_by_name} · ${timeText(application.decided_at)}` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label="审核理由" span={2}>
        {application.reason || '—'}
      </Descriptions.Item>
      {application.category && (
        <Descriptions.Item label="认定类别" span={2}>
          {application.category.name}（{application.category.begin} 至 {application.category.end ?? '—'}）
        </Descriptions.Item>
      )}
      {application.top_up !== null && (
        <Descriptions.Item label="补付合计" span={2}>
          <Yuan value={application.top_up} strong /> 元
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

function DecisionForm({ application }: { application: ApplicationDetail }): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [form] = Form.useForm<{ decision: 'approve' | 'refuse'; reason: string }>();
  const decide = useMutation({
    mutationFn: (body: { decision: 'approve' | 'refuse'; reason: string }) =>
      answer(
        api.POST('/api/assistance-applications/{id}/decision', {
          params: { path: { id: application.application_id } },
          body,
        }),
      ),
    onSuccess: (decided) => {
      void message.success(
        decided.top_up !== undefined ? `已批准，补付 ${yuanText(decided.top_up)} 元` : `已${decided.status_name}`,
      );
      void queries.invalidateQueries({ queryKey: ['applications'] });
    },
    onError: (error) => void message.error(failureText(error, '审核未成功，请稍后再试')),
  });
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(fields) => decide.mutate({ decision: fields.decision, reason: fields.reason.trim() })}
      data-testid="decision-form"
    >
      <Form.Item name="decision" label="审核结果" rules={[{ required: true, message: '请选择审核结果' }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'approve', label: '批准' },
            { value: 'refuse', label: '不予批准' },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label="审核理由"
        rules={[{ required: true, whitespace: true, message: '请填写审核理由' }]}
      >
        <Input.TextArea rows={3} maxLength={2000} placeholder="如：经入户核实，符合因病致贫重病患者认定条件" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={decide.isPending} data-testid="decide">
        提交审核
      </Button>
    </Form>
  );
}

function TopUps({ application }: { application: ApplicationDetail }): ReactNode {
  const first = application.top_ups[0]?.setl_id;
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="setl_id"
      rowClassName={() => 'top-up-row'}
      dataSource={application.top_ups}
      expandable={{
        expandedRowRender: (row) => <Trace steps={row.trace} />,
        defaultExpandedRowKeys: first ? [first] : [],
      }}
      columns={[
        { title: '补付结算', dataIndex: 'setl_id' },
        { title: '补付的原结算', dataIndex: 'tops_up' },
        { title: '就诊', dataIndex: 'mdtrt_id' },
        yuanColumn('医疗救助', 'maf_pay'),
        yuanColumn('基金支付', 'fund_pay_sumamt'),
        yuanColumn('个人负担', 'psn_part_amt'),
      ]}
    />
  );
}

export function ApplicationDrawer({ id, onClose }: { id: number; onClose: () => void }): ReactNode {
  const me = useMe();
  const detail = useQuery({
    queryKey: ['applications', 'detail', id],
    queryFn: () => answer(api.GET('/api/assistance-applications/{id}', { params: { path: { id } } })),
  });
  const application = detail.data;
  const own = application?.applied_by === `user:${me.username}`;
  return (
    <Drawer
      open
      size={960}
      onClose={onClose}
      title={application ? `依申请救助 · ${application.psn_name}（${application.year}年度）` : '依申请救助'}
      data-testid="application-drawer"
    >
      {detail.isPending && <Spin style={{ display: 'block', marginTop: 80 }} />}
      {detail.error && <Failure error={detail.error} />}
      {application && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Details application={application} />
          {application.status === 'pending' && mayDecide(me) && (
            <Section title="审核">
              {own ? (
                <Alert type="warning" showIcon title="本人登记的申请须由其他审核人员审核" />
              ) : (
                <DecisionForm application={application} />
              )}
            </Section>
          )}
          {application.status === 'approved' && (
            <Section title={`补付结算（${application.top_ups.length} 笔，合计 ${yuanText(application.top_up)} 元）`}>
              <TopUps application={application} />
            </Section>
          )}
        </Space>
      )}
    </Drawer>
  );
}

/**
 * The region's worked cases, run when asked: each case passed or not, and for what failed the figure the case
 * expected beside the one the policy gives (in yuan), with the claim it belongs to.
 */
import { Alert, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Section } from '../../lib/ui';
import type { CaseResult, CasesAnswer } from './types';

type Failure = CaseResult['failures'][number];

function Failures({ result }: { result: CaseResult }): ReactNode {
  return (
    <>
      {result.problems.map((problem, index) => (
        <Alert key={index} type="error" showIcon title={`无法结算：${problem}`} style={{ marginBottom: 8 }} />
      ))}
      {result.failures.length > 0 && (
        <Table<Failure>
          size="small"
          pagination={false}
          rowKey={(failure) => `${failure.claim ?? 0}-${failure.item}`}
          dataSource={result.failures}
          columns={[
            {
              title: '就诊',
              dataIndex: 'claim',
              width: 100,
              render: (claim: number | null) => (claim === null ? '—' : `第 ${claim} 笔`),
            },
            { title: '核对项目', dataIndex: 'item' },
            { title: '算例写明', dataIndex: 'expected', align: 'right' },
            {
              title: '按政策计算',
              dataIndex: 'actual',
              align: 'right',
              render: (actual: string) => <Typography.Text type="danger">{actual}</Typography.Text>,
            },
          ]}
        />
      )}
    </>
  );
}

export function CasesPanel({ cases }: { cases: CasesAnswer }): ReactNode {
  const failed = cases.cases.filter((result) => !result.passed).map((result) => result.name);
  return (
    <Section title={`算例（${cases.policy_name}）`}>
      <div data-testid="cases">
        <Alert
          type={cases.total === 0 ? 'info' : cases.failed === 0 ? 'success' : 'error'}
          showIcon
          title={cases.message}
          data-testid="cases-message"
          style={{ marginBottom: cases.total > 0 ? 12 : 0 }}
        />
        {cases.total > 0 && (
          <Table<CaseResult>
            size="small"
            pagination={false}
            rowKey="name"
            dataSource={cases.cases}
            expandable={
              failed.length > 0
                ? {
                    rowExpandable: (result) => !result.passed,
                    defaultExpandedRowKeys: failed,
                    expandedRowRender: (result) => <Failures result={result} />,
                  }
                : undefined
            }
            columns={[
              { title: '算例', dataIndex: 'name' },
              { title: '类型', dataIndex: 'kind_name', width: 130 },
              { title: '核对项目', dataIndex: 'checks', width: 100, align: 'right', render: (n: number) => `${n} 项` },
              {
                title: '结果',
                dataIndex: 'passed',
                width: 100,
                render: (passed: boolean) => (passed ? <Tag color="green">通过</Tag> : <Tag color="red">未通过</Tag>),
              },
            ]}
          />
        )}
      </div>
    </Section>
  );
}

/**
 * 「每一元的来历」: the settlement's trace as a reader follows it — each step (the bill's classification, the person's
 * category, each layer in the order it pays, the total) with its explanation in words — the figures it worked with
 * among them — what it paid, and every parameter it used in yuan or percent with the document it comes from and how
 * sure that source is.
 */
import { Card, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { CONFIDENCE_NAMES, STEP_NAMES } from '../../lib/codes';
import { percent, yuanText } from '../../lib/money';
import { Yuan } from '../../lib/ui';
import type { TraceStep } from './types';

type Param = TraceStep['params'][number];

/** A parameter in the reader's units: yuan, percent, a count, or the bands as the policy writes them. */
function paramValue(param: Param): string {
  if (param.unit === 'fen') return `${yuanText(param.value)} 元`;
  if (param.unit === 'bp') return percent(param.value);
  if (param.unit === 'count') return `${param.value} 次`;
  return param.value;
}

const CONFIDENCE_COLORS: Record<string, string> = { seed: 'blue', public: 'green', assumed: 'orange' };

function Source({ source }: { source: Param['source'] }): ReactNode {
  if (!source) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={4} wrap>
      <span>{source.cite}</span>
      <Tag color={CONFIDENCE_COLORS[source.confidence]}>{CONFIDENCE_NAMES[source.confidence] ?? source.confidence}</Tag>
      <Typography.Text type="secondary">自 {source.from} 起</Typography.Text>
    </Space>
  );
}

export function Trace({ steps }: { steps: TraceStep[] }): ReactNode {
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="trace">
      {steps.map((step, index) => (
        <Card
          key={`${step.layer}-${index}`}
          size="small"
          title={`${index + 1}. ${STEP_NAMES[step.layer] ?? step.layer}`}
          extra={
            step.paid !== '0.00' || step.layer in STEP_NAMES ? (
              <span>
                本步支付 <Yuan value={step.paid} strong /> 元
              </span>
            ) : null
          }
        >
          {step.text.map((line, lineIndex) => (
            <Typography.Paragraph key={lineIndex} style={{ marginBottom: 4 }}>
              {line}
            </Typography.Paragraph>
          ))}
          {step.params.length > 0 && (
            <Table
              size="small"
              style={{ marginTop: 8 }}
              pagination={false}
              rowKey={(param) => `${param.name}-${param.path ?? ''}`}
              dataSource={step.params}
              columns={[
                { title: '参数', dataIndex: 'name', width: '26%' },
                { title: '取值', key: 'value', width: '22%', render: (_, param) => paramValue(param) },
                { title: '依据', key: 'source', render: (_, param) => <Source source={param.source} /> },
              ]}
            />
          )}
        </Card>
      ))}
    </Space>
  );
}

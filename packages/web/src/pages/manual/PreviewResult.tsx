/** What a pre-settlement answers: each fund's payment, what the person pays, and the explanation of every yuan. */
import { Alert, Descriptions } from 'antd';
import type { ReactNode } from 'react';
import type { paths } from '../../api/schema';
import { Section, Yuan } from '../../lib/ui';
import { Trace } from '../settlements/Trace';

export type Preview =
  paths['/api/manual-settlements/preview']['post']['responses']['200']['content']['application/json'];

export function PreviewResult({ preview }: { preview: Preview }): ReactNode {
  return (
    <Section title="预结算结果">
      <Descriptions size="small" column={4} bordered data-testid="preview">
        <Descriptions.Item label="医疗费总额">
          <Yuan value={preview.medfee_sumamt} />
        </Descriptions.Item>
        <Descriptions.Item label="政策范围内">
          <Yuan value={preview.inscp_scp_amt} />
        </Descriptions.Item>
        <Descriptions.Item label="起付线">
          <Yuan value={preview.act_pay_dedc} />
        </Descriptions.Item>
        <Descriptions.Item label="全自费">
          <Yuan value={preview.fulamt_ownpay_amt} />
        </Descriptions.Item>
        <Descriptions.Item label="基本医保">
          <Yuan value={preview.hifp_pay} strong />
        </Descriptions.Item>
        <Descriptions.Item label="大病保险">
          <Yuan value={preview.hifmi_pay} strong />
        </Descriptions.Item>
        <Descriptions.Item label="医疗救助">
          <Yuan value={preview.maf_pay} strong />
        </Descriptions.Item>
        <Descriptions.Item label="其他支付">
          <Yuan value={preview.oth_pay} />
        </Descriptions.Item>
        <Descriptions.Item label="基金支付合计">
          <Yuan value={preview.fund_pay_sumamt} strong />
        </Descriptions.Item>
        <Descriptions.Item label="个人负担" span={3}>
          <Yuan value={preview.psn_part_amt} strong />
        </Descriptions.Item>
      </Descriptions>
      {preview.hints.length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="info"
          showIcon
          title="提示"
          description={preview.hints.map((hint) => (
            <div key={hint}>{hint}</div>
          ))}
          data-testid="hints"
        />
      )}
      <div style={{ marginTop: 12 }}>
        <Trace steps={preview.trace} />
      </div>
    </Section>
  );
}

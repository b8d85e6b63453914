/**
 * 预警台账 (防止因病返贫致贫「蓝黄红」预警): the ledger with its filters, counts per level, hand-down and recall for the
 * bureau's operators and each warning's follow-up in a drawer; the hand-down batches; the feedback batches. The tab,
 * filters and the open warning are kept in the address. Township users see only what is handed down to them.
 */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Page } from '../../lib/ui';
import { FeedbackBatches, HandoverBatches } from './Batches';
import { LedgerTab } from './LedgerTab';

export default function WarningLedger(): ReactNode {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'ledger';
  return (
    <Page title="预警台账">
      <Tabs
        activeKey={tab}
        onChange={(next) => setParams(next === 'ledger' ? {} : { tab: next })}
        destroyOnHidden
        items={[
          { key: 'ledger', label: '预警台账', children: <LedgerTab /> },
          { key: 'handovers', label: '下放记录', children: <HandoverBatches /> },
          { key: 'feedback', label: '反馈批次', children: <FeedbackBatches /> },
        ]}
      />
    </Page>
  );
}

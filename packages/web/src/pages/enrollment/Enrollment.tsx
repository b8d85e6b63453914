/**
 * 资助参保: enrollment with the classified subsidy computed by the platform, the monthly adjustment, the subsidy
 * roster, the 应保尽保 list and coverage rates — each with its filters in the address and its XLSX export. The bureau's
 * clerks register and adjust; departments and readers read.
 */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Page } from '../../lib/ui';
import { AdjustTab } from './AdjustTab';
import { CoverageTab } from './CoverageTab';
import { EnrollTab } from './EnrollTab';
import { RosterTab } from './RosterTab';
import { UninsuredTab } from './UninsuredTab';

const TABS = [
  { key: 'enroll', label: '参保登记', children: <EnrollTab /> },
  { key: 'adjust', label: '月度调整', children: <AdjustTab /> },
  { key: 'roster', label: '资助名册', children: <RosterTab /> },
  { key: 'uninsured', label: '应保尽保', children: <UninsuredTab /> },
  { key: 'coverage', label: '参保率', children: <CoverageTab /> },
];

export default function Enrollment(): ReactNode {
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((t) => t.key === params.get('tab')) ? params.get('tab')! : 'enroll';
  return (
    <Page title="资助参保">
      <Tabs activeKey={tab} onChange={(key) => setParams({ tab: key })} destroyOnHidden items={TABS} />
    </Page>
  );
}

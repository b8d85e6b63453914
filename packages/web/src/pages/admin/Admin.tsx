/**
 * 系统管理 (administrators of the bureau): regions and the policy each uses, designated institutions with their HIS
 * secrets (issued and rotated, shown once), users, and the audit log. The tab is kept in the address (?tab=).
 */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Page } from '../../lib/ui';
import { AuditTab } from './AuditTab';
import { InstitutionsTab } from './InstitutionsTab';
import { RegionsTab } from './RegionsTab';
import { UsersTab } from './UsersTab';

const TABS = ['regions', 'institutions', 'users', 'audit'] as const;

export default function Admin(): ReactNode {
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = TABS.find((key) => key === asked) ?? 'regions';
  return (
    <Page title="系统管理">
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key })}
        destroyOnHidden
        items={[
          { key: 'regions', label: '区划', children: <RegionsTab /> },
          { key: 'institutions', label: '定点医疗机构', children: <InstitutionsTab /> },
          { key: 'users', label: '用户', children: <UsersTab /> },
          { key: 'audit', label: '审计日志', children: <AuditTab /> },
        ]}
      />
    </Page>
  );
}

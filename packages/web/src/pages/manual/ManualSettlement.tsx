/**
 * 零星报销: a clerk at the counter settles a bill paid in full (办理); the bureau's staff see the records, a reviewer
 * reverses one.
 */
import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { counter } from '../../app/access';
import { useMe } from '../../app/session';
import { Page } from '../../lib/ui';
import { ManualForm } from './ManualForm';
import { ManualList } from './ManualList';

export default function ManualSettlement(): ReactNode {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const maySettle = counter(me);
  const tab = maySettle ? (params.get('tab') ?? 'new') : 'list';
  return (
    <Page title="零星报销">
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key })}
        items={[
          ...(maySettle ? [{ key: 'new', label: '办理', children: <ManualForm /> }] : []),
          { key: 'list', label: '报销记录', children: <ManualList /> },
        ]}
      />
    </Page>
  );
}

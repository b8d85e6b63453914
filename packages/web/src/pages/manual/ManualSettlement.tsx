import type { ReactNode } from 'react';
import { Page } from '../../lib/ui';

export default function ManualSettlement(): ReactNode {
  return <Page title="正在建设">此功能即将开放。</Page>;
}

import type { paths } from '../../api/schema';

export type SettlementDetail =
  paths['/api/settlements/{psnNo}/{setlId}']['get']['responses']['200']['content']['application/json'];
export type TraceStep = SettlementDetail['trace'][number];

import type { paths } from '../../api/schema';

export type SettlementDetail =
  paths['/api/settlements/{psnNo}/{setlId}']['get']['responses']['200']['content']['application/json'] & {
    /** Set for a 零星报销 (manual settlement) once those are stored. */
    manual?: boolean;
  };
export type TraceStep = SettlementDetail['trace'][number];

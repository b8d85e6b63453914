/** Test builders: claims and persons in yuan, as a clerk would write them. */
import { MED_TYPES, type CategoryCode, type EncounterType, type InstitutionLevel, type Referral } from '../codes.js';
import { parseYuan, type Fen } from '../money.js';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/resolve.js';
import { settleSequence } from '../engine/sequence.js';
import type { CategorySpell, Claim, Person, SettleResult } from '../engine/types.js';

export function fen(yuan: number | string): Fen {
  const parsed = parseYuan(yuan);
  if (!parsed.ok) throw new Error(`bad test amount ${yuan}`);
  return parsed.value;
}

const MED_TYPE_OF: Record<EncounterType, string> = {
  inpatient: '21',
  ordinary_outpatient: '11',
  chronic_outpatient: '14',
  special_drug: '15',
};

export interface ClaimSpec {
  encounter?: EncounterType;
  date?: string;
  admDate?: string;
  level?: InstitutionLevel;
  referral?: Referral;
  /** Amounts in yuan; inScope is what is left of the total. */
  total: number;
  fullOwnPay?: number;
  overLimit?: number;
  preSelfPay?: number;
  diagnoses?: string[];
  chronicScheme?: string;
}

export function claim(spec: ClaimSpec): Claim {
  const encounter = spec.encounter ?? 'inpatient';
  const medfee = fen(spec.total);
  const fullOwnPay = fen(spec.fullOwnPay ?? 0);
  const overLimit = fen(spec.overLimit ?? 0);
  const preSelfPay = fen(spec.preSelfPay ?? 0);
  const date = spec.date ?? '2022-06-30';
  const medType = MED_TYPE_OF[encounter];
  if (!MED_TYPES[medType]) throw new Error('unknown med type');
  return {
    medType,
    encounter,
    setlDate: date,
    admDate: spec.admDate ?? date,
    level: spec.level ?? 'county',
    referral: spec.referral ?? null,
    medfee,
    fullOwnPay,
    overLimit,
    preSelfPay,
    inScope: medfee - fullOwnPay - overLimit - preSelfPay,
    diagnoses: spec.diagnoses ?? [],
    chronicScheme: spec.chronicScheme ?? null,
  };
}

export function person(categories: (CategoryCode | CategorySpell)[] = [], supplementary = false): Person {
  return {
    psnNo: 'T0001',
    categories: categories.map((c) => (typeof c === 'string' ? { code: c, begin: '2000-01-01', end: null } : c)),
    supplementary,
  };
}

/** Settles claims in order for one person under a built-in policy, with the trace. */
export function run(policyId: string | Policy, who: Person, claims: Claim[]): SettleResult[] {
  const policy = typeof policyId === 'string' ? loadPolicy(policyId) : policyId;
  return settleSequence(claims, who, policy, { trace: true });
}

/** The paid amounts of one settlement in yuan, for readable assertions. */
export function paid(result: SettleResult): Record<string, number> {
  const s = result.settlement;
  const yuan = (value: Fen): number => value / 100;
  return {
    basic: yuan(s.layers.basic?.paid ?? 0),
    critical_illness: yuan(s.layers.critical_illness?.paid ?? 0),
    assistance: yuan(s.layers.assistance?.paid ?? 0),
    re_assistance: yuan(s.layers.re_assistance?.paid ?? 0),
    high_cost_subsidy: yuan(s.layers.high_cost_subsidy?.paid ?? 0),
    supplementary: yuan(s.layers.supplementary?.paid ?? 0),
    temporary: yuan(s.layers.temporary?.paid ?? 0),
    personal: yuan(s.psn_part_amt),
  };
}

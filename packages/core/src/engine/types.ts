import type { CategoryCode, EncounterType, InstitutionLevel, Layer, Referral } from '../codes.js';
import type { Bp, Fen } from '../money.js';
import type { Band } from '../policy/schema.js';
import type { Provenance } from '../policy/resolve.js';

/** A claim as the engine sees it: validated, amounts in fen, inScope = total − the three self-pay parts. */
export interface Claim {
  medType: string;
  encounter: EncounterType;
  /** Settlement date: decides the policy, the year and the person's categories. */
  setlDate: string;
  /** Admission (or visit) date: decides temporary policies defined "by admission". */
  admDate: string;
  level: InstitutionLevel;
  referral: Referral | null;
  medfee: Fen;
  fullOwnPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
  inScope: Fen;
  diagnoses: readonly string[];
  chronicScheme: string | null;
}

export interface CategorySpell {
  code: CategoryCode;
  begin: string;
  /** Last day (inclusive), or null while it lasts. */
  end: string | null;
}

export interface Person {
  psnNo: string;
  categories: readonly CategorySpell[];
  /** Bought the city's commercial supplementary insurance (惠民保) for the year. */
  supplementary: boolean;
}

export interface SchemeToDate {
  base: Fen;
  paid: Fen;
}

/** What a person has been paid and has borne so far in one calendar year: the engine's memory. */
export interface YearToDate {
  year: number;
  admissions: number;
  /** Basic fund payments counted against the yearly cap. */
  basicCapUsed: Fen;
  outpatient: SchemeToDate;
  /** One entry per chronic-care scheme used this year (门诊慢特病, 两病 …). */
  chronic: readonly (SchemeToDate & { scheme: string })[];
  criticalIllness: SchemeToDate;
  specialDrugs: SchemeToDate;
  assistance: SchemeToDate;
  reAssistance: SchemeToDate;
  highCostSubsidy: SchemeToDate;
  supplementary: SchemeToDate;
  medfee: Fen;
  fundPaid: Fen;
  /** Everything the person paid (psn_part_amt). */
  personalBurden: Fen;
  /** The in-scope part of what the person paid. */
  inScopeBurden: Fen;
}

export interface LayerResult {
  /** The amount this layer was measured on for this claim. */
  base: Fen;
  /** The most it could pay this time (base, or the yearly limit left if smaller). */
  payable: Fen;
  paid: Fen;
}

/** A settlement in fen, with the interface's field names for what the interface has. */
export interface Settlement {
  med_type: string;
  setl_time: string;
  category: CategoryCode;
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  act_pay_dedc: Fen;
  hifp_pay: Fen;
  /** The basic fund's ratio for this claim, in basis points. */
  pool_prop_selfpay: Bp;
  hifmi_pay: Fen;
  maf_pay: Fen;
  oth_pay: Fen;
  fund_pay_sumamt: Fen;
  psn_part_amt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  hosp_part_amt: Fen;
  /** What each layer paid; undefined for the layers that do not apply to this claim. */
  layers: Record<Layer, LayerResult | undefined>;
}

export interface TraceParam {
  /** Chinese name of the parameter. */
  name: string;
  /** Parameter path in the policy, or null for a value derived in this step. */
  path: string | null;
  value: number | string | readonly Band[];
  unit: 'fen' | 'bp' | 'count' | 'text' | 'bands';
  source: Provenance | undefined;
}

export interface TraceStep {
  layer: Layer | 'scope' | 'category' | 'total';
  rule: string;
  params: TraceParam[];
  /** Named amounts of the computation (fen unless the name says otherwise). */
  figures: Record<string, number>;
  paid: Fen;
}

export interface SettleResult {
  settlement: Settlement;
  ytd: YearToDate;
  trace: TraceStep[] | null;
}

/** The settlement in the national interface's shape (setlinfo + setldetail[]), amounts in yuan. */
import { FUND_PAY_TYPES, LAYER_NAMES, type Layer } from '../codes.js';
import { formatRatio, toYuanNumber, type Fen } from '../money.js';
import { describeStep, formatBands, processInfo } from './explain.js';
import type { Settlement, TraceParam, TraceStep } from './types.js';

export interface NationalSetlinfo {
  med_type: string;
  setl_time: string;
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  /** 5,4 in the specification: a number (0.8 for 80%). */
  pool_prop_selfpay: number;
  cvlserv_pay: number;
  hifes_pay: number;
  hifmi_pay: number;
  hifob_pay: number;
  maf_pay: number;
  oth_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  psn_cash_pay: number;
  hosp_part_amt: number;
  balc: number;
  acct_mulaid_pay: number;
  clr_type: string;
  clr_way: string;
}

export interface NationalSetldetail {
  fund_pay_type: string;
  fund_pay_type_name: string;
  inscp_scp_amt: number;
  crt_payb_lmt_amt: number;
  fund_payamt: number;
  setl_proc_info: string;
}

const LAYER_ORDER = Object.keys(LAYER_NAMES) as Layer[];

export function toSetlinfo(s: Settlement): NationalSetlinfo {
  return {
    med_type: s.med_type,
    setl_time: s.setl_time,
    medfee_sumamt: toYuanNumber(s.medfee_sumamt),
    fulamt_ownpay_amt: toYuanNumber(s.fulamt_ownpay_amt),
    overlmt_selfpay: toYuanNumber(s.overlmt_selfpay),
    preselfpay_amt: toYuanNumber(s.preselfpay_amt),
    inscp_scp_amt: toYuanNumber(s.inscp_scp_amt),
    act_pay_dedc: toYuanNumber(s.act_pay_dedc),
    hifp_pay: toYuanNumber(s.hifp_pay),
    pool_prop_selfpay: s.pool_prop_selfpay / 10_000,
    cvlserv_pay: 0,
    hifes_pay: 0,
    hifmi_pay: toYuanNumber(s.hifmi_pay),
    hifob_pay: 0,
    maf_pay: toYuanNumber(s.maf_pay),
    oth_pay: toYuanNumber(s.oth_pay),
    fund_pay_sumamt: toYuanNumber(s.fund_pay_sumamt),
    psn_part_amt: toYuanNumber(s.psn_part_amt),
    acct_pay: toYuanNumber(s.acct_pay),
    psn_cash_pay: toYuanNumber(s.psn_cash_pay),
    hosp_part_amt: toYuanNumber(s.hosp_part_amt),
    balc: 0,
    acct_mulaid_pay: 0,
    clr_type: s.med_type.startsWith('2') ? '21' : '11',
    clr_way: '01',
  };
}

/**
 * One row per fund_pay_type the claim could draw on (layers sharing a fund are added up): inscp_scp_amt is the base
 * the first such layer measured, crt_payb_lmt_amt the most it could pay this time.
 */
export interface FundTotal {
  code: string;
  name: string;
  /** In fen: the base the fund's first layer measured, the most it could pay, what it paid. */
  base: Fen;
  payable: Fen;
  paid: Fen;
}

/** What each fund (fund_pay_type) paid, in fen: layers paid by the same fund are added up. */
export function fundTotals(s: Settlement): FundTotal[] {
  const rows = new Map<string, FundTotal>();
  for (const layer of LAYER_ORDER) {
    const result = s.layers[layer];
    if (!result) continue;
    const fund = FUND_PAY_TYPES[layer];
    const row = rows.get(fund.code);
    if (row) {
      row.payable += result.payable;
      row.paid += result.paid;
    } else {
      rows.set(fund.code, {
        code: fund.code,
        name: fund.name,
        base: result.base,
        payable: result.payable,
        paid: result.paid,
      });
    }
  }
  return [...rows.values()];
}

export function toSetldetail(s: Settlement, trace: readonly TraceStep[] | null): NationalSetldetail[] {
  return fundTotals(s).map((row) => ({
    fund_pay_type: row.code,
    fund_pay_type_name: row.name,
    inscp_scp_amt: toYuanNumber(row.base),
    crt_payb_lmt_amt: toYuanNumber(row.payable),
    fund_payamt: toYuanNumber(row.paid),
    setl_proc_info: trace ? processInfo(trace, row.code) : '',
  }));
}

export interface TraceJson {
  layer: TraceStep['layer'];
  rule: string;
  params: {
    name: string;
    path: string | null;
    value: number | string;
    source: { cite: string; confidence: string; from: string; file: string; line: number } | null;
  }[];
  figures: Record<string, number>;
  paid: number;
  text: string[];
}

/** A parameter's source as answers give it, or null for a value derived in its step. */
export function citedSource(p: TraceParam): TraceJson['params'][number]['source'] {
  return p.source
    ? {
        cite: p.source.cite,
        confidence: p.source.confidence,
        from: p.source.from,
        file: p.source.file,
        line: p.source.line,
      }
    : null;
}

/** A step's figures that are amounts (fen): a negative one is a marker (limitLeft −1: no limit), not shown. */
export function shownFigures(step: TraceStep): [string, number][] {
  return Object.entries(step.figures).filter(([, value]) => value >= 0);
}

/** The trace for JSON output: amounts in yuan, ratios as "85%", every parameter with its source. */
export function traceToJson(trace: readonly TraceStep[]): TraceJson[] {
  return trace.map((step) => ({
    layer: step.layer,
    rule: step.rule,
    params: step.params.map((p) => ({
      name: p.name,
      path: p.path,
      value:
        typeof p.value === 'string'
          ? p.value
          : typeof p.value !== 'number'
            ? formatBands(p.value)
            : p.unit === 'fen'
              ? toYuanNumber(p.value)
              : p.unit === 'bp'
                ? formatRatio(p.value)
                : p.value,
      source: citedSource(p),
    })),
    figures: Object.fromEntries(shownFigures(step).map(([name, value]) => [name, toYuanNumber(value)])),
    paid: toYuanNumber(step.paid),
    text: describeStep(step),
  }));
}

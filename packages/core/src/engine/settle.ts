/**
 * settle(claim, person, yearToDate, policy): one claim through every layer, in order, each on what the previous
 * left. Pure: no I/O, no clock. Returns the settlement, the new year-to-date and (on request) the trace.
 */
import { CATEGORY_NAMES, type CategoryCode } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import { settleBasic } from './basic.js';
import { Remaining, type Context } from './context.js';
import { settleCriticalIllness } from './critical-illness.js';
import { settleTemporaryResidual } from './temporary.js';
import {
  settleAssistance,
  settleHighCostSubsidy,
  settleReAssistance,
  settleSupplementary,
} from './threshold-layers.js';
import type { CategorySpell, Claim, Person, Settlement, SettleResult, YearToDate } from './types.js';

const EMPTY = { base: 0, paid: 0 } as const;

export function emptyYearToDate(year: number): YearToDate {
  return {
    year,
    admissions: 0,
    basicCapUsed: 0,
    outpatient: EMPTY,
    chronic: [],
    criticalIllness: EMPTY,
    specialDrugs: EMPTY,
    assistance: EMPTY,
    reAssistance: EMPTY,
    highCostSubsidy: EMPTY,
    supplementary: EMPTY,
    medfee: 0,
    fundPaid: 0,
    personalBurden: 0,
    inScopeBurden: 0,
  };
}

/** A field-by-field copy: one object shape for every year-to-date (a spread here was the engine's hottest line). */
function copyYearToDate(y: YearToDate): Context['ytd'] {
  return {
    year: y.year,
    admissions: y.admissions,
    basicCapUsed: y.basicCapUsed,
    outpatient: y.outpatient,
    chronic: y.chronic,
    criticalIllness: y.criticalIllness,
    specialDrugs: y.specialDrugs,
    assistance: y.assistance,
    reAssistance: y.reAssistance,
    highCostSubsidy: y.highCostSubsidy,
    supplementary: y.supplementary,
    medfee: y.medfee,
    fundPaid: y.fundPaid,
    personalBurden: y.personalBurden,
    inScopeBurden: y.inScopeBurden,
  };
}

export function activeCategories(spells: readonly CategorySpell[], date: string): CategoryCode[] {
  const active: CategoryCode[] = [];
  for (const spell of spells) {
    if (spell.begin <= date && (spell.end === null || date <= spell.end)) active.push(spell.code);
  }
  return active;
}

/** 就高不重复: the first of the policy's precedence list the person holds on the date; never a combination. */
export function decidingCategory(
  spells: readonly CategorySpell[],
  date: string,
  precedence: readonly CategoryCode[],
): CategoryCode {
  if (spells.length === 0) return 'ordinary';
  for (const code of precedence) {
    for (const spell of spells) {
      if (spell.code === code && spell.begin <= date && (spell.end === null || date <= spell.end)) return code;
    }
  }
  return 'ordinary';
}

/** The year of an ISO date, read digit by digit (this runs once per settlement). */
export function yearOf(date: string): number {
  return (
    (date.charCodeAt(0) - 48) * 1000 +
    (date.charCodeAt(1) - 48) * 100 +
    (date.charCodeAt(2) - 48) * 10 +
    (date.charCodeAt(3) - 48)
  );
}

export function settle(
  claim: Claim,
  person: Person,
  yearToDate: YearToDate,
  policy: PolicyAtDate,
  options: { trace?: boolean } = {},
): SettleResult {
  const year = yearOf(claim.setlDate);
  if (yearToDate.year > year) {
    throw new SanbaoError([
      problem('DATE_ORDER', `结算日期 ${claim.setlDate} 早于累计数据所属年度 ${yearToDate.year}`),
    ]);
  }
  const category = decidingCategory(person.categories, claim.setlDate, policy.rules.categories.precedence);
  const context: Context = {
    claim,
    person,
    policy,
    category,
    // A new year starts from nothing: deductibles, bands and limits are all yearly.
    ytd: copyYearToDate(yearToDate.year === year ? yearToDate : emptyYearToDate(year)),
    remaining: new Remaining(claim.inScope, claim.preSelfPay, claim.overLimit, claim.fullOwnPay),
    // Every layer key from the start: one object shape for all settlements.
    layers: {
      basic: undefined,
      critical_illness: undefined,
      assistance: undefined,
      re_assistance: undefined,
      high_cost_subsidy: undefined,
      supplementary: undefined,
      temporary: undefined,
    },
    trace: options.trace ? [] : null,
  };
  if (context.trace) traceOpening(context);

  const basic = settleBasic(context);
  settleCriticalIllness(context);
  settleAssistance(context);
  settleReAssistance(context);
  settleHighCostSubsidy(context);
  settleSupplementary(context);
  settleTemporaryResidual(context);

  const layers = context.layers;
  const hifp = layers.basic?.paid ?? 0;
  const hifmi = layers.critical_illness?.paid ?? 0;
  const maf =
    (layers.assistance?.paid ?? 0) + (layers.re_assistance?.paid ?? 0) + (layers.high_cost_subsidy?.paid ?? 0);
  const oth = (layers.supplementary?.paid ?? 0) + (layers.temporary?.paid ?? 0);
  const fund = hifp + hifmi + maf + oth;
  const personal = claim.medfee - fund;
  const settlement: Settlement = {
    med_type: claim.medType,
    setl_time: claim.setlDate,
    category,
    medfee_sumamt: claim.medfee,
    fulamt_ownpay_amt: claim.fullOwnPay,
    overlmt_selfpay: claim.overLimit,
    preselfpay_amt: claim.preSelfPay,
    inscp_scp_amt: claim.inScope,
    act_pay_dedc: basic.deductiblePaid,
    hifp_pay: hifp,
    pool_prop_selfpay: basic.ratio,
    hifmi_pay: hifmi,
    maf_pay: maf,
    oth_pay: oth,
    fund_pay_sumamt: fund,
    psn_part_amt: personal,
    acct_pay: 0,
    psn_cash_pay: personal,
    hosp_part_amt: 0,
    layers,
  };
  checkInvariants(settlement, context);

  const ytd = context.ytd;
  ytd.medfee += claim.medfee;
  ytd.fundPaid += fund;
  ytd.personalBurden += personal;
  ytd.inScopeBurden += context.remaining.inScope;
  if (context.trace) {
    context.trace.push({
      layer: 'total',
      rule: '合计：基金支付 = 统筹 + 大病 + 救助 + 其他；个人负担 = 医疗费总额 − 基金支付',
      params: [],
      figures: { medfee: claim.medfee, hifp, hifmi, maf, oth, fund, personal, yearPersonalBurden: ytd.personalBurden },
      paid: fund,
    });
  }
  return { settlement, ytd, trace: context.trace };
}

function traceOpening(context: Context): void {
  const { claim, person, policy, category } = context;
  const trace = context.trace;
  if (!trace) return;
  trace.push({
    layer: 'scope',
    rule: '政策范围内费用 = 医疗费总额 − 全自费 − 超限价自费 − 乙类先行自付',
    params: [],
    figures: {
      medfee: claim.medfee,
      fullOwnPay: claim.fullOwnPay,
      overLimit: claim.overLimit,
      preSelfPay: claim.preSelfPay,
      inScope: claim.inScope,
    },
    paid: 0,
  });
  const active = activeCategories(person.categories, claim.setlDate);
  trace.push({
    layer: 'category',
    rule: active.length > 1 ? '人员类别：同时属于多个类别，按就高不重复原则取最优先的一个' : '人员类别',
    params: [
      {
        name: '结算日有效类别',
        path: null,
        value: active.length ? active.map((code) => CATEGORY_NAMES[code]).join('、') : '无',
        unit: 'text',
        source: undefined,
      },
      {
        name: '适用类别',
        path: 'categories.precedence',
        value: CATEGORY_NAMES[category],
        unit: 'text',
        source: policy.source('categories.precedence'),
      },
    ],
    figures: {},
    paid: 0,
  });
}

/** The engine's promises, checked on every settlement: a broken one is a bug, never a result. */
/** The engine's promises for the whole claim (each layer's own bounds are checked as it records what it paid). */
function checkInvariants(s: Settlement, context: Context): void {
  if (
    s.inscp_scp_amt + s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt === s.medfee_sumamt &&
    s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt === s.medfee_sumamt &&
    s.psn_part_amt === context.remaining.total() &&
    s.psn_part_amt >= 0
  ) {
    return;
  }
  throw new SanbaoError([problem('INVARIANT', `结算不变量被破坏（程序错误）：${JSON.stringify(s)}`)]);
}

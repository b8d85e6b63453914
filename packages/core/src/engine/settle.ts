/**
 * settle(claim, person, yearToDate, policy): one claim through every layer (layers/index.ts), in order, each on what
 * the previous left. Pure: no I/O, no clock. Returns the settlement, the new year-to-date and (on request) the trace.
 */
import { CATEGORY_NAMES, type CategoryCode } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import { Remaining, type Context } from './context.js';
import { cite, derived, NO_PARAMS } from './parameters.js';
import { layersFor } from './plan.js';
import type { CategorySpell, Claim, Person, Settlement, SettleResult, TraceParam, YearToDate } from './types.js';

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
  const at = decidingRank(spells, date, precedence);
  return at < 0 ? 'ordinary' : (precedence[at] as CategoryCode);
}

/** The deciding category's place in the precedence list, or -1 for an ordinary resident. */
function decidingRank(spells: readonly CategorySpell[], date: string, precedence: readonly CategoryCode[]): number {
  if (spells.length === 0) return -1;
  for (let at = 0; at < precedence.length; at++) {
    const code = precedence[at];
    for (const spell of spells) {
      if (spell.code === code && spell.begin <= date && (spell.end === null || date <= spell.end)) return at;
    }
  }
  return -1;
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

/** The state a settlement starts from; the layers then work on it in order. */
export function openSettlement(
  claim: Claim,
  person: Person,
  yearToDate: YearToDate,
  policy: PolicyAtDate,
  trace: boolean,
): Context {
  const year = yearOf(claim.setlDate);
  if (yearToDate.year > year) {
    throw new SanbaoError([
      problem('DATE_ORDER', `结算日期 ${claim.setlDate} 早于累计数据所属年度 ${yearToDate.year}`),
    ]);
  }
  const rules = policy.rules;
  const precedence = rules.categories.precedence;
  const rank = decidingRank(person.categories, claim.setlDate, precedence);
  return {
    claim,
    person,
    rules,
    tables: policy.tables,
    category: rank < 0 ? 'ordinary' : (precedence[rank] as CategoryCode),
    memo: policy.memo,
    rank,
    // A new year starts from nothing: deductibles, bands and limits are all yearly.
    ytd: copyYearToDate(yearToDate.year === year ? yearToDate : emptyYearToDate(year)),
    remaining: new Remaining(claim.inScope, claim.preSelfPay, claim.overLimit, claim.fullOwnPay),
    // Every layer's key from the start, in the order they pay: one object shape for all settlements. A literal, not
    // a copy of one made from the list of layers: a copy costs a tenth of a settlement without trace.
    layers: {
      basic: undefined,
      critical_illness: undefined,
      assistance: undefined,
      re_assistance: undefined,
      high_cost_subsidy: undefined,
      supplementary: undefined,
      temporary: undefined,
    },
    trace: trace ? [] : null,
    recorded: 0,
    deductiblePaid: 0,
    ratio: 0,
  };
}

export function settle(
  claim: Claim,
  person: Person,
  yearToDate: YearToDate,
  policy: PolicyAtDate,
  options: { trace?: boolean } = {},
): SettleResult {
  const context = openSettlement(claim, person, yearToDate, policy, options.trace === true);
  if (context.trace) traceOpening(context, policy);
  // What each layer paid is what it took from what was left; it counts in the setlinfo field of its fund.
  const remaining = context.remaining;
  let left = remaining.total();
  let hifp = 0;
  let hifmi = 0;
  let maf = 0;
  let oth = 0;
  const reached = layersFor(policy, context.rank, claim.encounter);
  for (let i = 0; i < reached.length; i++) {
    const definition = reached[i] as (typeof reached)[number];
    definition.settle(context);
    const now = remaining.total();
    const paid = left - now;
    left = now;
    if (definition.field === 'hifp_pay') hifp += paid;
    else if (definition.field === 'hifmi_pay') hifmi += paid;
    else if (definition.field === 'maf_pay') maf += paid;
    else oth += paid;
  }
  const layers = context.layers;
  const fund = hifp + hifmi + maf + oth;
  const personal = claim.medfee - fund;
  const settlement: Settlement = {
    med_type: claim.medType,
    setl_time: claim.setlDate,
    category: context.category,
    medfee_sumamt: claim.medfee,
    fulamt_ownpay_amt: claim.fullOwnPay,
    overlmt_selfpay: claim.overLimit,
    preselfpay_amt: claim.preSelfPay,
    inscp_scp_amt: claim.inScope,
    act_pay_dedc: context.deductiblePaid,
    hifp_pay: hifp,
    pool_prop_selfpay: context.ratio,
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
      params: NO_PARAMS,
      figures: { medfee: claim.medfee, hifp, hifmi, maf, oth, fund, personal, yearPersonalBurden: ytd.personalBurden },
      paid: fund,
    });
  }
  return { settlement, ytd, trace: context.trace };
}

/** The category step has no figures: one frozen empty record, shared. */
const NO_FIGURES: Record<string, number> = Object.freeze({});

const NO_CATEGORY: TraceParam = Object.freeze({
  name: '结算日有效类别',
  path: null,
  value: '无',
  unit: 'text',
  source: undefined,
});

function traceOpening(context: Context, policy: PolicyAtDate): void {
  const { claim, person } = context;
  const trace = context.trace;
  if (!trace) return;
  trace.push({
    layer: 'scope',
    rule: '政策范围内费用 = 医疗费总额 − 全自费 − 超限价自费 − 乙类先行自付',
    params: NO_PARAMS,
    figures: {
      medfee: claim.medfee,
      fullOwnPay: claim.fullOwnPay,
      overLimit: claim.overLimit,
      preSelfPay: claim.preSelfPay,
      inScope: claim.inScope,
    },
    paid: 0,
  });
  const active = person.categories.length === 0 ? [] : activeCategories(person.categories, claim.setlDate);
  let params: TraceParam[];
  if (active.length === 0) {
    // Most people hold no category: the same two parameters every time, cited once per epoch.
    const cited = (policy.memo['noCategory'] ??= [NO_CATEGORY, citeCategory(context)]) as readonly TraceParam[];
    params = cited.slice();
  } else {
    params = [];
    derived(params, NO_CATEGORY.name, active.map((code) => CATEGORY_NAMES[code]).join('、'), 'text');
    params.push(citeCategory(context));
  }
  trace.push({
    layer: 'category',
    rule: active.length > 1 ? '人员类别：同时属于多个类别，按就高不重复原则取最优先的一个' : '人员类别',
    params,
    figures: NO_FIGURES,
    paid: 0,
  });
}

/** The category that decides, cited with the precedence list it was decided by. */
function citeCategory(context: Context): TraceParam {
  const cited: TraceParam[] = [];
  cite(cited, context.rules.categories, 'precedence', '适用类别', CATEGORY_NAMES[context.category], 'text');
  return cited[0] as TraceParam;
}

/** The engine's promises for the whole claim (each layer's own bounds are checked as it records what it paid). */
function checkInvariants(s: Settlement, context: Context): void {
  if (
    s.inscp_scp_amt + s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt === s.medfee_sumamt &&
    s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt === s.medfee_sumamt &&
    s.psn_part_amt === context.remaining.total() &&
    // What the layers recorded (the setldetail rows) is what they took from the claim.
    context.recorded === s.fund_pay_sumamt &&
    s.psn_part_amt >= 0
  ) {
    return;
  }
  throw new SanbaoError([problem('INVARIANT', `结算不变量被破坏（程序错误）：${JSON.stringify(s)}`)]);
}

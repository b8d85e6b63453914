/** Layer 2: critical-illness insurance (大病保险), banded on the year's cumulative amount; and its special drugs (特药). */
import { CATEGORY_NAMES } from '../../codes.js';
import { UNLIMITED } from '../../money.js';
import type { CriticalIllnessTable } from '../../policy/effective.js';
import type { PolicyRules } from '../../policy/schema.js';
import { record, type LayerContext } from '../context.js';
import { bandEntitlement, increment, thresholdEntitlement } from '../cumulative.js';
import { defineLayer } from '../layer.js';
import { cite, citations, derived, read, readLimit, type Citations } from '../parameters.js';
import type { TraceParam } from '../types.js';

type Context = LayerContext<'critical_illness', 'criticalIllness' | 'specialDrugs'>;

const RULE = '大病保险：年度累计合规个人负担分段支付，本次 = 累计后应付 − 累计前应付';
const RULE_WITH_PRE_SELF_PAY =
  '大病保险：年度累计（含乙类先行自付）合规个人负担分段支付，本次 = 累计后应付 − 累计前应付';

export const criticalIllness = defineLayer({
  layer: 'critical_illness',
  fund: '390200',
  field: 'hifmi_pay',
  accumulators: ['criticalIllness', 'specialDrugs'],
  reads: ['critical_illness'],
  reaches: ({ critical_illness: ci }, _category, encounter) =>
    encounter === 'special_drug' ? ci.special_drugs !== undefined : ci.applies_to.includes(encounter),
  settle(context) {
    const { claim } = context;
    if (claim.encounter === 'special_drug') {
      settleSpecialDrug(context);
      return;
    }
    const ci = context.rules.critical_illness;
    if (!ci.applies_to.includes(claim.encounter)) return;
    // The deductible, bands and cap come from the epoch's table, which applies the category's tilt once.
    const table = context.tables.criticalIllness[context.category];
    const countsPreSelfPay = ci.counts_pre_self_pay;
    const base = context.remaining.base(countsPreSelfPay ? 'in_scope_and_pre_self_pay' : 'in_scope');
    const before = context.ytd.criticalIllness;
    const after = before.base + base;
    const step = increment(
      bandEntitlement(before.base, table.deductible, table.bands, table.convention),
      bandEntitlement(after, table.deductible, table.bands, table.convention),
      table.cap,
      before.paid,
    );
    context.ytd.criticalIllness = { base: after, paid: before.paid + step.paid };
    record(context, 'critical_illness', base, Math.min(base, step.limitLeft), step.paid);
    if (context.trace) {
      context.trace.push({
        layer: 'critical_illness',
        rule: countsPreSelfPay ? RULE_WITH_PRE_SELF_PAY : RULE,
        // Static for the epoch and the category: cited once, then copied.
        params: ((table.cited ??= citeTable(ci, context.category, table)) as TraceParam[]).slice(),
        figures: {
          base,
          cumulativeBefore: before.base,
          cumulativeAfter: after,
          deductible: table.deductible,
          entitlementBefore: step.entitlementBefore,
          entitlementAfter: step.entitlementAfter,
          limitLeft: table.cap === UNLIMITED ? -1 : step.limitLeft,
        },
        paid: step.paid,
      });
    }
  },
});

/** What the category's table was derived from: the ordinary rule and, where the category has one, its tilt. */
function citeTable(
  ci: PolicyRules['critical_illness'],
  category: Context['category'],
  table: CriticalIllnessTable,
): NonNullable<Citations> {
  const cited: NonNullable<Citations> = [];
  read(cited, ci, 'deductible', '年度起付线', 'fen');
  const tilt = ci.tilts[category];
  if (tilt) {
    const who = CATEGORY_NAMES[category];
    if (tilt.deductible !== undefined) read(cited, tilt, 'deductible', `${who}起付线`, 'fen');
    else if (tilt.deductible_factor !== undefined) {
      read(cited, tilt, 'deductible_factor', `${who}起付线比例`, 'bp');
      derived(cited, '倾斜后起付线', table.deductible, 'fen');
    }
    // Bands are cited as paid: with the tilt's extra points already added.
    if (tilt.bands) cite(cited, tilt, 'bands', `${who}分段比例`, table.bands, 'bands');
    if (tilt.ratio_points !== undefined) read(cited, tilt, 'ratio_points', '各段比例提高', 'bp');
  }
  if (!tilt?.bands) cite(cited, ci, 'bands', '分段比例', table.bands, 'bands');
  const convention = ci.convention === 'above_deductible' ? '按超过起付线的累计金额分段' : '按年度累计总额分段';
  cite(cited, ci, 'convention', '分段口径', convention, 'text');
  if (tilt?.no_cap) cite(cited, tilt, 'no_cap', '年度封顶', '取消封顶线', 'text');
  else readLimit(cited, ci, 'annual_cap', '年度封顶');
  return cited;
}

function settleSpecialDrug(context: Context): void {
  const drugs = context.rules.critical_illness.special_drugs;
  const tables = context.tables.specialDrugs;
  if (!drugs || !tables) return;
  const table = tables[context.category];
  const tilt = drugs.tilts[context.category];
  const cited = citations(context.trace);
  // A category's tilt replaces what it sets, and may lift the cap: the cited cap is then the ordinary one.
  const deductible =
    tilt?.deductible !== undefined
      ? read(cited, tilt, 'deductible', '特药起付线', 'fen')
      : read(cited, drugs, 'deductible', '特药起付线', 'fen');
  const ratio =
    tilt?.ratio !== undefined
      ? read(cited, tilt, 'ratio', '特药支付比例', 'bp')
      : read(cited, drugs, 'ratio', '特药支付比例', 'bp');
  const cap = table.cap;
  cite(
    cited,
    drugs,
    'annual_cap',
    '特药年度封顶',
    cap === UNLIMITED ? '不设' : cap,
    cap === UNLIMITED ? 'text' : 'fen',
  );
  const base = context.remaining.base('in_scope');
  const before = context.ytd.specialDrugs;
  const after = before.base + base;
  const step = increment(
    thresholdEntitlement(before.base, deductible, ratio),
    thresholdEntitlement(after, deductible, ratio),
    cap,
    before.paid,
  );
  context.ytd.specialDrugs = { base: after, paid: before.paid + step.paid };
  record(context, 'critical_illness', base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace && cited) {
    context.trace.push({
      layer: 'critical_illness',
      rule: `大病保险特药：年度累计（特药合规费用 − 起付线）× 支付比例${tilt ? `（${CATEGORY_NAMES[context.category]}倾斜）` : ''}`,
      params: cited,
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        deductible,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: cap === UNLIMITED ? -1 : step.limitLeft,
      },
      paid: step.paid,
    });
  }
}

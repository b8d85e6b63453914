/**
 * Layers 3–6: medical assistance (医疗救助), re-assistance (再救助), the high-cost subsidy (高额医疗费用补助) and
 * commercial supplementary insurance (惠民保). Each pays a ratio of the year's cumulative burden above a yearly
 * threshold, within a yearly limit: one mechanism, four sets of parameters.
 */
import { CATEGORY_NAMES, ENCOUNTER_NAMES, type EncounterType, type Layer } from '../codes.js';
import { UNLIMITED, type Bp, type Fen } from '../money.js';
import type { Measure } from '../policy/schema.js';
import { increment, thresholdEntitlement } from './cumulative.js';
import { param, record, type Context } from './context.js';
import type { SchemeToDate } from './types.js';

type Accumulator = 'assistance' | 'reAssistance' | 'highCostSubsidy' | 'supplementary';

/** How a layer names itself in the trace; only asked for when tracing, so settling without trace builds no strings. */
interface Wording {
  rule: string;
  path: string;
  thresholdName: string;
  thresholdKey: 'deductible' | 'threshold';
  limitKey: 'annual_limit' | 'annual_cap';
}

function settleThreshold(
  context: Context,
  layer: Layer,
  accumulator: Accumulator,
  threshold: Fen,
  ratio: Bp,
  limit: Fen | null,
  measure: Measure,
  wording: (context: Context) => Wording,
): void {
  const base = context.remaining.base(measure);
  const before: SchemeToDate = context.ytd[accumulator];
  const after = before.base + base;
  const step = increment(
    thresholdEntitlement(before.base, threshold, ratio),
    thresholdEntitlement(after, threshold, ratio),
    limit ?? UNLIMITED,
    before.paid,
  );
  context.ytd[accumulator] = { base: after, paid: before.paid + step.paid };
  record(context, layer, base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace) {
    const words = wording(context);
    context.trace.push({
      layer,
      rule: words.rule,
      params: [
        param(context, words.thresholdName, `${words.path}.${words.thresholdKey}`, threshold, 'fen'),
        param(context, '比例', `${words.path}.ratio`, ratio, 'bp'),
        param(context, '年度限额', `${words.path}.${words.limitKey}`, limit ?? '不设', limit === null ? 'text' : 'fen'),
      ],
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: limit === null ? -1 : step.limitLeft,
      },
      paid: step.paid,
    });
  }
}

const MEASURE_NAMES: Record<Measure, string> = {
  in_scope: '政策范围内个人负担',
  in_scope_and_pre_self_pay: '政策范围内个人负担（含乙类先行自付）',
  all: '个人负担（含自费）',
};

function applies(appliesTo: readonly EncounterType[], context: Context): boolean {
  return appliesTo.includes(context.claim.encounter);
}

export function settleAssistance(context: Context): void {
  const rules = context.policy.rules.assistance;
  const rule = rules.categories[context.category];
  if (!rule || !applies(rule.applies_to, context)) return;
  settleThreshold(
    context,
    'assistance',
    'assistance',
    rule.deductible,
    rule.ratio,
    rule.annual_limit,
    rules.measure,
    assistanceWording,
  );
}

function assistanceWording(context: Context): Wording {
  const rules = context.policy.rules.assistance;
  const shared = (rules.categories[context.category]?.applies_to ?? []).map((type) => ENCOUNTER_NAMES[type]).join('、');
  return {
    rule: `医疗救助（${CATEGORY_NAMES[context.category]}）：年度累计${MEASURE_NAMES[rules.measure]}超过起付线部分 × 救助比例，${shared}共用年度限额`,
    path: `assistance.categories.${context.category}`,
    thresholdName: '年度起付线',
    thresholdKey: 'deductible',
    limitKey: 'annual_limit',
  };
}

export function settleReAssistance(context: Context): void {
  const rules = context.policy.rules.re_assistance;
  const rule = rules?.categories[context.category];
  if (!rules || !rule || !applies(rule.applies_to, context)) return;
  settleThreshold(
    context,
    're_assistance',
    'reAssistance',
    rule.threshold,
    rule.ratio,
    rule.annual_limit,
    rules.measure,
    reAssistanceWording,
  );
}

function reAssistanceWording(context: Context): Wording {
  const measure = context.policy.rules.re_assistance?.measure ?? 'in_scope';
  return {
    rule: `再救助（${CATEGORY_NAMES[context.category]}）：经三重保障后年度累计${MEASURE_NAMES[measure]}超过门槛部分 × 比例`,
    path: `re_assistance.categories.${context.category}`,
    thresholdName: '门槛',
    thresholdKey: 'threshold',
    limitKey: 'annual_limit',
  };
}

export function settleHighCostSubsidy(context: Context): void {
  const rule = context.policy.rules.high_cost_subsidy;
  if (!rule || !rule.categories.includes(context.category) || !applies(rule.applies_to, context)) return;
  settleThreshold(
    context,
    'high_cost_subsidy',
    'highCostSubsidy',
    rule.threshold,
    rule.ratio,
    rule.annual_limit,
    rule.measure,
    highCostWording,
  );
}

function highCostWording(context: Context): Wording {
  const measure = context.policy.rules.high_cost_subsidy?.measure ?? 'in_scope';
  return {
    rule: `高额医疗费用补助：救助对象年度累计${MEASURE_NAMES[measure]}超过门槛部分 × 比例`,
    path: 'high_cost_subsidy',
    thresholdName: '门槛',
    thresholdKey: 'threshold',
    limitKey: 'annual_limit',
  };
}

export function settleSupplementary(context: Context): void {
  const rule = context.policy.rules.supplementary;
  if (!rule || !context.person.supplementary || !applies(rule.applies_to, context)) return;
  settleThreshold(
    context,
    'supplementary',
    'supplementary',
    rule.deductible,
    rule.ratio,
    rule.annual_cap,
    rule.measure,
    supplementaryWording,
  );
}

function supplementaryWording(context: Context): Wording {
  const rule = context.policy.rules.supplementary;
  return {
    rule: `商业补充保险「${rule?.name ?? ''}」：年度累计${MEASURE_NAMES[rule?.measure ?? 'in_scope']}超过免赔额部分 × 赔付比例`,
    path: 'supplementary',
    thresholdName: '年度免赔额',
    thresholdKey: 'deductible',
    limitKey: 'annual_cap',
  };
}

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

interface ThresholdRule {
  layer: Layer;
  accumulator: Accumulator;
  rule: string;
  path: string;
  thresholdName: string;
  threshold: Fen;
  thresholdKey: 'deductible' | 'threshold';
  ratio: Bp;
  limit: Fen | null;
  limitKey: 'annual_limit' | 'annual_cap';
  measure: Measure;
}

function settleThreshold(context: Context, spec: ThresholdRule): void {
  const base = context.remaining.base(spec.measure);
  const before: SchemeToDate = context.ytd[spec.accumulator];
  const after = before.base + base;
  const limit = spec.limit ?? UNLIMITED;
  const step = increment(
    thresholdEntitlement(before.base, spec.threshold, spec.ratio),
    thresholdEntitlement(after, spec.threshold, spec.ratio),
    limit,
    before.paid,
  );
  (context.ytd as Record<Accumulator, SchemeToDate>)[spec.accumulator] = { base: after, paid: before.paid + step.paid };
  record(context, spec.layer, base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace) {
    context.trace.push({
      layer: spec.layer,
      rule: spec.rule,
      params: [
        param(context, spec.thresholdName, `${spec.path}.${spec.thresholdKey}`, spec.threshold, 'fen'),
        param(context, '比例', `${spec.path}.ratio`, spec.ratio, 'bp'),
        param(
          context,
          '年度限额',
          `${spec.path}.${spec.limitKey}`,
          spec.limit ?? '不设',
          spec.limit === null ? 'text' : 'fen',
        ),
      ],
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: spec.limit === null ? -1 : step.limitLeft,
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
  settleThreshold(context, {
    layer: 'assistance',
    accumulator: 'assistance',
    rule: `医疗救助（${CATEGORY_NAMES[context.category]}）：年度累计${MEASURE_NAMES[rules.measure]}超过起付线部分 × 救助比例，${rule.applies_to.map((type) => ENCOUNTER_NAMES[type]).join('、')}共用年度限额`,
    path: `assistance.categories.${context.category}`,
    thresholdName: '年度起付线',
    threshold: rule.deductible,
    thresholdKey: 'deductible',
    ratio: rule.ratio,
    limit: rule.annual_limit,
    limitKey: 'annual_limit',
    measure: rules.measure,
  });
}

export function settleReAssistance(context: Context): void {
  const rules = context.policy.rules.re_assistance;
  const rule = rules?.categories[context.category];
  if (!rules || !rule || !applies(rule.applies_to, context)) return;
  settleThreshold(context, {
    layer: 're_assistance',
    accumulator: 'reAssistance',
    rule: `再救助（${CATEGORY_NAMES[context.category]}）：经三重保障后年度累计${MEASURE_NAMES[rules.measure]}超过门槛部分 × 比例`,
    path: `re_assistance.categories.${context.category}`,
    thresholdName: '门槛',
    threshold: rule.threshold,
    thresholdKey: 'threshold',
    ratio: rule.ratio,
    limit: rule.annual_limit,
    limitKey: 'annual_limit',
    measure: rules.measure,
  });
}

export function settleHighCostSubsidy(context: Context): void {
  const rule = context.policy.rules.high_cost_subsidy;
  if (!rule || !rule.categories.includes(context.category) || !applies(rule.applies_to, context)) return;
  settleThreshold(context, {
    layer: 'high_cost_subsidy',
    accumulator: 'highCostSubsidy',
    rule: `高额医疗费用补助：救助对象年度累计${MEASURE_NAMES[rule.measure]}超过门槛部分 × 比例`,
    path: 'high_cost_subsidy',
    thresholdName: '门槛',
    threshold: rule.threshold,
    thresholdKey: 'threshold',
    ratio: rule.ratio,
    limit: rule.annual_limit,
    limitKey: 'annual_limit',
    measure: rule.measure,
  });
}

export function settleSupplementary(context: Context): void {
  const rule = context.policy.rules.supplementary;
  if (!rule || !context.person.supplementary || !applies(rule.applies_to, context)) return;
  settleThreshold(context, {
    layer: 'supplementary',
    accumulator: 'supplementary',
    rule: `商业补充保险「${rule.name}」：年度累计${MEASURE_NAMES[rule.measure]}超过免赔额部分 × 赔付比例`,
    path: 'supplementary',
    thresholdName: '年度免赔额',
    threshold: rule.deductible,
    thresholdKey: 'deductible',
    ratio: rule.ratio,
    limit: rule.annual_cap,
    limitKey: 'annual_cap',
    measure: rule.measure,
  });
}

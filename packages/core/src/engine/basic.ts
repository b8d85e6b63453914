/** Layer 1: the basic medical insurance pooling fund (基本医保统筹基金). */
import { LEVEL_NAMES, REFERRAL_NAMES } from '../codes.js';
import { applyRatio, FULL, UNLIMITED, type Bp, type Fen } from '../money.js';
import type { TemporaryRule } from '../policy/schema.js';
import { bandEntitlement, increment, thresholdEntitlement } from './cumulative.js';
import { param, record, type Context } from './context.js';
import { temporaryRulesFor } from './temporary.js';
import type { TraceParam } from './types.js';

export interface BasicOutcome {
  deductiblePaid: Fen;
  ratio: Bp;
}

const NONE: BasicOutcome = { deductiblePaid: 0, ratio: 0 };

export function settleBasic(context: Context): BasicOutcome {
  const override = temporaryRulesFor(context, 'basic_override')[0];
  if (override) return settleOverride(context, override);
  switch (context.claim.encounter) {
    case 'inpatient':
      return settleInpatient(context);
    case 'ordinary_outpatient':
      return settleOrdinaryOutpatient(context);
    case 'chronic_outpatient':
      return settleChronicOutpatient(context);
    case 'special_drug':
      return NONE; // special drugs are paid by the critical-illness fund's own rule
  }
}

/** What the yearly cap shared by inpatient and chronic care (when the policy says so) still allows. */
function capLeft(context: Context): Fen {
  const cap = context.policy.rules.basic.annual_cap;
  if (cap.amount === null || !cap.applies_to.includes(context.claim.encounter)) return UNLIMITED;
  return cap.amount > context.ytd.basicCapUsed ? cap.amount - context.ytd.basicCapUsed : 0;
}

function countAgainstCap(context: Context, paid: Fen): void {
  if (context.policy.rules.basic.annual_cap.applies_to.includes(context.claim.encounter))
    context.ytd.basicCapUsed += paid;
}

function settleInpatient(context: Context): BasicOutcome {
  const { claim, ytd } = context;
  const inpatient = context.policy.rules.basic.inpatient;
  const levelRule = inpatient.levels[claim.level];
  const referral = claim.referral !== null ? inpatient.referral?.[claim.referral] : undefined;
  const fullDeductible = referral ? referral.deductible : levelRule.deductible;
  const ratio = referral?.ratio ?? levelRule.ratio;
  const ordinal = ytd.admissions + 1;
  const shares = inpatient.deductible_by_admission;
  const share = shares[Math.min(ordinal, shares.length) - 1] ?? FULL;
  const deductible = share === FULL ? fullDeductible : applyRatio(fullDeductible, share);
  const base = claim.inScope;
  const deductiblePaid = deductible < base ? deductible : base;
  const above = base - deductiblePaid;
  const bands = referral ? undefined : levelRule.ratio_bands;
  const entitled = bands ? bandEntitlement(above, 0, bands, 'above_deductible') : applyRatio(above, ratio);
  const left = capLeft(context);
  const paid = entitled < left ? entitled : left;
  ytd.admissions = ordinal;
  countAgainstCap(context, paid);
  record(context, 'basic', base, above < left ? above : left, paid);
  if (context.trace) {
    const params: TraceParam[] = referral
      ? [
          param(
            context,
            `起付线（${REFERRAL_NAMES[claim.referral ?? 'in_province']}）`,
            `basic.inpatient.referral.${claim.referral ?? ''}.deductible`,
            fullDeductible,
            'fen',
          ),
        ]
      : [
          param(
            context,
            `起付线（${LEVEL_NAMES[claim.level]}）`,
            `basic.inpatient.levels.${claim.level}.deductible`,
            fullDeductible,
            'fen',
          ),
        ];
    params.push(
      param(context, `年内第 ${ordinal} 次住院起付线比例`, 'basic.inpatient.deductible_by_admission', share, 'bp'),
    );
    if (bands)
      params.push(param(context, '分段支付比例', `basic.inpatient.levels.${claim.level}.ratio_bands`, bands, 'bands'));
    else
      params.push(
        param(
          context,
          '支付比例',
          referral?.ratio !== undefined
            ? `basic.inpatient.referral.${claim.referral ?? ''}.ratio`
            : `basic.inpatient.levels.${claim.level}.ratio`,
          ratio,
          'bp',
        ),
      );
    if (left !== UNLIMITED)
      params.push(
        param(
          context,
          '年度最高支付限额',
          'basic.annual_cap.amount',
          context.policy.rules.basic.annual_cap.amount ?? 0,
          'fen',
        ),
      );
    context.trace.push({
      layer: 'basic',
      rule: '住院统筹：（政策范围内费用 − 起付线）× 支付比例，不超过年度限额余额',
      params,
      figures: { base, deductible, deductiblePaid, above, entitled, limitLeft: left === UNLIMITED ? -1 : left },
      paid,
    });
  }
  return { deductiblePaid, ratio: bands ? (bands[0]?.ratio ?? 0) : ratio };
}

function settleOrdinaryOutpatient(context: Context): BasicOutcome {
  const rule = context.policy.rules.basic.ordinary_outpatient;
  const ratio = rule?.ratio[context.claim.level];
  if (!rule || ratio === undefined) return notCovered(context, '普通门诊统筹：该级别医疗机构不在门诊统筹支付范围');
  const before = context.ytd.outpatient;
  const limit = rule.annual_limit ?? UNLIMITED;
  const outcome = yearlyScheme(context, before.base, before.paid, rule.deductible, ratio, limit);
  context.ytd.outpatient = { base: before.base + outcome.base, paid: before.paid + outcome.paid };
  if (context.trace) {
    context.trace.push({
      layer: 'basic',
      rule: '普通门诊统筹：年度累计（政策范围内费用 − 年度起付线）× 支付比例，不超过年度限额',
      params: [
        param(context, '年度起付线', 'basic.ordinary_outpatient.deductible', rule.deductible, 'fen'),
        param(
          context,
          `支付比例（${LEVEL_NAMES[context.claim.level]}）`,
          `basic.ordinary_outpatient.ratio.${context.claim.level}`,
          ratio,
          'bp',
        ),
        param(
          context,
          '年度限额',
          'basic.ordinary_outpatient.annual_limit',
          rule.annual_limit ?? '不设',
          rule.annual_limit === null ? 'text' : 'fen',
        ),
      ],
      figures: outcome.figures,
      paid: outcome.paid,
    });
  }
  return { deductiblePaid: outcome.deductiblePaid, ratio };
}

function settleChronicOutpatient(context: Context): BasicOutcome {
  const rule = context.policy.rules.basic.chronic_outpatient;
  const schemeCode = context.claim.chronicScheme ?? rule?.default_scheme ?? '';
  const scheme = rule?.schemes[schemeCode];
  if (!scheme) return notCovered(context, `门诊慢特病：本政策没有 ${schemeCode || '门诊慢特病'} 待遇`);
  const before = context.ytd.chronic.find((entry) => entry.scheme === schemeCode) ?? {
    scheme: schemeCode,
    base: 0,
    paid: 0,
  };
  const schemeLimit = scheme.annual_limit ?? UNLIMITED;
  const cap = capLeft(context);
  const limit = cap === UNLIMITED ? schemeLimit : Math.min(schemeLimit, before.paid + cap);
  const outcome = yearlyScheme(context, before.base, before.paid, scheme.deductible, scheme.ratio, limit);
  const updated = { scheme: schemeCode, base: before.base + outcome.base, paid: before.paid + outcome.paid };
  context.ytd.chronic = [...context.ytd.chronic.filter((entry) => entry.scheme !== schemeCode), updated];
  countAgainstCap(context, outcome.paid);
  if (context.trace) {
    const path = `basic.chronic_outpatient.schemes.${schemeCode}`;
    context.trace.push({
      layer: 'basic',
      rule: `门诊慢特病（${scheme.name}）：年度累计（政策范围内费用 − 年度起付线）× 支付比例，不超过年度限额`,
      params: [
        param(context, '年度起付线', `${path}.deductible`, scheme.deductible, 'fen'),
        param(context, '支付比例', `${path}.ratio`, scheme.ratio, 'bp'),
        param(
          context,
          '年度限额',
          `${path}.annual_limit`,
          scheme.annual_limit ?? '不设',
          scheme.annual_limit === null ? 'text' : 'fen',
        ),
      ],
      figures: outcome.figures,
      paid: outcome.paid,
    });
  }
  return { deductiblePaid: outcome.deductiblePaid, ratio: scheme.ratio };
}

/** A yearly deductible and ratio on the cumulative in-scope amount, within a yearly limit. */
function yearlyScheme(
  context: Context,
  baseBefore: Fen,
  paidBefore: Fen,
  deductible: Fen,
  ratio: Bp,
  limit: Fen,
): { base: Fen; paid: Fen; deductiblePaid: Fen; figures: Record<string, number> } {
  const base = context.claim.inScope;
  const after = baseBefore + base;
  const step = increment(
    thresholdEntitlement(baseBefore, deductible, ratio),
    thresholdEntitlement(after, deductible, ratio),
    limit,
    paidBefore,
  );
  const deductiblePaid = Math.min(after, deductible) - Math.min(baseBefore, deductible);
  record(context, 'basic', base, Math.min(base, step.limitLeft), step.paid);
  return {
    base,
    paid: step.paid,
    deductiblePaid,
    figures: {
      base,
      cumulativeBefore: baseBefore,
      cumulativeAfter: after,
      deductiblePaid,
      entitlementBefore: step.entitlementBefore,
      entitlementAfter: step.entitlementAfter,
      limitLeft: limit === UNLIMITED ? -1 : step.limitLeft,
    },
  };
}

/** A temporary policy replacing the basic rule (COVID outpatient care: no deductible, no cap, 75%). */
function settleOverride(context: Context, rule: TemporaryRule): BasicOutcome {
  if (rule.effect.type !== 'basic_override') return NONE;
  const { deductible, ratio, annual_limit } = rule.effect;
  const base = context.claim.inScope;
  const deductiblePaid = deductible < base ? deductible : base;
  const entitled = applyRatio(base - deductiblePaid, ratio);
  const paid = annual_limit === null ? entitled : Math.min(entitled, annual_limit);
  record(context, 'basic', base, base - deductiblePaid, paid);
  if (context.trace) {
    const index = context.policy.rules.temporary.indexOf(rule);
    context.trace.push({
      layer: 'basic',
      rule: `临时政策「${rule.name}」：（政策范围内费用 − 起付线）× 支付比例（${rule.window.from} 至 ${rule.window.until}）`,
      params: [
        param(context, '起付线', `temporary.${index}.effect.deductible`, deductible, 'fen'),
        param(context, '支付比例', `temporary.${index}.effect.ratio`, ratio, 'bp'),
        param(
          context,
          '限额',
          `temporary.${index}.effect.annual_limit`,
          annual_limit ?? '不设',
          annual_limit === null ? 'text' : 'fen',
        ),
      ],
      figures: { base, deductiblePaid, entitled },
      paid,
    });
  }
  return { deductiblePaid, ratio };
}

function notCovered(context: Context, rule: string): BasicOutcome {
  record(context, 'basic', context.claim.inScope, 0, 0);
  if (context.trace)
    context.trace.push({ layer: 'basic', rule, params: [], figures: { base: context.claim.inScope }, paid: 0 });
  return NONE;
}

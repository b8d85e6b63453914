/** Layer 1: the basic medical insurance pooling fund (基本医保统筹基金). */
import { INSTITUTION_LEVELS, LEVEL_NAMES, REFERRAL_NAMES, type InstitutionLevel, type Referral } from '../../codes.js';
import { applyRatio, FULL, UNLIMITED, type Bp, type Fen } from '../../money.js';
import type { TemporaryRule } from '../../policy/schema.js';
import { record, type LayerContext } from '../context.js';
import { bandEntitlement, increment, thresholdEntitlement } from '../cumulative.js';
import { defineLayer } from '../layer.js';
import { cite, citations, keptCitations, NO_PARAMS, read, readLimit, stepCitations } from '../parameters.js';
import { temporaryRulesFor } from '../temporary-rules.js';

type Context = LayerContext<'basic' | 'temporary', 'admissions' | 'basicCapUsed' | 'outpatient' | 'chronic'>;

export const basic = defineLayer({
  layer: 'basic',
  fund: '390100',
  field: 'hifp_pay',
  accumulators: ['admissions', 'basicCapUsed', 'outpatient', 'chronic'],
  // A temporary policy may replace the basic rule (basic_override).
  reads: ['basic', 'temporary'],
  reaches: () => true,
  settle(context) {
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
        return; // special drugs are paid by the critical-illness fund's own rule
    }
  },
});

/** Parameter names that depend on the level or the referral, worded once. */
function named<K extends string>(names: Record<K, string>, word: (name: string) => string): Record<K, string> {
  return Object.fromEntries(Object.entries<string>(names).map(([key, name]) => [key, word(name)])) as Record<K, string>;
}
const LEVEL_DEDUCTIBLE = named<InstitutionLevel>(LEVEL_NAMES, (name) => `起付线（${name}）`);
const LEVEL_RATIO = named<InstitutionLevel>(LEVEL_NAMES, (name) => `支付比例（${name}）`);
const REFERRAL_DEDUCTIBLE = named<Referral>(REFERRAL_NAMES, (name) => `起付线（${name}）`);
/** Where the outpatient step of each level keeps its citations (PolicyAtDate.memo). */
const OUTPATIENT_STEP = Object.fromEntries(
  INSTITUTION_LEVELS.map((level) => [level, `basic.ordinary_outpatient.${level}`]),
) as Record<InstitutionLevel, string>;

/** What the yearly cap shared by inpatient and chronic care (when the policy says so) still allows. */
function capLeft(context: Context): Fen {
  const cap = context.rules.basic.annual_cap;
  if (cap.amount === null || !cap.applies_to.includes(context.claim.encounter)) return UNLIMITED;
  return cap.amount > context.ytd.basicCapUsed ? cap.amount - context.ytd.basicCapUsed : 0;
}

function countAgainstCap(context: Context, paid: Fen): void {
  if (context.rules.basic.annual_cap.applies_to.includes(context.claim.encounter)) context.ytd.basicCapUsed += paid;
}

function settleInpatient(context: Context): void {
  const { claim, ytd } = context;
  const inpatient = context.rules.basic.inpatient;
  const level = inpatient.levels[claim.level];
  const referral = claim.referral !== null ? inpatient.referral?.[claim.referral] : undefined;
  const cited = citations(context.trace);
  const fullDeductible =
    referral && claim.referral !== null
      ? read(cited, referral, 'deductible', REFERRAL_DEDUCTIBLE[claim.referral], 'fen')
      : read(cited, level, 'deductible', LEVEL_DEDUCTIBLE[claim.level], 'fen');
  const ordinal = ytd.admissions + 1;
  const shares = inpatient.deductible_by_admission;
  const share = shares[Math.min(ordinal, shares.length) - 1] ?? FULL;
  cite(cited, inpatient, 'deductible_by_admission', cited ? `年内第 ${ordinal} 次住院起付线比例` : '', share, 'bp');
  const deductible = share === FULL ? fullDeductible : applyRatio(fullDeductible, share);
  const base = claim.inScope;
  const deductiblePaid = deductible < base ? deductible : base;
  const above = base - deductiblePaid;
  const bands = referral ? undefined : level.ratio_bands;
  let ratio: Bp;
  let entitled: Fen;
  if (bands) {
    const paidBands = read(cited, level, 'ratio_bands', '分段支付比例', 'bands');
    entitled = bandEntitlement(above, 0, paidBands, 'above_deductible');
    ratio = paidBands[0]?.ratio ?? 0;
  } else {
    // A referral without its own ratio is paid at the level's.
    ratio =
      referral?.ratio !== undefined
        ? read(cited, referral, 'ratio', '支付比例', 'bp')
        : read(cited, level, 'ratio', '支付比例', 'bp');
    entitled = applyRatio(above, ratio);
  }
  const left = capLeft(context);
  const paid = entitled < left ? entitled : left;
  ytd.admissions = ordinal;
  countAgainstCap(context, paid);
  record(context, 'basic', base, above < left ? above : left, paid);
  context.deductiblePaid = deductiblePaid;
  context.ratio = ratio;
  if (context.trace && cited) {
    if (left !== UNLIMITED) {
      const cap = context.rules.basic.annual_cap;
      cite(cited, cap, 'amount', '年度最高支付限额', cap.amount ?? 0, 'fen');
    }
    context.trace.push({
      layer: 'basic',
      rule: '住院统筹：（政策范围内费用 − 起付线）× 支付比例，不超过年度限额余额',
      params: cited,
      figures: { base, deductible, deductiblePaid, above, entitled, limitLeft: left === UNLIMITED ? -1 : left },
      paid,
    });
  }
}

function settleOrdinaryOutpatient(context: Context): void {
  const rule = context.rules.basic.ordinary_outpatient;
  const level = context.claim.level;
  if (!rule || rule.ratio[level] === undefined)
    return notCovered(context, '普通门诊统筹：该级别医疗机构不在门诊统筹支付范围');
  // Most claims are outpatient visits, and a level's rule cites the same three values every time.
  const step = OUTPATIENT_STEP[level];
  const kept = keptCitations(context.trace, context.memo, step);
  const cited = kept ? null : citations(context.trace);
  const deductible = read(cited, rule, 'deductible', '年度起付线', 'fen');
  const ratio = read(cited, rule.ratio, level, LEVEL_RATIO[level], 'bp');
  const limit = readLimit(cited, rule, 'annual_limit', '年度限额') ?? UNLIMITED;
  const before = context.ytd.outpatient;
  const outcome = yearlyScheme(context, before.base, before.paid, deductible, ratio, limit);
  context.ytd.outpatient = { base: before.base + outcome.base, paid: before.paid + outcome.paid };
  context.deductiblePaid = outcome.deductiblePaid;
  context.ratio = ratio;
  if (context.trace && outcome.figures) {
    context.trace.push({
      layer: 'basic',
      rule: '普通门诊统筹：年度累计（政策范围内费用 − 年度起付线）× 支付比例，不超过年度限额',
      params: stepCitations(context.memo, step, kept, cited),
      figures: outcome.figures,
      paid: outcome.paid,
    });
  }
}

function settleChronicOutpatient(context: Context): void {
  const rule = context.rules.basic.chronic_outpatient;
  const schemeCode = context.claim.chronicScheme ?? rule?.default_scheme ?? '';
  // The scheme comes with the claim: only the policy's own schemes, never a property every object has.
  const scheme = rule && Object.hasOwn(rule.schemes, schemeCode) ? rule.schemes[schemeCode] : undefined;
  if (!scheme) return notCovered(context, `门诊慢特病：本政策没有 ${schemeCode || '门诊慢特病'} 待遇`);
  const before = context.ytd.chronic.find((entry) => entry.scheme === schemeCode) ?? {
    scheme: schemeCode,
    base: 0,
    paid: 0,
  };
  const cited = citations(context.trace);
  const deductible = read(cited, scheme, 'deductible', '年度起付线', 'fen');
  const ratio = read(cited, scheme, 'ratio', '支付比例', 'bp');
  const schemeLimit = readLimit(cited, scheme, 'annual_limit', '年度限额') ?? UNLIMITED;
  const cap = capLeft(context);
  const limit = cap === UNLIMITED ? schemeLimit : Math.min(schemeLimit, before.paid + cap);
  const outcome = yearlyScheme(context, before.base, before.paid, deductible, ratio, limit);
  const updated = { scheme: schemeCode, base: before.base + outcome.base, paid: before.paid + outcome.paid };
  context.ytd.chronic = [...context.ytd.chronic.filter((entry) => entry.scheme !== schemeCode), updated];
  countAgainstCap(context, outcome.paid);
  context.deductiblePaid = outcome.deductiblePaid;
  context.ratio = ratio;
  if (context.trace && cited && outcome.figures) {
    context.trace.push({
      layer: 'basic',
      rule: `门诊慢特病（${scheme.name}）：年度累计（政策范围内费用 − 年度起付线）× 支付比例，不超过年度限额`,
      params: cited,
      figures: outcome.figures,
      paid: outcome.paid,
    });
  }
}

interface YearlyOutcome {
  base: Fen;
  paid: Fen;
  deductiblePaid: Fen;
  figures: Record<string, number> | null;
}

/** A yearly deductible and ratio on the cumulative in-scope amount, within a yearly limit. */
function yearlyScheme(
  context: Context,
  baseBefore: Fen,
  paidBefore: Fen,
  deductible: Fen,
  ratio: Bp,
  limit: Fen,
): YearlyOutcome {
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
    figures: context.trace && {
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
function settleOverride(context: Context, rule: TemporaryRule): void {
  const effect = rule.effect;
  if (effect.type !== 'basic_override') return;
  const cited = citations(context.trace);
  const deductible = read(cited, effect, 'deductible', '起付线', 'fen');
  const ratio = read(cited, effect, 'ratio', '支付比例', 'bp');
  const limit = readLimit(cited, effect, 'annual_limit', '限额');
  const base = context.claim.inScope;
  const deductiblePaid = deductible < base ? deductible : base;
  const entitled = applyRatio(base - deductiblePaid, ratio);
  const paid = limit === null ? entitled : Math.min(entitled, limit);
  record(context, 'basic', base, base - deductiblePaid, paid);
  context.deductiblePaid = deductiblePaid;
  context.ratio = ratio;
  if (context.trace && cited) {
    const { name, window } = rule;
    context.trace.push({
      layer: 'basic',
      rule: `临时政策「${name}」：（政策范围内费用 − 起付线）× 支付比例（${window.from} 至 ${window.until}）`,
      params: cited,
      figures: { base, deductiblePaid, entitled },
      paid,
    });
  }
}

function notCovered(context: Context, rule: string): void {
  record(context, 'basic', context.claim.inScope, 0, 0);
  if (context.trace)
    context.trace.push({ layer: 'basic', rule, params: NO_PARAMS, figures: { base: context.claim.inScope }, paid: 0 });
}

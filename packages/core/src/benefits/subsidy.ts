/** Classified premium subsidy (分类资助参保): what the medical assistance fund pays of a person's contribution. */
import { CATEGORY_NAMES, type CategoryCode } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import { applyRatio, formatRatio, formatYuan, type Fen } from '../money.js';
import type { PolicyAtDate, Provenance } from '../policy/resolve.js';
import type { SubsidyRule } from '../policy/schema.js';
import { decidingCategory } from '../engine/settle.js';
import type { CategorySpell } from '../engine/types.js';

export interface SubsidyResult {
  category: CategoryCode;
  /** The individual contribution the person owes before subsidy (the standard, or the tier chosen). */
  contribution: Fen;
  fiscal: Fen;
  subsidy: Fen;
  personPays: Fen;
  rule: SubsidyRule | null;
  /** Chinese, e.g. "低保对象：个人缴费 320.00 元 × 90% = 288.00 元（取整到元）". */
  explanation: string;
  source: Provenance | undefined;
}

/**
 * The subsidy for a person's categories on a date (the collection date decides who is a target). A person in
 * several categories gets the most favourable by the policy's precedence, never two subsidies.
 */
export function premiumSubsidy(
  policy: PolicyAtDate,
  spells: readonly CategorySpell[],
  date: string,
  tier?: Fen,
): SubsidyResult {
  const { premium, subsidy } = policy.rules;
  let contribution = premium.individual;
  if (tier !== undefined) {
    if (!premium.tiers?.includes(tier)) {
      const allowed = premium.tiers?.map(formatYuan).join('、') ?? formatYuan(premium.individual);
      throw new SanbaoError([
        problem('CODE_UNKNOWN', `缴费档次 ${formatYuan(tier)} 元不在本政策的档次中（${allowed}）`),
      ]);
    }
    contribution = tier;
  }
  const category = decidingCategory(spells, date, policy.rules.categories.precedence);
  const rule = subsidy.categories[category] ?? null;
  const who = CATEGORY_NAMES[category];
  let amount = 0;
  let explanation = `${who}：无资助，个人缴费 ${formatYuan(contribution)} 元`;
  if (rule) {
    switch (rule.type) {
      case 'full':
        amount = contribution;
        explanation = `${who}：全额资助 ${formatYuan(contribution)} 元`;
        break;
      case 'percent': {
        const exact = applyRatio(contribution, rule.ratio);
        amount = subsidy.rounding === 'yuan' ? Math.floor((exact + 50) / 100) * 100 : exact;
        explanation = `${who}：个人缴费 ${formatYuan(contribution)} 元 × ${formatRatio(rule.ratio)} = ${formatYuan(amount)} 元${subsidy.rounding === 'yuan' ? '（定额，四舍五入到元）' : ''}`;
        break;
      }
      case 'fixed':
        amount = Math.min(rule.amount, contribution);
        explanation = `${who}：定额资助 ${formatYuan(amount)} 元`;
        break;
    }
  }
  return {
    category,
    contribution,
    fiscal: premium.fiscal,
    subsidy: amount,
    personPays: contribution - amount,
    rule,
    explanation,
    source: policy.source(`subsidy.categories.${category}`),
  };
}

/**
 * First day of cover for a contribution paid on paidDate for coverageYear. A newborn insured within the policy's
 * months of birth is covered from birth; everybody else from the coverage year's first day (当年缴费，次年享受).
 */
export function coverageStart(policy: PolicyAtDate, coverageYear: number, paidDate: string, birthDate: string): string {
  const months = policy.rules.premium.newborn_months;
  if (months > 0 && birthDate.slice(0, 4) === String(coverageYear)) {
    const limit = new Date(`${birthDate}T00:00:00Z`);
    const day = limit.getUTCDate();
    limit.setUTCMonth(limit.getUTCMonth() + months);
    if (limit.getUTCDate() !== day) limit.setUTCDate(0); // 30 Nov + 3 months: the last day of February
    if (paidDate <= limit.toISOString().slice(0, 10)) return birthDate;
  }
  const yearStart = `${coverageYear}-01-01`;
  return paidDate > yearStart ? paidDate : yearStart;
}

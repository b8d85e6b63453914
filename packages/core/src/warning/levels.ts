/** Early warning against poverty caused by illness (蓝黄红): the level a person-year's out-of-pocket amount reaches. */
import type { WarningLevel } from '../codes.js';
import type { Fen } from '../money.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import type { Cadence, WarningRules } from '../policy/schema.js';
import { activeCategories } from '../engine/settle.js';
import type { CategorySpell, YearToDate } from '../engine/types.js';

export interface WarningAssessment {
  level: WarningLevel;
  population: string;
  /** The amount measured (the year's personal burden, or its in-scope part, as the policy says). */
  amount: Fen;
  thresholds: WarningRules['populations'][number]['thresholds'];
  screening: Cadence;
  /** How soon the level is fed back to the township and department; null for no warning. */
  feedback: Cadence | null;
}

/**
 * Levels are crossed strictly above a threshold ("自付超过3万元"). A person in any of a population's categories
 * belongs to it; "others" catches everybody else. Null when the policy sets no warning rules.
 */
export function assessWarning(
  policy: PolicyAtDate,
  spells: readonly CategorySpell[],
  date: string,
  ytd: YearToDate,
): WarningAssessment | null {
  const rules = policy.rules.warning;
  if (!rules) return null;
  const active = activeCategories(spells, date);
  const population =
    rules.populations.find((p) => p.categories !== 'others' && p.categories.some((code) => active.includes(code))) ??
    rules.populations.find((p) => p.categories === 'others');
  if (!population) return null;
  const amount = rules.measure === 'personal_burden' ? ytd.personalBurden : ytd.inScopeBurden;
  const { thresholds } = population;
  const level: WarningLevel =
    amount > thresholds.red
      ? 'red'
      : amount > thresholds.yellow
        ? 'yellow'
        : thresholds.blue !== undefined && amount > thresholds.blue
          ? 'blue'
          : 'none';
  return {
    level,
    population: population.name,
    amount,
    thresholds,
    screening: population.screening,
    feedback: level === 'none' ? null : rules.feedback[level],
  };
}

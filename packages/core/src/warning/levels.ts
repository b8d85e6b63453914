/** Early warning against poverty caused by illness (蓝黄红): the level a person-year's out-of-pocket amount reaches. */
import { burdenOf } from '../benefits/application.js';
import type { CategoryCode, WarningLevel } from '../codes.js';
import type { Fen } from '../money.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import type { Cadence, WarningRules } from '../policy/schema.js';
import { activeCategories } from '../engine/settle.js';
import type { CategorySpell, YearToDate } from '../engine/types.js';

export type WarningPopulation = WarningRules['populations'][number];

export const LEVEL_RANK: Record<WarningLevel, number> = { none: 0, blue: 1, yellow: 2, red: 3 };

export interface WarningAssessment {
  level: WarningLevel;
  population: string;
  /** The amount measured (the year's personal burden, or its in-scope part, as the policy says). */
  amount: Fen;
  thresholds: WarningPopulation['thresholds'];
  screening: Cadence;
  /** How soon the level is fed back to the township and department; null for no warning. */
  feedback: Cadence | null;
}

/** A person in any of a population's categories belongs to it; "others" catches everybody else. */
export function populationOf(rules: WarningRules, active: readonly CategoryCode[]): WarningPopulation | undefined {
  return (
    rules.populations.find((p) => p.categories !== 'others' && p.categories.some((code) => active.includes(code))) ??
    rules.populations.find((p) => p.categories === 'others')
  );
}

/** Levels are crossed strictly above a threshold ("自付超过3万元"); a population without blue has no blue. */
export function levelOf(thresholds: WarningPopulation['thresholds'], amount: Fen): WarningLevel {
  if (amount > thresholds.red) return 'red';
  if (amount > thresholds.yellow) return 'yellow';
  if (thresholds.blue !== undefined && amount > thresholds.blue) return 'blue';
  return 'none';
}

/** The smallest amount that raises any warning under these rules: screening need look at nobody below it. */
export function lowestThreshold(rules: WarningRules): Fen {
  return Math.min(...rules.populations.map((p) => p.thresholds.blue ?? p.thresholds.yellow));
}

export function measuredAmount(rules: WarningRules, ytd: Pick<YearToDate, 'personalBurden' | 'inScopeBurden'>): Fen {
  return burdenOf(rules.measure, ytd);
}

/** The assessment from active categories and the measured amount (what screening has for each person-year). */
export function classifyWarning(
  rules: WarningRules,
  active: readonly CategoryCode[],
  amount: Fen,
): WarningAssessment | null {
  const population = populationOf(rules, active);
  if (!population) return null;
  const level = levelOf(population.thresholds, amount);
  return {
    level,
    population: population.name,
    amount,
    thresholds: population.thresholds,
    screening: population.screening,
    feedback: level === 'none' ? null : rules.feedback[level],
  };
}

/** Null when the policy sets no warning rules. */
export function assessWarning(
  policy: PolicyAtDate,
  spells: readonly CategorySpell[],
  date: string,
  ytd: YearToDate,
): WarningAssessment | null {
  const rules = policy.rules.warning;
  if (!rules) return null;
  return classifyWarning(rules, activeCategories(spells, date), measuredAmount(rules, ytd));
}

export type LevelCause = 'screening' | 'settlement' | 'cancellation';

/**
 * The level a person-year moves to, or null when it stays. Within a year a level only goes up — a person whose
 * category ends keeps the warning already raised — except when a settlement is cancelled: the amount it added was
 * never spent, so the level follows the amount down.
 */
export function nextLevel(stored: WarningLevel, assessed: WarningLevel, cause: LevelCause): WarningLevel | null {
  if (assessed === stored) return null;
  if (LEVEL_RANK[assessed] > LEVEL_RANK[stored]) return assessed;
  return cause === 'cancellation' ? assessed : null;
}

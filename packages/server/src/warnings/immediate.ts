/**
 * The checks a settlement and a cancellation make in their own transaction: a red crossing is raised at once (the
 * other levels wait for the population's screening), and a cancellation takes the level down with the amount.
 */
import {
  activeCategories,
  classifyWarning,
  levelOf,
  measuredAmount,
  nextLevel,
  yearOf,
  type CategorySpell,
  type PolicyAtDate,
  type WarningLevel,
  type YearToDate,
} from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { categoriesOf, type PersonRow } from '../persons/repository.js';
import { levelChange, levelChangeQuery, type LevelChange } from './levels.js';

/** The red warning this settlement raises: only when it is the one that carries the amount above the red line. */
export function redCrossing(
  policy: PolicyAtDate,
  person: PersonRow,
  spells: readonly CategorySpell[],
  date: string,
  before: YearToDate,
  after: YearToDate,
  setlId: string,
): LevelChange | null {
  const rules = policy.rules.warning;
  if (!rules) return null;
  const assessment = classifyWarning(rules, activeCategories(spells, date), measuredAmount(rules, after));
  if (assessment?.level !== 'red') return null;
  if (levelOf(assessment.thresholds, measuredAmount(rules, before)) === 'red') return null;
  return levelChange(person, after.year, rules, assessment, 'red', date, setlId);
}

/** After a cancellation: the person-year's warning follows the amount that is left, down as well as up. */
export async function lowerWarning(
  client: PoolClient,
  context: { today: string; now: Date; policies: PolicyRegistry },
  person: PersonRow,
  year: number,
  restored: YearToDate,
  cancelId: string,
): Promise<void> {
  const { rows } = await client.query<{ level: WarningLevel }>(
    'select level from warnings where psn_no = $1 and year = $2 for update',
    [person.psn_no, year],
  );
  const stored = rows[0]?.level;
  if (stored === undefined || stored === 'none') return;
  const date = year === yearOf(context.today) ? context.today : `${year}-12-31`;
  const rules = context.policies.warningRules(person.policy_id, date);
  if (!rules) return;
  const spells = await categoriesOf(client, person.psn_no);
  const assessment = classifyWarning(rules, activeCategories(spells, date), measuredAmount(rules, restored));
  if (!assessment) return;
  const level = nextLevel(stored, assessment.level, 'cancellation');
  if (level === null) return;
  await client.query(
    levelChangeQuery(
      [levelChange(person, year, rules, assessment, level, date, cancelId)],
      'cancellation',
      context.now,
    ),
  );
}

/**
 * Screening (筛查): every person-year of the year against the policy of the person's region. Only person-years above
 * the policy's lowest threshold can be warned, so the database hands over just those, with their categories on the
 * day and their stored level; the levels are classified by the core and the changes written in one statement.
 */
import {
  classifyWarning,
  lowestThreshold,
  nextLevel,
  yearOf,
  type Cadence,
  type CategoryCode,
  type WarningLevel,
} from '@sanbao/core';
import { groupBy } from '../collections.js';
import { inTransaction, type Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { levelChange, levelChangeQuery, type LevelChange } from './levels.js';

export interface ScreeningOptions {
  /** The day screened (China date): categories are taken as they stand on it, the year is its year. */
  date: string;
  now: Date;
  /** Only the populations screened at this cadence (a scheduled run); all of them when absent. */
  cadence?: Cadence | undefined;
  /** A region and the regions under it; everywhere when absent. */
  region?: string | undefined;
}

export interface ScreeningSummary {
  date: string;
  year: number;
  cadence: Cadence | null;
  /** Person-years above a policy's lowest threshold, looked at one by one. */
  candidates: number;
  /** Level changes made by this screening, by the level reached. */
  raised: Record<'blue' | 'yellow' | 'red', number>;
  /** The warnings standing after the screening, by county and township. */
  townships: { admdvs: string; county: string; township: string; blue: number; yellow: number; red: number }[];
  milliseconds: number;
}

interface Candidate {
  psn_no: string;
  admdvs: string;
  township: string;
  amount: string;
  active: CategoryCode[];
  stored: WarningLevel;
}

const WRITE_CHUNK = 5000;

export async function screen(
  pool: Pool,
  policies: PolicyRegistry,
  options: ScreeningOptions,
): Promise<ScreeningSummary> {
  const started = performance.now();
  const year = yearOf(options.date);
  const { rows: regions } = await pool.query<{ admdvs: string; policy_id: string }>(
    `select admdvs, policy_id from regions r
      where $1::text is null or r.admdvs = $1 or r.parent = $1 order by admdvs`,
    [options.region ?? null],
  );
  const byPolicy = groupBy(regions, (region) => region.policy_id);
  const raised = { blue: 0, yellow: 0, red: 0 };
  let candidates = 0;
  for (const [policyId, members] of byPolicy) {
    const rules = policies.warningRules(policyId, options.date);
    if (!rules) continue;
    if (options.cadence && !rules.populations.some((p) => p.screening === options.cadence)) continue;
    const measure = rules.measure === 'personal_burden' ? 'personal_burden' : 'in_scope_burden';
    const { rows } = await pool.query<Candidate>(
      `select y.psn_no, p.admdvs, p.township, y.${measure} as amount, coalesce(w.level, 'none') as stored,
              array(select c.code from person_categories c
                     where c.psn_no = y.psn_no and c.begin_date <= $3::date and (c.end_date is null or c.end_date >= $3::date)) as active
         from person_years y
         join persons p on p.psn_no = y.psn_no
         left join warnings w on w.psn_no = y.psn_no and w.year = y.year
        where y.year = $1 and y.${measure} > $2 and p.admdvs = any($4::text[])`,
      [year, lowestThreshold(rules), options.date, members.map((region) => region.admdvs)],
    );
    candidates += rows.length;
    const changes: LevelChange[] = [];
    for (const row of rows) {
      const assessment = classifyWarning(rules, row.active, Number(row.amount));
      if (!assessment || (options.cadence && assessment.screening !== options.cadence)) continue;
      const level = nextLevel(row.stored, assessment.level, 'screening');
      if (level !== null) changes.push(levelChange(row, year, rules, assessment, level, options.date));
    }
    await inTransaction(pool, async (client) => {
      for (let start = 0; start < changes.length; start += WRITE_CHUNK) {
        const { rows: made } = await client.query<{ to_level: 'blue' | 'yellow' | 'red' }>(
          levelChangeQuery(changes.slice(start, start + WRITE_CHUNK), 'screening', options.now),
        );
        for (const change of made) raised[change.to_level] += 1;
      }
    });
  }
  return {
    date: options.date,
    year,
    cadence: options.cadence ?? null,
    candidates,
    raised,
    townships: await standing(pool, year, options.region),
    milliseconds: Math.round(performance.now() - started),
  };
}

async function standing(pool: Pool, year: number, region: string | undefined): Promise<ScreeningSummary['townships']> {
  const { rows } = await pool.query<ScreeningSummary['townships'][number]>(
    `select w.admdvs, r.name as county, w.township,
            count(*) filter (where w.level = 'blue')::int as blue,
            count(*) filter (where w.level = 'yellow')::int as yellow,
            count(*) filter (where w.level = 'red')::int as red
       from warnings w join regions r on r.admdvs = w.admdvs
      where w.year = $1 and w.level <> 'none' and ($2::text is null or r.admdvs = $2 or r.parent = $2)
      group by w.admdvs, r.name, w.township order by w.admdvs, w.township`,
    [year, region ?? null],
  );
  return rows;
}

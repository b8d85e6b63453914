/**
 * The console's paged reads of enrollment: a year's enrollments, a month's subsidy adjustments, the subsidy roster and
 * the 应保尽保 list, each within the user's scope (a township's user: their township), filtered, a page at a time
 * with how many match and, where amounts are listed, their sums in fen (summed by the database).
 */
import type { Fen } from '@sanbao/core';
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';

/** Where the rows' persons (alias `p`) must be: the region asked (or the scope) and a township, if any. */
export interface PersonFilter {
  region: string | null;
  township: string | null;
}

const WHERE_PERSON = (first: number): string =>
  `${inScope('p.admdvs', first)} and ($${first + 1}::text is null or p.township = $${first + 1})`;

export interface EnrollmentRow {
  psn_no: string;
  psn_name: string;
  /** Sealed until masked. */
  certno: string;
  county: string;
  township: string;
  year: number;
  begin_date: string;
  end_date: string;
  contribution: Fen;
  fiscal: Fen;
  subsidy: Fen;
  person_pays: Fen;
  subsidy_category: string | null;
  subsidy_rule: string | null;
  paid_on: string | null;
}

export interface Sums {
  contribution: Fen;
  subsidy: Fen;
  person_pays: Fen;
}

/** A year's enrollments (all of them when size is null), the latest paid first; `q` finds a person by number or the start of a name. */
export async function enrollmentsIn(
  pool: Pool,
  filter: PersonFilter & { year: number; q: string | null },
  page: number,
  size: number | null,
): Promise<{ total: number; sums: Sums; rows: EnrollmentRow[] }> {
  const where = `e.year = $1 and ${WHERE_PERSON(2)} and ($4::text is null or p.psn_no = $4 or p.psn_name like $4 || '%')`;
  const values = [filter.year, filter.region, filter.township, filter.q];
  const counted = await pool.query<Sums & { total: number }>(
    `select count(*)::int as total, coalesce(sum(e.contribution), 0)::bigint as contribution,
            coalesce(sum(e.subsidy), 0)::bigint as subsidy, coalesce(sum(e.person_pays), 0)::bigint as person_pays
       from enrollments e join persons p on p.psn_no = e.psn_no where ${where}`,
    values,
  );
  const { rows } = await pool.query<EnrollmentRow>(
    `select e.psn_no, p.psn_name, p.certno_sm4 as certno, r.name as county, p.township, e.year,
            to_char(e.begin_date, 'YYYY-MM-DD') as begin_date, to_char(e.end_date, 'YYYY-MM-DD') as end_date,
            e.contribution, e.fiscal, e.subsidy, e.person_pays, e.subsidy_category, e.subsidy_rule,
            to_char(e.paid_on, 'YYYY-MM-DD') as paid_on
       from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where ${where}
      order by e.paid_on desc nulls last, e.psn_no limit $5 offset $6`,
    [...values, size, size === null ? 0 : (page - 1) * size],
  );
  const { total, ...sums } = counted.rows[0]!;
  return { total, sums, rows };
}

export interface AdjustmentRow {
  psn_no: string;
  psn_name: string;
  certno: string;
  county: string;
  township: string;
  year: number;
  month: string;
  category: string;
  before: Fen;
  after: Fen;
  delta: Fen;
  actor: string;
  at: Date;
}

/** A month's subsidy adjustments (all of them when size is null), and how many and how much in all. */
export async function adjustmentsIn(
  pool: Pool,
  filter: PersonFilter & { month: string },
  page: number,
  size: number | null,
): Promise<{ total: number; delta: Fen; rows: AdjustmentRow[] }> {
  const where = `a.month = $1 and ${WHERE_PERSON(2)}`;
  const values = [filter.month, filter.region, filter.township];
  const counted = await pool.query<{ total: number; delta: Fen }>(
    `select count(*)::int as total, coalesce(sum(a.delta), 0)::bigint as delta
       from subsidy_adjustments a join persons p on p.psn_no = a.psn_no where ${where}`,
    values,
  );
  const { rows } = await pool.query<AdjustmentRow>(
    `select a.psn_no, p.psn_name, p.certno_sm4 as certno, r.name as county, p.township, a.year, a.month, a.category,
            a.before, a.after, a.delta, a.actor, a.at
       from subsidy_adjustments a join persons p on p.psn_no = a.psn_no join regions r on r.admdvs = p.admdvs
      where ${where}
      order by p.admdvs, p.township, a.psn_no limit $4 offset $5`,
    [...values, size, size === null ? 0 : (page - 1) * size],
  );
  return { ...counted.rows[0]!, rows };
}

export interface RosterGroup extends Sums {
  county: string;
  township: string;
  category: string | null;
  persons: number;
}

/** The subsidy roster of a year: its groups (county, township, category) and a page of its persons. */
export async function rosterPage(
  pool: Pool,
  filter: PersonFilter & { year: number; category: string | null },
  page: number,
  size: number,
): Promise<{ total: number; groups: RosterGroup[]; rows: EnrollmentRow[] }> {
  const where = `e.year = $1 and e.subsidy > 0 and ${WHERE_PERSON(2)} and ($4::text is null or e.subsidy_category = $4)`;
  const values = [filter.year, filter.region, filter.township, filter.category];
  const groups = await pool.query<RosterGroup>(
    `select r.name as county, p.township, e.subsidy_category as category, count(*)::int as persons,
            sum(e.contribution)::bigint as contribution, sum(e.subsidy)::bigint as subsidy, sum(e.person_pays)::bigint as person_pays
       from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where ${where}
      group by p.admdvs, r.name, p.township, e.subsidy_category
      order by p.admdvs, p.township, e.subsidy_category`,
    values,
  );
  const { rows } = await pool.query<EnrollmentRow>(
    `select e.psn_no, p.psn_name, p.certno_sm4 as certno, r.name as county, p.township, e.year,
            to_char(e.begin_date, 'YYYY-MM-DD') as begin_date, to_char(e.end_date, 'YYYY-MM-DD') as end_date,
            e.contribution, e.fiscal, e.subsidy, e.person_pays, e.subsidy_category, e.subsidy_rule,
            to_char(e.paid_on, 'YYYY-MM-DD') as paid_on
       from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where ${where}
      order by p.admdvs, p.township, e.subsidy_category, p.psn_no limit $5 offset $6`,
    [...values, size, (page - 1) * size],
  );
  const total = groups.rows.reduce((count, group) => count + group.persons, 0);
  return { total, groups: groups.rows, rows };
}

export interface UninsuredRow {
  psn_no: string;
  psn_name: string;
  certno: string;
  county: string;
  township: string;
  codes: string[];
  departments: string[];
  certified: string;
  last_year: number | null;
}

/** 应保尽保: a page of the targets on `date` not insured for `year`, and how many in all. */
export async function uninsuredPage(
  pool: Pool,
  filter: PersonFilter & { year: number; date: string },
  page: number,
  size: number,
): Promise<{ total: number; rows: UninsuredRow[] }> {
  const targets = `select c.psn_no, array_agg(distinct c.code order by c.code) as codes,
            array_agg(distinct c.source_dept order by c.source_dept) as departments, min(c.begin_date) as certified
       from person_categories c join persons p on p.psn_no = c.psn_no
      where c.code <> 'ordinary' and c.begin_date <= $2::date and (c.end_date is null or c.end_date >= $2::date)
        and ${WHERE_PERSON(3)}
        and not exists (select 1 from enrollments e where e.psn_no = c.psn_no and e.year = $1)
      group by c.psn_no`;
  const values = [filter.year, filter.date, filter.region, filter.township];
  const counted = await pool.query<{ total: number }>(`select count(*)::int as total from (${targets}) t`, values);
  const { rows } = await pool.query<UninsuredRow>(
    `select t.psn_no, p.psn_name, p.certno_sm4 as certno, r.name as county, p.township, t.codes, t.departments,
            to_char(t.certified, 'YYYY-MM-DD') as certified,
            (select max(e.year) from enrollments e where e.psn_no = t.psn_no and e.year < $1) as last_year
       from (${targets}) t join persons p on p.psn_no = t.psn_no join regions r on r.admdvs = p.admdvs
      order by p.admdvs, p.township, t.psn_no limit $5 offset $6`,
    [...values, size, (page - 1) * size],
  );
  return { total: counted.rows[0]!.total, rows };
}

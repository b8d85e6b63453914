/**
 * The staff console's front page (工作台) reads, within a user's scope: settlement figures by day and insured region,
 * open warnings by level, applications awaiting a decision, ledger imports whose listed re-settlements are not done,
 * and the region tree. Amounts are fen here; the route turns them into yuan text.
 */
import type { User } from '../console/auth.js';
import { inScope, personInScope, personScopeValues, warningScopeValues, warningVisible } from '../console/scope.js';
import type { Pool } from '../db/pool.js';

/** The three funds the console shows: basic insurance, critical-illness insurance, medical assistance. */
export const FUNDS = ['hifp_pay', 'hifmi_pay', 'maf_pay'] as const;
export type Fund = (typeof FUNDS)[number];

/** One China day's settlement figures of the persons insured in one region. */
export interface DayRow extends Record<Fund, number> {
  /** yyyy-MM-dd, China time. */
  day: string;
  /** The insured persons' region. */
  admdvs: string;
  medfee_sumamt: number;
  psn_part_amt: number;
  /** Settlements less cancellations. */
  settlements: number;
  /** Per fund: settlements it paid in, less cancellations of such settlements. */
  hifp_times: number;
  hifmi_times: number;
  maf_times: number;
}

/**
 * Settlements that a fund paid in (its amount above zero), less the cancellations that reversed such settlements
 * (the negated amount below zero). Top-ups add to an amount but are not settlements: they count no person-time.
 */
function personTimes(fund: Fund): string {
  return `(count(*) filter (where s.kind = 'settlement' and s.${fund} > 0) - count(*) filter (where s.kind = 'cancellation' and s.${fund} < 0))::int`;
}

/**
 * The figures of the settlements made from `from` until before `until`, per China day and insured region, in the
 * user's scope (region, and a township user's township) narrowed to `admdvs`. Every record counts where it was made:
 * a cancellation in its own day, with its negated amounts. Void records (冲正 2601: a settlement or cancellation
 * undone as if never made, with the record that undid it) come in pairs that net to nothing and are left out, so
 * that a reinstated settlement counts once.
 */
export async function settlementDays(
  pool: Pool,
  me: User,
  admdvs: string | null,
  from: Date,
  until: Date,
): Promise<DayRow[]> {
  const { rows } = await pool.query<DayRow>(
    `select (s.setl_time at time zone 'Asia/Shanghai')::date as day, p.admdvs,
            ${FUNDS.map((fund) => `sum(s.${fund})::bigint as ${fund}`).join(', ')},
            sum(s.medfee_sumamt)::bigint as medfee_sumamt, sum(s.psn_part_amt)::bigint as psn_part_amt,
            (count(*) filter (where s.kind = 'settlement') - count(*) filter (where s.kind = 'cancellation'))::int as settlements,
            ${personTimes('hifp_pay')} as hifp_times, ${personTimes('hifmi_pay')} as hifmi_times,
            ${personTimes('maf_pay')} as maf_times
       from settlements s join persons p using (psn_no)
      where s.setl_time >= $4 and s.setl_time < $5 and not s.voided and ${personInScope(1)} and ${inScope('p.admdvs', 3)}
      group by 1, 2`,
    [...personScopeValues(me), admdvs, from, until],
  );
  return rows;
}

export interface WarningCounts {
  blue: number;
  yellow: number;
  red: number;
}

/** The year's warnings with a level and not closed, by level, in the user's scope (region, township, department). */
export async function openWarnings(pool: Pool, me: User, admdvs: string | null, year: number): Promise<WarningCounts> {
  const { rows } = await pool.query<WarningCounts>(
    `select count(*) filter (where w.level = 'blue')::int as blue, count(*) filter (where w.level = 'yellow')::int as yellow,
            count(*) filter (where w.level = 'red')::int as red
       from warnings w
      where w.year = $4 and w.level in ('blue', 'yellow', 'red') and w.status <> 'closed'
        and ${warningVisible(1)} and ${inScope('w.admdvs', 5)}`,
    [...warningScopeValues(me), year, admdvs],
  );
  return rows[0] ?? { blue: 0, yellow: 0, red: 0 };
}

/** Applications for assistance awaiting a reviewer's decision, of persons in the user's scope. */
export async function pendingApplications(pool: Pool, me: User, admdvs: string | null): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from assistance_applications a join persons p using (psn_no)
      where a.status = 'pending' and ${personInScope(1)} and ${inScope('p.admdvs', 3)}`,
    [...personScopeValues(me), admdvs],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Ledger imports of the user's regions (as the list of imports shows them) that listed settlements to be settled
 * again of which some still stand (not yet cancelled), and how many such settlements there are.
 */
export async function importsAwaitingResettlement(
  pool: Pool,
  me: User,
  admdvs: string | null,
): Promise<{ imports: number; settlements: number }> {
  const { rows } = await pool.query<{ imports: number; settlements: number }>(
    `select count(distinct r.import_id)::int as imports, count(distinct (r.psn_no, r.setl_id))::int as settlements
       from ledger_import_resettlements r
       join ledger_imports i using (import_id)
       join settlements s on s.psn_no = r.psn_no and s.setl_id = r.setl_id
      where s.reversed_by is null and ${inScope('i.region', 1)} and ${inScope('i.region', 2)}`,
    [me.scope_admdvs, admdvs],
  );
  return rows[0] ?? { imports: 0, settlements: 0 };
}

export interface RegionRow {
  admdvs: string;
  name: string;
  parent: string | null;
}

/** The region tree (a few hundred rows at most: cities and counties). */
export async function regions(pool: Pool): Promise<RegionRow[]> {
  const { rows } = await pool.query<RegionRow>('select admdvs, name, parent from regions order by admdvs');
  return rows;
}

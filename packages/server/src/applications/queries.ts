/**
 * The console's reads of assistance applications, within a user's scope (the person's region and, for a township
 * user, township): a filtered page, one application with its category and the top-ups its approval paid. Amounts
 * are fen and times Dates here: the routes turn them into the API's units.
 */
import type { CategoryCode, StoredTrace } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { personInScope, personScopeValues } from '../console/scope.js';
import type { Pool, PoolClient } from '../db/pool.js';
import type { ApplicationStatus } from './service.js';

export interface ApplicationRow {
  application_id: number;
  psn_no: string;
  psn_name: string;
  /** Sealed (persons.certno_sm4): shown masked. */
  certno: string;
  admdvs: string;
  township: string;
  year: number;
  status: ApplicationStatus;
  /** fen. */
  burden: number;
  /** fen. */
  qualifying: number;
  note: string;
  applied_by: string;
  /** The registering user's display name. */
  applied_by_name: string;
  applied_at: Date;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  reason: string | null;
  /** fen; an approval's top-ups in all. */
  top_up: number | null;
}

const COLUMNS = `a.application_id, a.psn_no, p.psn_name, p.certno_sm4 as certno, p.admdvs, p.township, a.year, a.status, a.burden, a.qualifying, a.note,
  a.applied_by, coalesce(au.display_name, a.applied_by) as applied_by_name, a.applied_at, a.decided_by,
  coalesce(du.display_name, a.decided_by) as decided_by_name, a.decided_at, a.reason, a.top_up`;
// Who registered and who decided, by the names the console shows (users are written as user:<username>).
const FROM = `assistance_applications a join persons p using (psn_no)
  left join users au on 'user:' || au.username = a.applied_by left join users du on 'user:' || du.username = a.decided_by`;

export interface ApplicationFilter {
  status?: ApplicationStatus | undefined;
  year?: number | undefined;
}

/** A page of the applications in the user's scope, newest first, with the count of all that match. */
export async function listApplications(
  pool: Pool,
  me: User,
  filter: ApplicationFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: ApplicationRow[] }> {
  const where = `${personInScope(1)} and ($3::text is null or a.status = $3) and ($4::int is null or a.year = $4)`;
  const values = [...personScopeValues(me), filter.status ?? null, filter.year ?? null];
  const [total, { rows }] = await Promise.all([
    pool.query<{ n: number }>(`select count(*)::int as n from ${FROM} where ${where}`, values),
    pool.query<ApplicationRow>(
      `select ${COLUMNS} from ${FROM} where ${where} order by a.application_id desc limit $5 offset $6`,
      [...values, size, (page - 1) * size],
    ),
  ]);
  return { total: total.rows[0]?.n ?? 0, rows };
}

export interface TopUpRow {
  setl_id: string;
  tops_up: string;
  mdtrt_id: string;
  fixmedins_code: string;
  hifp_pay: number;
  hifmi_pay: number;
  maf_pay: number;
  oth_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  trace: StoredTrace;
}

export interface ApplicationDetail {
  application: ApplicationRow & { spell_id: number | null };
  /** The category spell an approval gave. */
  category: { code: CategoryCode; begin_date: string; end_date: string | null } | undefined;
  topUps: TopUpRow[];
}

/** One application in the user's scope with its category and top-ups, or nothing. */
export async function findApplication(pool: Pool, me: User, id: number): Promise<ApplicationDetail | undefined> {
  const { rows } = await pool.query<ApplicationDetail['application']>(
    `select ${COLUMNS}, a.spell_id from ${FROM} where a.application_id = $3 and ${personInScope(1)}`,
    [...personScopeValues(me), id],
  );
  const application = rows[0];
  if (!application) return undefined;
  const [spell, topUps] = await Promise.all([
    pool.query<NonNullable<ApplicationDetail['category']>>(
      'select code, begin_date, end_date from person_categories where psn_no = $1 and spell_id = $2',
      [application.psn_no, application.spell_id],
    ),
    pool.query<TopUpRow>(
      `select setl_id, tops_up, mdtrt_id, fixmedins_code, hifp_pay, hifmi_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, trace
         from settlements where psn_no = $1 and application_id = $2 and kind = 'top_up' order by setl_id`,
      [application.psn_no, id],
    ),
  ]);
  return { application, category: spell.rows[0], topUps: topUps.rows };
}

/** Is the application one of a person in the user's scope? Asked inside the decision's transaction. */
export async function applicationInScope(client: PoolClient, me: User, id: number): Promise<boolean> {
  const { rowCount } = await client.query(`select 1 from ${FROM} where a.application_id = $3 and ${personInScope(1)}`, [
    ...personScopeValues(me),
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

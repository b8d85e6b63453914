/** SQL of 零星报销 (manual settlements): the record beside the settlement, and the list the console shows. */
import type { User } from '../console/auth.js';
import { inScope, personInScope, personScopeValues } from '../console/scope.js';
import type { Pool, PoolClient } from '../db/pool.js';
import type { Institution } from '../institutions/repository.js';

export interface ManualRecord {
  request_key: string;
  request_sha256: string;
  psn_no: string;
  mdtrt_id: string;
  setl_id: string;
  fixmedins_code: string;
  clerk: string;
  cancellation_id: string | null;
}

/** Is the person in the user's scope (region, township)? */
export async function personVisible(db: Pick<PoolClient, 'query'>, me: User, psnNo: string): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from persons p where p.psn_no = $3 and ${personInScope(1)}`, [
    ...personScopeValues(me),
    psnNo,
  ]);
  return (rowCount ?? 0) > 0;
}

/** An institution in the register that is still designated (active). */
export async function activeInstitution(
  db: Pick<PoolClient, 'query'>,
  code: string,
): Promise<(Institution & { active: boolean }) | null> {
  const { rows } = await db.query<Institution & { active: boolean }>(
    'select fixmedins_code, name, level, admdvs, active from institutions where fixmedins_code = $1',
    [code],
  );
  return rows[0] ?? null;
}

export async function manualByKey(db: Pick<PoolClient, 'query'>, key: string): Promise<ManualRecord | null> {
  const { rows } = await db.query<ManualRecord>('select * from manual_settlements where request_key = $1', [key]);
  return rows[0] ?? null;
}

/** The record of a manual settlement, locked for its reversal. */
export async function lockManual(client: PoolClient, psnNo: string, setlId: string): Promise<ManualRecord | null> {
  const { rows } = await client.query<ManualRecord>(
    'select * from manual_settlements where psn_no = $1 and setl_id = $2 for update',
    [psnNo, setlId],
  );
  return rows[0] ?? null;
}

export async function recordManual(
  client: PoolClient,
  row: Omit<ManualRecord, 'cancellation_id'> & { note: string; lines: unknown[] },
): Promise<void> {
  await client.query(
    `insert into manual_settlements (request_key, request_sha256, psn_no, mdtrt_id, setl_id, fixmedins_code, clerk, note, lines)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      row.request_key,
      row.request_sha256,
      row.psn_no,
      row.mdtrt_id,
      row.setl_id,
      row.fixmedins_code,
      row.clerk,
      row.note,
      JSON.stringify(row.lines),
    ],
  );
}

export async function recordReversal(
  client: PoolClient,
  psnNo: string,
  setlId: string,
  cancellationId: string,
  reviewer: string,
  reason: string,
): Promise<void> {
  await client.query(
    `update manual_settlements set cancellation_id = $3, cancelled_by = $4, cancel_reason = $5, cancelled_at = now()
      where psn_no = $1 and setl_id = $2`,
    [psnNo, setlId, cancellationId, reviewer, reason],
  );
}

export interface ManualListRow {
  psn_no: string;
  psn_name: string;
  setl_id: string;
  setl_time: Date;
  fixmedins_name: string;
  med_type: string;
  medfee_sumamt: number;
  hifp_pay: number;
  hifmi_pay: number;
  maf_pay: number;
  psn_part_amt: number;
  clerk_name: string;
  note: string;
  cancellation_id: string | null;
  cancelled_by_name: string | null;
  cancel_reason: string | null;
  cancelled_at: Date | null;
}

/** The manual settlements of persons in the user's scope, newest first, with the clerk's and reviewer's names. */
export async function listManual(
  pool: Pool,
  me: User,
  filter: { cancelled?: boolean | undefined },
  page: number,
  size: number,
): Promise<{ total: number; rows: ManualListRow[] }> {
  const where = `${personInScope(1)} and ${inScope('p.admdvs', 3)}
    and ($4::boolean is null or (m.cancellation_id is not null) = $4)`;
  const params = [...personScopeValues(me), null, filter.cancelled ?? null];
  const [count, { rows }] = await Promise.all([
    pool.query<{ n: number }>(
      `select count(*)::int as n from manual_settlements m join persons p using (psn_no) where ${where}`,
      params,
    ),
    pool.query<ManualListRow>(
      `select m.psn_no, p.psn_name, m.setl_id, s.setl_time, i.name as fixmedins_name, s.med_type, s.medfee_sumamt,
              s.hifp_pay, s.hifmi_pay, s.maf_pay, s.psn_part_amt, coalesce(c.display_name, m.clerk) as clerk_name,
              m.note, m.cancellation_id, coalesce(r.display_name, m.cancelled_by) as cancelled_by_name,
              m.cancel_reason, m.cancelled_at
         from manual_settlements m join persons p using (psn_no)
         join settlements s on s.psn_no = m.psn_no and s.setl_id = m.setl_id
         join institutions i on i.fixmedins_code = m.fixmedins_code
         left join users c on c.username = m.clerk left join users r on r.username = m.cancelled_by
        where ${where} order by m.created_at desc limit $5 offset $6`,
      [...params, size, (page - 1) * size],
    ),
  ]);
  return { total: count.rows[0]?.n ?? 0, rows };
}

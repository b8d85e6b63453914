/**
 * Region scope: a user sees and changes only their region and the counties under it; a user without a scope sees
 * everything. Every console route checks it here.
 */
import type { Pool } from '../db/pool.js';
import type { User } from './auth.js';
import { ApiError } from './errors.js';

/**
 * SQL: is the region in `column` inside the scope given as parameter $n (null: everywhere) — the region itself or
 * any region under it, at any depth of the region tree (city → county → …). The regions within the scope are found
 * once per query (an uncorrelated subquery), not once per row.
 */
export function inScope(column: string, parameter: number): string {
  return `($${parameter}::text is null or ${column} in (with recursive within_scope(admdvs) as (select $${parameter}::text union select r.admdvs from regions r join within_scope w on r.parent = w.admdvs) select admdvs from within_scope))`;
}

export async function requireRegionInScope(pool: Pool, user: User, region: string): Promise<void> {
  const { rowCount } = await pool.query(`select 1 from regions g where g.admdvs = $2 and ${inScope('g.admdvs', 1)}`, [
    user.scope_admdvs,
    region,
  ]);
  if (!rowCount) throw new ApiError('OUT_OF_SCOPE', `区划 ${region} 不存在或不在您的管辖范围`);
}

/**
 * SQL: is the person (alias `p`) in the user's scope — their region, and for a township user their township? Takes
 * parameters $n (the region scope) and $n+1 (the township), given by personScopeValues.
 */
export function personInScope(parameter: number): string {
  return `${inScope('p.admdvs', parameter)} and ($${parameter + 1}::text is null or p.township = $${parameter + 1})`;
}

export function personScopeValues(user: User): [string | null, string | null] {
  return [user.scope_admdvs, user.township ?? null];
}

export async function requirePersonInScope(pool: Pool, user: User, psnNo: string): Promise<void> {
  const { rowCount } = await pool.query(`select 1 from persons p where p.psn_no = $3 and ${personInScope(1)}`, [
    ...personScopeValues(user),
    psnNo,
  ]);
  if (!rowCount) throw new ApiError('NOT_FOUND', `查无人员 ${psnNo}（或不在您的管辖范围）`);
}

/**
 * SQL for warnings (alias `w`): the user's region, and for a township or department user only their township's or
 * department's; takes parameters $n, $n+1, $n+2, given by warningScopeValues.
 */
export function warningInScope(parameter: number): string {
  return `${inScope('w.admdvs', parameter)} and ($${parameter + 1}::text is null or w.township = $${parameter + 1}) and ($${parameter + 2}::text is null or w.department = $${parameter + 2})`;
}

/**
 * SQL: the warning (alias `w`) is the user's to see — warningInScope, and for a township user only once it has been
 * handed down (下放) to the township (a township is given its warnings by the bureau, not shown them as they arise).
 */
export function warningVisible(parameter: number): string {
  return `${warningInScope(parameter)} and ($${parameter + 1}::text is null or w.handover_id is not null)`;
}

export function warningScopeValues(user: User): [string | null, string | null, string | null] {
  return [user.scope_admdvs, user.township ?? null, user.department ?? null];
}

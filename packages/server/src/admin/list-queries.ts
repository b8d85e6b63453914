/** 系统管理's reads of users and of the audit log, within an administrator's region scope (null: everywhere). */
import type { Pool } from '../db/pool.js';
import { inScope } from '../console/scope.js';
import { countOf, likePattern } from './queries.js';

export interface UserRow {
  username: string;
  display_name: string;
  role: string;
  scope_admdvs: string | null;
  scope_name: string | null;
  township: string | null;
  department: string | null;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

export interface UserFilter {
  role?: string | undefined;
  region?: string | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
}

/**
 * A page of the users an administrator of the scope manages (a scoped administrator never sees an unscoped user);
 * `region` keeps those whose scope is that region or one under it.
 */
export async function usersForAdmin(
  pool: Pool,
  scope: string | null,
  filter: UserFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: UserRow[] }> {
  const where = `from users u left join regions r on r.admdvs = u.scope_admdvs
    where ($1::text is null or (u.scope_admdvs is not null and ${inScope('u.scope_admdvs', 1)}))
      and ($2::text is null or u.role = $2)
      and ($3::text is null or (u.scope_admdvs is not null and ${inScope('u.scope_admdvs', 3)}))
      and ($4::boolean is null or u.active = $4)
      and ($5::text is null or u.username ilike $5 or u.display_name ilike $5)`;
  const values = [
    scope,
    filter.role ?? null,
    filter.region ?? null,
    filter.active ?? null,
    filter.q ? likePattern(filter.q) : null,
  ];
  const total = await countOf(pool, `select 1 ${where}`, values);
  const { rows } = await pool.query<UserRow>(
    `select u.username, u.display_name, u.role, u.scope_admdvs, r.name as scope_name, u.township, u.department,
            u.active, u.last_login_at, u.created_at
       ${where} order by u.scope_admdvs nulls first, u.username limit $6 offset $7`,
    [...values, size, (page - 1) * size],
  );
  return { total, rows };
}

export interface AuditRow {
  audit_id: string;
  at: Date;
  actor: string;
  actor_display: string | null;
  action: string;
  outcome: string;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * A page of the audit log, newest first. A scoped administrator sees what the users of their scope and the
 * institutions of their scope did; `actor` is a stored actor (user:admin) or a username or an institution code;
 * `action` a prefix; from and to China days, both included.
 */
export async function auditLog(
  pool: Pool,
  scope: string | null,
  filter: AuditFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: AuditRow[] }> {
  const where = `from audit_log a
      left join users u on a.actor = 'user:' || u.username
      left join institutions i on a.actor = 'his:' || i.fixmedins_code
    where ($1::text is null or (u.scope_admdvs is not null and ${inScope('u.scope_admdvs', 1)}) or ${inScope('i.admdvs', 1)})
      and ($2::text is null or a.actor in ($2, 'user:' || $2, 'his:' || $2))
      and ($3::text is null or a.action like $3)
      and ($4::date is null or a.at >= ($4::date::timestamp at time zone 'Asia/Shanghai'))
      and ($5::date is null or a.at < (($5::date + 1)::timestamp at time zone 'Asia/Shanghai'))`;
  const values = [
    scope,
    filter.actor ?? null,
    filter.action ? likePattern(filter.action, true) : null,
    filter.from ?? null,
    filter.to ?? null,
  ];
  const total = await countOf(pool, `select 1 ${where}`, values);
  const { rows } = await pool.query<AuditRow>(
    `select a.audit_id::text, a.at, a.actor, coalesce(u.display_name, i.name) as actor_display, a.action, a.outcome,
            a.detail
       ${where} order by a.at desc, a.audit_id desc limit $6 offset $7`,
    [...values, size, (page - 1) * size],
  );
  return { total, rows };
}

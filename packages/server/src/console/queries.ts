/** The console's reads of users and institutions, within an administrator's or a user's region scope. */
import type { Pool } from '../db/pool.js';
import type { Role } from './auth.js';
import { inScope } from './scope.js';

export interface InstitutionRow {
  fixmedins_code: string;
  name: string;
  level: string;
  admdvs: string;
  lat: number | null;
  lon: number | null;
  active: boolean;
}

/** The institutions in a region scope (null: all). */
export async function institutionsIn(pool: Pool, scope: string | null): Promise<InstitutionRow[]> {
  const { rows } = await pool.query<InstitutionRow>(
    `select fixmedins_code, name, level, admdvs, lat, lon, active from institutions i
      where ${inScope('i.admdvs', 1)} order by fixmedins_code`,
    [scope],
  );
  return rows;
}

/** Is the region inside the scope (null scope: everywhere)? */
export async function regionWithin(pool: Pool, scope: string | null, region: string | null): Promise<boolean> {
  if (region === null) return scope === null;
  const { rowCount } = await pool.query(`select 1 from regions r where r.admdvs = $2 and ${inScope('r.admdvs', 1)}`, [
    scope,
    region,
  ]);
  return (rowCount ?? 0) > 0;
}

/** The regions in a scope (null: all), the upper ones first. */
export async function regionsIn(
  pool: Pool,
  scope: string | null,
): Promise<{ admdvs: string; name: string; parent: string | null }[]> {
  const { rows } = await pool.query<{ admdvs: string; name: string; parent: string | null }>(
    `select admdvs, name, parent from regions r where ${inScope('r.admdvs', 1)} order by parent nulls first, admdvs`,
    [scope],
  );
  return rows;
}

/** A region's name (null when no such region). */
export async function regionName(pool: Pool, admdvs: string): Promise<string | null> {
  const { rows } = await pool.query<{ name: string }>('select name from regions where admdvs = $1', [admdvs]);
  return rows[0]?.name ?? null;
}

export async function usernameTaken(pool: Pool, username: string): Promise<boolean> {
  const { rowCount } = await pool.query('select 1 from users where username = $1', [username]);
  return (rowCount ?? 0) > 0;
}

export interface ManagedUser {
  username: string;
  role: Role;
  scope_admdvs: string | null;
  active: boolean;
}

/** A user an administrator of this scope may manage (a scoped administrator never manages an unscoped user). */
export async function managedUser(
  pool: Pool,
  scope: string | null,
  username: string,
): Promise<ManagedUser | undefined> {
  const { rows } = await pool.query<ManagedUser>(
    `select u.username, u.role, u.scope_admdvs, u.active from users u
      where u.username = $2 and ($1::text is null or (u.scope_admdvs is not null and ${inScope('u.scope_admdvs', 1)}))`,
    [scope, username],
  );
  return rows[0];
}

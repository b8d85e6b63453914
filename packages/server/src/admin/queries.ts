/**
 * 系统管理's SQL: regions with their policies and institutions with their HIS credentials' state, each within an
 * administrator's region scope (null: everywhere). Users and the audit log: list-queries.ts.
 */
import type { Pool } from '../db/pool.js';
import { inScope } from '../console/scope.js';

/** A LIKE pattern matching text that contains (or, with `prefix`, starts with) the given text literally. */
export function likePattern(text: string, prefix = false): string {
  const escaped = text.replace(/[\\%_]/g, '\\$&');
  return prefix ? `${escaped}%` : `%${escaped}%`;
}

export async function countOf(pool: Pool, sql: string, values: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ total: string }>(`select count(*) as total from (${sql}) counted`, values);
  return Number(rows[0]?.total ?? 0);
}

export interface RegionRow {
  admdvs: string;
  name: string;
  parent: string | null;
  parent_name: string | null;
  policy_id: string;
  institutions: number;
  users: number;
}

const REGION_COLUMNS = `r.admdvs, r.name, r.parent, p.name as parent_name, r.policy_id,
  (select count(*)::int from institutions i where i.admdvs = r.admdvs) as institutions,
  (select count(*)::int from users u where u.scope_admdvs = r.admdvs) as users`;

/** The regions in a scope, the upper ones first, with how many institutions and users each has. */
export async function regionsForAdmin(pool: Pool, scope: string | null): Promise<RegionRow[]> {
  const { rows } = await pool.query<RegionRow>(
    `select ${REGION_COLUMNS} from regions r left join regions p on p.admdvs = r.parent
      where ${inScope('r.admdvs', 1)} order by r.parent nulls first, r.admdvs`,
    [scope],
  );
  return rows;
}

/** One region if it is in the scope. */
export async function regionInScope(pool: Pool, scope: string | null, admdvs: string): Promise<RegionRow | undefined> {
  const { rows } = await pool.query<RegionRow>(
    `select ${REGION_COLUMNS} from regions r left join regions p on p.admdvs = r.parent
      where r.admdvs = $2 and ${inScope('r.admdvs', 1)}`,
    [scope, admdvs],
  );
  return rows[0];
}

/** Adds a region; false when its code is taken. */
export async function insertRegion(
  pool: Pool,
  region: { admdvs: string; name: string; parent: string | null; policy_id: string },
): Promise<boolean> {
  const { rowCount } = await pool.query(
    'insert into regions (admdvs, name, parent, policy_id) values ($1, $2, $3, $4) on conflict (admdvs) do nothing',
    [region.admdvs, region.name, region.parent, region.policy_id],
  );
  return (rowCount ?? 0) > 0;
}

export async function updateRegion(
  pool: Pool,
  admdvs: string,
  change: { name?: string | undefined; policy_id?: string | undefined },
): Promise<void> {
  await pool.query(
    'update regions set name = coalesce($2, name), policy_id = coalesce($3, policy_id) where admdvs = $1',
    [admdvs, change.name ?? null, change.policy_id ?? null],
  );
}

/** The policies regions use now (a built-in id or a file path the platform was configured with). */
export async function policiesInUse(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ policy_id: string }>(
    'select distinct policy_id from regions order by policy_id',
    [],
  );
  return rows.map((row) => row.policy_id);
}

export interface InstitutionRow {
  fixmedins_code: string;
  name: string;
  level: string;
  admdvs: string;
  region_name: string;
  lat: number | null;
  lon: number | null;
  active: boolean;
  has_secret: boolean;
  secret_issued_at: Date | null;
}

const INSTITUTION_COLUMNS = `i.fixmedins_code, i.name, i.level, i.admdvs, r.name as region_name, i.lat, i.lon, i.active,
  (i.secret_hmac_sm3 is not null or i.secret_sha256 is not null) as has_secret, i.secret_issued_at`;

export interface InstitutionFilter {
  admdvs?: string | undefined;
  level?: string | undefined;
  active?: boolean | undefined;
  q?: string | undefined;
}

/** A page of the institutions in a scope: by region (and those under it), level, state, code or name. */
export async function institutionsForAdmin(
  pool: Pool,
  scope: string | null,
  filter: InstitutionFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: InstitutionRow[] }> {
  const where = `from institutions i join regions r on r.admdvs = i.admdvs
    where ${inScope('i.admdvs', 1)} and ${inScope('i.admdvs', 2)}
      and ($3::text is null or i.level = $3) and ($4::boolean is null or i.active = $4)
      and ($5::text is null or i.fixmedins_code ilike $5 or i.name ilike $5)`;
  const values = [scope, filter.admdvs ?? null, filter.level ?? null, filter.active ?? null];
  const q = filter.q ? likePattern(filter.q) : null;
  const total = await countOf(pool, `select 1 ${where}`, [...values, q]);
  const { rows } = await pool.query<InstitutionRow>(
    `select ${INSTITUTION_COLUMNS} ${where} order by i.admdvs, i.fixmedins_code limit $6 offset $7`,
    [...values, q, size, (page - 1) * size],
  );
  return { total, rows };
}

/** One institution if it is in the scope. */
export async function institutionInScope(
  pool: Pool,
  scope: string | null,
  code: string,
): Promise<InstitutionRow | undefined> {
  const { rows } = await pool.query<InstitutionRow>(
    `select ${INSTITUTION_COLUMNS} from institutions i join regions r on r.admdvs = i.admdvs
      where i.fixmedins_code = $2 and ${inScope('i.admdvs', 1)}`,
    [scope, code],
  );
  return rows[0];
}

/** Registers an institution with its sealed secret; false when its code is taken. */
export async function insertInstitution(
  pool: Pool,
  institution: {
    fixmedins_code: string;
    name: string;
    level: string;
    admdvs: string;
    lat: number | null;
    lon: number | null;
    active: boolean;
  },
  sealedSecret: string,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `insert into institutions (fixmedins_code, name, level, admdvs, lat, lon, active, secret_hmac_sm3, secret_issued_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now()) on conflict (fixmedins_code) do nothing`,
    [
      institution.fixmedins_code,
      institution.name,
      institution.level,
      institution.admdvs,
      institution.lat,
      institution.lon,
      institution.active,
      sealedSecret,
    ],
  );
  return (rowCount ?? 0) > 0;
}

export interface InstitutionChange {
  name?: string | undefined;
  level?: string | undefined;
  active?: boolean | undefined;
  /** A new location, or null to clear it; undefined keeps it. */
  location?: { lat: number; lon: number } | null | undefined;
}

export async function updateInstitution(pool: Pool, code: string, change: InstitutionChange): Promise<void> {
  await pool.query(
    `update institutions set name = coalesce($2, name), level = coalesce($3, level), active = coalesce($4, active),
            lat = case when $5 then $6 else lat end, lon = case when $5 then $7 else lon end
      where fixmedins_code = $1`,
    [
      code,
      change.name ?? null,
      change.level ?? null,
      change.active ?? null,
      change.location !== undefined,
      change.location?.lat ?? null,
      change.location?.lon ?? null,
    ],
  );
}

/**
 * Replaces an institution's secret (the legacy sha256 cleared): the HIS credential is read on every call, so the old
 * secret fails from the next one. Answers when it was issued.
 */
export async function replaceInstitutionSecret(pool: Pool, code: string, sealedSecret: string): Promise<Date> {
  const { rows } = await pool.query<{ secret_issued_at: Date }>(
    `update institutions set secret_hmac_sm3 = $2, secret_sha256 = null, secret_issued_at = now()
      where fixmedins_code = $1 returning secret_issued_at`,
    [code, sealedSecret],
  );
  return rows[0]!.secret_issued_at;
}

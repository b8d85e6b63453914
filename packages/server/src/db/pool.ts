import pg from 'pg';

// bigint columns hold fen, bounded far below 2^53 by the policy's plausibility limits and the tables' checks, so
// numbers are exact; a value that is not (a corrupted row) fails its query instead of drifting by a fen.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`bigint ${value} is beyond exact integers`);
  return number;
});
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * Clients pipeline: queries issued without waiting for the previous answer go on the wire at once (the server still
 * runs them in order). A settlement uses this to wait twice instead of five times.
 */
export function createPool(url: string, max = 20): pg.Pool {
  // While the database is down a call waits at most this long for a connection, then answers 服务暂不可用.
  const pool = new pg.Pool({ connectionString: url, max, pipeline: true, connectionTimeoutMillis: 5000 });
  // An idle connection closed by the server (a restart, an administrator) is dropped and replaced, not fatal.
  pool.on('error', () => undefined);
  // A checked-out connection that dies (the server killed mid-query) emits `error` on its client: without a
  // listener that would end the process. The query in flight fails on its own; the caller discards the client.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** SQLSTATE classes and socket errors that mean the database cannot be reached now, not that the request is bad. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection ended/i.test(
    error.message,
  );
}

/**
 * A refusal of the platform's own (a stable code and a Chinese message) thrown after a clean rollback leaves the
 * session as it was. Anything else — a database error, a lost connection, a bug — may leave it in an aborted
 * transaction or a half-read pipeline: that client is destroyed, never handed to the next request.
 */
const REFUSALS = new Set(['Refusal', 'ApiError', 'SanbaoError']);

export function isRefusal(error: unknown): boolean {
  return error instanceof Error && REFUSALS.has(error.name);
}

/** Runs work in one transaction; rolls back on any error, and discards the client unless the error was a refusal. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await rollback(client, error);
      throw error;
    }
  });
}

/** Runs work in a transaction that is always rolled back: a what-if (a pre-settlement) that writes in order to compute. */
export async function inRolledBackTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await work(client);
      await rollback(client);
      return result;
    } catch (error) {
      await rollback(client, error);
      throw error;
    }
  });
}

/** Rolls back; a failed rollback marks the error so that withClient discards the client. */
export async function rollback(client: pg.PoolClient, error?: unknown): Promise<void> {
  try {
    await client.query('rollback');
  } catch {
    if (error instanceof Error) (error as { discardClient?: boolean }).discardClient = true;
  }
}

/** A client checked out for `work` and released after it; destroyed when `work` failed with anything but a refusal. */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let discard: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    if (!isRefusal(error) || (error as { discardClient?: boolean }).discardClient)
      discard = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(discard);
  }
}

/**
 * Issues the queries `send` makes as one write on the socket: with pipelining they then travel together, and the
 * server reads them together. (Corks the client's socket; a client without one just sends them one by one.)
 */
export function sendTogether<T>(client: pg.PoolClient, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } })
    .connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

/**
 * A client of its own, outside the pool and not pipelined, to the pool's database: COPY streams (bulk imports)
 * cannot run on a pipelined connection. The caller ends it.
 */
export async function connectUnpipelined(pool: pg.Pool): Promise<pg.Client> {
  const { connectionString } = pool.options as { connectionString?: string };
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A write sent later, together with others and the commit (one trip to the database for all of them). */
export interface DeferredWrite {
  name?: string;
  text: string;
  values: unknown[];
}

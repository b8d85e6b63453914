import pg from 'pg';

// bigint columns hold fen: always below 2^53, so numbers are exact. Dates stay ISO strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * Clients pipeline: queries issued without waiting for the previous answer go on the wire at once (the server still
 * runs them in order). A settlement uses this to wait twice instead of five times.
 */
export function createPool(url: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, pipeline: true });
  // An idle connection closed by the server (a restart, an administrator) is dropped and replaced, not fatal.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs work in one transaction; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
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

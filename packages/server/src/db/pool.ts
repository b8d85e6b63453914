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
  return new pg.Pool({ connectionString: url, max, pipeline: true });
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

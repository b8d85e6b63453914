/**
 * The database the platform uses, for the commands that work on it: DATABASE_URL, or the embedded one in
 * SANBAO_DATA_DIR (started for the command and stopped after, unless the platform already runs it), migrated.
 */
import { createPool, migrate, readConfig, startEmbeddedPostgres, type Pool } from '@sanbao/server';

export async function withDatabase<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
  const config = readConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPort);
  const pool = createPool(config.databaseUrl ?? embedded?.url ?? '', 2);
  try {
    await migrate(pool);
    return await work(pool);
  } finally {
    await pool.end();
    if (embedded && !embedded.reused) await embedded.stop();
  }
}

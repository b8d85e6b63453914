/**
 * The database the platform uses, for the commands that work on it: DATABASE_URL, or the embedded one in
 * SANBAO_DATA_DIR (started for the command and stopped after, unless the platform already runs it), migrated, with
 * the platform's ID key (SANBAO_ID_KEY, or the embedded database's key file) installed and checked against it.
 */
import {
  createPool,
  loadIdentityKey,
  migrate,
  protectIdentities,
  readConfig,
  startEmbeddedPostgres,
  useIdentityKey,
  type Pool,
} from '@sanbao/server';

export async function withDatabase<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
  const config = readConfig();
  // Before anything is started: an external database without its key is refused.
  useIdentityKey(loadIdentityKey(config).key);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPort);
  const pool = createPool(config.databaseUrl ?? embedded?.url ?? '', 2);
  try {
    await migrate(pool);
    await protectIdentities(pool);
    return await work(pool);
  } finally {
    await pool.end();
    if (embedded && !embedded.reused) await embedded.stop();
  }
}

/** One real PostgreSQL for the whole test run (embedded, in a temporary folder); each test file makes its own database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { freePort } from '../net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated template database; test files clone it. */
    templateUrl: string;
    /** The URL of a database on the test server, with {database} for its name. */
    databaseUrlPattern: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-test-pg-'));
  const database = await startEmbeddedPostgres(folder, await freePort());
  const pool = createPool(database.url, 2);
  await migrate(pool);
  await pool.end();
  project.provide('templateUrl', database.url);
  project.provide('databaseUrlPattern', database.urlFor('{database}'));
  return async () => {
    await database.stop();
    rmSync(folder, { recursive: true, force: true });
  };
}

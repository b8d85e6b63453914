/** One real PostgreSQL for the whole test run (embedded, in a temporary folder); each test file makes its own database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { freePort } from '../net.js';
import { protectIdentities } from '../security/protect.js';
import { useTestIdentityKey } from './identity-key.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated template database (`sanbao`), as the platform's role; test files clone it. */
    templateUrl: string;
    /** The URL of a database on the test server, as the platform's role, with {database} for its name. */
    databaseUrlPattern: string;
    /** The superuser's URL of the server's maintenance database: for creating the test files' databases. */
    adminUrl: string;
    /** The platform's role, which is to own the databases made for tests. */
    appRole: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-test-pg-'));
  const database = await startEmbeddedPostgres(folder, await freePort());
  const pool = createPool(database.url, 2);
  useTestIdentityKey();
  await migrate(pool);
  // As the platform does after migrating: the template (and so every test database) knows the test key.
  await protectIdentities(pool);
  await pool.end();
  project.provide('templateUrl', database.url);
  project.provide('databaseUrlPattern', database.urlFor('{database}'));
  project.provide('adminUrl', database.adminUrlFor('postgres'));
  project.provide('appRole', database.appRole);
  return async () => {
    await database.stop();
    rmSync(folder, { recursive: true, force: true });
  };
}

/** The embedded PostgreSQL: a folder that survives restarts, and a server left behind by a killed platform is reused. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';
import { createPool } from './pool.js';
import { freePort } from '../net.js';

describe('embedded PostgreSQL', () => {
  it('keeps its data across restarts and reuses a server already running on its folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sanbao-embedded-'));
    const port = await freePort();
    try {
      const first = await startEmbeddedPostgres(folder, port);
      expect(first.reused).toBe(false);
      const pool = createPool(first.url, 1);
      await pool.query('create table kept (x int)');
      await pool.query('insert into kept values (42)');
      await pool.end();
      // As if the platform had been killed: its server still runs; a new start must use it, not fail on the port.
      const second = await startEmbeddedPostgres(folder, port);
      expect(second.reused).toBe(true);
      await second.stop();
      await first.stop();
      const third = await startEmbeddedPostgres(folder, port);
      expect(third.reused).toBe(false);
      const again = createPool(third.url, 1);
      expect((await again.query<{ x: number }>('select x from kept')).rows).toEqual([{ x: 42 }]);
      await again.end();
      await third.stop();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

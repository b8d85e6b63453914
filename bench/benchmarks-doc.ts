/** What the benchmarks share: where they were measured, a scratch database, and publishing the figures. */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPool,
  freePort,
  IdentityKey,
  migrate,
  protectIdentities,
  startEmbeddedPostgres,
  useIdentityKey,
  type EmbeddedDatabase,
  type Pool,
} from '@sanbao/server';

/** Prints the report and writes it into docs/BENCHMARKS.md between the benchmark's own markers. */
export function publish(name: string, report: string): void {
  process.stdout.write(`${report}\n`);
  const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
  const text = readFileSync(file, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`docs/BENCHMARKS.md lacks the ${start} … ${end} markers`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${report}\n${text.slice(to)}`);
}

/** "Measured <today> on <CPU>, <n> cores, <GiB> GiB, Node <version>": the first words of every report. */
export function measuredOn(): string {
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * An embedded PostgreSQL in a temporary folder, migrated, for the work; stopped and removed after. A new ID key is
 * installed for it, and put in SANBAO_ID_KEY for the platforms a benchmark spawns on the same database.
 */
export async function withScratchDatabase(
  poolSize: number,
  work: (pool: Pool, database: EmbeddedDatabase) => Promise<void>,
): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-bench-'));
  const database = await startEmbeddedPostgres(folder, await freePort());
  const pool = createPool(database.url, poolSize);
  process.env['SANBAO_ID_KEY'] = IdentityKey.generateHex();
  useIdentityKey(IdentityKey.fromHex(process.env['SANBAO_ID_KEY']));
  try {
    await migrate(pool);
    await protectIdentities(pool);
    await work(pool, database);
  } finally {
    await pool.end();
    await database.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

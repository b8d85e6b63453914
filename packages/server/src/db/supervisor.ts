/**
 * Keeps the platform's own PostgreSQL running. Every second it looks for the postmaster named in
 * `<data folder>/postmaster.pid`; when it is gone (killed, crashed, stopped from outside) the server is started again
 * on the same folder, after a failed attempt with a growing pause. The pool needs nothing from it: connections to
 * the dead server fail and are discarded, new ones reach the new server.
 *
 * Only a server whose postmaster is gone is restarted: one that runs but does not answer (starting up, recovering,
 * out of connections) is left to itself, since restarting it would mean killing it.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { EmbeddedDatabase } from './embedded.js';

export interface SupervisorOptions {
  /** How often the postmaster is looked for, in ms. */
  checkMs?: number;
  /** The pause after the first failed restart, in ms; it doubles after each further failure, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface Supervisor {
  /** Ends supervision, after a restart under way has finished: the server's own stop is not taken for a death. */
  stop(): Promise<void>;
}

/** Linux shows every process's working directory, and a postmaster's is its data folder. */
const PROC = existsSync('/proc/self/cwd');

function realFolder(databaseDir: string): string {
  try {
    return realpathSync(databaseDir);
  } catch {
    return databaseDir;
  }
}

function cwdOf(pid: number | string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined; // gone, a zombie, or another user's
  }
}

/** The state letter of /proc/<pid>/stat (R, S, Z …), or undefined when there is no such process. */
function stateLetter(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
  } catch {
    return undefined;
  }
}

/** The pid in the folder's postmaster.pid (its first line), if the file is there. */
export function postmasterPid(databaseDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

type PidState = 'postmaster' | 'gone' | 'other';

/** Whether a pid is this folder's postmaster, no process at all, or some other process that got the same pid. */
function stateOf(pid: number, databaseDir: string): PidState {
  if (PROC) {
    const cwd = cwdOf(pid);
    if (cwd !== undefined) return cwd === realFolder(databaseDir) ? 'postmaster' : 'other';
    // A zombie is dead: its parent has just not collected it yet.
    const letter = stateLetter(pid);
    if (letter === undefined || letter === 'Z' || letter === 'X') return 'gone';
  }
  try {
    process.kill(pid, 0);
    return 'postmaster';
  } catch (error) {
    // EPERM: a process of another user, so not the server (it runs as this user, or root signals anyone).
    return (error as { code?: string }).code === 'EPERM' ? 'other' : 'gone';
  }
}

export function postmasterRunning(databaseDir: string): boolean {
  const pid = postmasterPid(databaseDir);
  return pid !== undefined && stateOf(pid, databaseDir) === 'postmaster';
}

/**
 * Server processes left from a dead postmaster (backends finishing a query): a new server must not start beside
 * them. They exit by themselves once they notice, usually within milliseconds. Found on Linux only.
 */
function leftovers(databaseDir: string): number[] {
  if (!PROC) return [];
  const folder = realFolder(databaseDir);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || cwdOf(entry) !== folder) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

const pause = (ms: number, wake: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      wake.delete(done);
      resolve();
    };
    // Never what keeps the process alive.
    const timer = setTimeout(done, ms).unref();
    wake.add(done);
  });

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function superviseEmbeddedPostgres(
  database: EmbeddedDatabase,
  log: (line: string) => void,
  options: SupervisorOptions = {},
): Supervisor {
  const checkMs = options.checkMs ?? 1000;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const folder = database.dataDir;
  const wake = new Set<() => void>();
  let stopping = false;

  /** One attempt: wait out the old server's processes, clear a pid file that would block, start, connect. */
  const recover = async (): Promise<void> => {
    const pid = postmasterPid(folder);
    const state = pid === undefined ? 'gone' : stateOf(pid, folder);
    if (state !== 'postmaster') {
      for (let waited = 0; leftovers(folder).length > 0; waited += 100) {
        if (waited >= 5000) throw new Error(`原数据库进程仍未退出（${leftovers(folder).join('、')}）`);
        await pause(100, wake);
        if (stopping) return;
      }
      // PostgreSQL clears a pid file whose process is gone itself (and the shared memory it names), but takes a
      // live process for a running server: a pid reused by another process would block every start.
      if (state === 'other') rmSync(join(folder, 'postmaster.pid'), { force: true });
      if (stopping) return;
      await database.restart();
    }
    await probe(database.url);
  };

  const supervise = async (): Promise<void> => {
    while (!stopping) {
      await pause(checkMs, wake);
      if (stopping || postmasterRunning(folder)) continue;
      const since = Date.now();
      log('内置数据库已停止，正在重启…');
      let wait = backoffMs;
      for (let attempt = 1; !stopping; attempt++) {
        try {
          await recover();
          if (!stopping) log(`内置数据库已恢复（重启用时 ${((Date.now() - since) / 1000).toFixed(1)} 秒）`);
          break;
        } catch (error) {
          if (stopping) break;
          log(`内置数据库重启失败（第 ${attempt} 次）：${reason(error)}；${(wait / 1000).toFixed(0)} 秒后重试`);
          await pause(wait, wake);
          wait = Math.min(wait * 2, maxBackoffMs);
        }
      }
    }
  };

  const running = supervise().catch((error: unknown) => log(`内置数据库监护已中止：${reason(error)}`));
  return {
    stop: async () => {
      stopping = true;
      for (const done of [...wake]) done();
      await running;
    },
  };
}

/**
 * What keeps sign-in from being flooded or brute-forced, for the console and the HIS interface alike: the settings,
 * a gate that lets one password hash compute at a time with a short queue, per-address counters kept in memory (each
 * process its own), and consecutive failures per subject kept in PostgreSQL (shared by every platform process).
 */
import type { Pool } from '../db/pool.js';

export interface AuthSettings {
  /** The clock every lock and window is measured with (ms since the epoch); tests move it instead of sleeping. */
  now: () => number;
  /** Password hashes computing at once (console login, password change), and requests waiting for one. */
  hashConcurrency: number;
  hashQueue: number;
  /** Console: consecutive failures of a username that lock it, and for how long. */
  loginFailures: number;
  loginLockMs: number;
  /** Console: login attempts per client address per window (0: no limit). */
  loginPerAddress: number;
  /** HIS: consecutive failures of an institution code that lock it, and for how long. */
  hisFailures: number;
  hisLockMs: number;
  /** HIS: failed sign-ins per client address per window (0: no limit). */
  hisFailuresPerAddress: number;
  /** The window of the per-address counters. */
  addressWindowMs: number;
  /** Failures older than this are forgotten: the next one counts from 1 again. */
  failureMemoryMs: number;
}

function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== '' && Number.isFinite(value) && value >= 0
    ? value
    : fallback;
}

const MINUTE = 60_000;

export const authSettings: AuthSettings = {
  now: () => Date.now(),
  hashConcurrency: Math.max(1, fromEnv('SANBAO_LOGIN_HASHES', 1)),
  hashQueue: fromEnv('SANBAO_LOGIN_QUEUE', 8),
  loginFailures: 5,
  loginLockMs: 15 * MINUTE,
  loginPerAddress: fromEnv('SANBAO_LOGIN_PER_ADDRESS', 20),
  hisFailures: 10,
  hisLockMs: 15 * MINUTE,
  hisFailuresPerAddress: fromEnv('SANBAO_HIS_FAILURES_PER_ADDRESS', 30),
  addressWindowMs: MINUTE,
  failureMemoryMs: 24 * 60 * MINUTE,
};

/** Changes settings (tests: a clock, a small limit); returns the previous values of what changed, to restore. */
export function configureAuth(changes: Partial<AuthSettings>): Partial<AuthSettings> {
  const previous: Partial<AuthSettings> = {};
  for (const key of Object.keys(changes) as (keyof AuthSettings)[]) {
    (previous as Record<string, unknown>)[key] = authSettings[key];
    (authSettings as unknown as Record<string, unknown>)[key] = changes[key];
  }
  return previous;
}

/** HH:mm in China Standard Time (UTC+8): when a lock ends, as a message says it. */
export function chinaClock(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
}

/** A place at the gate: run the work when a slot frees, and leave (always) when done. */
export interface GatePass {
  run<T>(work: () => Promise<T>): Promise<T>;
  leave(): void;
}

/**
 * At most `concurrency` pieces of work at once and `queue` waiting; a request beyond both is turned away at once
 * (tryEnter answers undefined) rather than queued: a flood costs a counter, not a hash.
 */
export class Gate {
  private admitted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: () => { concurrency: number; queue: number }) {}

  tryEnter(): GatePass | undefined {
    const { concurrency, queue } = this.limits();
    if (this.admitted >= concurrency + queue) return undefined;
    this.admitted += 1;
    let left = false;
    return {
      run: async (work) => {
        await this.acquire();
        try {
          return await work();
        } finally {
          this.release();
        }
      },
      leave: () => {
        if (left) return;
        left = true;
        this.admitted -= 1;
      },
    };
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits().concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next in line; `running` stays as it is.
    if (next) next();
    else this.running -= 1;
  }
}

/** What one more hit on a per-address counter found. */
export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** This hit is over the limit. */
  over: boolean;
  /** This hit is the first over the limit in its window: the moment to write one audit line. */
  tripped: boolean;
  /** When the window ends. */
  resetsAt: Date;
}

/** Hits per key in fixed windows, in this process's memory; expired windows are swept as the map grows. */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private sweepAt = 1024;

  /** Counts a hit; `limit` 0 means no limit. */
  hit(key: string, limit: number): Hit {
    const now = authSettings.now();
    const window = this.current(key, now);
    window.count += 1;
    return {
      count: window.count,
      over: limit > 0 && window.count > limit,
      tripped: limit > 0 && window.count === limit + 1,
      resetsAt: new Date(window.start + authSettings.addressWindowMs),
    };
  }

  /** Hits in the current window so far, without counting one. */
  peek(key: string): { count: number; resetsAt: Date } {
    const now = authSettings.now();
    const window = this.windows.get(key);
    if (!window || now - window.start >= authSettings.addressWindowMs)
      return { count: 0, resetsAt: new Date(now + authSettings.addressWindowMs) };
    return { count: window.count, resetsAt: new Date(window.start + authSettings.addressWindowMs) };
  }

  private current(key: string, now: number): { start: number; count: number } {
    let window = this.windows.get(key);
    if (!window || now - window.start >= authSettings.addressWindowMs || now < window.start) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size >= this.sweepAt) this.sweep(now);
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= authSettings.addressWindowMs) this.windows.delete(key);
    this.sweepAt = Math.max(1024, this.windows.size * 2);
  }
}

/** One counter per database and purpose: each app (and each test's database) counts on its own. */
const counters = new WeakMap<Pool, Map<string, WindowCounter>>();

export function addressCounter(pool: Pool, purpose: 'login' | 'his'): WindowCounter {
  let byPurpose = counters.get(pool);
  if (!byPurpose) {
    byPurpose = new Map();
    counters.set(pool, byPurpose);
  }
  let counter = byPurpose.get(purpose);
  if (!counter) {
    counter = new WindowCounter();
    byPurpose.set(purpose, counter);
  }
  return counter;
}

export type Realm = 'console' | 'his';

export interface Failure {
  failures: number;
  lockedUntil: Date | null;
  /** This failure set the lock: the moment to write one audit line. */
  justLocked: boolean;
}

let failuresRecorded = 0;

/**
 * One more consecutive failure of `subject`, atomically (concurrent failures in several processes all count). The
 * count starts again after a lock has run out or after `failureMemoryMs` without a failure; reaching `limit` locks
 * the subject for `lockMs`, once: failures that arrive while it is locked do not extend it.
 */
export async function recordFailure(
  pool: Pool,
  realm: Realm,
  subject: string,
  limit: number,
  lockMs: number,
): Promise<Failure> {
  const now = authSettings.now();
  const { rows } = await pool.query<{ failures: number; locked_until: Date | null }>(
    `insert into auth_failures as f (realm, subject, failures, last_failed_at, locked_until)
     values ($1, $2, 1, $3, case when $5::int <= 1 then $4::timestamptz end)
     on conflict (realm, subject) do update set
       failures = case when f.locked_until <= $3 or f.last_failed_at < $6 then 1 else f.failures + 1 end,
       locked_until = case
         when f.locked_until <= $3 or f.last_failed_at < $6 then case when $5::int <= 1 then $4::timestamptz end
         when f.locked_until is null and f.failures + 1 >= $5::int then $4::timestamptz
         else f.locked_until end,
       last_failed_at = $3
     returning failures, locked_until`,
    [realm, subject, new Date(now), new Date(now + lockMs), limit, new Date(now - authSettings.failureMemoryMs)],
  );
  failuresRecorded += 1;
  // Names tried once and never again (a flood of made-up usernames) are forgotten after a day.
  if (failuresRecorded % 1000 === 0)
    await pool
      .query('delete from auth_failures where last_failed_at < $1 and (locked_until is null or locked_until < $2)', [
        new Date(now - authSettings.failureMemoryMs),
        new Date(now),
      ])
      .catch(() => undefined);
  const row = rows[0]!;
  return { failures: row.failures, lockedUntil: row.locked_until, justLocked: row.failures === limit };
}

/** A successful sign-in: the subject's failures are forgotten. */
export async function clearFailures(pool: Pool, realm: Realm, subject: string): Promise<void> {
  await pool.query('delete from auth_failures where realm = $1 and subject = $2', [realm, subject]);
}

/** Whether a lock read with the subject's row is still on. */
export function isLocked(lockedUntil: Date | null | undefined): lockedUntil is Date {
  return lockedUntil !== null && lockedUntil !== undefined && lockedUntil.getTime() > authSettings.now();
}

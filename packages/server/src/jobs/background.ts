/**
 * The platform's background work in `npm start`: the scheduler (scheduler.ts) every minute, the webhook outbox every
 * few seconds. Errors are logged, not fatal.
 */
import type { Pool } from '../db/pool.js';
import { dispatchOutbox, type DispatchOptions, type DispatchResult, type OutboxBodies } from '../outbox/dispatch.js';
import type { PolicyRegistry } from '../policies.js';
import { WARNING_WEBHOOKS } from '../warnings/webhooks.js';
import { runDueJobs } from './scheduler.js';

/** Every event the platform writes into the webhook outbox, with the body its room gives it. */
const WEBHOOK_BODIES: OutboxBodies = { ...WARNING_WEBHOOKS };

/** Delivers the webhook outbox's due deliveries, whichever room raised them. */
export function dispatchWebhooks(pool: Pool, options: DispatchOptions): Promise<DispatchResult> {
  return dispatchOutbox(pool, WEBHOOK_BODIES, options);
}

/** A run's summary for the log, without the per-township table. */
function describe(summary: unknown): string {
  return JSON.stringify(summary, (key, value: unknown) => (key === 'townships' ? undefined : value));
}

export interface BackgroundWork {
  stop(): Promise<void>;
}

/** In `npm start`: the scheduler every minute, the webhook outbox every few seconds. Errors are logged, not fatal. */
export function startBackgroundWork(
  pool: Pool,
  policies: PolicyRegistry,
  intervals: { jobsMs: number; webhooksMs: number },
  log: (line: string) => void,
): BackgroundWork {
  const inFlight = new Set<Promise<void>>();
  const loop = (everyMs: number, name: string, work: () => Promise<unknown>): NodeJS.Timeout => {
    let busy = false;
    const tick = (): void => {
      if (busy) return;
      busy = true;
      const run = work().then(
        () => undefined,
        (error: unknown) => log(`${name}失败：${error instanceof Error ? error.message : String(error)}`),
      );
      inFlight.add(run);
      void run.finally(() => {
        busy = false;
        inFlight.delete(run);
      });
    };
    setImmediate(tick);
    return setInterval(tick, everyMs);
  };
  const timers = [
    loop(intervals.jobsMs, '预警筛查与反馈', async () => {
      for (const report of await runDueJobs(pool, policies, new Date()))
        log(`已完成 ${report.job}（${report.dueDate}）：${describe(report.summary)}`);
    }),
    loop(intervals.webhooksMs, '红码推送', () => dispatchWebhooks(pool, { now: new Date() })),
  ];
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/**
 * Delivering the webhook outbox: each due delivery is leased (so that two instances never post it at once, and a
 * crash mid-post only delays it), posted with an HMAC-SHA256 signature, and every attempt recorded. A receiver that
 * fails or is down is tried again later, at growing intervals up to an hour, until it accepts: nothing is dropped.
 *
 * The outbox does not know its events: the room that writes an event into webhook_outbox (warnings/levels.ts for a
 * red warning) gives the body a receiver gets for it (OutboxBodies), and the caller hands those in.
 */
import { createHmac } from 'node:crypto';
import type { Pool } from '../db/pool.js';

export interface DispatchOptions {
  now: Date;
  timeoutMs?: number;
  /** How many deliveries one call takes on. */
  limit?: number;
}

export interface DispatchResult {
  delivered: number;
  failed: number;
}

const LEASE_SECONDS = 120;
const FIRST_RETRY_SECONDS = 30;
const LONGEST_WAIT_SECONDS = 3600;

/** Seconds to wait after the n-th failed attempt: 30, 60, 120 … up to an hour. */
export function retryDelaySeconds(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_SECONDS * 2 ** (failedAttempts - 1), LONGEST_WAIT_SECONDS);
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A leased delivery: the outbox row, its receiver, and the person the event is about (ID number still sealed). */
export interface Delivery {
  /** bigint, read as a number (db/pool.ts). */
  delivery_id: number;
  event: string;
  attempts: number;
  url: string;
  secret: string;
  psn_no: string;
  psn_name: string;
  certno_sm4: string;
  year: number;
  /** The facts of the event as they were when it happened, as the room that raised it wrote them. */
  event_data: unknown;
}

/** The body a receiver gets, for each event the outbox may hold. */
export type OutboxBodies = Readonly<Record<string, (delivery: Delivery) => string>>;

/** Posts one delivery; the error that makes it count as failed, or null when the receiver accepted it. */
async function post(
  delivery: Delivery,
  body: string,
  timeoutMs: number,
): Promise<{ statusCode: number | null; error: string | null }> {
  let statusCode: number | null = null;
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-sanbao-event': delivery.event,
        'x-sanbao-delivery': String(delivery.delivery_id),
        'x-sanbao-signature': signature(delivery.secret, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = response.status;
    await response.body?.cancel();
    return { statusCode, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (failure) {
    return { statusCode, error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) };
  }
}

export async function dispatchOutbox(
  pool: Pool,
  bodies: OutboxBodies,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const { rows } = await pool.query<Delivery>(
    `with leased as (
       update webhook_outbox o set next_attempt_at = $1::timestamptz + make_interval(secs => $2)
        where delivery_id in (select delivery_id from webhook_outbox
                               where delivered_at is null and next_attempt_at <= $1
                               order by next_attempt_at limit $3 for update skip locked)
       returning o.*)
     select l.delivery_id, l.event, l.attempts, l.psn_no, l.year, l.event_data, e.url, e.secret, p.psn_name, p.certno_sm4
       from leased l join webhook_endpoints e using (endpoint_id) join persons p on p.psn_no = l.psn_no
      order by l.delivery_id`,
    [options.now, LEASE_SECONDS, options.limit ?? 50],
  );
  const result: DispatchResult = { delivered: 0, failed: 0 };
  await Promise.all(
    rows.map(async (row) => {
      const bodyOf = bodies[row.event];
      const attempt = row.attempts + 1;
      const started = performance.now();
      // An event nobody gives a body for is not posted, but kept and retried like a failure: a later version may know it.
      const { statusCode, error } = bodyOf
        ? await post(row, bodyOf(row), options.timeoutMs ?? 10_000)
        : { statusCode: null, error: `未知的推送事件 ${row.event}，没有推送内容` };
      const durationMs = Math.round(performance.now() - started);
      await pool.query(
        `with attempt as (
           insert into webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5, $6))
         update webhook_outbox set attempts = $2, last_error = $5,
                delivered_at = case when $5::text is null then $3::timestamptz end,
                next_attempt_at = case when $5::text is null then next_attempt_at else $3::timestamptz + make_interval(secs => $7) end
          where delivery_id = $1`,
        [row.delivery_id, attempt, options.now, statusCode, error, durationMs, retryDelaySeconds(attempt)],
      );
      if (error === null) result.delivered += 1;
      else result.failed += 1;
    }),
  );
  return result;
}

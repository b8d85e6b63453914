/**
 * Delivering the webhook outbox: each due delivery is leased (so that two instances never post it at once, and a
 * crash mid-post only delays it), posted with an HMAC-SHA256 signature, and every attempt recorded. A receiver that
 * fails or is down is tried again later, at growing intervals up to an hour, until it accepts: nothing is dropped.
 */
import { createHmac } from 'node:crypto';
import { departmentName, formatYuan, WARNING_LEVEL_NAMES, type WarningLevel } from '@sanbao/core';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';

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

interface Leased {
  delivery_id: string;
  event: string;
  attempts: number;
  url: string;
  secret: string;
  psn_no: string;
  psn_name: string;
  certno_sm4: string;
  year: number;
  event_data: {
    level: WarningLevel;
    from_level: WarningLevel;
    amount: number;
    admdvs: string;
    township: string;
    department: string;
    cause: string;
    setl_id: string | null;
    at: string;
  };
}

/** The body a receiver gets: the event's facts, the person named with the ID number masked. */
export function deliveryBody(row: Leased): string {
  const data = row.event_data;
  return JSON.stringify({
    event: row.event,
    delivery_id: row.delivery_id,
    psn_no: row.psn_no,
    psn_name: row.psn_name,
    certno: maskedCertno(row.certno_sm4),
    year: row.year,
    level: data.level,
    level_name: WARNING_LEVEL_NAMES[data.level],
    from_level: data.from_level,
    amount: formatYuan(data.amount),
    admdvs: data.admdvs,
    township: data.township,
    department: data.department,
    department_name: departmentName(data.department),
    cause: data.cause,
    setl_id: data.setl_id,
    raised_at: data.at,
  });
}

export async function dispatchWebhooks(pool: Pool, options: DispatchOptions): Promise<DispatchResult> {
  const { rows } = await pool.query<Leased>(
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
      const body = deliveryBody(row);
      const attempt = row.attempts + 1;
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(row.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-sanbao-event': row.event,
            'x-sanbao-delivery': row.delivery_id,
            'x-sanbao-signature': signature(row.secret, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        statusCode = response.status;
        await response.body?.cancel();
        if (!response.ok) error = `HTTP ${response.status}`;
      } catch (failure) {
        error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
      }
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

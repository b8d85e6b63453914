/**
 * The console's reads of the warning ledger (a page, the workbook's rows, one person-year with its history), of the
 * feedback batches and of the webhook deliveries, within a user's scope; and the registration of a webhook receiver.
 * Amounts are fen and times Dates here: the routes turn them into the API's units.
 */
import type { WarningLevel, WarningStatus } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { inScope, warningInScope, warningScopeValues, warningVisible } from '../console/scope.js';
import type { Pool, PoolClient } from '../db/pool.js';
import type { BatchRow } from './feedback.js';

export interface WarningRow {
  psn_no: string;
  psn_name: string;
  /** Sealed (persons.certno_sm4): shown masked. */
  certno: string;
  year: number;
  level: WarningLevel;
  population: string;
  /** fen. */
  amount: number;
  admdvs: string;
  county: string;
  township: string;
  department: string;
  status: WarningStatus;
  feedback_due: string;
  raised_at: Date;
  level_at: Date;
  /** The hand-down batch the warning is with its township by; null when not handed down (or taken back). */
  handover_id: number | null;
  /** Taken back by the bureau since it was last handed down. */
  recalled: boolean;
  handed_down_at: Date | null;
  township_remark: string;
  bureau_remark: string;
}

export interface WarningFilter {
  year: number;
  /** A level, 'none' included; without it, every warning with a level. */
  level?: WarningLevel | undefined;
  status?: WarningStatus | undefined;
  township?: string | undefined;
  /** Only those handed down to their township (true), or only those not (false). */
  handedDown?: boolean | undefined;
}

const WARNING_COLUMNS = `w.psn_no, p.psn_name, p.certno_sm4 as certno, w.year, w.level, w.population, w.amount, w.admdvs, r.name as county, w.township,
  w.department, w.status, to_char(w.feedback_due, 'YYYY-MM-DD') as feedback_due, w.raised_at, w.level_at,
  w.handover_id, w.recalled, h.at as handed_down_at, w.township_remark, w.bureau_remark`;
export const WARNING_FROM = `warnings w join persons p on p.psn_no = w.psn_no join regions r on r.admdvs = w.admdvs
  left join warning_handovers h on h.handover_id = w.handover_id`;
/** Red first, then the larger amounts: the order townships work through. */
const WARNING_ORDER = 'order by warning_rank(w.level) desc, w.amount desc, w.psn_no';

/**
 * SQL: the warning (alias `w`) is the user's to see — their region, township or department (warningInScope with
 * parameters $n … $n+2), and for a township user only while it is handed down (下放) to the township.
 */
export function visibleWarning(parameter: number): string {
  return warningVisible(parameter);
}

/** The ledger's filter within the user's view: parameters $1 … $8. */
export function ledgerWhere(me: User, filter: WarningFilter): { where: string; values: unknown[] } {
  return {
    where: `${visibleWarning(1)} and w.year = $4 and (case when $5::text is null then w.level <> 'none' else w.level = $5 end)
      and ($6::text is null or w.status = $6) and ($7::text is null or w.township = $7)
      and ($8::boolean is null or (w.handover_id is not null) = $8)`,
    values: [
      ...warningScopeValues(me),
      filter.year,
      filter.level ?? null,
      filter.status ?? null,
      filter.township ?? null,
      filter.handedDown ?? null,
    ],
  };
}

/** A page of the ledger in the user's scope, with the count of all that match. */
export async function warningPage(
  pool: Pool,
  me: User,
  filter: WarningFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: WarningRow[] }> {
  const { where, values } = ledgerWhere(me, filter);
  const [total, { rows }] = await Promise.all([
    pool.query<{ n: number }>(`select count(*)::int as n from ${WARNING_FROM} where ${where}`, values),
    pool.query<WarningRow>(
      `select ${WARNING_COLUMNS} from ${WARNING_FROM} where ${where} ${WARNING_ORDER} limit $9 offset $10`,
      [...values, size, (page - 1) * size],
    ),
  ]);
  return { total: total.rows[0]?.n ?? 0, rows };
}

/** Every warning of the ledger that matches, for its workbook. */
export async function warningLedger(pool: Pool, me: User, filter: WarningFilter): Promise<WarningRow[]> {
  const { where, values } = ledgerWhere(me, filter);
  const { rows } = await pool.query<WarningRow>(
    `select ${WARNING_COLUMNS} from ${WARNING_FROM} where ${where} ${WARNING_ORDER}`,
    values,
  );
  return rows;
}

/**
 * One person-year's warning in the user's view (locked for a follow-up step when `lock`); refused when not found — a
 * township user asking for one not handed down to them gets the same answer as for one that does not exist.
 */
export async function findWarning(
  db: Pool | PoolClient,
  me: User,
  psnNo: string,
  year: number,
  lock = false,
): Promise<WarningRow> {
  const { rows } = await db.query<WarningRow>(
    `select ${WARNING_COLUMNS} from ${WARNING_FROM} where w.psn_no = $4 and w.year = $5 and ${visibleWarning(1)}
     ${lock ? 'for update of w' : ''}`,
    [...warningScopeValues(me), psnNo, year],
  );
  const warning = rows[0];
  if (!warning) throw new ApiError('NOT_FOUND', `查无 ${psnNo} ${year} 年度的预警（或不在您的管辖范围）`);
  return warning;
}

export interface WarningHistory {
  levels: {
    from_level: WarningLevel;
    to_level: WarningLevel;
    /** fen. */
    amount: number;
    cause: string;
    setl_id: string | null;
    at: Date;
  }[];
  actions: {
    from_status: WarningStatus;
    to_status: WarningStatus;
    actor: string;
    /** The user's display name; null for the platform's own steps. */
    actor_name: string | null;
    note: string;
    at: Date;
  }[];
  feedback: { batch_id: number; level: WarningLevel; due_date: string; is_new: boolean; at: Date }[];
}

/** A person-year's level changes, follow-up steps and the feedback batches it went out in, oldest first. */
export async function warningHistory(pool: Pool, psnNo: string, year: number): Promise<WarningHistory> {
  const key = [psnNo, year];
  const [levels, actions, feedback] = await Promise.all([
    pool.query<WarningHistory['levels'][number]>(
      `select from_level, to_level, amount, cause, setl_id, at from warning_levels
        where psn_no = $1 and year = $2 order by change_id`,
      key,
    ),
    pool.query<WarningHistory['actions'][number]>(
      `select a.from_status, a.to_status, a.actor, u.display_name as actor_name, a.note, a.at
         from warning_actions a left join users u on 'user:' || u.username = a.actor
        where a.psn_no = $1 and a.year = $2 order by a.action_id`,
      key,
    ),
    pool.query<WarningHistory['feedback'][number]>(
      `select b.batch_id, b.level, to_char(b.due_date, 'YYYY-MM-DD') as due_date, i.is_new, b.at
         from feedback_items i join feedback_batches b using (batch_id) where i.psn_no = $1 and i.year = $2 order by b.batch_id`,
      key,
    ),
  ]);
  return { levels: levels.rows, actions: actions.rows, feedback: feedback.rows };
}

const BATCH_COLUMNS = `w.batch_id, w.level, w.admdvs, r.name as county, w.township, w.department,
  to_char(w.due_date, 'YYYY-MM-DD') as due_date, w.warnings, w.new_warnings, w.at`;
// Aliased `w` so that the warnings' scope (region, township, department) applies to a batch as it is.
const BATCH_FROM = 'feedback_batches w join regions r on r.admdvs = w.admdvs';

/** A page of the feedback batches in the user's scope, newest first, with the count of all that match. */
export async function feedbackBatches(
  pool: Pool,
  me: User,
  level: WarningLevel | undefined,
  page: number,
  size: number,
): Promise<{ total: number; rows: BatchRow[] }> {
  const where = `${warningInScope(1)} and ($4::text is null or w.level = $4)`;
  const values = [...warningScopeValues(me), level ?? null];
  const [total, { rows }] = await Promise.all([
    pool.query<{ n: number }>(`select count(*)::int as n from ${BATCH_FROM} where ${where}`, values),
    pool.query<BatchRow>(
      `select ${BATCH_COLUMNS} from ${BATCH_FROM} where ${where} order by w.batch_id desc limit $5 offset $6`,
      [...values, size, (page - 1) * size],
    ),
  ]);
  return { total: total.rows[0]?.n ?? 0, rows };
}

/** One feedback batch in the user's scope, or nothing. */
export async function feedbackBatch(pool: Pool, me: User, batchId: number): Promise<BatchRow | undefined> {
  const { rows } = await pool.query<BatchRow>(
    `select ${BATCH_COLUMNS} from ${BATCH_FROM} where w.batch_id = $4 and ${warningInScope(1)}`,
    [...warningScopeValues(me), batchId],
  );
  return rows[0];
}

export interface NewWebhookEndpoint {
  name: string;
  url: string;
  secret: string;
  department: string | null;
  admdvs: string | null;
  township: string | null;
}

/** Registers a receiver of red warnings; returns its ID. */
export async function insertWebhookEndpoint(pool: Pool, endpoint: NewWebhookEndpoint): Promise<number> {
  const { rows } = await pool.query<{ endpoint_id: number }>(
    `insert into webhook_endpoints (name, url, secret, department, admdvs, township) values ($1, $2, $3, $4, $5, $6)
     returning endpoint_id`,
    [endpoint.name, endpoint.url, endpoint.secret, endpoint.department, endpoint.admdvs, endpoint.township],
  );
  return rows[0]!.endpoint_id;
}

export interface DeliveryRow {
  delivery_id: number;
  endpoint_id: number;
  endpoint: string;
  url: string;
  event: string;
  psn_no: string;
  year: number;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_error: string | null;
  /** From json_agg: times are ISO 8601 text. */
  attempts_made: {
    attempt: number;
    at: string;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
  }[];
}

/** A page of the webhook deliveries to receivers in the region scope (all, pending or delivered), newest first. */
export async function webhookDeliveries(
  pool: Pool,
  scope: string | null,
  pending: boolean | undefined,
  page: number,
  size: number,
): Promise<DeliveryRow[]> {
  const { rows } = await pool.query<DeliveryRow>(
    `select o.delivery_id, o.endpoint_id, e.name as endpoint, e.url, o.event, o.psn_no, o.year, o.attempts, o.created_at,
            o.next_attempt_at, o.delivered_at, o.last_error,
            (select coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code,
                                                        'error', a.error, 'duration_ms', a.duration_ms) order by a.attempt), '[]')
               from webhook_attempts a where a.delivery_id = o.delivery_id) as attempts_made
       from webhook_outbox o join webhook_endpoints e using (endpoint_id)
      where ${inScope('e.admdvs', 1)} and ($2::boolean is null or (o.delivered_at is null) = $2)
      order by o.delivery_id desc limit $3 offset $4`,
    [scope, pending ?? null, size, (page - 1) * size],
  );
  return rows;
}

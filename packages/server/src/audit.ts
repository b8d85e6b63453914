/**
 * The audit log: who did what, with what outcome, in one row per action. It cannot be used to fill the disk or to
 * read ID numbers: every string in a detail is cut to a bounded length and ID numbers in it are hashed; refusals of
 * requests that did not authenticate are counted per day and code, not stored one by one.
 */
import { maskIdNumber, withoutControlCharacters } from '@sanbao/core';
import { certnoIndex, ID_NUMBER } from './security/identity.js';

export interface Queryable {
  query(text: string, values: unknown[]): Promise<unknown>;
}

/** Longest string kept in an audit detail (characters); longer ones end with …. */
export const AUDIT_TEXT_LIMIT = 200;
/** Most entries kept of an array or object in an audit detail. */
const AUDIT_ITEMS_LIMIT = 50;

/**
 * The text with every ID number replaced by its keyed hash (身份证号#<the first 12 digits of its HMAC-SM3 index>):
 * an auditor can tell which person it was (persons.certno_index starts with it) but the log cannot give the number
 * back, as a masked number beside a birth date would. Masked when no ID key is loaded.
 */
export function hashIdNumbersIn(text: string): string {
  return text.replace(ID_NUMBER, (id) => {
    try {
      return `身份证号#${certnoIndex(id.toUpperCase()).slice(0, 12)}`;
    } catch {
      return maskIdNumber(id);
    }
  });
}

/** A detail as it may be stored: bounded strings, bounded collections, ID numbers hashed. */
export function boundedDetail(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const masked = hashIdNumbersIn(withoutControlCharacters(value));
    return masked.length > AUDIT_TEXT_LIMIT ? `${masked.slice(0, AUDIT_TEXT_LIMIT)}…` : masked;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '…';
  if (Array.isArray(value)) {
    const kept = value.slice(0, AUDIT_ITEMS_LIMIT).map((item) => boundedDetail(item, depth + 1));
    return value.length > AUDIT_ITEMS_LIMIT ? [...kept, `…（共 ${value.length} 项）`] : kept;
  }
  const entries = Object.entries(value);
  return Object.fromEntries(
    entries
      .slice(0, AUDIT_ITEMS_LIMIT)
      .map(([key, item]) => [withoutControlCharacters(key.slice(0, 64)), boundedDetail(item, depth + 1)]),
  );
}

/** `actor` names who acted: `user:<username>`, `his:<fixmedins_code>`, `cli:<login>`. */
export async function audit(
  db: Queryable,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
  outcome = 'ok',
): Promise<void> {
  await db.query('insert into audit_log (actor, action, outcome, detail) values ($1, $2, $3, $4)', [
    withoutControlCharacters(actor.slice(0, 100)),
    withoutControlCharacters(action.slice(0, 100)),
    withoutControlCharacters(outcome.slice(0, 64)),
    boundedDetail(detail),
  ]);
}

/**
 * A refused request that did not authenticate (no or wrong credentials): one more in the day's count of its
 * channel (`his`, `api`) and code. Never throws: counting must not turn a refusal into an error.
 */
export async function countRefusal(db: Queryable, channel: string, code: string): Promise<void> {
  await db
    .query(
      `insert into refusal_counts (day, channel, code, count) values ((now() at time zone 'Asia/Shanghai')::date, $1, $2, 1)
       on conflict (day, channel, code) do update set count = refusal_counts.count + 1`,
      [channel, code.slice(0, 64)],
    )
    .catch(() => undefined);
}

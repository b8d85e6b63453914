import { formatPath } from '@sanbao/core';
import type { z } from 'zod';
import type { DeferredWrite, PoolClient } from '../db/pool.js';
import type { Institution } from '../institutions/repository.js';
import type { SettlementContext } from '../settlement/context.js';
import type { PolicyRegistry } from '../policies.js';
import { describeField } from './fields.js';
import { issueCode, type Envelope } from './protocol.js';
import { Refusal } from '../refusal.js';
import { chinaDateTime } from '../time.js';

/** What a transaction handler works with: one database transaction, the caller, the clock. */
export interface HisContext {
  client: PoolClient;
  institution: Institution;
  envelope: Envelope;
  now: Date;
  /** Today in China (yyyy-MM-dd): the settlement date. */
  today: string;
  policies: PolicyRegistry;
}

export interface HandlerResult {
  output: Record<string, unknown>;
  psnNo?: string | undefined;
  warn?: string;
  /** Writes to send together with the message log and commit (one trip to the database for all of them). */
  deferred?: DeferredWrite[];
}

export type Handler = (context: HisContext) => Promise<HandlerResult>;

/** What the settlement service needs of a HIS transaction: the request that settles is the message's msgid. */
export function settlementContext(context: HisContext): SettlementContext {
  return { ...context, requestId: context.envelope.msgid };
}

export type { DeferredWrite, Institution };

/**
 * Validates one node of `input` (data, mdtrtinfo, feedetail …); the first problem becomes the refusal, naming the
 * field, what was expected and what was received. Dialects are read as the node they stand for: an object node sent
 * as a one-element list (input.data as [{…}]), a list node sent as a single object.
 */
export function readInput<S extends z.ZodType>(context: HisContext, node: string, schema: S): z.output<S> {
  // A node sent as JSON text was read at the edge (expandJsonText), before control characters were looked for.
  const value = context.envelope.input[node];
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  let issue = parsed.error.issues[0];
  let path: (string | number)[] = (issue?.path ?? []) as (string | number)[];
  // A dialect: an object node sent as a one-element list, a list node sent as one object. When the node itself had
  // the wrong shape, it is read in the other one, and a problem inside it is named where the client put it.
  const unwrapped = Array.isArray(value) && value.length === 1;
  if (path.length === 0 && (unwrapped || isObject(value))) {
    const retried = schema.safeParse(unwrapped ? (value as unknown[])[0] : [value], { reportInput: true });
    if (retried.success) return retried.data;
    issue = retried.error.issues[0];
    const inner = (issue?.path ?? []) as (string | number)[];
    path = unwrapped ? [0, ...inner] : inner.slice(1);
  }
  if (!issue) throw new Refusal('SCHEMA', `input.${node} 不符合要求`);
  const where = formatPath(['input', node, ...path]);
  const message = value === undefined || value === null ? `缺少 input.${node}` : `${where}：${describeField(issue)}`;
  throw new Refusal(issueCode(issue), message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How far ahead of the platform's clock a HIS's clock may run. */
const CLOCK_SKEW_MS = 3_600_000;

/**
 * Refuses an interface time (yyyy-MM-dd[ HH:mm:ss], China time) later than now (give or take a HIS clock running an
 * hour fast) or earlier than `earliest` (yyyy-MM-dd HH:mm:ss, China time).
 */
export function requireTimeWithin(context: HisContext, value: string, field: string, earliest?: string): void {
  const latest = chinaDateTime(new Date(context.now.getTime() + CLOCK_SKEW_MS));
  const time = value.length === 10 ? `${value} 00:00:00` : value;
  if (time > latest) throw new Refusal('DATE_ORDER', `${field} ${value} 晚于当前时间`);
  if (earliest !== undefined && time < earliest)
    throw new Refusal('DATE_ORDER', `${field} ${value} 早于 ${earliest.slice(0, 10)}，不在合理范围内`);
}

/** yyyy-MM-dd HH:mm:ss in China time, `days` before `at`. */
export function daysBefore(at: Date, days: number): string {
  return chinaDateTime(new Date(at.getTime() - days * 86_400_000));
}

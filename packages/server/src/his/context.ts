import { describeIssue, formatPath } from '@sanbao/core';
import type { z } from 'zod';
import type { PoolClient } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { HisError, issueCode, type Envelope } from './protocol.js';

export interface Institution {
  fixmedins_code: string;
  name: string;
  level: 'township' | 'county' | 'city' | 'province';
  admdvs: string;
}

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

export interface DeferredWrite {
  name?: string;
  text: string;
  values: unknown[];
}

export type Handler = (context: HisContext) => Promise<HandlerResult>;

/** Validates one node of `input` (data, mdtrtinfo, feedetail …); the first problem becomes the refusal. */
export function readInput<S extends z.ZodType>(context: HisContext, node: string, schema: S): z.output<S> {
  const parsed = schema.safeParse(context.envelope.input[node]);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new HisError('SCHEMA', `input.${node} 不符合要求`);
  const path = formatPath(['input', node, ...(issue.path as (string | number)[])]);
  const message =
    context.envelope.input[node] === undefined ? `缺少 input.${node}` : `${path}：${describeIssue(issue)}`;
  throw new HisError(issueCode(issue), message);
}

import { describeIssue, formatPath } from '@sanbao/core';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/** Validates a request part (body, query, path) with zod; the first problem becomes a 400 naming its place. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = formatPath([where, ...((issue?.path ?? []) as (string | number)[])]);
  throw new ApiError(400, 'SCHEMA', `${path}：${issue ? describeIssue(issue) : '格式错误'}`);
}

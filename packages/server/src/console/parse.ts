import { describeIssue, formatPath, isValidDate } from '@sanbao/core';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** Validates a request part (body, query, path) with zod; the first problem becomes a 400 naming its place. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = formatPath([where, ...((issue?.path ?? []) as (string | number)[])]);
  throw new ApiError('SCHEMA', `${path}：${issue ? describeIssue(issue) : '格式错误'}`);
}

/** Request fields the console's routes share, each with its Chinese message. */
export const isoDate = z.string().refine(isValidDate, { message: '应为 yyyy-MM-dd 格式的有效日期' });
export const year = z.coerce.number().int().min(2000).max(2100);
export const region = z.string().regex(/^\d{6}$/, { message: '应为 6 位行政区划代码' });

/** page (from 1) and size (up to `maxSize`) of a listing. */
export function paging(maxSize: number): {
  page: z.ZodDefault<z.ZodCoercedNumber>;
  size: z.ZodDefault<z.ZodCoercedNumber>;
} {
  return {
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(maxSize).default(50),
  };
}

/**
 * The values a policy file is written in, as zod schemas: money in yuan (becomes fen), ratios as "85%" (become basis
 * points), dates, the codes of categories, institution levels and encounter types, and bands of ratios. schema.ts
 * builds the policy's shape from them.
 */
import { z } from 'zod';
import { CATEGORY_CODES, ENCOUNTER_TYPES, INSTITUTION_LEVELS } from '../codes.js';
import { parseRatio, parseYuan } from '../money.js';
import { isValidDate } from '../ids.js';

function missing(ctx: z.RefinementCtx): never {
  ctx.addIssue({ code: 'custom', message: '缺少必填项', input: undefined });
  return z.NEVER;
}

export const money = z.unknown().transform((input, ctx) => {
  if (input === undefined) return missing(ctx);
  const parsed = parseYuan(input);
  if (parsed.ok) return parsed.value;
  const why = { format: '应为金额（元）', decimals: '金额最多两位小数', negative: '金额不能为负数' }[parsed.reason];
  ctx.addIssue({ code: 'custom', message: `${why}，收到 ${JSON.stringify(input)}`, input });
  return z.NEVER;
});

export const ratio = z.unknown().transform((input, ctx) => {
  if (input === undefined) return missing(ctx);
  const parsed = parseRatio(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: `应为 0%–100% 的比例，如 "85%"，收到 ${JSON.stringify(input)}`, input });
  return z.NEVER;
});

export const isoDate = z.string().refine(isValidDate, { message: '应为 yyyy-MM-dd 格式的有效日期' });
export const category = z
  .enum(CATEGORY_CODES as [string, ...string[]])
  .transform((c) => c as (typeof CATEGORY_CODES)[number]);
export const level = z
  .enum(INSTITUTION_LEVELS as [string, ...string[]])
  .transform((l) => l as (typeof INSTITUTION_LEVELS)[number]);
const encounter = z
  .enum(ENCOUNTER_TYPES as [string, ...string[]])
  .transform((e) => e as (typeof ENCOUNTER_TYPES)[number]);
export const encounters = z.array(encounter).min(1);

/** Bands by lower edge: [{above: 0, ratio: 60%}, {above: 50000, ratio: 70%}]; each runs to the next edge. */
export const bands = z
  .array(z.object({ above: money, ratio }).strict())
  .min(1)
  .superRefine((list, ctx) => {
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1];
      const current = list[i];
      if (previous && current && current.above <= previous.above) {
        ctx.addIssue({ code: 'custom', message: '分段下限必须严格递增', path: [i, 'above'] });
      }
    }
  });

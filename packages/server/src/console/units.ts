/**
 * The console API's one convention for units, declared in every answer's schema:
 * - amounts in yuan as decimal text with two places ("1234.50", "-12.00"), as the national interface writes them:
 *   exact in every client (a JSON number of yuan is a binary fraction) and shown as they are;
 * - ratios as decimal text with four places ("0.8500"), as the interface's (5,4) ratio fields;
 * - dates yyyy-MM-dd, times ISO 8601 in China Standard Time with their offset ("2026-12-02T19:36:32+08:00").
 * Requests that carry an amount take the same text (or a number with at most two decimals).
 */
import { formatRatioDecimal, formatYuan, parseYuan, type Bp, type Fen } from '@sanbao/core';
import { z } from 'zod';

/** fen → "12.34". */
export function yuan(fen: Fen | string | bigint): string {
  return formatYuan(Number(fen));
}

/** fen or nothing → "12.34" or null. */
export function yuanOrNull(fen: Fen | string | bigint | null | undefined): string | null {
  return fen === null || fen === undefined ? null : yuan(fen);
}

/** basis points → "0.8500". */
export function ratio(bp: Bp): string {
  return formatRatioDecimal(bp);
}

/** A moment as ISO 8601 in China Standard Time with its offset: 2026-12-02T11:36:32Z → 2026-12-02T19:36:32+08:00. */
export function chinaTime(at: Date | string): string {
  const moment = typeof at === 'string' ? new Date(at) : at;
  return `${new Date(moment.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

export function chinaTimeOrNull(at: Date | string | null | undefined): string | null {
  return at === null || at === undefined ? null : chinaTime(at);
}

/** Answer fields. */
export const Yuan = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .describe('金额（元，两位小数的十进制文本）');
export const Ratio = z
  .string()
  .regex(/^\d+\.\d{4}$/)
  .describe('比例（四位小数的十进制文本，0.8500 即 85%）');
export const ChinaTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
  .describe('时间（ISO 8601，北京时间，带 +08:00）');
export const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('日期（yyyy-MM-dd）');

/** A request amount: "12.34" or 12.34, at most two decimals, not negative; read into fen. */
export const YuanInput = z
  .union([z.string(), z.number()])
  .transform((value, context) => {
    const parsed = parseYuan(value);
    // A bill beyond 10^10 yuan is a typing error, and would not stay exact as fen.
    if (parsed.ok && parsed.value <= 1e12) return parsed.value;
    context.addIssue({ code: 'custom', message: '应为不小于 0、至多两位小数的金额（元）' });
    return z.NEVER;
  })
  .describe('金额（元，至多两位小数；文本或数字）');

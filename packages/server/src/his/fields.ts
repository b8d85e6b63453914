/**
 * The tolerant reader of the interface's fields. Hospitals' HIS clients are written in C#, Java, Delphi and
 * JavaScript against the national specification and will not change for us, so each field accepts every form a
 * client writes for what the specification allows, and becomes one normalized value that is then validated as
 * strictly as before:
 * - numbers (amounts 16,2; unit prices 16,6; counts 16,4) as JSON numbers or numeric strings ("12.50", " 12.5 ",
 *   "12.500000"); a JSON number carrying binary floating-point noise (0.1 + 0.2) is read as the decimal it stands for;
 * - codes and identifiers (med_type, feedetl_sn, insutype …) as strings or integers (390, 1); fixed-width codes get
 *   their leading zeros back (chrgitm_lv 1 → "01");
 * - optional fields sent as null or "" are absent;
 * - date-times as yyyy-MM-dd HH:mm:ss, ISO 8601 (2026-12-02T05:21:55, with fractions of a second, with Z or an offset,
 *   converted to China time) or with slashes (2026/12/2 5:21:55).
 * A refusal names the field, what was expected and what was received.
 */
import { COUNT_SCALE, isValidDate, MICRO_PER_FEN, type Count, type Fen, type Micro } from '@sanbao/core';
import { z } from 'zod';
import type { RefusalCode } from '../refusal.js';

/** No bill, line or total of the interface reaches 100 million yuan; the policy's plausibility limits are far lower. */
export const MAX_AMOUNT_FEN = 10_000_000_000;

export type Issue = z.core.$RefinementCtx;

/** Adds the refusal of a field: a stable code and a Chinese message saying what was received, unless nothing was. */
export function refuseField(ctx: Issue, input: unknown, code: RefusalCode, message: string): typeof z.NEVER {
  const text = input === undefined ? message : `${message}，收到 ${received(input)}`;
  ctx.addIssue({ code: 'custom', message: text, params: { sanbao: code }, input });
  return z.NEVER;
}

/** How a received value is shown in a refusal: its JSON, cut short. */
export function received(input: unknown): string {
  if (input === undefined) return '（空）';
  const text = JSON.stringify(input) ?? typeof input;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** null and "" (and a string of spaces) are what clients send for a field they leave empty. */
function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** An optional field: absent when missing, null or "". */
export function optional<S extends z.ZodType>(schema: S): z.ZodPreprocess<z.ZodOptional<S>, unknown> {
  return z.preprocess((value) => (isEmpty(value) ? undefined : value), schema.optional());
}

/**
 * A decimal with at most `places` decimals as an integer count of 10^-places, from a JSON number or a numeric
 * string. Trailing zeros beyond the places are fine ("12.500000" with 2 places). A JSON number is read as the decimal
 * it prints as (16384.1); one that carries binary floating-point noise (112.97000000000001, a JavaScript sum) is the
 * decimal within a trillionth of its size. 'format' when it is not a number at all, 'decimals' when it has more
 * decimals than allowed, 'range' when it is too large to be exact.
 */
export function scaledDecimal(input: unknown, places: number): number | 'format' | 'decimals' | 'range' {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return 'format';
    const printed = decimalText(String(input), places, true);
    if (printed !== 'decimals') return printed;
    const fixed = input.toFixed(places);
    if (Math.abs(input - Number(fixed)) > 1e-12 * Math.max(1, Math.abs(input))) return 'decimals';
    return decimalText(fixed, places);
  }
  if (typeof input !== 'string') return 'format';
  return decimalText(input.trim(), places);
}

function decimalText(text: string, places: number, printed = false): number | 'format' | 'decimals' | 'range' {
  const match = /^([+-]?)(\d{1,30})(?:\.(\d*))?$/.exec(text);
  if (!match) {
    // JavaScript prints very large and very small numbers with an exponent (1e+21, 1e-7); in text it is no amount.
    if (!printed) return 'format';
    if (/^[+-]?\d+(\.\d+)?e-\d+$/i.test(text)) return 'decimals';
    return /^[+-]?\d+(\.\d+)?e\+?\d+$/i.test(text) ? 'range' : 'format';
  }
  const [, sign, whole = '', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > places) return 'decimals';
  const value = Number(whole) * 10 ** places + Number(significant.padEnd(places, '0') || '0');
  if (!Number.isSafeInteger(value)) return 'range';
  return sign === '-' && value !== 0 ? -value : value;
}

/** A number field that holds something else: missing (undefined or null), or of another type. */
function notANumber(ctx: Issue, input: unknown, what: string): typeof z.NEVER {
  if (input === undefined || input === null) return refuseField(ctx, input, 'SCHEMA', '缺少必填项');
  if (typeof input !== 'string' && typeof input !== 'number')
    return refuseField(ctx, input, 'AMOUNT_FORMAT', `类型错误：${what}应为数字或数字文本`);
  return refuseField(ctx, input, 'AMOUNT_FORMAT', `${what}格式错误：应为数字或数字文本（如 12.50）`);
}

type Reader<T> = z.ZodPipe<z.ZodUnknown, z.ZodTransform<T, unknown>>;

function amount(options: { negative: boolean }): Reader<Fen> {
  return z.unknown().transform((input, ctx): Fen => {
    const fen = scaledDecimal(input, 2);
    if (fen === 'decimals') return refuseField(ctx, input, 'AMOUNT_DECIMALS', '金额最多两位小数');
    if (fen === 'range')
      return refuseField(ctx, input, 'AMOUNT_RANGE', `金额超出范围（须小于 ${MAX_AMOUNT_FEN / 100} 元）`);
    if (fen === 'format') return notANumber(ctx, input, '金额');
    if (fen < 0 && !options.negative) return refuseField(ctx, input, 'AMOUNT_NEGATIVE', '金额不能为负数');
    if (Math.abs(fen) >= MAX_AMOUNT_FEN)
      return refuseField(ctx, input, 'AMOUNT_RANGE', `金额超出范围（须小于 ${MAX_AMOUNT_FEN / 100} 元）`);
    return fen;
  });
}

/** An amount in yuan (16,2), never negative; becomes fen. */
export const yuan = amount({ negative: false });
/** An amount in yuan that may be negative (a refund line); becomes fen. */
export const signedYuan = amount({ negative: true });

/** A unit price in yuan with up to six decimals (单价 16,6), never negative; becomes millionths of a yuan. */
export const unitPrice: Reader<Micro> = z.unknown().transform((input, ctx): Micro => {
  const micro = scaledDecimal(input, 6);
  if (micro === 'decimals') return refuseField(ctx, input, 'AMOUNT_DECIMALS', '单价最多六位小数');
  if (micro === 'range')
    return refuseField(ctx, input, 'AMOUNT_RANGE', `单价超出范围（须小于 ${MAX_AMOUNT_FEN / 100} 元）`);
  if (micro === 'format') return notANumber(ctx, input, '单价');
  if (micro < 0) return refuseField(ctx, input, 'AMOUNT_NEGATIVE', '单价不能为负数');
  if (micro >= MAX_AMOUNT_FEN * MICRO_PER_FEN)
    return refuseField(ctx, input, 'AMOUNT_RANGE', `单价超出范围（须小于 ${MAX_AMOUNT_FEN / 100} 元）`);
  return micro;
});

/** A count (数量 16,4), positive or (for a refund line) negative, never zero; becomes ten-thousandths. */
export const count: Reader<Count> = z.unknown().transform((input, ctx): Count => {
  const scaled = scaledDecimal(input, 4);
  if (scaled === 'decimals') return refuseField(ctx, input, 'AMOUNT_DECIMALS', '数量最多四位小数');
  if (scaled === 'range') return refuseField(ctx, input, 'AMOUNT_RANGE', '数量超出范围（须小于 1 亿）');
  if (scaled === 'format') return notANumber(ctx, input, '数量');
  if (scaled === 0) return refuseField(ctx, input, 'AMOUNT_FORMAT', '数量不能为 0');
  if (Math.abs(scaled) >= 1e8 * COUNT_SCALE)
    return refuseField(ctx, input, 'AMOUNT_RANGE', '数量超出范围（须小于 1 亿）');
  return scaled;
});

/**
 * A code or identifier (字符 n): a string, or an integer as typed clients send it (feedetl_sn 1, insutype 390).
 * Surrounding spaces (fixed-width fields) are dropped; `width` restores the leading zeros of a fixed-width code a
 * client sent as a number (chrgitm_lv 1 → "01").
 */
export function code(max: number, options: { width?: number } = {}): Reader<string> {
  return z.unknown().transform((input, ctx): string => {
    let value: string;
    if (typeof input === 'string') value = input.trim();
    else if (typeof input === 'number' && Number.isSafeInteger(input) && input >= 0) {
      value = String(input);
      if (options.width !== undefined) value = value.padStart(options.width, '0');
    } else
      return input === undefined || input === null
        ? refuseField(ctx, input, 'SCHEMA', '缺少必填项')
        : refuseField(ctx, input, 'SCHEMA', '类型错误：应为文本或整数编码');
    if (value === '') return refuseField(ctx, input, 'SCHEMA', '缺少必填项');
    if (value.length > max) return refuseField(ctx, input, 'SCHEMA', `长度超过 ${max}`);
    return value;
  });
}

/** A code of a closed list (text or integer, as code() reads it); another value is CODE_UNKNOWN with `message`. */
export function oneOf<const T extends readonly string[]>(
  values: T,
  message: string,
  max = 6,
): z.ZodPipe<Reader<string>, z.ZodTransform<T[number], string>> {
  return code(max).transform((value, ctx): T[number] =>
    (values as readonly string[]).includes(value) ? value : refuseField(ctx, value, 'CODE_UNKNOWN', message),
  );
}

/** Free text (names, descriptions): a string of at most `max` characters; a number is written out as text. */
export function text(max: number): Reader<string> {
  return z.unknown().transform((input, ctx): string => {
    const value = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
    if (typeof value !== 'string')
      return input === undefined || input === null
        ? refuseField(ctx, input, 'SCHEMA', '缺少必填项')
        : refuseField(ctx, input, 'SCHEMA', '类型错误：应为文本');
    if (value.length > max) return refuseField(ctx, input, 'SCHEMA', `长度超过 ${max}`);
    return value;
  });
}

const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

const two = (value: string | number): string => String(value).padStart(2, '0');
/** Years 1900–2099 only. */
const inYears = (time: string): boolean => time >= '1900' && time < '2100';

/**
 * yyyy-MM-dd HH:mm:ss (or yyyy-MM-dd) in China time from the forms clients write; the problem 'format' when it is
 * no time at all, 'invalid' for a day or time that does not exist.
 */
export function readDateTime(input: string): { value: string } | { problem: 'format' | 'invalid' } {
  const match = DATE_TIME.exec(input.trim());
  if (!match) return { problem: 'format' };
  const [, year, month = '', day = '', hour, minute, second = '00', zone] = match;
  const date = `${year}-${two(month)}-${two(day)}`;
  // The interface's times are of this and the last century's people and bills; the database stores no year 0.
  if (!isValidDate(date) || !inYears(date)) return { problem: 'invalid' };
  if (hour === undefined) return { value: date };
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return { problem: 'invalid' };
  const time = `${date} ${two(hour)}:${minute}:${second}`;
  if (zone === undefined) return { value: time };
  // With a zone (JavaScript's toJSON writes Z): the same instant in China time (UTC+8, no daylight saving).
  const offsetHours = zone === 'Z' ? 0 : Number(zone.slice(1, 3));
  const offsetMinutes = zone === 'Z' ? 0 : Number(zone.slice(-2));
  // Real offsets run from −12:00 to +14:00.
  if (offsetHours > 14 || offsetMinutes > 59) return { problem: 'invalid' };
  const offset = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const instant = Date.UTC(+year!, +month - 1, +day, +hour, +minute!, +second) - offset * 60_000;
  const china = new Date(instant + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  return inYears(china) ? { value: china } : { problem: 'invalid' };
}

/** A date-time (日期时间 yyyy-MM-dd HH:mm:ss, or a plain date) in any of the forms of readDateTime. */
export const dateTime: Reader<string> = z.unknown().transform((input, ctx): string => {
  if (typeof input !== 'string')
    return input === undefined || input === null
      ? refuseField(ctx, input, 'SCHEMA', '缺少必填项')
      : refuseField(ctx, input, 'SCHEMA', '类型错误：时间应为文本 yyyy-MM-dd HH:mm:ss');
  const read = readDateTime(input);
  if ('value' in read) return read.value;
  return read.problem === 'format'
    ? refuseField(ctx, input, 'SCHEMA', '时间格式应为 yyyy-MM-dd HH:mm:ss')
    : refuseField(ctx, input, 'DATE_INVALID', '日期或时间无效（时 00–23，分、秒 00–59）');
});

/** A date (日期 yyyy-MM-dd); a date-time at any hour gives its day. */
export const date: z.ZodPipe<Reader<string>, z.ZodTransform<string, string>> = dateTime.transform((value) =>
  value.slice(0, 10),
);

/** The refusal's wording for a zod issue, with what was received when the field was there. */
export function describeField(issue: z.core.$ZodIssue): string {
  const custom = (issue as { params?: { sanbao?: string } }).params?.sanbao;
  if (custom) return issue.message;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? '缺少必填项'
        : `类型错误：应为${TYPE_NAMES[issue.expected] ?? issue.expected}，收到 ${received(input)}`;
    case 'invalid_value':
      return `取值应为 ${issue.values.map(String).join('、')} 之一，收到 ${received(input)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `至少需要 ${String(issue.minimum)} 项`
        : `取值过小（最小 ${String(issue.minimum)}），收到 ${received(input)}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `最多 ${String(issue.maximum)} 项`
        : `取值过大（最大 ${String(issue.maximum)}），收到 ${received(input)}`;
    default:
      return issue.message && !issue.message.startsWith('Invalid')
        ? `${issue.message}，收到 ${received(input)}`
        : `格式错误，收到 ${received(input)}`;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  object: '对象',
  array: '列表',
  boolean: '是/否',
};

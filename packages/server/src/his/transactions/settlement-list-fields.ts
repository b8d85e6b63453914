/**
 * The field readers of the settlement list (4101 / 4101A) beyond the interface's common ones (fields.ts): flags,
 * quantities that are no amounts (days, age, blood, weights), durations as 天数/小时数/分钟数, amounts kept in yuan,
 * and the bounds of its list nodes.
 */
import { z } from 'zod';
import { code, date, dateTime, oneOf, optional, refuseField, scaledDecimal, text, yuan } from '../fields.js';

/** How many entries a list node may have: far more than any real stay, little enough to bound the work. */
export const LIST_LIMITS = {
  payinfo: 30,
  opspdiseinfo: 50,
  diseinfo: 50,
  iteminfo: 50,
  oprninfo: 50,
  icuinfo: 20,
  bldinfo: 20,
} as const;

/** A 0/1 flag: text or integer, and the booleans some clients send. */
export const flag = (label: string): z.ZodType<string> =>
  z.preprocess(
    (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : value),
    oneOf(['0', '1'], `${label}应为 0、1 之一`, 1),
  );

/** A number that is no amount (days, age, blood, weight): numeric text or a JSON number, in a range. */
export function quantity(
  label: string,
  options: { places: number; min?: number; max: number; unit?: string },
): z.ZodType<number> {
  const min = options.min ?? 0;
  return z.unknown().transform((input, ctx): number => {
    const scaled = scaledDecimal(input, options.places);
    // Whatever scaledDecimal cannot read as a number ('format', 'decimals', …) is refused alike.
    if (typeof scaled !== 'number') {
      if (input === undefined || input === null) return refuseField(ctx, input, 'SCHEMA', '缺少必填项');
      return refuseField(
        ctx,
        input,
        'SCHEMA',
        `${label}应为数字${options.places === 0 ? '（整数）' : `（最多 ${options.places} 位小数）`}`,
      );
    }
    const value = scaled / 10 ** options.places;
    if (value < min || value > options.max)
      return refuseField(ctx, input, 'SCHEMA', `${label}应在 ${min}–${options.max}${options.unit ?? ''} 之间`);
    return value;
  });
}

export const days = (label: string): z.ZodType<number> => quantity(label, { places: 0, max: 999, unit: ' 天' });
export const tally = (label: string): z.ZodType<number> => quantity(label, { places: 0, max: 999 });

/** A newborn's weight in grams (6,2): a weight in kilograms (3.2) is refused, not read as 3.2 g. */
export const weight = quantity('新生儿体重（以克为单位）', { places: 2, min: 100, max: 9999.99, unit: ' 克' });

/** Several newborns' weights: a list, or text with the weights separated by commas, semicolons, slashes or spaces. */
export const weights = z.unknown().transform((input, ctx): number[] => {
  const parts = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? input.split(/[,，;；/、\s]+/).filter((part) => part !== '')
      : typeof input === 'number'
        ? [input]
        : undefined;
  if (!parts) return refuseField(ctx, input, 'SCHEMA', '多新生儿体重应为以逗号分隔的克数');
  const values: number[] = [];
  for (const part of parts) {
    const parsed = weight.safeParse(part);
    if (!parsed.success)
      return refuseField(ctx, input, 'SCHEMA', '多新生儿体重应为以逗号分隔的克数（每个 100–9999.99 克）');
    values.push(parsed.data);
  }
  if (values.length > 10) return refuseField(ctx, input, 'SCHEMA', '多新生儿体重最多 10 个');
  return values;
});

const DURATION = /^(\d{1,5})[/／](\d{1,3})[/／](\d{1,3})$/;

/** A duration as the list writes it, 天数/小时数/分钟数 (1/13/24); kept as text, read by durationMinutes. */
export const duration = z.unknown().transform((input, ctx): string => {
  const value = typeof input === 'string' ? input.trim().replaceAll('／', '/') : undefined;
  if (value === undefined || !DURATION.test(value))
    return refuseField(ctx, input, 'SCHEMA', '时长格式应为 天数/小时数/分钟数（如 1/13/24）');
  return value;
});

export function durationMinutes(value: string): number {
  const [dayCount = 0, hours = 0, minutes = 0] = value.split('/').map(Number);
  return dayCount * 1440 + hours * 60 + minutes;
}

/** An amount in yuan (16,2) as the list keeps it: a decimal number of yuan (read exactly, via fen). */
export const amount = yuan.transform((fen) => fen / 100);

export const optCode = (max: number): z.ZodType<string | undefined> => optional(code(max));
export const optText = (max: number): z.ZodType<string | undefined> => optional(text(max));
export const optTime = optional(dateTime);
export const optDate = optional(date);

/** 离院方式 (dscg_way): 1 医嘱离院, 2 医嘱转院, 3 医嘱转社区/乡镇卫生院, 4 非医嘱离院, 5 死亡, 9 其他. */
export const DSCG_WAYS = ['1', '2', '3', '4', '5', '9'] as const;

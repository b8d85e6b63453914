/**
 * Money is integer fen (分) inside Sanbao; yuan with at most two decimals only at the edges.
 * Ratios are exact basis points (1 bp = 0.01%), so 85% is 8500.
 */

/** An amount in fen. Always a safe integer. */
export type Fen = number;
/** A ratio in basis points: 10000 = 100%. */
export type Bp = number;

export const FULL: Bp = 10_000;
/** Millionths of a yuan: unit prices carry six decimals in the national interface (单价 16,6). */
export type Micro = number;
export const MICRO_PER_FEN = 10_000;
/** Ten-thousandths of a unit: counts carry four decimals (数量 16,4). */
export type Count = number;
export const COUNT_SCALE = 10_000;

/** Larger than any amount a person-year can reach; stands for "no limit". */
export const UNLIMITED: Fen = Number.MAX_SAFE_INTEGER;

const YUAN_PATTERN = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;
const PERCENT_PATTERN = /^(\d{1,3})(?:\.(\d{1,2}))?%$/;

export type ParseFailure = { ok: false; reason: 'format' | 'decimals' | 'negative' };
export type Parsed<T> = { ok: true; value: T } | ParseFailure;

/**
 * Parses yuan given as a JSON number or a decimal string. A third decimal is an error, never rounded away:
 * a bill of 12.345 yuan does not exist.
 */
export function parseYuan(input: unknown, allowNegative = false): Parsed<Fen> {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'format' };
    text = String(input); // shortest round-trip form: 60000.1 stays "60000.1"
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, reason: 'format' };
  }
  const match = YUAN_PATTERN.exec(text);
  if (!match) {
    return /^-?\d+\.\d{3,}$/.test(text) ? { ok: false, reason: 'decimals' } : { ok: false, reason: 'format' };
  }
  const [, sign, whole, decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (sign === '-' && fen !== 0) {
    return allowNegative ? { ok: true, value: -fen } : { ok: false, reason: 'negative' };
  }
  return { ok: true, value: fen };
}

/** Parses a ratio written as "85%", "62.5%" or a number 0..1 with at most four decimals ("0.85"). */
export function parseRatio(input: unknown): Parsed<Bp> {
  if (typeof input === 'string') {
    const match = PERCENT_PATTERN.exec(input.trim());
    if (!match) return { ok: false, reason: /^\d+\.\d{3,}%$/.test(input.trim()) ? 'decimals' : 'format' };
    const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
    return bp <= FULL ? { ok: true, value: bp } : { ok: false, reason: 'format' };
  }
  if (typeof input === 'number' && input >= 0 && input <= 1) {
    const bp = Math.round(input * FULL);
    return Math.abs(bp - input * FULL) < 1e-6 ? { ok: true, value: bp } : { ok: false, reason: 'decimals' };
  }
  return { ok: false, reason: input !== null && typeof input === 'number' && input < 0 ? 'negative' : 'format' };
}

/** amount × ratio, rounded half-up to the fen (amount ≥ 0). Exact: fen × bp stays below 2^53. */
export function applyRatio(amount: Fen, ratio: Bp): Fen {
  return Math.floor((amount * ratio + 5_000) / FULL);
}

/** Formats fen as yuan with two decimals: 123456 → "1234.56". */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/** Formats fen as yuan with thousands separators for printed sheets: 6000000 → "60,000.00". */
export function formatYuanGrouped(fen: Fen): string {
  const [whole = '0', decimals] = formatYuan(fen).split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${decimals}`;
}

/** fen as a JSON number of yuan (60000.5 for 6000050); exact because it is a decimal with two places. */
export function toYuanNumber(fen: Fen): number {
  return Number(formatYuan(fen));
}

/** Formats basis points as a percentage: 8500 → "85%", 6250 → "62.5%". */
export function formatRatio(bp: Bp): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  if (rest === 0) return `${whole}%`;
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

/** Ratio as the interface's decimal (5,4): 8500 → "0.8500". */
export function formatRatioDecimal(bp: Bp): string {
  return (bp / FULL).toFixed(4);
}

/**
 * count × unit price in fen, rounded half-up (away from zero for a negative count), exactly: the product is taken in
 * integers (count × 10^4 × price × 10^6 = fen × 10^8).
 */
export function lineAmount(count: Count, price: Micro): Fen {
  const product = BigInt(Math.abs(count)) * BigInt(price);
  const fen = Number((product + 50_000_000n) / 100_000_000n);
  return count < 0 ? -fen : fen;
}

/** Millionths of a yuan as the decimal text of yuan: 3333300 → "3.3333". */
export function formatMicro(micro: Micro): string {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  const fraction = String(abs % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 1_000_000)}${fraction ? `.${fraction}` : ''}`;
}

import { describe, expect, it } from 'vitest';
import { applyRatio, formatRatio, formatYuan, formatYuanGrouped, parseRatio, parseYuan } from './money.js';

describe('parseYuan', () => {
  it('reads yuan with up to two decimals as integer fen', () => {
    expect(parseYuan(60000.0)).toEqual({ ok: true, value: 6_000_000 });
    expect(parseYuan('1234.5')).toEqual({ ok: true, value: 123_450 });
    expect(parseYuan(0.1)).toEqual({ ok: true, value: 10 });
    expect(parseYuan(0.07)).toEqual({ ok: true, value: 7 });
    expect(parseYuan(19.99)).toEqual({ ok: true, value: 1999 });
  });
  it('refuses a third decimal instead of rounding it away', () => {
    expect(parseYuan(12.345)).toEqual({ ok: false, reason: 'decimals' });
    expect(parseYuan('0.001')).toEqual({ ok: false, reason: 'decimals' });
  });
  it('refuses negatives, non-numbers and exponent forms', () => {
    expect(parseYuan(-1)).toEqual({ ok: false, reason: 'negative' });
    expect(parseYuan('abc')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan(1e21)).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan(Number.NaN)).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan(null)).toEqual({ ok: false, reason: 'format' });
  });
});

describe('ratios', () => {
  it('reads percentages and fractions as exact basis points', () => {
    expect(parseRatio('85%')).toEqual({ ok: true, value: 8500 });
    expect(parseRatio('62.5%')).toEqual({ ok: true, value: 6250 });
    expect(parseRatio(0.1)).toEqual({ ok: true, value: 1000 });
    expect(parseRatio('101%').ok).toBe(false);
    expect(parseRatio('85').ok).toBe(false);
  });
  it('rounds half-up to the fen at the legal step', () => {
    // 0.05 yuan × 50% = 0.025 → 0.03; 0.03 × 50% = 0.015 → 0.02; 0.01 × 49.99% = 0.004999 → 0.00
    expect(applyRatio(5, 5000)).toBe(3);
    expect(applyRatio(3, 5000)).toBe(2);
    expect(applyRatio(1, 4999)).toBe(0);
    // 54,500.00 × 80% = 43,600.00 exactly
    expect(applyRatio(5_450_000, 8000)).toBe(4_360_000);
  });
  it('formats yuan and ratios for people', () => {
    expect(formatYuan(597_750)).toBe('5977.50');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuanGrouped(123_456_789)).toBe('1,234,567.89');
    expect(formatRatio(8500)).toBe('85%');
    expect(formatRatio(6250)).toBe('62.5%');
  });
});

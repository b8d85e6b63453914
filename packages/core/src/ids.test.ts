import { describe, expect, it } from 'vitest';
import { checkDigit, maskIdNumber, parseIdNumber } from './ids.js';

describe('GB 11643 identity numbers', () => {
  it('accepts the standard example and reads birth date and gender', () => {
    // Σ(digit × weight) for 11010519491231002 = 167; 167 mod 11 = 2 → check code "X"
    expect(checkDigit('11010519491231002')).toBe('X');
    expect(parseIdNumber('11010519491231002X')).toEqual({
      ok: true,
      info: { region: '110105', birthDate: '1949-12-31', gender: '2' },
    });
    expect(parseIdNumber('11010519491231002x').ok).toBe(true);
  });
  it('refuses a wrong check digit, an impossible birth date and a wrong shape', () => {
    expect(parseIdNumber('110105194912310021')).toEqual({ ok: false, problem: 'checksum' });
    expect(parseIdNumber('110105194902300028')).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber('11010519491231002')).toEqual({ ok: false, problem: 'format' });
    expect(parseIdNumber('A1010519491231002X')).toEqual({ ok: false, problem: 'format' });
  });
  it('masks the middle of a number in listings', () => {
    expect(maskIdNumber('341602196005011238')).toBe('341602********1238');
  });
});

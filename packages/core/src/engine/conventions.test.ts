/** The rules every region's policy relies on, on a standalone test policy with round numbers. */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { claim, paid, person, run } from '../test-support/build.js';
import { fixture } from '../test-support/fixtures.js';
import { decidingCategory } from './settle.js';

const plain = loadPolicy(fixture('standalone.yaml'));
const cumulativeTotal = loadPolicy(fixture('cumulative-total.yaml'));

describe('critical-illness band conventions', () => {
  // One county stay of 100,000 in scope: basic 50% (no deductible) = 50,000; CI base 50,000; deductible 5,000.
  const stay = claim({ level: 'county', total: 100000 });

  it('bands on the cumulative amount above the deductible', () => {
    const [result] = run(plain, person([]), [stay]);
    // Above the deductible: 45,000 → 20,000 × 50% + 25,000 × 60% = 10,000 + 15,000 = 25,000.
    expect(paid(result!).critical_illness).toBe(25000);
  });

  it('bands on the cumulative total, counted from the deductible', () => {
    const [result] = run(cumulativeTotal, person([]), [stay]);
    // Cumulative total 50,000: band 0–20,000 from 5,000: 15,000 × 50% = 7,500; 20,000–50,000: 30,000 × 60% = 18,000 → 25,500.
    expect(paid(result!).critical_illness).toBe(25500);
  });

  it('the CI cap (30,000) is reached in the middle of a claim', () => {
    const [first, second] = run(plain, person([]), [
      claim({ level: 'county', total: 100000 }),
      claim({ level: 'county', total: 20000 }),
    ]);
    // Second stay: CI base 10,000 → cumulative 60,000, above 55,000: 10,000 + 35,000 × 60% = 31,000 → cap 30,000 → 5,000 of 6,000.
    expect(paid(first!).critical_illness).toBe(25000);
    expect(paid(second!).critical_illness).toBe(5000);
    expect(second!.settlement.layers.critical_illness).toMatchObject({ base: 1_000_000, payable: 500_000 });
  });
});

describe('one stay or two: the yearly layers add up to the same totals', () => {
  it('100,000 in one chronic-care claim or in two of 50,000 pays every layer the same', () => {
    const who = person(['subsistence_allowance'], true);
    const one = run(plain, who, [claim({ encounter: 'chronic_outpatient', total: 100000 })]);
    const two = run(plain, who, [
      claim({ encounter: 'chronic_outpatient', total: 50000 }),
      claim({ encounter: 'chronic_outpatient', total: 50000 }),
    ]);
    const sum = (results: typeof one) =>
      results.reduce<Record<string, number>>((totals, r) => {
        for (const [key, value] of Object.entries(paid(r)))
          totals[key] = Math.round(((totals[key] ?? 0) + value) * 100) / 100;
        return totals;
      }, {});
    // Chronic basic: (100,000 − 1,000) × 50% = 49,500 → limit 20,000. CI base 80,000, above 5,000 = 75,000 →
    // 10,000 + 55,000 × 60% = 43,000 → cap 30,000. Assistance: 50,000 → (50,000 − 500) × 70% = 34,650 → limit 8,000.
    // Re-assistance: 42,000 → (42,000 − 2,000) × 50% = 20,000 → limit 3,000. High-cost: 39,000 − 4,000 = 35,000 at 100%.
    // Supplementary: 4,000 left → (4,000 − 1,000) × 60% = 1,800. Personal: 4,000 − 1,800 = 2,200.
    const expected = {
      basic: 20000,
      critical_illness: 30000,
      assistance: 8000,
      re_assistance: 3000,
      high_cost_subsidy: 35000,
      supplementary: 1800,
      personal: 2200,
    };
    expect(sum(one)).toMatchObject(expected);
    expect(sum(two)).toMatchObject(expected);
  });
});

describe('category precedence: the most favourable, never stacked (就高不重复)', () => {
  it('takes the first category of the precedence the person holds on the settlement date', () => {
    const spells = [
      { code: 'monitored' as const, begin: '2021-01-01', end: null },
      { code: 'subsistence_allowance' as const, begin: '2022-06-01', end: '2022-08-31' },
    ];
    const precedence = plain.at('2022-01-01').rules.categories.precedence;
    expect(decidingCategory(spells, '2022-05-31', precedence)).toBe('monitored');
    expect(decidingCategory(spells, '2022-06-01', precedence)).toBe('subsistence_allowance');
    expect(decidingCategory(spells, '2022-09-01', precedence)).toBe('monitored');
    expect(decidingCategory([{ code: 'stable_exit', begin: '2021-01-01', end: null }], '2022-09-01', precedence)).toBe(
      'ordinary',
    );
  });

  it('pays the assistance of the deciding category only, not of both', () => {
    const [result] = run(plain, person(['monitored', 'subsistence_allowance']), [
      claim({ level: 'county', total: 20000 }),
    ]);
    // Basic 10,000; CI base 10,000 → (10,000 − 5,000) × 50% = 2,500; assistance (低保, not 监测): (7,500 − 500) × 70% = 4,900.
    expect(paid(result!)).toMatchObject({ basic: 10000, critical_illness: 2500, assistance: 4900 });
    expect(result!.settlement.category).toBe('subsistence_allowance');
  });
});

describe('year boundaries', () => {
  it('starts every yearly deductible, band and limit again on 1 January', () => {
    const [december, january] = run(plain, person([]), [
      claim({ date: '2022-12-31', level: 'county', total: 20000 }),
      claim({ date: '2023-01-01', level: 'county', total: 20000 }),
    ]);
    // Each: basic 10,000; CI (10,000 − 5,000) × 50% = 2,500 — the January claim meets the deductible again.
    expect(paid(december!).critical_illness).toBe(2500);
    expect(paid(january!).critical_illness).toBe(2500);
    expect(january!.ytd.criticalIllness).toEqual({ base: 1_000_000, paid: 250_000 });
  });
});

describe('pre-self-pay (乙类先行自付) in the critical-illness base', () => {
  it('counts only where the policy says so', () => {
    const withPreSelfPay = claim({ level: 'county', total: 30000, preSelfPay: 10000 });
    const [ordinaryRule] = run(plain, person([]), [withPreSelfPay]);
    // In scope 20,000: basic 10,000; CI base 10,000 → 2,500. Personal: 10,000 − 2,500 + 10,000 = 17,500.
    expect(paid(ordinaryRule!)).toMatchObject({ critical_illness: 2500, personal: 17500 });
    const [countingRule] = run(loadPolicy(fixture('pre-self-pay.yaml')), person([]), [withPreSelfPay]);
    // CI base 10,000 + 10,000 = 20,000 → (20,000 − 5,000) × 50% = 7,500. Personal: 20,000 − 7,500 = 12,500.
    expect(paid(countingRule!)).toMatchObject({ critical_illness: 7500, personal: 12500 });
  });
});

describe('banded basic ratios (optional)', () => {
  it('pays each band of the amount above the deductible at its own ratio', () => {
    const [result] = run(loadPolicy(fixture('ratio-bands.yaml')), person([]), [
      claim({ level: 'county', total: 30000 }),
    ]);
    // County deductible 0: 10,000 × 50% + 20,000 × 80% = 5,000 + 16,000 = 21,000.
    expect(paid(result!).basic).toBe(21000);
  });
});

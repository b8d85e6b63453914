/** Ningbo Fenghua numbers from seed 003: high-cost subsidy, supplementary insurance, COVID temporary policies. */
import { describe, expect, it } from 'vitest';
import { claim, paid, person, run } from '../test-support/build.js';

describe('seed 003: yearly out-of-pocket above 30,000 fully covered for assistance targets', () => {
  it('pays exactly what the year passes 30,000 by, then keeps the year at 30,000', () => {
    const [first, second] = run('zhejiang/ningbo/fenghua', person(['subsistence_allowance'], true), [
      claim({ date: '2022-11-08', level: 'city', total: 400000, fullOwnPay: 20000, preSelfPay: 10000 }),
      claim({ date: '2022-12-15', level: 'city', total: 250000, fullOwnPay: 5000, preSelfPay: 5000 }),
    ]);
    // First: in scope 370,000. Basic (assumed city 1,200, 75%): 368,800 × 75% = 276,600.
    // CI (assumed 15,000 halved to 7,500, bands 60%/70% + 5): (93,400 − 7,500) × 65% = 55,835.
    // Assistance (assumed 80%): 37,565 × 80% = 30,052; left in scope 7,513.
    // High-cost subsidy on in-scope + pre-self-pay: 7,513 + 10,000 = 17,513 ≤ 30,000 → 0. Supplementary: 7,513 < 20,000 → 0.
    expect(paid(first!)).toMatchObject({
      basic: 276600,
      critical_illness: 55835,
      assistance: 30052,
      high_cost_subsidy: 0,
      supplementary: 0,
      personal: 37513,
    });
    // Second: in scope 240,000. Basic: cap 300,000 − 276,600 = 23,400 left → 23,400. CI base 216,600 → cumulative 310,000,
    // above 302,500: 100,000 × 65% + 202,500 × 75% = 216,875 − 55,835 = 161,040.
    // Assistance: 55,560 → cumulative 93,125 × 80% = 74,500 − 30,052 = 44,448; left in scope 11,112.
    // High-cost: base 11,112 + 5,000 = 16,112 → cumulative 33,625; above 30,000: 3,625 × 100% = 3,625.
    // Supplementary: in scope 11,112 − 3,625 = 7,487 → cumulative 15,000 < 20,000 → 0.
    // Personal: 5,000 + 5,000 + 7,487 = 17,487.
    expect(paid(second!)).toMatchObject({
      basic: 23400,
      critical_illness: 161040,
      assistance: 44448,
      high_cost_subsidy: 3625,
      supplementary: 0,
      personal: 17487,
    });
  });

  it('does not pay the subsidy to an ordinary resident', () => {
    const [result] = run('zhejiang/ningbo/fenghua', person([]), [
      claim({ level: 'city', total: 100000, preSelfPay: 40000 }),
    ]);
    expect(result!.settlement.layers.high_cost_subsidy).toBeUndefined();
  });
});

describe('seed 003: supplementary insurance 天一甬宁保 joins the one-stop settlement (terms assumed)', () => {
  it('pays 80% of the in-scope burden above 20,000 for a person who bought it', () => {
    const big = claim({ level: 'city', total: 500000 });
    // Ordinary resident: basic (500,000 − 1,200) × 75% = 374,100 → cap 300,000. CI base 200,000, above 15,000 = 185,000:
    // bands on the amount above the deductible: 100,000 × 60% + 85,000 × 70% = 60,000 + 59,500 = 119,500. Left 80,500.
    // Supplementary: (80,500 − 20,000) × 80% = 48,400. Personal 32,100.
    const [insured] = run('zhejiang/ningbo/fenghua', person([], true), [big]);
    expect(paid(insured!)).toMatchObject({
      basic: 300000,
      critical_illness: 119500,
      supplementary: 48400,
      personal: 32100,
    });
    expect(insured!.settlement.oth_pay).toBe(4_840_000);
    const [notInsured] = run('zhejiang/ningbo/fenghua', person([], false), [big]);
    expect(paid(notInsured!)).toMatchObject({ supplementary: 0, personal: 80500 });
  });
});

describe('seed 003: COVID care after 乙类乙管, until 2023-03-31', () => {
  it('inpatient: what is left after the layers is paid by the budget, by admission date', () => {
    const covid = (admDate: string) =>
      claim({ admDate, date: '2023-04-05', level: 'city', total: 50000, fullOwnPay: 2000, diagnoses: ['U07.100'] });
    const [within] = run('zhejiang/ningbo/fenghua', person([]), [covid('2023-03-25')]);
    // Basic: (48,000 − 1,200) × 75% = 35,100; CI base 12,900 < 15,000 → 0; the rest (12,900 + 2,000 self-paid) by the budget.
    expect(paid(within!)).toMatchObject({ basic: 35100, critical_illness: 0, temporary: 14900, personal: 0 });
    const [after] = run('zhejiang/ningbo/fenghua', person([]), [covid('2023-04-01')]);
    expect(paid(after!)).toMatchObject({ temporary: 0, personal: 14900 });
    const [otherDisease] = run('zhejiang/ningbo/fenghua', person([]), [
      claim({
        admDate: '2023-03-25',
        date: '2023-04-05',
        level: 'city',
        total: 50000,
        fullOwnPay: 2000,
        diagnoses: ['J18.9'],
      }),
    ]);
    expect(paid(otherDisease!).temporary).toBe(0);
  });

  it('outpatient at grassroots institutions: no deductible, no cap, 75%', () => {
    const visit = (level: 'township' | 'city') =>
      claim({ encounter: 'ordinary_outpatient', date: '2023-02-01', level, total: 200, diagnoses: ['U07.1'] });
    const [township] = run('zhejiang/ningbo/fenghua', person([]), [visit('township')]);
    // 200 × 75% = 150.
    expect(paid(township!)).toMatchObject({ basic: 150, personal: 50 });
    const [city] = run('zhejiang/ningbo/fenghua', person([]), [visit('city')]);
    // A tertiary hospital is outside the special rule: ordinary pooling with a yearly deductible of 300 (assumed) → 0.
    expect(paid(city!)).toMatchObject({ basic: 0, personal: 200 });
  });
});

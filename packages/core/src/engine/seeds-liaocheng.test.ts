/** Liaocheng numbers from seed 001 (Guanxian and Linqing, 2022), with the public pages POLICY-PARAMETERS.md cites. */
import { describe, expect, it } from 'vitest';
import { claim, paid, person, run } from '../test-support/build.js';

describe('seed 001: difficult groups in Guanxian', () => {
  it('extreme poverty: CI deductible 5,500 with its own bands, assistance 70%, re-assistance above 5,000 at 70%', () => {
    const [result] = run('shandong/liaocheng/guanxian', person(['extreme_poverty']), [
      claim({ level: 'city', total: 100000 }),
    ]);
    // Basic (public: city 900, 60%): (100,000 − 900) × 60% = 59,460; left 40,540.
    // CI on the cumulative total (band 0–100,000 at 65%, counted from the deductible 5,500): (40,540 − 5,500) × 65% = 22,776.
    // Assistance: (40,540 − 22,776) = 17,764 × 70% = 12,434.80 (limit 15,000). Left 5,329.20.
    // Re-assistance: (5,329.20 − 5,000) × 70% = 230.44. Personal: 5,329.20 − 230.44 = 5,098.76.
    expect(paid(result!)).toMatchObject({
      basic: 59460,
      critical_illness: 22776,
      assistance: 12434.8,
      re_assistance: 230.44,
      personal: 5098.76,
    });
  });

  it('"最高段补偿比例达到85%": the top band for difficult groups, with no cap', () => {
    const [result] = run('shandong/liaocheng/guanxian', person(['returned_to_poverty']), [
      claim({ level: 'city', total: 520000 }),
    ]);
    // Basic: (520,000 − 900) × 60% = 311,460 → cap 120,000. CI base 400,000 on the cumulative total from 5,500:
    // (100,000 − 5,500) × 65% + 200,000 × 75% + 100,000 × 85% = 61,425 + 150,000 + 85,000 = 296,425 (no cap).
    expect(paid(result!)).toMatchObject({ basic: 120000, critical_illness: 296425 });
  });

  it('the assistance limit of 15,000 is shared by inpatient and chronic outpatient care', () => {
    const [stay, chronic] = run('shandong/liaocheng/guanxian', person(['subsistence_allowance']), [
      claim({ date: '2022-03-01', level: 'city', total: 150000 }),
      claim({ date: '2022-05-01', encounter: 'chronic_outpatient', level: 'township', total: 2000 }),
    ]);
    // Stay: basic (150,000 − 900) × 60% = 89,460; CI base 60,540 → (60,540 − 5,500) × 65% = 35,776;
    // assistance 24,764 × 70% = 17,334.80 → limit 15,000.
    expect(paid(stay!)).toMatchObject({ basic: 89460, critical_illness: 35776, assistance: 15000 });
    // Chronic visit (assumed 60%, no deductible): 1,200; CI: cumulative 60,540 + 800 → +800 × 65% = 520;
    // assistance: limit already used → 0.
    expect(paid(chronic!)).toMatchObject({ basic: 1200, critical_illness: 520, assistance: 0 });
    expect(chronic!.settlement.layers.assistance).toMatchObject({ payable: 0 });
  });

  it('"取消八类人员大病保险封顶线": monitored people in Guanxian have no CI cap, in Linqing the 400,000 cap applies', () => {
    const big = claim({ level: 'city', total: 820000 });
    // Basic: (820,000 − 900) × 60% = 491,460 → yearly cap 120,000 (public). CI base 700,000, cumulative-total bands
    // from 11,000: 89,000 × 60% + 100,000 × 65% + 100,000 × 70% + 400,000 × 75% = 53,400 + 65,000 + 70,000 + 300,000 = 488,400.
    const [guanxian] = run('shandong/liaocheng/guanxian', person(['monitored']), [big]);
    expect(paid(guanxian!)).toMatchObject({ basic: 120000, critical_illness: 488400 });
    const [linqing] = run('shandong/liaocheng/linqing', person(['monitored']), [big]);
    expect(paid(linqing!).critical_illness).toBe(400000);
  });
});

describe('public: second admission half the deductible, third none (Liaocheng)', () => {
  it('three county stays of 10,000 pay 6,650, 6,825 and 7,000', () => {
    const results = run('shandong/liaocheng', person([]), [
      claim({ date: '2022-02-01', level: 'county', total: 10000 }),
      claim({ date: '2022-05-01', level: 'county', total: 10000 }),
      claim({ date: '2022-08-01', level: 'county', total: 10000 }),
    ]);
    // (10,000 − 500) × 70% = 6,650; (10,000 − 250) × 70% = 6,825; 10,000 × 70% = 7,000.
    expect(results.map((r) => paid(r).basic)).toEqual([6650, 6825, 7000]);
    expect(results.map((r) => r.settlement.act_pay_dedc / 100)).toEqual([500, 250, 0]);
    // CI: cumulative 3,350 + 3,175 + 3,000 = 9,525 < 11,000 → nothing.
    expect(results.map((r) => paid(r).critical_illness)).toEqual([0, 0, 0]);
  });

  it('the count starts again in a new year', () => {
    const [december, january] = run('shandong/liaocheng', person([]), [
      claim({ date: '2022-12-20', level: 'county', total: 10000 }),
      claim({ date: '2023-01-05', level: 'county', total: 10000 }),
    ]);
    // Both are the first stay of their year: (10,000 − 500) × 70% = 6,650 each.
    expect([paid(december!).basic, paid(january!).basic]).toEqual([6650, 6650]);
    expect(january!.ytd).toMatchObject({ year: 2023, admissions: 1, medfee: 1_000_000 });
  });
});

describe('seed 001: special drugs (特药)', () => {
  it('ordinary: deductible 20,000 at 80%; difficult groups: no deductible at 60%', () => {
    const drug = claim({ encounter: 'special_drug', total: 50000 });
    const [ordinary] = run('shandong/liaocheng', person([]), [drug]);
    // (50,000 − 20,000) × 80% = 24,000; basic does not pay special drugs.
    expect(paid(ordinary!)).toMatchObject({ basic: 0, critical_illness: 24000, personal: 26000 });
    const [difficult] = run('shandong/liaocheng', person(['subsistence_allowance']), [drug]);
    // 50,000 × 60% = 30,000; assistance here covers inpatient and chronic care only.
    expect(paid(difficult!)).toMatchObject({ critical_illness: 30000, assistance: 0, personal: 20000 });
  });
});

describe('seed 001: Linqing re-assistance covers inpatient care only', () => {
  it('pays re-assistance for a stay but not for chronic outpatient care', () => {
    const [stay, chronic] = run('shandong/liaocheng/linqing', person(['extreme_poverty']), [
      claim({ date: '2022-03-01', level: 'city', total: 100000 }),
      claim({ date: '2022-04-01', encounter: 'chronic_outpatient', level: 'township', total: 20000 }),
    ]);
    // Stay as in Guanxian: re-assistance 230.44 (cumulative re-assistance base 5,329.20).
    expect(paid(stay!).re_assistance).toBe(230.44);
    expect(chronic!.settlement.layers.re_assistance).toBeUndefined();
  });
});

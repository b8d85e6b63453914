/**
 * Anhui numbers from the seeds: 000 (Huaibei, the provincial transition plan), 002 (Bozhou), 004 (皖医保发〔2020〕15号).
 * Every expected amount is worked out by hand in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { claim, fen, paid, person, run } from '../test-support/build.js';

// One county-hospital stay in Bozhou, 2022: 60,000 total, 5,000 fully self-paid → in scope 55,000.
// Basic (public 皖政办〔2019〕14号: county deductible 500, 80%): (55,000 − 500) × 80% = 43,600; left in scope 11,400.
const stay = claim({ date: '2022-03-10', admDate: '2022-03-01', level: 'county', total: 60000, fullOwnPay: 5000 });

describe('seed 002 (Bozhou 2022): critical illness and assistance by category', () => {
  it('subsistence allowance: deductible halved, bands +5 points, assistance 75% without deductible', () => {
    const [result] = run('anhui/bozhou', person(['subsistence_allowance']), [stay]);
    // CI: deductible 12,000 × 50% = 6,000; (11,400 − 6,000) × (60% + 5%) = 3,510.
    // Assistance: 11,400 − 3,510 = 7,890 × 75% = 5,917.50. Re-assistance: 1,972.50 < 5,000 → 0.
    // Personal: 5,000 + 1,972.50 = 6,972.50.
    expect(paid(result!)).toMatchObject({
      basic: 43600,
      critical_illness: 3510,
      assistance: 5917.5,
      re_assistance: 0,
      personal: 6972.5,
    });
    expect(result!.settlement.act_pay_dedc).toBe(fen(500));
    expect(result!.settlement.pool_prop_selfpay).toBe(8000);
  });

  it('extreme poverty: assistance 80% without deductible', () => {
    const [result] = run('anhui/bozhou', person(['extreme_poverty']), [stay]);
    // CI as for 低保: 3,510. Assistance: 7,890 × 80% = 6,312. Personal: 5,000 + 1,578 = 6,578.
    expect(paid(result!)).toMatchObject({ critical_illness: 3510, assistance: 6312, personal: 6578 });
  });

  it('returned to poverty: CI tilt, assistance deductible 1,500 at 70%', () => {
    const [result] = run('anhui/bozhou', person(['returned_to_poverty']), [stay]);
    // Assistance: (7,890 − 1,500) × 70% = 4,473. Personal: 5,000 + 7,890 − 4,473 = 8,417.
    expect(paid(result!)).toMatchObject({ critical_illness: 3510, assistance: 4473, personal: 8417 });
  });

  it('monitored: no CI tilt, assistance deductible 3,000 at 60%, then re-assistance', () => {
    const [result] = run('anhui/bozhou', person(['monitored']), [stay]);
    // CI: 11,400 < 12,000 → 0. Assistance: (11,400 − 3,000) × 60% = 5,040; left 6,360.
    // Re-assistance (assumed: above 5,000 at 50%): (6,360 − 5,000) × 50% = 680. Personal: 5,000 + 6,360 − 680 = 10,680.
    expect(paid(result!)).toMatchObject({ critical_illness: 0, assistance: 5040, re_assistance: 680, personal: 10680 });
  });

  it('an ordinary resident gets basic only until the CI deductible of 12,000 is passed', () => {
    const [result] = run('anhui/bozhou', person([]), [stay]);
    // CI: 11,400 < 12,000 → 0; no assistance. Personal: 5,000 + 11,400 = 16,400.
    expect(paid(result!)).toMatchObject({ basic: 43600, critical_illness: 0, assistance: 0, personal: 16400 });
    expect(result!.settlement.layers.assistance).toBeUndefined();
  });
});

describe('seed 000: yearly limits reached in the middle of a claim', () => {
  it('basic cap, assistance limit of 50,000 and re-assistance limit, all inside the second stay', () => {
    const who = person(['extreme_poverty']);
    const [first, second] = run('anhui/bozhou', who, [
      claim({ date: '2022-02-01', level: 'city', total: 500000 }),
      claim({ date: '2022-09-01', level: 'city', total: 200000 }),
    ]);
    // First stay: basic (500,000 − 800) × 70% = 349,440 → cap (assumed) 300,000. CI base 200,000; deductible 6,000;
    // above 194,000: 50,000 × 65% + 50,000 × 75% + 94,000 × 80% = 32,500 + 37,500 + 75,200 = 145,200 (no cap).
    // Assistance: 54,800 × 80% = 43,840. Left 10,960; re-assistance (10,960 − 5,000) × 50% = 2,980. Personal 7,980.
    expect(paid(first!)).toMatchObject({
      basic: 300000,
      critical_illness: 145200,
      assistance: 43840,
      re_assistance: 2980,
      personal: 7980,
    });
    // Second stay: basic cap used up → 0. CI cumulative 400,000, above 394,000:
    // 32,500 + 37,500 + 100,000 × 80% + 194,000 × 85% = 314,900; minus 145,200 already paid = 169,700.
    // Assistance base 30,300 × 80% = 24,240, but only 50,000 − 43,840 = 6,160 of the limit is left → 6,160.
    // Re-assistance: cumulative 10,960 + 24,140 = 35,100 → (35,100 − 5,000) × 50% = 15,050 − 2,980 = 12,070,
    // limit 10,000 − 2,980 = 7,020 left → 7,020. Personal: 24,140 − 7,020 = 17,120.
    expect(paid(second!)).toMatchObject({
      basic: 0,
      critical_illness: 169700,
      assistance: 6160,
      re_assistance: 7020,
      personal: 17120,
    });
    expect(second!.settlement.layers.assistance).toMatchObject({ base: fen(30300), payable: fen(6160) });
    expect(second!.ytd.assistance.paid).toBe(fen(50000));
  });

  it("an ordinary resident's critical illness stops at its yearly cap (assumed 300,000)", () => {
    const [result] = run('anhui/bozhou', person([]), [claim({ level: 'city', total: 1200000 })]);
    // Basic: (1,200,000 − 800) × 70% = 839,440 → cap 300,000. CI base 900,000, above 888,000:
    // 30,000 + 35,000 + 75,000 + 688,000 × 80% = 690,400 → cap 300,000. Personal: 1,200,000 − 600,000 = 600,000.
    expect(paid(result!)).toMatchObject({ basic: 300000, critical_illness: 300000, personal: 600000 });
  });

  it('medical assistance does not pay for ordinary outpatient care (limit shared by inpatient and chronic care only)', () => {
    const [visit] = run('anhui/bozhou', person(['extreme_poverty']), [
      claim({ encounter: 'ordinary_outpatient', level: 'township', total: 200 }),
    ]);
    // Ordinary outpatient pooling (assumed: no deductible, township 55%): 200 × 55% = 110; nothing else.
    expect(paid(visit!)).toMatchObject({ basic: 110, critical_illness: 0, assistance: 0, personal: 90 });
  });
});

describe('referral out of the city (public: deductible 2,000 in the province, 2,500 outside)', () => {
  it('uses the referral deductible with the level ratio', () => {
    const [inProvince] = run('anhui', person([]), [
      claim({ level: 'province', referral: 'in_province', total: 30000 }),
    ]);
    // (30,000 − 2,000) × 65% = 18,200.
    expect(paid(inProvince!).basic).toBe(18200);
    const [outside] = run('anhui', person([]), [
      claim({ level: 'province', referral: 'out_of_province', total: 30000 }),
    ]);
    // (30,000 − 2,500) × 65% = 17,875.
    expect(paid(outside!).basic).toBe(17875);
  });
});

describe('seed 004 (2020): the CI tilt for 特困, 低保 and 贫困人口 already applied in 2020', () => {
  it('settles a 2020 stay with the deductible halved and +5 points', () => {
    const [result] = run('anhui', person(['subsistence_allowance']), [
      claim({ date: '2020-09-01', level: 'county', total: 40000 }),
    ]);
    // Basic: (40,000 − 500) × 80% = 31,600; CI base 8,400; deductible 12,000 (assumed for 2020) × 50% = 6,000;
    // (8,400 − 6,000) × 65% = 1,560.
    expect(paid(result!)).toMatchObject({ basic: 31600, critical_illness: 1560 });
  });
});

describe('seed 004 (2020) and seed 000 (2022): the policy in force follows the settlement date', () => {
  it('resolves the 2020 and 2022 standards from the same files', () => {
    const policy = loadPolicy('anhui/huaibei');
    expect(policy.at('2020-07-01').rules.premium).toMatchObject({
      individual: fen(280),
      fiscal: fen(550),
      newborn_months: 3,
    });
    expect(policy.at('2022-07-01').rules.premium).toMatchObject({ individual: fen(320), fiscal: fen(580) });
    expect(policy.at('2022-07-01').source('premium.individual')?.cite).toContain('淮北');
    expect(() => policy.at('2019-12-31')).toThrow(/POLICY_NOT_IN_FORCE/);
  });
});

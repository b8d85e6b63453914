/**
 * Assistance on application in Guanxian: who may apply, the category an approval gives, and the year's bills settled
 * again with it. Guanxian (assumed, POLICY file): an ordinary insured person whose yearly out-of-pocket amount is above
 * 100,000 may apply; approved, they are 因病致贫重病患者 from 1 January: assistance above 3,000 at 50% (limit 15,000),
 * re-assistance above 10,000 at 70% (limit 15,000), and no critical-illness cap.
 */
import { describe, expect, it } from 'vitest';
import { emptyYearToDate } from '../engine/settle.js';
import { resettleYear } from '../engine/resettle.js';
import { loadPolicy } from '../policy/load.js';
import { claim, fen, person } from '../test-support/build.js';
import { approvalStep, approvedSpell, refuseApplication } from './application.js';

const policy = loadPolicy('shandong/liaocheng/guanxian');
const onDate = policy.at('2026-06-15');
const burden = (yuan: number): ReturnType<typeof emptyYearToDate> => ({
  ...emptyYearToDate(2026),
  personalBurden: fen(yuan),
});

describe('who may apply', () => {
  it('an ordinary insured person above 100,000 of out-of-pocket costs, and nobody else', () => {
    const ordinary = person().categories;
    expect(refuseApplication(onDate, ordinary, 2026, '2026-06-15', burden(100000.01))).toBeNull();
    // 超过: exactly 100,000.00 does not qualify.
    expect(refuseApplication(onDate, ordinary, 2026, '2026-06-15', burden(100000))).toEqual({
      code: 'APPLICATION_NOT_ELIGIBLE',
      message: '2026年度个人自付费用 100000.00 元，未超过依申请救助标准 100000.00 元',
    });
    // A monitored person already has assistance by their category; a stably exited one (稳定脱贫) has none and may apply.
    expect(
      refuseApplication(onDate, person(['monitored']).categories, 2026, '2026-06-15', burden(200000))?.message,
    ).toBe('属于监测人口，已按其类别享受医疗救助，无需申请');
    expect(
      refuseApplication(onDate, person(['stable_exit']).categories, 2026, '2026-06-15', burden(200000)),
    ).toBeNull();
    expect(
      refuseApplication(onDate, person(['illness_impoverished']).categories, 2026, '2026-06-15', burden(200000))?.code,
    ).toBe('APPLICATION_NOT_ELIGIBLE');
    expect(refuseApplication(onDate, ordinary, 2027, '2026-06-15', burden(200000))?.message).toBe(
      '不能申请未来年度（2027年）的救助',
    );
  });

  it('is not offered where the policy says nothing of it', () => {
    const bozhou = loadPolicy('anhui/bozhou').at('2026-06-15');
    expect(refuseApplication(bozhou, [], 2026, '2026-06-15', burden(500000))?.code).toBe('APPLICATION_NOT_OFFERED');
  });

  it('an approval makes the person 因病致贫重病患者 for the whole year', () => {
    const rules = onDate.rules.assistance.application;
    expect(rules && approvedSpell(rules, 2026, '2026-06-20')).toEqual({
      code: 'illness_impoverished',
      begin: '2026-01-01',
      end: '2026-12-31',
    });
  });
});

describe('the year settled again', () => {
  it('pays as top-ups exactly the assistance and re-assistance the new category gives each stay', () => {
    const claims = [
      claim({ date: '2026-03-10', total: 150000, fullOwnPay: 100000 }),
      claim({ date: '2026-05-20', total: 40000 }),
    ];
    const was = person();
    const spell = { code: 'illness_impoverished' as const, begin: '2026-01-01', end: '2026-12-31' };
    const now = person([spell]);
    const rules = onDate.rules.assistance.application;
    if (!rules) throw new Error('Guanxian sets application rules');
    const result = resettleYear(claims, was, now, policy, 2026, approvalStep(onDate, rules, spell, fen(117610)));
    // Stay 1 (county hospital 500, 70%): basic (50,000 − 500) × 70% = 34,650; in scope left 15,350.
    //   CI on the cumulative total from 11,000 at 60%: (15,350 − 11,000) × 60% = 2,610; left 12,740 (+100,000 own pay).
    //   Now: assistance (12,740 − 3,000) × 50% = 4,870; re-assistance: 7,870 is below 10,000 → 0. Top-up 4,870.00.
    // Stay 2 (second stay: deductible halved to 250): basic (40,000 − 250) × 70% = 27,825; left 12,175.
    //   CI: cumulative 27,525 → (27,525 − 11,000) × 60% = 9,915, less 2,610 paid = 7,305; left 4,870.
    //   Now: assistance cumulative 12,740 + 4,870 = 17,610 → (17,610 − 3,000) × 50% = 7,305, less 4,870 = 2,435; left 2,435.
    //   Re-assistance cumulative 7,870 + 2,435 = 10,305 → (10,305 − 10,000) × 70% = 213.50. Top-up 2,648.50.
    expect(result.topUps.map((t) => t.index)).toEqual([0, 1]);
    const [first, second] = result.topUps.map((t) => t.settlement);
    expect(first).toMatchObject({
      medfee_sumamt: 0,
      hifp_pay: 0,
      hifmi_pay: 0,
      maf_pay: fen(4870),
      fund_pay_sumamt: fen(4870),
      psn_part_amt: -fen(4870),
      category: 'illness_impoverished',
    });
    expect(second).toMatchObject({ maf_pay: fen(2648.5), fund_pay_sumamt: fen(2648.5), psn_part_amt: -fen(2648.5) });
    expect(second?.layers.assistance?.paid).toBe(fen(2435));
    expect(second?.layers.re_assistance?.paid).toBe(fen(213.5));
    // The year before and after: out-of-pocket 112,740 + 4,870 = 117,610, less the top-ups 7,518.50 = 110,091.50.
    expect(result.was.personalBurden).toBe(fen(117610));
    expect(result.now.personalBurden).toBe(fen(110091.5));
    expect(result.now.assistance).toEqual({ base: fen(17610), paid: fen(7305) });
    // The trace ends with the approval and the difference.
    const trace = result.topUps[1]?.trace ?? [];
    expect(trace.at(-2)?.rule).toContain('经审核认定为因病致贫重病患者（2026-01-01 至 2026-12-31）');
    expect(trace.at(-1)?.figures).toEqual({
      fundBefore: fen(27825 + 7305),
      fundAfter: fen(27825 + 7305 + 2648.5),
      topUp: fen(2648.5),
    });
  });

  it('a year the new category changes nothing in has no top-ups', () => {
    // 1,000 at the county hospital: 500 deductible, basic 350; nothing reaches CI (11,000) or assistance (3,000).
    const spell = { code: 'illness_impoverished' as const, begin: '2026-01-01', end: '2026-12-31' };
    const rules = onDate.rules.assistance.application;
    if (!rules) throw new Error('Guanxian sets application rules');
    const result = resettleYear(
      [claim({ date: '2026-02-01', total: 1000 })],
      person(),
      person([spell]),
      policy,
      2026,
      approvalStep(onDate, rules, spell, 0),
    );
    expect(result.topUps).toEqual([]);
    // 1,000 − 350 = 650 out of pocket, with or without the category (the assistance base grows, nothing is paid).
    expect(result.now.personalBurden).toBe(fen(650));
    expect(result.was.personalBurden).toBe(fen(650));
    expect(result.now.assistance).toEqual({ base: fen(650), paid: 0 });
  });
});

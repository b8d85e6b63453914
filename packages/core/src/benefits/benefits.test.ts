/**
 * Premium subsidy and the 蓝黄红 warning levels (Guanxian), as the published documents set them: the Huaibei Daily
 * report (淮北日报《强化困难群众兜底保障 我市将调整转换健康脱贫综合医疗保障政策》), the Liaocheng rural revitalization
 * briefing (《聊城乡村振兴简报》2022年第13期「冠县落实落细医保帮扶政策」), the Bozhou Evening News report
 * (亳州晚报 2021-12-28《告别“351”“180”，医保扶贫织起三重保障》), the Fenghua bureau's 2022 report
 * (奉化区医保局 2022 年工作报道《公平统一 提速增效 惠民优先》) and
 * 皖医保发〔2020〕15号《关于做好2020年城乡居民医疗保障工作的通知》.
 */
import { describe, expect, it } from 'vitest';
import type { CategoryCode } from '../codes.js';
import type { CategorySpell } from '../engine/types.js';
import { loadPolicy } from '../policy/load.js';
import { claim, fen, person, run } from '../test-support/build.js';
import { emptyYearToDate } from '../engine/settle.js';
import { fixture } from '../test-support/fixtures.js';
import { coverageStart, premiumSubsidy } from './subsidy.js';
import { assessWarning } from '../warning/levels.js';

const spells = (code: CategoryCode): readonly CategorySpell[] => person([code]).categories;

describe('classified premium subsidy', () => {
  const bozhou2022 = loadPolicy('anhui/bozhou').at('2022-01-01');

  it('Bozhou Evening News report (2022, individual 320): 特困 full, 低保 90%, 返贫致贫 75%, 监测 50%, stable exit none', () => {
    // 320 × 90% = 288; 320 × 75% = 240; 320 × 50% = 160.
    expect(premiumSubsidy(bozhou2022, spells('extreme_poverty'), '2022-01-01')).toMatchObject({
      subsidy: fen(320),
      personPays: 0,
    });
    expect(premiumSubsidy(bozhou2022, spells('subsistence_allowance'), '2022-01-01')).toMatchObject({
      subsidy: fen(288),
      personPays: fen(32),
    });
    expect(premiumSubsidy(bozhou2022, spells('returned_to_poverty'), '2022-01-01')).toMatchObject({
      subsidy: fen(240),
      personPays: fen(80),
    });
    expect(premiumSubsidy(bozhou2022, spells('monitored'), '2022-01-01')).toMatchObject({
      subsidy: fen(160),
      personPays: fen(160),
    });
    expect(premiumSubsidy(bozhou2022, spells('stable_exit'), '2022-01-01')).toMatchObject({
      category: 'stable_exit',
      rule: null,
      subsidy: 0,
      personPays: fen(320),
      fiscal: fen(580),
    });
  });

  it('皖医保发〔2020〕15号 (Anhui 2020, individual 280, fiscal 550): 特困 full; 低保 80% of 280 = 224', () => {
    const anhui2020 = loadPolicy('anhui').at('2020-01-01');
    expect(premiumSubsidy(anhui2020, spells('extreme_poverty'), '2020-01-01')).toMatchObject({
      subsidy: fen(280),
      fiscal: fen(550),
    });
    expect(premiumSubsidy(anhui2020, spells('subsistence_allowance'), '2020-01-01')).toMatchObject({
      subsidy: fen(224),
    });
  });

  it('a person in several categories gets the most favourable subsidy, not two', () => {
    const both = person(['monitored', 'subsistence_allowance']).categories;
    expect(premiumSubsidy(bozhou2022, both, '2022-01-01')).toMatchObject({
      category: 'subsistence_allowance',
      subsidy: fen(288),
    });
  });

  it('Liaocheng briefing (Linqing): 特困 in full of the tier chosen (280 or 320), the others 100 yuan', () => {
    const linqing = loadPolicy('shandong/liaocheng/linqing').at('2022-01-01');
    expect(premiumSubsidy(linqing, spells('extreme_poverty'), '2022-01-01', fen(320))).toMatchObject({
      subsidy: fen(320),
      personPays: 0,
    });
    expect(premiumSubsidy(linqing, spells('extreme_poverty'), '2022-01-01', fen(280))).toMatchObject({
      subsidy: fen(280),
    });
    expect(premiumSubsidy(linqing, spells('low_income_margin'), '2022-01-01', fen(280))).toMatchObject({
      subsidy: fen(100),
      personPays: fen(180),
    });
    expect(() => premiumSubsidy(linqing, spells('low_income_margin'), '2022-01-01', fen(300))).toThrow(/CODE_UNKNOWN/);
  });

  it("Fenghua bureau's 2022 report: assistance targets exempt (资助免缴)", () => {
    const fenghua = loadPolicy('zhejiang/ningbo/fenghua').at('2022-01-01');
    expect(premiumSubsidy(fenghua, spells('low_income_margin'), '2022-01-01')).toMatchObject({ personPays: 0 });
  });

  it('rounds a percentage to the fen when the policy says fen: 300 × 85.5% = 256.50', () => {
    const plain = loadPolicy(fixture('standalone.yaml')).at('2022-01-01');
    expect(premiumSubsidy(plain, spells('subsistence_allowance'), '2022-01-01')).toMatchObject({
      subsidy: fen('256.50'),
    });
  });

  it('皖医保发〔2020〕15号: a newborn insured within 3 months of birth is covered from birth', () => {
    const anhui = loadPolicy('anhui').at('2022-01-01');
    expect(coverageStart(anhui, 2022, '2022-05-10', '2022-02-10')).toBe('2022-02-10');
    expect(coverageStart(anhui, 2022, '2022-05-11', '2022-02-10')).toBe('2022-05-11');
    // 30 November + 3 months is the end of February.
    expect(coverageStart(anhui, 2023, '2023-02-28', '2022-11-30')).toBe('2023-02-28');
    // Everybody else: the contribution paid last year covers this year from 1 January (当年缴费，次年享受).
    expect(coverageStart(anhui, 2022, '2021-11-20', '1980-03-01')).toBe('2022-01-01');
  });
});

describe('Liaocheng briefing (Guanxian): 蓝黄红 warning levels on the yearly personal burden', () => {
  const guanxian = loadPolicy('shandong/liaocheng/guanxian').at('2022-06-01');
  const level = (categories: CategoryCode[], yuan: number) =>
    assessWarning(guanxian, person(categories).categories, '2022-06-01', {
      ...emptyYearToDate(2022),
      personalBurden: fen(yuan),
    });

  it('assistance targets: above 30,000 blue, above 100,000 yellow, above 300,000 red; screened twice a week', () => {
    expect(level(['monitored'], 30000)?.level).toBe('none');
    expect(level(['monitored'], 30000.01)).toMatchObject({
      level: 'blue',
      feedback: 'monthly',
      screening: 'twice_weekly',
    });
    expect(level(['monitored'], 100000.01)).toMatchObject({ level: 'yellow', feedback: 'biweekly' });
    expect(level(['monitored'], 300000.01)).toMatchObject({ level: 'red', feedback: 'immediate' });
  });

  it('ordinary insured: no blue, yellow above 100,000, red above 300,000; screened every two weeks', () => {
    expect(level([], 99999.99)).toMatchObject({ level: 'none', screening: 'biweekly', population: '普通参保群众' });
    expect(level([], 100000.01)?.level).toBe('yellow');
    expect(level([], 300000.01)?.level).toBe('red');
  });

  it('is measured on what settlements left the person to pay', () => {
    // Ordinary resident, city stay of 400,000 with 120,000 fully self-paid: in scope 280,000;
    // basic (280,000 − 900) × 60% = 167,460 → cap 120,000; CI base 160,000: 89,000 × 60% + 60,000 × 65% = 92,400.
    // Personal burden: 120,000 + 160,000 − 92,400 = 187,600 → yellow.
    const [result] = run('shandong/liaocheng/guanxian', person([]), [
      claim({ level: 'city', total: 400000, fullOwnPay: 120000 }),
    ]);
    expect(result!.ytd.personalBurden).toBe(fen(187600));
    expect(assessWarning(guanxian, [], '2022-06-01', result!.ytd)?.level).toBe('yellow');
  });

  it('is absent where a policy sets no warning rules', () => {
    expect(
      assessWarning(loadPolicy('anhui/bozhou').at('2022-06-01'), [], '2022-06-01', emptyYearToDate(2022)),
    ).toBeNull();
  });
});

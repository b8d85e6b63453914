/** Each layer's trace cites its parameters with the sources of the files that set them, checked against the YAML. */
import { describe, expect, it } from 'vitest';
import { listBuiltInPolicies, loadPolicy } from '../../policy/load.js';
import { claim, person, run } from '../../test-support/build.js';
import type { SettleResult, TraceStep } from '../types.js';
import { LAYERS } from './index.js';

const bozhou = loadPolicy('anhui/bozhou');
const liaocheng = loadPolicy('shandong/liaocheng');
const fenghua = loadPolicy('zhejiang/ningbo/fenghua');

/** [path, sourceKey, file] of each parameter a layer's step cites. */
function citedBy(result: SettleResult, layer: TraceStep['layer']): (string | null | undefined)[][][] {
  return result
    .trace!.filter((step) => step.layer === layer)
    .map((step) => step.params.map((p) => [p.path, p.source?.sourceKey, p.source?.file]));
}

describe('each layer cites its parameters with the sources of the files that set them', () => {
  it('Bozhou, 低保, a county stay: basic, critical illness with the tilt, assistance, re-assistance', () => {
    const [result] = run(bozhou, person(['subsistence_allowance']), [claim({ total: 60000, fullOwnPay: 5000 })]);
    expect(citedBy(result!, 'category')).toEqual([
      [
        [null, undefined, undefined],
        ['categories.precedence', 'S000', 'anhui'],
      ],
    ]);
    // anhui.yaml writes the levels whole (WZB2019); the admission shares and the cap are its assumed values.
    expect(citedBy(result!, 'basic')).toEqual([
      [
        ['basic.inpatient.levels.county.deductible', 'WZB2019', 'anhui'],
        ['basic.inpatient.deductible_by_admission', 'ASSUMED', 'anhui'],
        ['basic.inpatient.levels.county.ratio', 'WZB2019', 'anhui'],
        ['basic.annual_cap.amount', 'ASSUMED', 'anhui'],
      ],
    ]);
    // The deductible is Bozhou's own (S002); the tilts of 2022 come from the Huaibei Daily report (S000), the bands
    // from Hefei 2020.
    expect(citedBy(result!, 'critical_illness')).toEqual([
      [
        ['critical_illness.deductible', 'S002', 'anhui/bozhou'],
        ['critical_illness.tilts.subsistence_allowance.deductible_factor', 'S000', 'anhui'],
        [null, undefined, undefined],
        ['critical_illness.tilts.subsistence_allowance.ratio_points', 'S000', 'anhui'],
        ['critical_illness.bands', 'HF2020', 'anhui'],
        ['critical_illness.convention', 'HF2020', 'anhui'],
        ['critical_illness.tilts.subsistence_allowance.no_cap', 'S000', 'anhui'],
      ],
    ]);
    const ci = result!.trace!.find((step) => step.layer === 'critical_illness')!;
    // 12,000 × 50% = 6,000 yuan; the bands as paid, 5 points up: 65%, 75%, 80%, 85%.
    expect(ci.params[2]).toMatchObject({ name: '倾斜后起付线', value: 600_000 });
    expect(ci.params[4]?.value).toEqual([
      { above: 0, ratio: 6500 },
      { above: 5_000_000, ratio: 7500 },
      { above: 10_000_000, ratio: 8000 },
      { above: 20_000_000, ratio: 8500 },
    ]);
    const assistance = 'assistance.categories.subsistence_allowance';
    expect(citedBy(result!, 'assistance')).toEqual([
      ['deductible', 'ratio', 'annual_limit'].map((key) => [`${assistance}.${key}`, 'S000', 'anhui']),
    ]);
    const re = 're_assistance.categories.subsistence_allowance';
    expect(citedBy(result!, 're_assistance')).toEqual([
      ['threshold', 'ratio', 'annual_limit'].map((key) => [`${re}.${key}`, 'ASSUMED', 'anhui']),
    ]);
  });

  it('Bozhou: a referral cites the referral deductible and the level ratio', () => {
    const [result] = run(bozhou, person([]), [claim({ total: 30000, referral: 'out_of_province' })]);
    expect(citedBy(result!, 'basic')[0]?.slice(0, 3)).toEqual([
      ['basic.inpatient.referral.out_of_province.deductible', 'WZB2019', 'anhui'],
      ['basic.inpatient.deductible_by_admission', 'ASSUMED', 'anhui'],
      ['basic.inpatient.levels.county.ratio', 'WZB2019', 'anhui'],
    ]);
  });

  it("Liaocheng, 特困: each tilt key is its own leaf; the second stay's deductible share; special drugs", () => {
    const [first, second, drug] = run(liaocheng, person(['extreme_poverty']), [
      claim({ date: '2022-03-01', total: 30000 }),
      claim({ date: '2022-05-01', total: 30000 }),
      claim({ date: '2022-06-01', encounter: 'special_drug', total: 30000 }),
    ]);
    const tilt = 'critical_illness.tilts.extreme_poverty';
    expect(citedBy(first!, 'critical_illness')).toEqual([
      [
        ['critical_illness.deductible', 'S001', 'shandong/liaocheng'],
        [`${tilt}.deductible`, 'S001', 'shandong/liaocheng'],
        [`${tilt}.bands`, 'LC_PUB', 'shandong/liaocheng'],
        ['critical_illness.convention', 'LC_PUB', 'shandong/liaocheng'],
        [`${tilt}.no_cap`, 'S001', 'shandong/liaocheng'],
      ],
    ]);
    // Second stay of the year: half the deductible (LC_PUB).
    const share = second!.trace!.find((step) => step.layer === 'basic')!.params[1];
    expect(share).toMatchObject({ name: '年内第 2 次住院起付线比例', value: 5000, source: { sourceKey: 'LC_PUB' } });
    const drugs = 'critical_illness.special_drugs';
    expect(citedBy(drug!, 'critical_illness')).toEqual([
      [
        [`${drugs}.tilts.extreme_poverty.deductible`, 'S001', 'shandong/liaocheng'],
        [`${drugs}.tilts.extreme_poverty.ratio`, 'S001', 'shandong/liaocheng'],
        [`${drugs}.annual_cap`, 'LC_PUB', 'shandong/liaocheng'],
      ],
    ]);
    // Special drugs, 特困: no deductible, 60%: 30,000 × 60% = 18,000 yuan.
    expect(drug!.settlement.layers.critical_illness?.paid).toBe(1_800_000);
  });

  it('Fenghua: the high-cost subsidy, supplementary insurance and the COVID rules, all its own file', () => {
    const file = 'zhejiang/ningbo/fenghua';
    const [stay] = run(fenghua, person(['subsistence_allowance'], true), [claim({ level: 'city', total: 400000 })]);
    expect(citedBy(stay!, 'high_cost_subsidy')).toEqual([
      ['threshold', 'ratio', 'annual_limit'].map((key) => [`high_cost_subsidy.${key}`, 'S003', file]),
    ]);
    expect(citedBy(stay!, 'supplementary')).toEqual([
      ['deductible', 'ratio', 'annual_cap'].map((key) => [`supplementary.${key}`, 'ASSUMED', file]),
    ]);
    // The temporary rules are one list (S003): the inpatient rule is its first, the outpatient override its second.
    const [covidStay] = run(fenghua, person([]), [
      claim({ admDate: '2023-03-25', date: '2023-04-05', level: 'city', total: 50000, diagnoses: ['U07.100'] }),
    ]);
    expect(citedBy(covidStay!, 'temporary')).toEqual([[['temporary.0.effect.ratio', 'S003', file]]]);
    const [visit] = run(fenghua, person([]), [
      claim({
        encounter: 'ordinary_outpatient',
        date: '2023-02-01',
        level: 'township',
        total: 200,
        diagnoses: ['U07.1'],
      }),
    ]);
    expect(citedBy(visit!, 'basic')).toEqual([
      ['deductible', 'ratio', 'annual_limit'].map((key) => [`temporary.1.effect.${key}`, 'S003', file]),
    ]);
  });

  it('no layer cites a parameter outside the parts of the policy it declares it reads', () => {
    const reads = new Map(LAYERS.map((layer) => [layer.layer as string, layer.reads as readonly string[]]));
    let cited = 0;
    for (const id of listBuiltInPolicies()) {
      const policy = loadPolicy(id);
      for (const categories of [[], ['subsistence_allowance'], ['extreme_poverty'], ['monitored']] as const) {
        const results = run(policy, person([...categories], true), [
          claim({ date: '2022-02-01', total: 80000, preSelfPay: 5000, referral: 'in_province' }),
          claim({ date: '2022-03-01', total: 300000, level: 'city' }),
          claim({ date: '2022-04-01', encounter: 'chronic_outpatient', level: 'township', total: 30000 }),
          claim({ date: '2022-05-01', encounter: 'ordinary_outpatient', level: 'township', total: 800 }),
          claim({ date: '2022-06-01', encounter: 'special_drug', level: 'city', total: 90000 }),
        ]);
        for (const step of results.flatMap((result) => result.trace!)) {
          for (const p of step.params) {
            if (p.path === null || !reads.has(step.layer)) continue;
            const root = p.path.split('.')[0]!;
            expect(reads.get(step.layer), `${id} ${step.layer} cites ${p.path}`).toContain(root);
            expect(p.source, `${id} ${p.path}`).toBeDefined();
            cited++;
          }
        }
      }
    }
    expect(cited).toBeGreaterThan(500);
  });
});

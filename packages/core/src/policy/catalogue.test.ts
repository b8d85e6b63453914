/**
 * The catalogue of a policy on a date: every value in yuan, percent, counts and names with its source, checked against
 * the YAML by hand; nothing in internal units or codes; and the comparison of two catalogues.
 */
import { describe, expect, it } from 'vitest';
import { bandsText, CATALOGUE_SECTIONS, compareCatalogues, policyCatalogue, type CatalogueEntry } from './catalogue.js';
import { listBuiltInPolicies, loadPolicy } from './load.js';

function byPath(entries: CatalogueEntry[]): Map<string, CatalogueEntry> {
  return new Map(entries.map((entry) => [entry.path, entry]));
}

const bozhou = byPath(policyCatalogue(loadPolicy('anhui/bozhou').at('2026-06-15')));

describe('policyCatalogue', () => {
  it('shows Bozhou’s values in yuan and percent with the source of each', () => {
    // policies/anhui/bozhou.yaml line 13: critical_illness.deductible 12000 (yuan) from 2022-01-01, source S002 (seed).
    const deductible = bozhou.get('critical_illness.deductible');
    expect(deductible).toMatchObject({ section: '大病保险', name: '起付线', value: '12,000.00 元' });
    expect(deductible?.source).toMatchObject({
      file: 'anhui/bozhou',
      line: 13,
      from: '2022-01-01',
      confidence: 'seed',
    });
    expect(deductible?.source?.cite).toContain('亳州晚报');
    // policies/anhui.yaml line 65 (entry of line 61): county { deductible: 500, ratio: 80% }, source WZB2019 (public).
    expect(bozhou.get('basic.inpatient.levels.county.ratio')).toMatchObject({
      section: '基本医保',
      name: '住院 · 二级和县级 · 支付比例',
      value: '80%',
    });
    expect(bozhou.get('basic.inpatient.levels.county.deductible')?.value).toBe('500.00 元');
    expect(bozhou.get('basic.inpatient.levels.county.ratio')?.source).toMatchObject({
      file: 'anhui',
      line: 61,
      confidence: 'public',
    });
    // policies/anhui.yaml lines 126–129: bands 0 60%, 50000 70%, 100000 75%, 200000 80% (assumed, line 121).
    expect(bozhou.get('critical_illness.bands')?.value).toBe(
      '0–50,000 元 60%；50,000–100,000 元 70%；100,000–200,000 元 75%；200,000 元以上 80%',
    );
    expect(bozhou.get('critical_illness.bands')?.source?.confidence).toBe('assumed');
    // policies/anhui/bozhou.yaml line 19: 低保 subsidy percent 90% of the individual contribution.
    expect(bozhou.get('subsidy.categories.subsistence_allowance')).toMatchObject({
      section: '参保资助',
      name: '低保对象',
      value: '按个人缴费标准的 90% 资助',
    });
    // policies/anhui.yaml line 212: premium.individual 320 from 2022-01-01; line 217: newborn_months 3.
    expect(bozhou.get('premium.individual')?.value).toBe('320.00 元');
    expect(bozhou.get('premium.newborn_months')?.value).toBe('3 个月');
    // policies/anhui.yaml line 145: the tilt raises the ratio by 5 points and halves the deductible.
    expect(bozhou.get('critical_illness.tilts.extreme_poverty.ratio_points')?.value).toBe('5 个百分点');
    expect(bozhou.get('critical_illness.tilts.extreme_poverty.deductible_factor')?.value).toBe('50%');
    // assistance.measure is not written in either file: the schema's default, with no source.
    expect(bozhou.get('assistance.measure')).toMatchObject({ value: '政策范围内个人负担', source: undefined });
  });

  it('names codes: Guanxian’s warning, its department and cadences; Liaocheng’s admission shares', () => {
    const guanxian = byPath(policyCatalogue(loadPolicy('shandong/liaocheng/guanxian').at('2026-06-15')));
    // policies/shandong/liaocheng/guanxian.yaml line 77: the first population's blue line 30000.
    expect(guanxian.get('warning.populations.0.thresholds.blue')).toMatchObject({
      section: '预警',
      name: '政策规定的帮扶对象 · 预警线 · 蓝码',
      value: '30,000.00 元',
    });
    expect(guanxian.get('warning.department')?.value).toBe('乡村振兴部门');
    expect(guanxian.get('warning.feedback.red')?.value).toBe('随时');
    expect(guanxian.get('warning.populations.1.categories')?.value).toBe('其他参保人员');
    // policies/shandong/liaocheng.yaml line 59: [100%, 50%, 0%].
    expect(guanxian.get('basic.inpatient.deductible_by_admission')?.value).toBe(
      '第 1 次 100%；第 2 次 50%；第 3 次及以后 0%',
    );
    // policies/shandong/liaocheng.yaml line 219: tiers [280, 320].
    expect(guanxian.get('premium.tiers')?.value).toBe('280.00 元、320.00 元');
  });

  it('never shows an internal unit or a code: no Latin word in any name or value of any built-in policy', () => {
    const sections = new Set(Object.values(CATALOGUE_SECTIONS));
    for (const id of listBuiltInPolicies()) {
      const policy = loadPolicy(id);
      for (const epoch of policy.epochs) {
        const entries = policyCatalogue(epoch);
        expect(entries.length).toBeGreaterThan(50);
        for (const entry of entries) {
          expect(`${entry.name} ${entry.value}`, `${id} ${epoch.from} ${entry.path}`).not.toMatch(/[A-Za-z]{3,}/);
          expect(sections.has(entry.section), entry.path).toBe(true);
          expect(entry.value).not.toBe('');
        }
        expect(new Set(entries.map((entry) => entry.path)).size).toBe(entries.length);
      }
    }
  });
});

describe('compareCatalogues', () => {
  it('shows only Fenghua’s temporary rules across the day they start (fenghua.yaml line 49, from 2023-01-08)', () => {
    const fenghua = loadPolicy('zhejiang/ningbo/fenghua');
    const differences = compareCatalogues(
      policyCatalogue(fenghua.at('2023-01-07')),
      policyCatalogue(fenghua.at('2023-01-08')),
    );
    expect(differences.length).toBeGreaterThan(0);
    for (const difference of differences) {
      expect(difference.path.startsWith('temporary.')).toBe(true);
      expect(difference.a).toBeNull();
      expect(difference.b?.source).toMatchObject({ file: 'zhejiang/ningbo/fenghua', line: 49, from: '2023-01-08' });
    }
    expect(differences.find((d) => d.path === 'temporary.covid_outpatient.effect.ratio')?.b?.value).toBe('75%');
    // The other way round: the same rows, now on the first side only.
    const back = compareCatalogues(
      policyCatalogue(fenghua.at('2023-01-08')),
      policyCatalogue(fenghua.at('2023-01-07')),
    );
    expect(back.map((d) => d.path)).toEqual(differences.map((d) => d.path));
    expect(back.every((d) => d.b === null && d.a !== null)).toBe(true);
  });

  it('shows a changed value with both sides, and a new source for the same value', () => {
    const bozhouPolicy = loadPolicy('anhui/bozhou');
    const differences = compareCatalogues(
      policyCatalogue(bozhouPolicy.at('2021-12-31')),
      policyCatalogue(bozhouPolicy.at('2022-01-01')),
    );
    const paths = differences.map((d) => d.path);
    // policies/anhui.yaml lines 211–212: premium.individual 280 (2020) → 320 (2022-01-01).
    const individual = differences.find((d) => d.path === 'premium.individual');
    expect([individual?.a?.value, individual?.b?.value]).toEqual(['280.00 元', '320.00 元']);
    // policies/anhui.yaml lines 155–160: 特困 assistance the same 80% from 2022, now citing S000 instead of ASSUMED.
    const ratio = differences.find((d) => d.path === 'assistance.categories.extreme_poverty.ratio');
    expect([ratio?.a?.value, ratio?.b?.value]).toEqual(['80%', '80%']);
    expect([ratio?.a?.source?.confidence, ratio?.b?.source?.confidence]).toEqual(['assumed', 'seed']);
    // policies/anhui.yaml lines 256–257 and anhui/bozhou.yaml line 23: 监测人口's subsidy starts in 2022: on the second side only.
    expect(differences.find((d) => d.path === 'subsidy.categories.monitored')?.a).toBeNull();
    // Unchanged values are not listed.
    expect(paths).not.toContain('basic.inpatient.levels.county.ratio');
    expect(compareCatalogues([...bozhou.values()], [...bozhou.values()])).toEqual([]);
  });

  it('places the second side’s own rows after the row they follow there', () => {
    const row = (path: string, value: string): CatalogueEntry => ({
      path,
      section: '基本医保',
      name: path,
      value,
      source: undefined,
    });
    const differences = compareCatalogues(
      [row('a', '1'), row('c', '3')],
      [row('a', '1'), row('b', '2'), row('c', '4'), row('d', '5')],
    );
    expect(differences.map((d) => d.path)).toEqual(['b', 'c', 'd']);
  });
});

describe('bandsText', () => {
  it('writes band edges in whole yuan and keeps fen where there are some', () => {
    expect(bandsText([{ above: 0, ratio: 6000 }])).toBe('0 元以上 60%');
    expect(
      bandsText([
        { above: 0, ratio: 6250 },
        { above: 1_234_550, ratio: 7000 },
      ]),
    ).toBe('0–12,345.50 元 62.5%；12,345.50 元以上 70%');
  });
});

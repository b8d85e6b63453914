/** The parameter accessor: the value read is the value cited, with its path and source resolved once per epoch. */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { cite, derived, read, readLimit } from './parameters.js';
import type { TraceParam } from './types.js';

const bozhou = loadPolicy('anhui/bozhou').at('2022-06-01');
const rules = bozhou.rules;

describe('reading a parameter', () => {
  it('returns its value and, when tracing, cites it with its path and the source of the file that set it', () => {
    const cited: TraceParam[] = [];
    // bozhou.yaml sets the critical-illness deductible itself from 2022: 12,000 yuan (the Bozhou Evening News report, S002).
    expect(read(cited, rules.critical_illness, 'deductible', '年度起付线', 'fen')).toBe(1_200_000);
    expect(cited).toEqual([
      {
        name: '年度起付线',
        path: 'critical_illness.deductible',
        value: 1_200_000,
        unit: 'fen',
        source: expect.objectContaining({ sourceKey: 'S002', confidence: 'seed', file: 'anhui/bozhou' }),
      },
    ]);
  });

  it('cites a value inside a value written whole with the source of the whole, under its own path', () => {
    const cited: TraceParam[] = [];
    // anhui.yaml writes basic.inpatient.levels as one value (WZB2019): the county deductible is 500 yuan.
    expect(read(cited, rules.basic.inpatient.levels.county, 'deductible', '起付线', 'fen')).toBe(50_000);
    expect(cited[0]).toMatchObject({
      path: 'basic.inpatient.levels.county.deductible',
      source: { sourceKey: 'WZB2019', confidence: 'public', file: 'anhui' },
    });
  });

  it('without trace: the value, and nothing to cite it in', () => {
    // anhui.yaml: township hospitals pay 85%.
    expect(read(null, rules.basic.inpatient.levels.township, 'ratio', '支付比例', 'bp')).toBe(8500);
  });

  it('cites a limit the policy does not set as 不设', () => {
    const fenghua = loadPolicy('zhejiang/ningbo/fenghua').at('2022-06-01');
    const cited: TraceParam[] = [];
    // fenghua.yaml: the high-cost subsidy has no yearly limit (null; the Fenghua bureau's 2022 report).
    expect(readLimit(cited, fenghua.rules.high_cost_subsidy!, 'annual_limit', '年度限额')).toBeNull();
    expect(cited[0]).toMatchObject({
      path: 'high_cost_subsidy.annual_limit',
      value: '不设',
      unit: 'text',
      source: { sourceKey: 'S003', file: 'zhejiang/ningbo/fenghua' },
    });
  });

  it('cites a parameter shown in words, and a value worked out in the step without a source', () => {
    const cited: TraceParam[] = [];
    cite(cited, rules.critical_illness, 'convention', '分段口径', '按超过起付线的累计金额分段', 'text');
    derived(cited, '倾斜后起付线', 600_000, 'fen');
    expect(cited).toEqual([
      {
        name: '分段口径',
        path: 'critical_illness.convention',
        value: '按超过起付线的累计金额分段',
        unit: 'text',
        source: expect.objectContaining({ sourceKey: 'HF2020', file: 'anhui' }),
      },
      { name: '倾斜后起付线', path: null, value: 600_000, unit: 'fen', source: undefined },
    ]);
  });
});

describe('a parameter the policy does not have', () => {
  it('a mistyped key does not compile and throws, where the path as text cites the enclosing value', () => {
    // The old way: the text path finds the nearest enclosing leaf and cites its source as if it were the value's.
    expect(bozhou.source('basic.inpatient.levels.county.deductable')?.sourceKey).toBe('WZB2019');
    const county = rules.basic.inpatient.levels.county;
    // @ts-expect-error: deductable is not a key of the schema
    expect(() => read([], county, 'deductable', '起付线', 'fen')).toThrow(/不存在的参数「起付线」（deductable）/);
    // Without trace as well: a value the policy does not have is never read as undefined.
    // @ts-expect-error: deductable is not a key of the schema
    expect(() => read(null, county, 'deductable', '起付线', 'fen')).toThrow(/程序错误/);
  });

  it('a key the schema has but the policy does not write throws too', () => {
    // Bozhou's county level sets no ratio bands; a referral sets no ratio of its own.
    const county = rules.basic.inpatient.levels.county;
    expect(() => read([], county, 'ratio_bands', '分段支付比例', 'bands')).toThrow(/不存在的参数/);
    expect(() => read([], rules.basic.inpatient.referral!.in_province!, 'ratio', '支付比例', 'bp')).toThrow(
      /不存在的参数「支付比例」（ratio）/,
    );
  });

  it('an object that is not the policy’s cannot be cited', () => {
    const copy = { ...rules.basic.inpatient.levels.county };
    expect(read(null, copy, 'deductible', '起付线', 'fen')).toBe(50_000);
    expect(() => read([], copy, 'deductible', '起付线', 'fen')).toThrow(/程序错误/);
  });
});

describe('sources resolved once per epoch', () => {
  it('every value of every reference policy is cited with the source policy.source gives for its path', () => {
    let checked = 0;
    const walk = (value: object, path: string, epoch: typeof bozhou): void => {
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const at = path ? `${path}.${key}` : key;
        const cited: TraceParam[] = [];
        cite(cited, value, key as never, '值', 'x', 'text');
        expect(cited[0]?.path).toBe(at);
        expect(cited[0]?.source, at).toBe(epoch.source(at));
        checked++;
        if (child !== null && typeof child === 'object') walk(child as object, at, epoch);
      }
    };
    for (const id of ['anhui/bozhou', 'shandong/liaocheng/linqing', 'zhejiang/ningbo/fenghua']) {
      for (const epoch of loadPolicy(id).epochs) walk(epoch.rules, '', epoch);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('the annotation is invisible to JSON and to comparisons', () => {
    const province = loadPolicy('anhui').at('2022-06-01');
    expect(Object.keys(rules.basic.inpatient.levels.county)).toEqual(['deductible', 'ratio']);
    expect(JSON.parse(JSON.stringify(rules.basic))).toEqual(JSON.parse(JSON.stringify(province.rules.basic)));
  });

  it('a parameter cited again under the same name and value is the same frozen citation', () => {
    const first: TraceParam[] = [];
    const second: TraceParam[] = [];
    read(first, rules.critical_illness, 'deductible', '年度起付线', 'fen');
    read(second, rules.critical_illness, 'deductible', '年度起付线', 'fen');
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0])).toBe(true);
    // Another name or another shown value is another citation; the earlier one is left as it was.
    cite(second, rules.critical_illness, 'deductible', '起付线', 1_200_000, 'fen');
    expect(second[1]).not.toBe(first[0]);
    expect(first[0]).toMatchObject({ name: '年度起付线', value: 1_200_000 });
  });
});

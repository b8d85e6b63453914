/** Policy files: every reference region loads; bad files are refused with the file, the path and the line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SanbaoError, type Problem } from '../errors.js';
import { fen } from '../test-support/build.js';
import { fixture } from '../test-support/fixtures.js';
import { listBuiltInPolicies, loadPolicy } from './load.js';

const REFERENCE = [
  'anhui',
  'anhui/bozhou',
  'anhui/huaibei',
  'shandong/liaocheng',
  'shandong/liaocheng/guanxian',
  'shandong/liaocheng/linqing',
  'zhejiang/ningbo',
  'zhejiang/ningbo/fenghua',
];

function problemsOf(action: () => unknown): Problem[] {
  try {
    action();
  } catch (error) {
    if (error instanceof SanbaoError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

const folder = mkdtempSync(join(tmpdir(), 'sanbao-policy-'));
function writePolicy(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const header = (extra = ''): string =>
  `name: 坏政策\nregion: '999999'\n${extra}sources:\n  T: { cite: 测试, confidence: assumed }\n`;

describe('the reference regions', () => {
  it('ships every region of POLICY-PARAMETERS.md and each one compiles', () => {
    expect(listBuiltInPolicies()).toEqual(expect.arrayContaining(REFERENCE));
    for (const id of REFERENCE) expect(loadPolicy(id).epochs.length).toBeGreaterThan(0);
  });

  it('gives every number a source with a confidence', () => {
    for (const id of REFERENCE) {
      for (const epoch of loadPolicy(id).epochs) {
        const walk = (value: unknown, path: string[]): void => {
          if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
            return;
          }
          if (typeof value !== 'number') return; // written choices (codes, lists, defaults) carry no amount
          const source = epoch.source(path.join('.'));
          expect(source, `${id} ${path.join('.')}`).toBeDefined();
          expect(['seed', 'public', 'assumed']).toContain(source?.confidence);
        };
        walk(epoch.rules, []);
      }
    }
  });

  it('lets a city inherit its province and override single values', () => {
    const bozhou = loadPolicy('anhui/bozhou').at('2022-06-01');
    const province = loadPolicy('anhui').at('2022-06-01');
    // Bozhou 90% for 低保 (the Bozhou Evening News report, 亳州晚报 2021-12-28《告别“351”“180”，医保扶贫织起三重保障》);
    // the province file keeps the lower bound of 80%–90% (the Huaibei Daily report,
    // 淮北日报《强化困难群众兜底保障 我市将调整转换健康脱贫综合医疗保障政策》).
    expect(bozhou.rules.subsidy.categories.subsistence_allowance).toEqual({ type: 'percent', ratio: 9000 });
    expect(province.rules.subsidy.categories.subsistence_allowance).toEqual({ type: 'percent', ratio: 8000 });
    expect(bozhou.rules.basic).toEqual(province.rules.basic);
    expect(bozhou.source('subsidy.categories.subsistence_allowance')).toMatchObject({
      sourceKey: 'S002',
      confidence: 'seed',
      file: 'anhui/bozhou',
    });
    expect(bozhou.source('basic.inpatient.levels.county.deductible')).toMatchObject({
      sourceKey: 'WZB2019',
      confidence: 'public',
      file: 'anhui',
    });
    expect(bozhou.fingerprint).not.toBe(province.fingerprint);
  });

  it('lets a county change one field inside a value its city wrote whole', () => {
    const linqing = loadPolicy('shandong/liaocheng/linqing').at('2022-06-01');
    expect(linqing.rules.re_assistance?.categories.extreme_poverty).toEqual({
      threshold: fen(5000),
      ratio: 7000,
      annual_limit: fen(15000),
      applies_to: ['inpatient'],
    });
    // The city's own value is untouched by the county's override.
    expect(
      loadPolicy('shandong/liaocheng').at('2022-06-01').rules.re_assistance?.categories.extreme_poverty?.applies_to,
    ).toEqual(['inpatient', 'chronic_outpatient']);
  });

  it('loads a standalone file a bureau wrote, and a file extending it by a relative path', () => {
    expect(loadPolicy(fixture('standalone.yaml')).name).toBe('测试市城乡居民医保');
    expect(loadPolicy(fixture('cumulative-total.yaml')).at('2022-06-01').rules.critical_illness.convention).toBe(
      'cumulative_total',
    );
  });
});

describe('dated values', () => {
  it('switches values on their dates and stops a value on its last day', () => {
    const path = writePolicy(
      'dated.yaml',
      `${header()}parameters:\n  x_premium_note:\n    - { from: 2022-01-01, until: 2022-06-30, value: 1, source: T }\n`,
    );
    // A policy with only an unknown parameter is refused, but its problems name the unknown field, not the dates.
    const problems = problemsOf(() => loadPolicy(path));
    expect(problems.some((p) => p.message.includes('x_premium_note'))).toBe(true);
  });

  it('resolves the epoch for a date and refuses dates before the first', () => {
    const fenghua = loadPolicy('zhejiang/ningbo/fenghua');
    expect(fenghua.at('2023-01-07').rules.temporary).toEqual([]);
    expect(fenghua.at('2023-01-08').rules.temporary.map((rule) => rule.id)).toEqual([
      'covid_inpatient',
      'covid_outpatient',
    ]);
    expect(problemsOf(() => fenghua.at('2021-12-31'))[0]?.code).toBe('POLICY_NOT_IN_FORCE');
  });
});

describe('bad policy files fail with a clear message naming the place', () => {
  it('malformed YAML: the line', () => {
    const path = writePolicy('malformed.yaml', `${header()}parameters:\n  basic: [unclosed\n`);
    const [first] = problemsOf(() => loadPolicy(path));
    expect(first).toMatchObject({ code: 'YAML_MALFORMED', file: path });
    expect(first?.line).toBeGreaterThanOrEqual(5);
  });

  it('an undeclared source: the entry and its line', () => {
    const path = writePolicy(
      'source.yaml',
      `${header()}parameters:\n  insutype:\n    - { from: 2022-01-01, value: '390', source: NOPE }\n`,
    );
    expect(problemsOf(() => loadPolicy(path))[0]).toMatchObject({
      code: 'SOURCE_UNKNOWN',
      path: 'insutype[0]',
      line: 7,
    });
  });

  it('entries out of date order', () => {
    const path = writePolicy(
      'order.yaml',
      `${header()}parameters:\n  insutype:\n    - { from: 2022-01-01, value: '390', source: T }\n    - { from: 2021-01-01, value: '390', source: T }\n`,
    );
    expect(problemsOf(() => loadPolicy(path))[0]).toMatchObject({ code: 'DATE_ORDER', path: 'insutype[1]', line: 8 });
  });

  it('a third decimal or a ratio above 100% inside an inherited policy: the child file and the line of the value', () => {
    const path = writePolicy(
      'child.yaml',
      `${header('extends: anhui\n')}parameters:\n  critical_illness:\n    deductible:\n      - { from: 2022-01-01, value: 12000.005, source: T }\n    bands:\n      - from: 2022-01-01\n        source: T\n        value:\n          - { above: 0, ratio: 160% }\n`,
    );
    const problems = problemsOf(() => loadPolicy(path));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'POLICY_INVALID', file: path, path: 'critical_illness.deductible', line: 9 }),
        expect.objectContaining({
          code: 'POLICY_INVALID',
          file: path,
          path: 'critical_illness.bands[0].ratio',
          line: 14,
        }),
      ]),
    );
    expect(problems.find((p) => p.path === 'critical_illness.deductible')?.message).toContain('两位小数');
  });

  it('a missing required value: names the path and the date it is missing from', () => {
    const path = writePolicy(
      'missing.yaml',
      `${header()}parameters:\n  insutype:\n    - { from: 2022-01-01, value: '390', source: T }\n`,
    );
    const problems = problemsOf(() => loadPolicy(path));
    expect(problems.find((p) => p.path === 'basic')).toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringContaining('缺少必填项（2022-01-01 起生效的取值）'),
    });
  });

  it('unknown keys, unknown categories and unknown extends targets', () => {
    const path = writePolicy(
      'unknown.yaml',
      `${header('extends: anhui\n')}parameters:\n  assistance:\n    categories:\n      rich_people:\n        - { from: 2022-01-01, value: { deductible: 0, ratio: 10%, annual_limit: 1, applies_to: [inpatient] }, source: T }\n`,
    );
    expect(problemsOf(() => loadPolicy(path))[0]).toMatchObject({
      code: 'POLICY_INVALID',
      path: 'assistance.categories.rich_people',
      line: 10,
    });
    const orphan = writePolicy('orphan.yaml', `${header('extends: ./nowhere.yaml\n')}parameters: {}\n`);
    expect(problemsOf(() => loadPolicy(orphan))[0]?.code).toBe('POLICY_NOT_FOUND');
    expect(problemsOf(() => loadPolicy('anhui/atlantis'))[0]?.code).toBe('POLICY_NOT_FOUND');
  });

  it('an inheritance cycle', () => {
    writePolicy('a.yaml', `${header('extends: ./b.yaml\n')}parameters: {}\n`);
    const b = writePolicy('b.yaml', `${header('extends: ./a.yaml\n')}parameters: {}\n`);
    expect(problemsOf(() => loadPolicy(b))[0]?.code).toBe('POLICY_CYCLE');
  });

  it('a region may switch off what it inherits, from a date', () => {
    const path = writePolicy(
      'removed.yaml',
      `${header('extends: zhejiang/ningbo/fenghua\n')}parameters:\n  supplementary:\n    name:\n      - { from: 2022-07-01, removed: true, source: T }\n`,
    );
    const problems = problemsOf(() => loadPolicy(path));
    // Removing one required field of a section leaves the section incomplete from that date: refused, with the date.
    expect(problems[0]?.message).toContain('2022-07-01');
  });
});

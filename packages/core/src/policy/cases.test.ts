/**
 * The worked cases beside the policies: every *.cases.yaml under policies/ runs here, one test per case, and a wrong
 * figure fails naming the file, the case, the layer, what was expected and what the engine gave. The figures and their
 * arithmetic are in the case files (they came from the earlier engine tests, one expected amount per assertion).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SanbaoError, type Problem } from '../errors.js';
import { CASES_SUFFIX, parseCaseFile } from './cases.js';
import { casesFileBeside, describeFailure, describeOutcomes, loadCaseFile, runCase, runCases } from './cases-run.js';
import { builtInPolicyDir, loadPolicy } from './load.js';

function caseFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(CASES_SUFFIX))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

const dir = builtInPolicyDir();
const files = caseFiles(dir);

describe('the built-in case files', () => {
  it('are found beside the reference policies, with every figure the earlier engine tests asserted', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'anhui.cases.yaml',
        'anhui/bozhou.cases.yaml',
        'anhui/huaibei.cases.yaml',
        'shandong/liaocheng.cases.yaml',
        'shandong/liaocheng/guanxian.cases.yaml',
        'shandong/liaocheng/linqing.cases.yaml',
        'zhejiang/ningbo/fenghua.cases.yaml',
      ]),
    );
    const figures = files
      .flatMap((file) => loadCaseFile(join(dir, file), file).cases)
      .reduce(
        (sum, c) =>
          sum + (c.kind === 'settlement' ? c.claims.reduce((n, cl) => n + cl.expected.length, 0) : c.expected.length),
        0,
      );
    // The earlier engine tests: Anhui 53 (46 settlement figures and 7 about the policy on a date), Fenghua 31,
    // Liaocheng 39.
    expect(figures).toBeGreaterThanOrEqual(123);
  });
});

for (const file of files) {
  describe(file, () => {
    const policyId = file.slice(0, -CASES_SUFFIX.length);
    const cases = loadCaseFile(join(dir, file), file).cases;
    for (const policyCase of cases) {
      it(policyCase.name, () => {
        const outcome = runCase(loadPolicy(policyId), policyCase);
        expect(outcome.passed, describeFailure(file, outcome)).toBe(true);
      });
    }
  });
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function temp(name: string, text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-cases-'));
  folders.push(folder);
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** The Bozhou 低保 stay (bozhou.cases.yaml): CI (11,400 − 6,000) × 65% = 3,510, assistance 7,890 × 75% = 5,917.50. */
const SUBSISTENCE = `cases:
  - name: 低保对象住院
    person:
      categories: [{ code: subsistence_allowance, begin: 2000-01-01 }]
    claims:
      - med_type: 21
        setl_time: 2022-03-10
        begntime: 2022-03-01
        institution_level: county
        medfee_sumamt: 60000
        fulamt_ownpay_amt: 5000
        expected:
`;

describe('a wrong figure', () => {
  it('fails naming the file, the case, the claim, the layer, the expected and the actual amount', () => {
    const path = temp(
      'wrong.cases.yaml',
      `${SUBSISTENCE}          basic: 43600\n          critical_illness: 3500\n        working: CI (11,400 − 6,000) × 65%\n`,
    );
    const [outcome] = runCases(loadPolicy('anhui/bozhou'), loadCaseFile(path, 'wrong.cases.yaml'));
    expect(outcome?.passed).toBe(false);
    expect(outcome?.checks.map((check) => [check.expectation.key, check.passed])).toEqual([
      ['basic', true],
      ['critical_illness', false],
    ]);
    const message = describeFailure('wrong.cases.yaml', outcome!);
    expect(message).toContain('wrong.cases.yaml 第 2 行 算例「低保对象住院」未通过');
    expect(message).toContain('✗ 第 1 笔 critical_illness（大病保险）：预期 3,500.00 元，实际 3,510.00 元（第 14 行）');
    expect(message).not.toContain('basic');
    // The arithmetic written in the file comes with the failure, to set beside what the engine gave.
    expect(message).toContain('算式：\n    CI (11,400 − 6,000) × 65%');
    expect(describeOutcomes('wrong.cases.yaml', [outcome!])).toContain('1 个算例中 1 个未通过');
  });

  it('fails on a layer expected not to apply, a wrong part of a layer, and a settlement field', () => {
    const [outcome] = runCases(
      loadPolicy('anhui/bozhou'),
      parseCaseFile(
        `${SUBSISTENCE}          assistance: { paid: 5917.50, base: 7000 }\n          act_pay_dedc: 250\n          not_applicable: [assistance]\n`,
        'x.cases.yaml',
      ),
    );
    const failed = outcome!.checks.filter((check) => !check.passed).map((check) => check.expectation.key);
    // Base 11,400 − 3,510 = 7,890; the county deductible 500 is paid in full on a first stay.
    expect(failed).toEqual(['assistance.base', 'act_pay_dedc', 'assistance']);
    const message = describeFailure('x.cases.yaml', outcome!);
    expect(message).toContain('assistance.base（医疗救助 计算基数）：预期 7,000.00 元，实际 7,890.00 元');
    expect(message).toContain('act_pay_dedc（实际支付起付线）：预期 250.00 元，实际 500.00 元');
    expect(message).toContain('assistance（医疗救助）：预期 不适用（结算无此项），实际 已结算，支付 5,917.50 元');
  });

  it('fails on a policy value, a citation or a date said to have no policy in force', () => {
    const text = `cases:
  - name: 2022 年缴费
    date: 2022-07-01
    parameters: { premium.individual: 300, premium.newborn_months: 3 }
    cites: { premium.individual: 亳州 }
  - name: 2022 年无政策
    date: 2022-07-01
    not_in_force: true
`;
    const [values, none] = runCases(loadPolicy('anhui/huaibei'), parseCaseFile(text, 'huaibei.cases.yaml'));
    expect(values?.checks.map((check) => check.passed)).toEqual([false, true, false]);
    const message = describeFailure('huaibei.cases.yaml', values!);
    // Huaibei's individual premium in 2022 is 320 (淮北日报《市医保局着力推进医保民生工程提质增效》).
    expect(message).toContain('premium.individual：预期 300.00 元，实际 320.00 元（第 4 行）');
    expect(message).toContain('预期 依据含“亳州”，实际 依据为“淮北日报');
    expect(none?.passed).toBe(false);
    expect(describeFailure('huaibei.cases.yaml', none!)).toContain(
      '预期 该日没有生效的政策，实际 有（2022-01-01 起的版本）',
    );
  });

  it('fails when a claim cannot be settled, with the reason', () => {
    const text = SUBSISTENCE.replace('2022-03-10', '2019-06-10').replace('2022-03-01', '2019-06-01');
    const [outcome] = runCases(
      loadPolicy('anhui/bozhou'),
      parseCaseFile(`${text}          basic: 0\n`, 'x.cases.yaml'),
    );
    expect(outcome?.passed).toBe(false);
    expect(outcome?.problems[0]?.code).toBe('POLICY_NOT_IN_FORCE');
    expect(describeFailure('x.cases.yaml', outcome!)).toContain('✗ 无法结算：[POLICY_NOT_IN_FORCE]');
  });
});

function refusal(text: string): Problem[] {
  try {
    parseCaseFile(text, 'bad.cases.yaml');
  } catch (error) {
    if (error instanceof SanbaoError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a bad case file', () => {
  it('is refused with every problem, its path and its line', () => {
    const problems = refusal(`cases:
  - name: 有误的算例
    claims:
      - med_type: '21'
        setl_time: 2022-03-10
        institution_level: county
        medfee_sumamt: 60000
        expected:
          basic: 43600.001
          pool_prop_selfpay: 180%
          basics: 1
  - claims: []
`);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['SCHEMA', 'cases[0].claims[0].expected.basic.paid', 9],
      ['SCHEMA', 'cases[0].claims[0].expected.pool_prop_selfpay', 10],
      ['SCHEMA', 'cases[0].claims[0].expected.basics', 11],
      ['SCHEMA', 'cases[1].name', 12],
      ['SCHEMA', 'cases[1].claims', 12],
    ]);
    expect(problems[0]?.message).toContain('金额最多两位小数');
    expect(problems[1]?.message).toContain('应为 0%–100% 的比例');
    expect(problems[2]?.message).toContain('不认识的字段：basics');
    expect(problems.every((p) => p.file === 'bad.cases.yaml')).toBe(true);
  });

  it('refuses the person and claims as a scenario would, at their place in the case file', () => {
    const problems = refusal(`cases:
  - name: 场景有误
    person:
      categories: [{ code: poor, begin: 2000-01-01 }]
    claims:
      - med_type: '99'
        setl_time: 2022-03-10
        institution_level: county
        medfee_sumamt: 100.001
        expected: { basic: 0 }
`);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['CODE_UNKNOWN', 'cases[0].person.categories[0].code', 4],
      ['CODE_UNKNOWN', 'cases[0].claims[0].med_type', 6],
      ['AMOUNT_DECIMALS', 'cases[0].claims[0].medfee_sumamt', 9],
    ]);
  });

  it('says what a case must hold', () => {
    const problems = refusal(`cases:
  - name: 两样都有
    date: 2022-01-01
    claims: [{ med_type: '21', setl_time: 2022-03-10, institution_level: county, medfee_sumamt: 1 }]
  - name: 没有预期
    claims: [{ med_type: '21', setl_time: 2022-03-10, institution_level: county, medfee_sumamt: 1 }]
  - name: 什么都不核对
    date: 2022-01-01
  - name: 比例写错
    date: 2022-01-01
    parameters: { basic.inpatient.levels.county.ratio: 800% }
`);
    expect(problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['SCHEMA', 2, '算例须有 claims（结算算例）或 date（某日的政策取值），二者只能有一个'],
      ['SCHEMA', 6, '算例至少要有一项预期金额（expected）'],
      ['SCHEMA', 7, '按 date 核对的算例须有 parameters、cites 或 not_in_force'],
      ['RATIO_FORMAT', 11, '应为比例，如 "85%"，收到 "800%"'],
    ]);
  });

  it('is refused when it is not YAML, with the line', () => {
    expect(refusal('cases:\n  - name: [unclosed\n').map((p) => [p.code, p.line])).toEqual([['YAML_MALFORMED', 3]]);
  });
});

describe('the case file beside a policy', () => {
  it('is found for a built-in id and for a path, and is absent where there is none', () => {
    expect(casesFileBeside('anhui/bozhou', '/')?.display).toBe('anhui/bozhou.cases.yaml');
    expect(casesFileBeside('zhejiang/ningbo', '/')).toBeUndefined();
    const policy = temp('city.yaml', 'name: x\n');
    const folder = join(policy, '..');
    writeFileSync(join(folder, 'city.cases.yaml'), 'cases: []\n');
    expect(casesFileBeside('city.yaml', folder)).toEqual({
      path: join(folder, 'city.cases.yaml'),
      display: 'city.cases.yaml',
    });
  });
});

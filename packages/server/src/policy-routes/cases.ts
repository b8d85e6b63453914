/**
 * A region's worked cases run on demand: the case file beside its policy file (bozhou.cases.yaml beside bozhou.yaml)
 * run by core's runCases, each case answered with its name, whether it passed and, for what failed, the expected and
 * the settled figure in yuan (or percent, or the citation) named in Chinese.
 */
import {
  casesFileBeside,
  formatFigure,
  LAYER_NAMES,
  loadCaseFile,
  policyCatalogue,
  runCases,
  SanbaoError,
  SETTLEMENT_AMOUNT_NAMES,
  type CaseOutcome,
  type Check,
  type Policy,
} from '@sanbao/core';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { Yuan, yuan } from '../console/units.js';

const Failure = z.object({
  claim: z.number().int().nullable().describe('第几笔就诊（从 1 起；核对某日政策取值的算例为空）'),
  item: z.string().describe('核对的项目'),
  expected: z.string().describe('算例写明的值（金额为元）'),
  actual: z.string().describe('按政策计算的值（金额为元）'),
  expected_yuan: Yuan.nullable().describe('算例写明的金额（元；不是金额时为空）'),
  actual_yuan: Yuan.nullable().describe('计算所得的金额（元；不是金额或没有此项时为空）'),
});

export const CasesAnswer = z.object({
  admdvs: z.string().describe('区划代码'),
  region_name: z.string().describe('区划名称'),
  policy_name: z.string().describe('政策名称'),
  file: z.string().nullable().describe('算例文件（政策文件旁的 <名称>.cases.yaml；没有时为空）'),
  message: z.string().describe('结果说明'),
  total: z.number().int().describe('算例个数'),
  passed: z.number().int().describe('通过的算例个数'),
  failed: z.number().int().describe('未通过的算例个数'),
  cases: z.array(
    z.object({
      name: z.string().describe('算例名称'),
      kind_name: z.string().describe('算例类型：结算算例或政策取值核对'),
      line: z.number().int().nullable().describe('算例在文件中的行号'),
      passed: z.boolean().describe('是否通过'),
      checks: z.number().int().describe('核对的项目数'),
      failures: z.array(Failure).describe('未通过的项目'),
      problems: z.array(z.string()).describe('无法结算的原因'),
    }),
  ),
});
type Answer = z.input<typeof CasesAnswer>;

/** The parts of what a case names (a layer, a part of it, a settlement field, a year-to-date figure) in Chinese. */
const PART_NAMES: Record<string, string> = {
  ...SETTLEMENT_AMOUNT_NAMES,
  ...LAYER_NAMES,
  personal: '个人负担',
  base: '计算基数',
  payable: '可支付额',
  paid: '已支付',
  pool_prop_selfpay: '统筹支付比例',
  year_to_date: '年度累计',
  year: '年度',
  admissions: '住院次数',
  medfee: '医疗费总额',
  basic_cap_used: '基本医保已用封顶额',
  fund_paid: '基金已支付',
  personal_burden: '个人自付费用',
  in_scope_burden: '政策范围内个人负担',
  outpatient: '门诊统筹',
  special_drugs: '特药',
  not_in_force: '政策生效',
};

function itemName(check: Check, parameters: Map<string, string> | undefined): string {
  const key = check.expectation.key;
  const parameter = parameters?.get(key);
  if (parameter) return parameter;
  return key
    .split('.')
    .map((part) => PART_NAMES[part] ?? part)
    .join(' ');
}

function failure(check: Check, parameters: Map<string, string> | undefined): z.input<typeof Failure> {
  const { expectation: e, actual } = check;
  let expected: string;
  let got: string;
  let expectedYuan: string | null = null;
  let actualYuan: string | null = null;
  if (e.kind === 'figure') {
    expected = formatFigure(e.unit, e.value);
    got = typeof actual === 'number' ? formatFigure(e.unit, actual) : '无此项';
    if (e.unit === 'yuan') {
      expectedYuan = yuan(e.value);
      actualYuan = typeof actual === 'number' ? yuan(actual) : null;
    }
  } else if (e.kind === 'not_applicable') {
    expected = '不适用（结算无此项）';
    got = actual === null ? '不适用' : `已结算，支付 ${formatFigure('yuan', Number(actual))}`;
    actualYuan = actual === null ? null : yuan(Number(actual));
  } else if (e.kind === 'cite') {
    expected = `依据含「${e.text}」`;
    got = actual === null ? '无依据' : `依据为「${String(actual)}」`;
  } else {
    expected = '该日没有生效的政策';
    got = actual === null ? '没有' : '有生效的政策';
  }
  return {
    claim: check.claim === null ? null : check.claim + 1,
    item: itemName(check, parameters),
    expected,
    actual: got,
    expected_yuan: expectedYuan,
    actual_yuan: actualYuan,
  };
}

/** A parameter case's figures are named as the catalogue names the parameter on the case's date. */
function parameterNames(policy: Policy, outcome: CaseOutcome): Map<string, string> | undefined {
  if (outcome.case.kind !== 'parameters') return undefined;
  try {
    return new Map(
      policyCatalogue(policy.at(outcome.case.date)).map((entry) => [entry.path, `${entry.section} · ${entry.name}`]),
    );
  } catch {
    return undefined;
  }
}

export function runRegionCases(policyRef: string, policy: Policy, region: { admdvs: string; name: string }): Answer {
  const head = { admdvs: region.admdvs, region_name: region.name, policy_name: policy.name };
  const beside = casesFileBeside(policyRef, process.cwd());
  if (!beside)
    return {
      ...head,
      file: null,
      message: `${region.name}的政策（${policy.name}）旁没有算例文件，没有可运行的算例`,
      total: 0,
      passed: 0,
      failed: 0,
      cases: [],
    };
  let outcomes: CaseOutcome[];
  try {
    outcomes = runCases(policy, loadCaseFile(beside.path, beside.display));
  } catch (error) {
    if (!(error instanceof SanbaoError)) throw error;
    const first = error.problems[0];
    throw new ApiError(
      error.code,
      `算例文件有误${first?.line ? `（第 ${first.line} 行）` : ''}：${first?.message ?? ''}`,
    );
  }
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  const failed = outcomes.length - passed;
  return {
    ...head,
    file: beside.display,
    message: failed === 0 ? `${outcomes.length} 个算例全部通过` : `${outcomes.length} 个算例中 ${failed} 个未通过`,
    total: outcomes.length,
    passed,
    failed,
    cases: outcomes.map((outcome) => {
      const names = parameterNames(policy, outcome);
      return {
        name: outcome.case.name,
        kind_name: outcome.case.kind === 'settlement' ? '结算算例' : '政策取值核对',
        line: outcome.case.line ?? null,
        passed: outcome.passed,
        checks: outcome.checks.length,
        failures: outcome.checks.filter((check) => !check.passed).map((check) => failure(check, names)),
        problems: outcome.problems.map((found) => found.message),
      };
    }),
  };
}

/**
 * Finds and reads a policy's case file, runs its cases against the policy and says in Chinese what each expected and what the engine gave, figure by
 * figure, so that a failure names the file, the case, the claim and the layer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { LAYER_NAMES, type Layer } from '../codes.js';
import { formatProblem, problem, SanbaoError, type Problem } from '../errors.js';
import { formatRatio, formatYuanGrouped } from '../money.js';
import { settleSequence } from '../engine/sequence.js';
import type { SettleResult, YearToDate } from '../engine/types.js';
import type { Policy } from './resolve.js';
import { builtInPolicyDir, isPolicyId } from './load.js';
import { CASES_SUFFIX, parseCaseFile, type CaseFile, type Expectation, type PolicyCase, type Unit } from './cases.js';

/** One expectation compared: null where there is nothing to compare (the layer does not apply, no such value). */
export interface Check {
  /** The claim's index in the case (0-based), or null for a case about the policy on a date. */
  claim: number | null;
  expectation: Expectation;
  actual: number | string | null;
  passed: boolean;
}

export interface CaseOutcome {
  case: PolicyCase;
  checks: Check[];
  /** Why the case could not be settled at all (a claim outside every version of the policy …). */
  problems: Problem[];
  passed: boolean;
}

/** The case file beside a policy (a built-in id or a path), if there is one. */
export function casesFileBeside(ref: string, cwd: string): { path: string; display: string } | undefined {
  const display = isPolicyId(ref) ? `${ref}${CASES_SUFFIX}` : ref.replace(/\.ya?ml$/, '') + CASES_SUFFIX;
  const path = isPolicyId(ref)
    ? join(builtInPolicyDir(), display)
    : isAbsolute(display)
      ? display
      : resolve(cwd, display);
  return existsSync(path) ? { path, display } : undefined;
}

export function loadCaseFile(path: string, display = path): CaseFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SanbaoError([
      problem('FILE_UNREADABLE', `无法读取算例文件：${(error as Error).message}`, { file: display }),
    ]);
  }
  return parseCaseFile(text, display);
}

export function runCases(policy: Policy, file: CaseFile): CaseOutcome[] {
  return file.cases.map((c) => runCase(policy, c));
}

export function runCase(policy: Policy, policyCase: PolicyCase): CaseOutcome {
  const checks: Check[] = [];
  try {
    if (policyCase.kind === 'settlement') {
      const results = settleSequence(
        policyCase.claims.map((c) => c.claim),
        policyCase.person,
        policy,
      );
      policyCase.claims.forEach((c, index) => {
        const result = results[index];
        if (result) for (const expectation of c.expected) checks.push(compare(index, expectation, settled(result)));
      });
    } else {
      for (const expectation of policyCase.expected)
        checks.push(compare(null, expectation, onDate(policy, policyCase.date)));
    }
  } catch (error) {
    if (!(error instanceof SanbaoError)) throw error;
    return { case: policyCase, checks, problems: error.problems, passed: false };
  }
  return { case: policyCase, checks, problems: [], passed: checks.every((check) => check.passed) };
}

type Reader = (expectation: Expectation) => number | string | null;

function compare(claim: number | null, expectation: Expectation, read: Reader): Check {
  const actual = read(expectation);
  const passed =
    expectation.kind === 'figure'
      ? actual === expectation.value
      : expectation.kind === 'cite'
        ? typeof actual === 'string' && actual.includes(expectation.text)
        : actual === null;
  return { claim, expectation, actual, passed };
}

/**
 * Reads a settlement the way the expectations name it. A layer that does not apply paid nothing, but has no base or
 * payable amount; for not_applicable the reading is null when the layer has no line, else what it paid.
 */
function settled(result: SettleResult): Reader {
  const s = result.settlement;
  return (expectation) => {
    const [head = '', ...rest] = expectation.key.split('.');
    if (expectation.kind === 'not_applicable') return s.layers[head as Layer]?.paid ?? null;
    if (head === 'personal') return s.psn_part_amt;
    if (head in LAYER_NAMES) {
      const layer = s.layers[head as Layer];
      const part = (rest[0] ?? 'paid') as 'paid' | 'base' | 'payable';
      return layer ? layer[part] : part === 'paid' ? 0 : null;
    }
    if (head === 'year_to_date') {
      const [field = '', part] = rest;
      const value =
        result.ytd[field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as keyof YearToDate];
      if (part === undefined) return typeof value === 'number' ? value : null;
      return (value as unknown as Record<string, number> | undefined)?.[part] ?? null;
    }
    const value = (s as unknown as Record<string, unknown>)[head];
    return typeof value === 'number' ? value : null;
  };
}

/** Reads the policy in force on a date: a parameter's value, its citation; null when no version is in force. */
function onDate(policy: Policy, date: string): Reader {
  let version: ReturnType<Policy['at']> | null = null;
  let notInForce = false;
  try {
    version = policy.at(date);
  } catch (error) {
    if (!(error instanceof SanbaoError) || error.code !== 'POLICY_NOT_IN_FORCE') throw error;
    notInForce = true;
  }
  return (expectation) => {
    if (expectation.kind === 'not_in_force') return notInForce ? null : `${version?.from ?? ''} 起的版本`;
    if (!version) throw new SanbaoError([{ code: 'POLICY_NOT_IN_FORCE', message: `${date} 没有生效的政策` }]);
    if (expectation.kind === 'cite') return version.source(expectation.key)?.cite ?? null;
    let value: unknown = version.rules;
    for (const part of expectation.key.split('.'))
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return typeof value === 'number' ? value : null;
  };
}

export function formatFigure(unit: Unit, value: number): string {
  return unit === 'yuan' ? `${formatYuanGrouped(value)} 元` : unit === 'ratio' ? formatRatio(value) : String(value);
}

const PART_NAMES: Record<string, string> = {
  personal: '个人负担',
  base: '计算基数',
  payable: '可支付额',
  paid: '已支付',
  act_pay_dedc: '实际支付起付线',
  inscp_scp_amt: '符合政策范围金额',
  hifp_pay: '统筹基金支出',
  pool_prop_selfpay: '统筹支付比例',
  hifmi_pay: '大病保险支出',
  maf_pay: '医疗救助支出',
  oth_pay: '其他支出',
  fund_pay_sumamt: '基金支付总额',
  psn_part_amt: '个人负担总额',
  hosp_part_amt: '医院负担',
  year_to_date: '年度累计',
  year: '年度',
  admissions: '住院次数',
  medfee: '医疗费总额',
  not_in_force: '政策生效',
};

/** "basic（基本医保统筹基金）", "assistance.base（医疗救助 计算基数）". */
function label(key: string): string {
  const names = key
    .split('.')
    .map((part) => (LAYER_NAMES as Record<string, string>)[part] ?? PART_NAMES[part])
    .filter((name) => name !== undefined);
  return names.length > 0 ? `${key}（${names.join(' ')}）` : key;
}

/** One check in Chinese: what was expected, what the engine gave, and the line of the case file. */
export function describeCheck(check: Check): string {
  const { expectation: e, actual } = check;
  const where = check.claim === null ? '' : `第 ${check.claim + 1} 笔 `;
  const line = e.line === undefined ? '' : `（第 ${e.line} 行）`;
  let expected: string;
  let got: string;
  if (e.kind === 'figure') {
    expected = formatFigure(e.unit, e.value);
    got = typeof actual === 'number' ? formatFigure(e.unit, actual) : '无此项';
  } else if (e.kind === 'not_applicable') {
    expected = '不适用（结算无此项）';
    got = actual === null ? '不适用' : `已结算，支付 ${formatFigure('yuan', Number(actual))}`;
  } else if (e.kind === 'cite') {
    expected = `依据含“${e.text}”`;
    got = actual === null ? '无依据' : `依据为“${String(actual)}”`;
  } else {
    expected = '该日没有生效的政策';
    got = actual === null ? '没有' : `有（${String(actual)}）`;
  }
  return `${check.passed ? '✓' : '✗'} ${where}${label(e.key)}：预期 ${expected}，实际 ${got}${line}`;
}

/** Every case of a file with each figure, then a summary line. */
export function describeOutcomes(file: string, outcomes: CaseOutcome[]): string {
  const lines = [`算例 ${file}：`];
  for (const outcome of outcomes) {
    const at = outcome.case.line === undefined ? '' : `（第 ${outcome.case.line} 行）`;
    lines.push(`${outcome.passed ? '✓' : '✗'} ${outcome.case.name}${at}`);
    for (const check of outcome.checks) lines.push(`    ${describeCheck(check)}`);
    for (const found of outcome.problems) lines.push(`    ✗ 无法结算：${formatProblem(found)}`);
    if (!outcome.passed) lines.push(...workingOf(outcome).map((line) => `    ${line}`));
  }
  const failed = outcomes.filter((outcome) => !outcome.passed).length;
  lines.push(failed === 0 ? `${outcomes.length} 个算例全部通过` : `${outcomes.length} 个算例中 ${failed} 个未通过`);
  return `${lines.join('\n')}\n`;
}

/** A failed case in one paragraph: the file, the case and the figures that differ (for a test's message). */
export function describeFailure(file: string, outcome: CaseOutcome): string {
  const at = outcome.case.line === undefined ? '' : ` 第 ${outcome.case.line} 行`;
  const details = [
    ...outcome.checks.filter((check) => !check.passed).map(describeCheck),
    ...outcome.problems.map((found) => `✗ 无法结算：${formatProblem(found)}`),
  ];
  return `${file}${at} 算例「${outcome.case.name}」未通过：\n  ${[...details, ...workingOf(outcome)].join('\n  ')}`;
}

/** The arithmetic written for a failed case and its failing claims, to set beside what the engine gave. */
function workingOf(outcome: CaseOutcome): string[] {
  const { case: failed } = outcome;
  const claims = new Set(outcome.checks.filter((check) => !check.passed).map((check) => check.claim));
  const texts = [failed.working];
  if (failed.kind === 'settlement') texts.push(...failed.claims.filter((_, i) => claims.has(i)).map((c) => c.working));
  const lines = texts.flatMap((text) => (text === undefined ? [] : text.trimEnd().split('\n')));
  return lines.length === 0 ? [] : ['算式：', ...lines.map((line) => `  ${line}`)];
}

/** `sanbao policy list | check <id-or-file> [--cases <file>] | show <id-or-file> [--date yyyy-MM-dd]`. */
import { resolve } from 'node:path';
import {
  casesFileBeside,
  CASES_SUFFIX,
  describeOutcomes,
  formatBands,
  formatRatio,
  formatYuan,
  listBuiltInPolicies,
  loadCaseFile,
  loadPolicy,
  parameterUnit,
  runCases,
  type Policy,
} from '@sanbao/core';

export function policyList(): string {
  return `${listBuiltInPolicies()
    .map((id) => {
      const policy = loadPolicy(id);
      return `${id.padEnd(32)} ${policy.name}（区划 ${policy.region}，${policy.epochs.map((e) => e.from).join('、')} 起）`;
    })
    .join('\n')}\n`;
}

export function loadByRef(ref: string, cwd: string): Policy {
  return loadPolicy(ref, { relativeTo: cwd });
}

/**
 * Validates a policy and what it extends, then runs its worked cases: the file `--cases` names, or else the
 * <name>.cases.yaml beside the policy. `passed` is false when a case fails; a file that cannot be read or is wrong
 * throws with every problem and its place.
 */
export function policyCheck(ref: string, cwd: string, casesRef?: string): { text: string; passed: boolean } {
  const policy = loadByRef(ref, cwd);
  const epochs = policy.epochs.map(
    (epoch) => `  ${epoch.from} 至 ${epoch.until ?? '今'}  指纹 ${epoch.fingerprint.slice(0, 12)}`,
  );
  const checked = `政策 ${policy.id}（${policy.name}）校验通过：文件 ${policy.files.join(' → ')}\n${epochs.join('\n')}\n`;
  const cases =
    casesRef === undefined ? casesFileBeside(ref, cwd) : { path: resolve(cwd, casesRef), display: casesRef };
  if (!cases) return { text: `${checked}政策文件旁没有算例文件（<名称>${CASES_SUFFIX}），未运行算例\n`, passed: true };
  const outcomes = runCases(policy, loadCaseFile(cases.path, cases.display));
  return { text: checked + describeOutcomes(cases.display, outcomes), passed: outcomes.every((o) => o.passed) };
}

/** Every resolved value on a date with where it comes from, in the order a reader of the YAML expects. */
export function policyShow(ref: string, cwd: string, date: string): string {
  const policy = loadByRef(ref, cwd).at(date);
  const lines = [`${policy.name}（${policy.id}）${date} 适用的取值（${policy.from} 起）`];
  const walk = (value: unknown, path: string[]): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      return;
    }
    const key = path.join('.');
    const source = policy.source(key);
    lines.push(
      `  ${key} = ${show(key, value)}${source ? `    [${source.confidence}] ${source.cite}（${source.file} 第 ${source.line} 行）` : ''}`,
    );
  };
  walk(policy.rules, []);
  return `${lines.join('\n')}\n`;
}

function show(key: string, value: unknown): string {
  if (typeof value === 'number') {
    const unit = parameterUnit(key);
    return unit === 'ratio' ? formatRatio(value) : unit === 'count' ? String(value) : `${formatYuan(value)} 元`;
  }
  if (Array.isArray(value) && value.every((item) => item && typeof item === 'object' && 'above' in item))
    return formatBands(value as never);
  return JSON.stringify(value);
}

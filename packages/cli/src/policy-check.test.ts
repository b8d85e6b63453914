/**
 * `sanbao policy check` runs a policy's worked cases: the <name>.cases.yaml beside it or the file `--cases` names,
 * each case ✓ or ✗ with every figure expected and settled, and exit code 1 when a case fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sanbaoIn } from './test-support.js';

/** A bureau's own policy: Bozhou with a county inpatient ratio of 90% from 2022. */
const OWN_POLICY = `name: 自定义
region: '999999'
extends: anhui/bozhou
sources:
  X: { cite: 本局文件, confidence: seed }
parameters:
  basic:
    inpatient:
      levels:
        county:
          ratio:
            - { from: 2022-01-01, value: 90%, source: X }
`;

/** A 低保 person's county stay in 2022: 60,000 total, 5,000 fully self-paid, in scope 55,000. */
function stayCase(expected: string): string {
  return `cases:
  - name: 低保对象县级住院
    person:
      categories: [{ code: subsistence_allowance, begin: 2000-01-01 }]
    claims:
      - med_type: '21'
        setl_time: 2022-03-10
        institution_level: county
        medfee_sumamt: 60000
        fulamt_ownpay_amt: 5000
        expected:
${expected}`;
}

// Basic: (55,000 − 500) × 90% = 49,050; left in scope 5,950. CI: deductible 12,000 × 50% = 6,000 > 5,950 → 0.
// Assistance (75%, no deductible): 5,950 × 75% = 4,462.50. Re-assistance: 1,487.50 < 5,000 → 0.
// Personal: 5,000 + 1,487.50 = 6,487.50.
const RIGHT = `          basic: 49050
          critical_illness: 0
          assistance: 4462.50
          personal: 6487.50
`;

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function bureau(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-policy-check-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

describe('sanbao policy check with worked cases', () => {
  it('runs the built-in cases beside a built-in policy and prints every figure', async () => {
    const { code, out, err } = await sanbaoIn(process.cwd(), 'policy', 'check', 'anhui/bozhou');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('校验通过');
    expect(out).toContain('算例 anhui/bozhou.cases.yaml：');
    expect(out).toMatch(/^✓ 亳州晚报报道 低保对象/m);
    expect(out).toContain('    ✓ 第 1 笔 assistance（医疗救助）：预期 5,917.50 元，实际 5,917.50 元');
    expect(out).toContain('个算例全部通过');
    expect(out).not.toContain('✗');
  });

  it('passes a bureau’s own policy whose cases beside it hold', async () => {
    const folder = bureau({ 'own.yaml': OWN_POLICY, 'own.cases.yaml': stayCase(RIGHT) });
    const { code, out } = await sanbaoIn(folder, 'policy', 'check', 'own.yaml');
    expect(code).toBe(0);
    expect(out).toContain('算例 own.cases.yaml：\n✓ 低保对象县级住院（第 2 行）');
    expect(out).toContain('✓ 第 1 笔 basic（基本医保统筹基金）：预期 49,050.00 元，实际 49,050.00 元（第 12 行）');
    expect(out).toContain('1 个算例全部通过');
  });

  it('fails with exit code 1 and the figures that differ when a case does not hold (--cases)', async () => {
    // Still Bozhou's 80%: (55,000 − 500) × 80% = 43,600, no longer what the bureau's 90% pays.
    const folder = bureau({
      'own.yaml': OWN_POLICY,
      'old.cases.yaml': stayCase(`          basic: 43600\n          critical_illness: 0\n`),
    });
    const { code, out, err } = await sanbaoIn(folder, 'policy', 'check', 'own.yaml', '--cases', 'old.cases.yaml');
    expect(code).toBe(1);
    expect(err).toBe('');
    expect(out).toContain('算例 old.cases.yaml：\n✗ 低保对象县级住院');
    expect(out).toContain('    ✗ 第 1 笔 basic（基本医保统筹基金）：预期 43,600.00 元，实际 49,050.00 元（第 12 行）');
    expect(out).toContain('    ✓ 第 1 笔 critical_illness（大病保险）：预期 0.00 元，实际 0.00 元');
    expect(out).toContain('1 个算例中 1 个未通过');
  });

  it('refuses a wrong case file with every problem and its place', async () => {
    const folder = bureau({ 'own.yaml': OWN_POLICY, 'own.cases.yaml': stayCase('          basic: 49050.001\n') });
    const { code, out, err } = await sanbaoIn(folder, 'policy', 'check', 'own.yaml');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('[SCHEMA] own.cases.yaml 第 12 行 cases[0].claims[0].expected.basic.paid：金额最多两位小数');
  });

  it('says when there are no cases, refuses a missing --cases file, and takes --cases with check only', async () => {
    const none = await sanbaoIn(process.cwd(), 'policy', 'check', 'zhejiang/ningbo');
    expect(none.code).toBe(0);
    expect(none.out).toContain('未运行算例');
    const missing = await sanbaoIn(process.cwd(), 'policy', 'check', 'anhui/bozhou', '--cases', 'nowhere.cases.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('[FILE_UNREADABLE] nowhere.cases.yaml');
    const show = await sanbaoIn(process.cwd(), 'policy', 'show', 'anhui/bozhou', '--cases', 'x.cases.yaml');
    expect(show.code).toBe(2);
    expect(show.err.startsWith('选项 --cases 只用于 policy check')).toBe(true);
  });

  it('explains the cases and --cases in its usage, in Chinese', async () => {
    const { code, out } = await sanbaoIn(process.cwd(), 'policy', '--help');
    expect(code).toBe(0);
    expect(out).toContain('sanbao policy check <政策编号或文件> [--cases <算例.yaml>]');
    expect(out).toContain('--cases <算例.yaml>       policy check 运行的算例文件');
    expect(out).toContain('有算例未通过');
  });
});

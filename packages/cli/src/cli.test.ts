/** The sanbao command, end to end: the scenario contract in, Chinese sheets or JSON out, refusals with nothing printed. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

const folders: string[] = [];
/** A temporary folder, removed after the file's tests. */
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-cli-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sanbao(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    cwd: root,
  });
  return { code, out, err };
}

interface Output {
  settlements: {
    setlinfo: Record<string, number | string>;
    setldetail: { fund_pay_type: string; fund_payamt: number; setl_proc_info: string }[];
    trace: { layer: string; params: { source: { cite: string; confidence: string } | null }[]; text: string[] }[];
  }[];
}

describe('sanbao settle', () => {
  it('prints a Chinese settlement sheet per claim', () => {
    const { code, out } = sanbao('settle', 'examples/01-bozhou-subsistence.json');
    expect(code).toBe(0);
    // Stay 1 (hand-computed in policies/anhui/bozhou.cases.yaml): 43,600 / 3,510 / 5,917.50, personal 6,972.50.
    expect(out).toContain('第 1/2 笔');
    expect(out).toMatch(/基本医保统筹基金.*43,600\.00/);
    expect(out).toMatch(/大病保险\s+3,510\.00/);
    expect(out).toMatch(/医疗救助\s+5,917\.50/);
    expect(out).toMatch(/个人负担（现金支付）\s+6,972\.50/);
    expect(out).toContain('S002：亳州晚报');
  });

  it('--json prints the national shape with amounts in yuan and a sourced trace', () => {
    const { code, out } = sanbao('settle', 'examples/01-bozhou-subsistence.json', '--json');
    expect(code).toBe(0);
    const { settlements } = JSON.parse(out) as Output;
    expect(settlements).toHaveLength(2);
    expect(settlements[0]?.setlinfo).toMatchObject({
      medfee_sumamt: 60000,
      inscp_scp_amt: 55000,
      act_pay_dedc: 500,
      hifp_pay: 43600,
      pool_prop_selfpay: 0.8,
      hifmi_pay: 3510,
      maf_pay: 5917.5,
      fund_pay_sumamt: 53027.5,
      psn_part_amt: 6972.5,
      psn_cash_pay: 6972.5,
    });
    expect(settlements[0]?.setldetail.map((row) => row.fund_pay_type)).toEqual([
      '390100',
      '390200',
      '610100',
      '610102',
    ]);
    expect(settlements[0]?.setldetail[1]?.setl_proc_info).toContain('12000.00');
    const ci = settlements[0]?.trace.find((step) => step.layer === 'critical_illness');
    expect(ci?.params[0]?.source).toMatchObject({ confidence: 'seed', cite: expect.stringContaining('亳州') });
    // Stay 2, chronic outpatient 1,800 (assumed 60%): basic 1,080; CI (720 × 65%) 468; assistance (252 × 75%) 189.
    expect(settlements[1]?.setlinfo).toMatchObject({ hifp_pay: 1080, hifmi_pay: 468, maf_pay: 189, psn_part_amt: 63 });
  });

  it('adds layers sharing a fund into one setldetail row (assistance + high-cost subsidy → 610100)', () => {
    const { out } = sanbao('settle', 'examples/03-fenghua-high-cost.json', '--json');
    const second = (JSON.parse(out) as Output).settlements[1];
    // Hand-computed in policies/zhejiang/ningbo/fenghua.cases.yaml: assistance 44,448 + high-cost subsidy 3,625 = 48,073.
    expect(second?.setldetail.find((row) => row.fund_pay_type === '610100')?.fund_payamt).toBe(48073);
    expect(second?.setlinfo.maf_pay).toBe(48073);
  });

  it('refuses a bad scenario with every problem and its place, and prints no result', () => {
    const folder = tempFolder();
    const file = join(folder, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        policy: 'anhui/bozhou',
        person: { psn_no: 'P1', certno: '341602196005011239', categories: [] },
        claims: [
          {
            med_type: '21',
            setl_time: '2022-03-10',
            begntime: '2022-03-01',
            institution_level: 'county',
            medfee_sumamt: 100.001,
            fulamt_ownpay_amt: 0,
            overlmt_selfpay: 0,
            preselfpay_amt: 0,
          },
        ],
      }),
    );
    const { code, out, err } = sanbao('settle', file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('[ID_CHECKSUM]');
    expect(err).toContain('person.certno');
    expect(err).toContain('[AMOUNT_DECIMALS]');
    expect(err).toContain('claims[0].medfee_sumamt');
  });

  it('refuses a claim outside every policy epoch and prints nothing of the claims before it', () => {
    const folder = tempFolder();
    const file = join(folder, 'early.json');
    const claim = {
      med_type: '21',
      begntime: '2022-03-01',
      institution_level: 'county',
      medfee_sumamt: 100,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
    };
    writeFileSync(
      file,
      JSON.stringify({
        policy: 'shandong/liaocheng',
        person: { psn_no: 'P1', certno: '341602196005011238' },
        claims: [
          { ...claim, begntime: '2021-12-01', setl_time: '2021-12-10' },
          { ...claim, setl_time: '2022-03-10' },
        ],
      }),
    );
    const { code, out, err } = sanbao('settle', file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('[POLICY_NOT_IN_FORCE]');
  });

  it('takes a bureau’s own policy file by a path relative to the scenario', () => {
    const folder = tempFolder();
    writeFileSync(
      join(folder, 'own.yaml'),
      `name: 自定义\nregion: '999999'\nextends: anhui/bozhou\nsources:\n  X: { cite: 本局文件, confidence: seed }\nparameters:\n  basic:\n    inpatient:\n      levels:\n        county:\n          ratio:\n            - { from: 2022-01-01, value: 90%, source: X }\n`,
    );
    writeFileSync(
      join(folder, 'scenario.json'),
      JSON.stringify({
        policy: 'own.yaml',
        person: { psn_no: 'P1', certno: '341602196005011238' },
        claims: [
          {
            med_type: '21',
            setl_time: '2022-03-10',
            begntime: '2022-03-01',
            institution_level: 'county',
            medfee_sumamt: 10500,
            fulamt_ownpay_amt: 0,
            overlmt_selfpay: 0,
            preselfpay_amt: 0,
          },
        ],
      }),
    );
    const { code, out } = sanbao('settle', join(folder, 'scenario.json'), '--json');
    expect(code).toBe(0);
    // (10,500 − 500) × 90% = 9,000.
    expect((JSON.parse(out) as Output).settlements[0]?.setlinfo.hifp_pay).toBe(9000);
  });

  it('usage errors exit with 2', () => {
    expect(sanbao('frobnicate').code).toBe(2);
    expect(sanbao('settle').code).toBe(2);
    expect(sanbao().code).toBe(2);
  });
});

describe('sanbao policy', () => {
  it('lists, checks and shows the reference policies with their sources', () => {
    expect(sanbao('policy', 'list').out).toContain('shandong/liaocheng/guanxian');
    expect(sanbao('policy', 'check', 'zhejiang/ningbo/fenghua').out).toContain('校验通过');
    const shown = sanbao('policy', 'show', 'shandong/liaocheng/guanxian', '--date', '2022-06-01').out;
    expect(shown).toMatch(/critical_illness\.deductible = 11000\.00 元\s+\[seed\]/);
    expect(shown).toContain('critical_illness.tilts.extreme_poverty.deductible = 5500.00 元');
  });
});

describe('the installed bin', () => {
  it('runs from the build as `sanbao` would', () => {
    const out = execFileSync(
      process.execPath,
      [join(root, 'packages/cli/bin/sanbao.js'), 'settle', 'examples/02-guanxian-extreme-poverty.json', '--json'],
      { cwd: root, encoding: 'utf8' },
    );
    const first = (JSON.parse(out) as Output).settlements[0];
    // Itemized: 甲 52,000; 乙 30,000 with 10% pre-self-pay (3,000); 丙 4,000 → in scope 79,000.
    // Basic (city 900, 60%): (79,000 − 900) × 60% = 46,860. CI (特困, total convention from 5,500 at 65%):
    // (79,000 − 46,860 − 5,500) × 65% = 26,640 × 65% = 17,316. Assistance: (32,140 − 17,316) × 70% = 10,376.80.
    expect(first?.setlinfo).toMatchObject({
      preselfpay_amt: 3000,
      fulamt_ownpay_amt: 4000,
      inscp_scp_amt: 79000,
      hifp_pay: 46860,
      hifmi_pay: 17316,
      maf_pay: 10376.8,
    });
  });
});

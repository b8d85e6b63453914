/**
 * The screens of the first increment in a real browser on the demo city: 工作台, 参保人 (search and page), 结算查询
 * and a settlement's page with its one-stop sheet printed to PDF (one A4 page whose text is read back with
 * pdftotext), each screenshotted and checked for English or raw codes; and users refused what is not theirs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yuanInCapitals } from '../../core/src/capitals.js';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_screens');
});
afterAll(async () => {
  await site?.close();
});

/** Fen as the console shows yuan: thousands separated, two decimals (worked out on integers, not floats). */
function shown(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

interface Sample {
  psn_no: string;
  setl_id: string;
  psn_name: string;
  institution: string;
  medfee_sumamt: string;
  hifp_pay: string;
  hifmi_pay: string;
  maf_pay: string;
  psn_part_amt: string;
}

/** An inpatient settlement in 谯城区, not cancelled: one that most layers paid. */
async function threeLayerStay(): Promise<Sample> {
  const { rows } = await site.world.pool.query<Sample>(
    `select s.psn_no, s.setl_id, p.psn_name, i.name as institution, s.medfee_sumamt, s.hifp_pay, s.hifmi_pay,
            s.maf_pay, s.psn_part_amt
       from settlements s join persons p using (psn_no) join institutions i using (fixmedins_code)
      where s.kind = 'settlement' and s.reversed_by is null and s.med_type like '2%' and p.admdvs = '341602'
        and s.hifp_pay > 0
      order by (s.maf_pay > 0) desc, (s.hifmi_pay > 0) desc, s.setl_time desc limit 1`,
  );
  const sample = rows[0];
  if (!sample) throw new Error('the demo city has no inpatient stay in 谯城区');
  return sample;
}

describe('工作台', () => {
  it('shows today, this month, what waits and the charts, in Chinese', async () => {
    const page = await site.signIn('admin');
    await page.getByTestId('dashboard-ready').waitFor();
    // Both charts drew on their canvas.
    await expect.poll(() => page.locator('canvas').count()).toBe(2);
    // This month's settlements as the database counts them: settled minus cancelled, top-ups not counted.
    const { rows } = await site.world.pool.query<{ n: string }>(
      `select count(*) filter (where kind = 'settlement') - count(*) filter (where kind = 'cancellation') as n
         from settlements where setl_time >= '2026-06-01T00:00:00+08:00' and setl_time < '2026-06-16T00:00:00+08:00'`,
    );
    const month = await page.getByTestId('month').innerText();
    expect(month.replace(/,/g, '')).toContain(rows[0]!.n);
    await screenshot(page, '02-工作台');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});

describe('参保人', () => {
  it('finds a person by name and shows their page with categories, years, settlements', async () => {
    const sample = await threeLayerStay();
    const page = await site.signIn('operator');
    await page.goto('/persons');
    await page.getByTestId('person-search').locator('input').fill(sample.psn_name);
    await page.getByTestId('person-search').locator('input').press('Enter');
    await page.getByRole('link', { name: sample.psn_name }).first().waitFor();
    await screenshot(page, '03-参保人查询');
    expect(await visibleEnglish(page)).toEqual([]);
    // ID numbers are masked in the list.
    const certnos = await page.locator('.ant-table-row td:nth-child(3)').allInnerTexts();
    for (const certno of certnos) expect(certno).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);

    await page.goto(`/persons/${sample.psn_no}`);
    await page.getByText('人员类别（认定时间线）').waitFor();
    await page.getByText('年度累计').waitFor();
    const { rows } = await site.world.pool.query<{ n: string }>(
      'select count(*) as n from settlements where psn_no = $1',
      [sample.psn_no],
    );
    await expect
      .poll(async () => (await page.locator('.ant-card', { hasText: '结算记录' }).innerText()).includes('结算时间'))
      .toBe(true);
    const settlementRows = await page.locator('.ant-card', { hasText: '结算记录' }).locator('.ant-table-row').count();
    expect(settlementRows).toBe(Math.min(10, Number(rows[0]!.n)));
    await screenshot(page, '04-参保人详情');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});

describe('结算查询 and the one-stop sheet', () => {
  it('lists settlements with the sums of all that match a filter', async () => {
    const page = await site.signIn('admin');
    await page.goto('/settlements?med_type=21&admdvs=341602');
    await page.locator('.ant-table-row').first().waitFor();
    const { rows } = await site.world.pool.query<Record<'n' | 'medfee' | 'hifp' | 'hifmi' | 'maf' | 'psn', string>>(
      `select count(*) as n, sum(s.medfee_sumamt) as medfee, sum(s.hifp_pay) as hifp, sum(s.hifmi_pay) as hifmi,
              sum(s.maf_pay) as maf, sum(s.psn_part_amt) as psn
         from settlements s join persons p using (psn_no) where s.med_type = '21' and p.admdvs = '341602'`,
    );
    const all = rows[0]!;
    const footer = await page.locator('.ant-table-summary').innerText();
    expect(footer).toContain(`全部 ${all.n} 笔合计`);
    // One column per fund, each with its sum.
    for (const fen of [all.medfee, all.hifp, all.hifmi, all.maf, all.psn]) expect(footer).toContain(shown(Number(fen)));
    expect(await page.getByText(`共 ${all.n} 笔`).count()).toBe(1);
    await screenshot(page, '05-结算查询');
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('shows the sheet and the explanation of every yuan, and prints the sheet alone on one A4 page', async () => {
    const sample = await threeLayerStay();
    const page = await site.signIn('operator');
    // The browser's print dialog is counted, not opened (a headless browser would hold the page in it).
    await page.addInitScript(() => {
      const counted = globalThis as unknown as { printed: number; print: () => void };
      counted.printed = 0;
      counted.print = () => {
        counted.printed++;
      };
    });
    await page.goto(`/settlements/${sample.psn_no}/${sample.setl_id}`);
    const sheet = page.getByTestId('sheet');
    await sheet.waitFor();
    await page.getByTestId('trace').waitFor();
    const text = await sheet.innerText();
    for (const expected of [
      sample.psn_name,
      sample.institution,
      shown(Number(sample.medfee_sumamt)),
      shown(Number(sample.hifp_pay)),
      shown(Number(sample.hifmi_pay)),
      shown(Number(sample.maf_pay)),
      shown(Number(sample.psn_part_amt)),
      '金额单位：元',
      '经办人：谯城区经办员',
    ])
      expect(text).toContain(expected);
    await screenshot(page, '06-结算详情');
    expect(await visibleEnglish(page)).toEqual([]);
    // The parameters are shown with their documents, and none is shown in internal units.
    const trace = await page.getByTestId('trace').innerText();
    expect(trace).toMatch(/基本医保统筹基金/);
    expect(trace).not.toMatch(/\bbp\b|\bfen\b/);

    // Printing records each copy: the first is the original, the second a reprint (补打), both listed.
    await page.getByTestId('print').click();
    await expect.poll(() => page.getByTestId('print').innerText()).toMatch(/补\s*打结算单/);
    expect(await sheet.innerText()).not.toContain('补打');
    await page.getByTestId('print').click();
    await expect.poll(() => sheet.innerText()).toContain('补打（第 2 次打印）');
    const prints = page.locator('.ant-card', { hasText: '打印记录' });
    await expect.poll(() => prints.locator('.ant-table-row').count()).toBe(2);
    expect(await prints.innerText()).toContain('第 2 份（补打）');
    expect(await page.evaluate(() => (globalThis as unknown as { printed: number }).printed)).toBe(2);
    // The PDF download is the third copy, from the platform: one A4 page with the same amounts.
    const downloading = page.waitForEvent('download');
    await page.getByTestId('pdf').click();
    const pdfFile = join(mkdtempSync(join(tmpdir(), 'sanbao-download-')), 'sheet.pdf');
    await (await downloading).saveAs(pdfFile);
    const downloaded = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(downloaded).toContain('补打（第 3 次打印）');
    expect(downloaded).toContain(shown(Number(sample.psn_part_amt)));
    expect(downloaded).toContain(yuanInCapitals((Number(sample.psn_part_amt) / 100).toFixed(2)));
    await expect.poll(() => prints.locator('.ant-table-row').count()).toBe(3);

    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const folder = mkdtempSync(join(tmpdir(), 'sanbao-sheet-'));
    writeFileSync(join(folder, 'sheet.pdf'), pdf);
    const info = execFileSync('pdfinfo', [join(folder, 'sheet.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const printed = execFileSync('pdftotext', ['-layout', join(folder, 'sheet.pdf'), '-'], { encoding: 'utf8' });
    expect(printed).toContain('一站式结算单');
    expect(printed).toContain(sample.psn_name);
    expect(printed).toContain('补打（第 2 次打印）');
    expect(printed).toContain(shown(Number(sample.psn_part_amt)));
    expect(printed).toContain(yuanInCapitals((Number(sample.psn_part_amt) / 100).toFixed(2)));
    // Only the sheet is on paper: no menu, no explanation, no buttons.
    for (const absent of ['结算查询', '每一元的来历', '打印结算单', '工作台']) expect(printed).not.toContain(absent);
  });
});

describe('boundaries', () => {
  it('a county clerk cannot open another county’s settlement or person, even by address', async () => {
    const { rows } = await site.world.pool.query<{ psn_no: string; setl_id: string }>(
      `select s.psn_no, s.setl_id from settlements s join persons p using (psn_no)
        where p.admdvs = '371525' and s.kind = 'settlement' limit 1`,
    );
    const other = rows[0]!;
    const page = await site.signIn('operator');
    await page.goto(`/settlements/${other.psn_no}/${other.setl_id}`);
    await expect.poll(() => page.getByTestId('failure').innerText()).toContain('查无结算');
    expect(await page.getByTestId('sheet').count()).toBe(0);
    await page.goto(`/persons/${other.psn_no}`);
    await expect.poll(() => page.getByTestId('failure').innerText()).toContain('查无人员');
  });

  it('a township office sees only its own township’s people', async () => {
    const { rows } = await site.world.pool.query<{ psn_no: string; township: string }>(
      `select psn_no, township from persons where admdvs = '371525' order by township = '烟庄街道' desc, psn_no`,
    );
    const own = rows.find((row) => row.township === '烟庄街道')!;
    const other = rows.find((row) => row.township !== '烟庄街道')!;
    const page = await site.signIn('yanzhuang');
    await page.goto(`/persons/${other.psn_no}`);
    await expect.poll(() => page.getByTestId('failure').innerText()).toContain('查无人员');
    await page.goto(`/persons/${own.psn_no}`);
    await page.getByText('年度累计').waitFor();
    await page.goto('/persons');
    await page.locator('.ant-table-row').first().waitFor();
    const townships = await page.locator('.ant-table-row td:nth-child(6)').allInnerTexts();
    expect(new Set(townships)).toEqual(new Set(['烟庄街道']));
  });
});

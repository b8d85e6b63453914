/**
 * 资助参保 in a real browser on the demo city: a 冠县 clerk enrolls a 低保 person for next year with the subsidy the
 * platform computes (checked by hand from 聊城's policy), the roster, 应保尽保 and coverage each export a real
 * workbook (opened with ExcelJS and compared with the database), and those who may not register or adjust see no
 * button for it — a township office not even the screen — and are refused by the platform.
 */
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_enrollment');
});
afterAll(async () => {
  await site?.close();
});

/** The option of the open dropdown whose text holds `text`. */
const option = (page: Page, text: string) =>
  page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text });

/** A workbook the page downloads when `click` runs. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<ExcelJS.Workbook> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await file.path());
  return workbook;
}

const values = (row: ExcelJS.Row): unknown[] => (row.values as unknown[]).slice(1);

async function status(username: string, method: 'GET' | 'POST', url: string, body?: object): Promise<number> {
  const login = await site.world.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username, password: DEMO_PASSWORDS[username] },
  });
  const response = await site.world.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${login.json<{ token: string }>().token}` },
    ...(body ? { payload: body as Record<string, unknown> } : {}),
  });
  return response.statusCode;
}

describe('资助参保', () => {
  it('enrolls 吴长顺 (低保) for 2027: 280.00 − 100.00 subsidy = 180.00 paid by the person', async () => {
    const page = await site.signIn('guanxian');
    await page.goto('/enrollment');
    await page.getByTestId('enroll-person').click();
    await page.keyboard.type('吴长顺');
    await option(page, '吴长顺').click();
    await page.getByLabel('参保年度').click();
    await option(page, '2027年度').click();
    await page.getByTestId('quote').click();
    const quote = page.getByTestId('quote-result');
    await quote.waitFor();
    // 聊城 (冠县): individual 280 (tiers 280 / 320), fiscal 610, 低保 a fixed 100; the person pays 280 − 100 = 180.
    const text = await quote.innerText();
    for (const expected of ['280.00', '610.00', '100.00', '180.00', '低保对象', '2027-01-01 至 2027-12-31'])
      expect(text).toContain(expected);
    // Nothing written by the quote.
    const { rows: none } = await site.world.pool.query(
      "select 1 from enrollments e join persons p using (psn_no) where p.psn_name = '吴长顺' and e.year = 2027",
    );
    expect(none).toEqual([]);
    await page.getByTestId('enroll').click();
    await quote.getByText('该人员已参加 2027 年度城乡居民医保').waitFor();
    const { rows } = await site.world.pool.query(
      `select e.contribution, e.subsidy, e.person_pays from enrollments e join persons p using (psn_no)
        where p.psn_name = '吴长顺' and e.year = 2027`,
    );
    expect(rows).toEqual([{ contribution: 28000, subsidy: 10000, person_pays: 18000 }]);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await screenshot(page, '09-资助参保');
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('the 2026 roster of 冠县, on screen and as a workbook, as the database sums it', async () => {
    const { rows } = await site.world.pool.query<{ persons: number; subsidy: number }>(
      `select count(*)::int as persons, sum(e.subsidy)::bigint as subsidy
         from enrollments e join persons p using (psn_no) where e.year = 2026 and e.subsidy > 0 and p.admdvs = '371525'`,
    );
    const expected = rows[0]!;
    expect(expected.persons).toBeGreaterThan(0);
    const page = await site.signIn('guanxian');
    await page.goto('/enrollment?tab=roster&year=2026');
    await page.getByTestId('roster').locator('.ant-table-row').first().waitFor();
    expect(await page.getByText(`共 ${expected.persons} 人`).count()).toBe(1);
    await screenshot(page, '09-资助名册');
    expect(await visibleEnglish(page)).toEqual([]);
    const workbook = await downloaded(page, () => page.getByTestId('export-roster').click());
    const summary = workbook.getWorksheet('汇总')!;
    expect(values(summary.getRow(1))).toEqual([
      '县（区）',
      '乡镇（街道）',
      '资助类别',
      '人数',
      '个人缴费标准合计',
      '医疗救助资助金额',
      '个人实缴金额',
    ]);
    const total = values(summary.getRow(summary.rowCount));
    expect(total[0]).toBe('合计');
    expect(total[3]).toBe(expected.persons);
    // Yuan in the sheet: the fen summed by the database, over 100.
    expect(Math.round((total[5] as number) * 100)).toBe(expected.subsidy);
    expect(workbook.getWorksheet('花名册')!.rowCount).toBe(expected.persons + 1);
  });

  it('应保尽保 2027 and coverage 2027: every target not yet insured, exported with the township’s columns', async () => {
    const { rows } = await site.world.pool.query<{ psn_no: string; psn_name: string; n: number }>(
      `select p.psn_no, p.psn_name, count(*) over ()::int as n from persons p
        where p.admdvs = '371525'
          and exists (select 1 from person_categories c where c.psn_no = p.psn_no and c.code <> 'ordinary'
                         and c.begin_date <= '2026-06-15' and (c.end_date is null or c.end_date >= '2026-06-15'))
          and not exists (select 1 from enrollments e where e.psn_no = p.psn_no and e.year = 2027)
        order by p.township, p.psn_no limit 1`,
    );
    const first = rows[0]!;
    const page = await site.signIn('guanxian');
    await page.goto('/enrollment?tab=uninsured&year=2027');
    await page.getByTestId('uninsured').locator('.ant-table-row').first().waitFor();
    expect(await page.getByText(`共 ${first.n} 人未参保`).count()).toBe(1);
    await screenshot(page, '09-应保尽保');
    expect(await visibleEnglish(page)).toEqual([]);
    const workbook = await downloaded(page, () => page.getByTestId('export-uninsured').click());
    const sheet = workbook.worksheets[0]!;
    expect(values(sheet.getRow(1)).slice(-4)).toEqual(['核实情况', '处理结果', '走访人', '走访日期']);
    expect(sheet.rowCount).toBe(first.n + 1);
    expect(values(sheet.getRow(2)).slice(2, 4)).toEqual([first.psn_no, first.psn_name]);

    await page.goto('/enrollment?tab=coverage&year=2026');
    await page.locator('.ant-table-summary').waitFor();
    const coverage = await downloaded(page, () => page.getByTestId('export-coverage').click());
    const rate = coverage.worksheets[0]!;
    expect(values(rate.getRow(1))[4]).toBe('参保率');
    const { rows: residents } = await site.world.pool.query<{ n: number }>(
      "select count(*)::int as n from persons where admdvs = '371525'",
    );
    expect(values(rate.getRow(rate.rowCount)).slice(0, 3)).toEqual(['合计', '', residents[0]!.n]);
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('a township office has no 资助参保 in its menu and is refused registering or adjusting', async () => {
    const page = await site.signIn('yanzhuang');
    await page.getByRole('menuitem', { name: '工作台' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '资助参保' }).count()).toBe(0);
    await page.goto('/enrollment');
    await page.getByText('无权访问').waitFor();
    const { rows } = await site.world.pool.query<{ psn_no: string }>(
      "select psn_no from persons where township = '烟庄街道' and admdvs = '371525' limit 1",
    );
    expect(await status('yanzhuang', 'POST', '/api/enrollments', { psn_no: rows[0]!.psn_no, year: 2027 })).toBe(403);
    expect(await status('yanzhuang', 'POST', '/api/subsidy-adjustments', { month: '2026-06' })).toBe(403);
  });

  it('a department’s user reads but neither registers nor adjusts; a reader does not adjust', async () => {
    const page = await site.signIn('guanxian-rural');
    await page.goto('/enrollment');
    await page.getByText('参保登记由医保经办机构的经办人员办理').waitFor();
    expect(await page.getByTestId('quote').count()).toBe(0);
    await page.goto('/enrollment?tab=adjust');
    await page.getByText('月度资助调整').waitFor();
    expect(await page.getByTestId('run-adjustment').count()).toBe(0);
    expect(await status('guanxian-rural', 'POST', '/api/enrollments', { psn_no: 'P37152590000003', year: 2027 })).toBe(
      403,
    );
    expect(await status('guanxian-rural', 'GET', '/api/enrollments/quote?psn_no=P37152590000003&year=2027')).toBe(403);

    const reader = await site.signIn('viewer');
    await reader.goto('/enrollment?tab=adjust');
    await reader.getByText('月度资助调整').waitFor();
    expect(await reader.getByTestId('run-adjustment').count()).toBe(0);
    expect(await status('viewer', 'POST', '/api/subsidy-adjustments', { month: '2026-06' })).toBe(403);
    // The clerk has the button.
    const clerk = await site.signIn('guanxian');
    await clerk.goto('/enrollment?tab=adjust');
    await clerk.getByTestId('run-adjustment').waitFor();
  });
});

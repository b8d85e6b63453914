/**
 * 零星报销 in a real browser: a clerk finds the person, enters a county-hospital stay paid in full, pre-settles and
 * sees each fund's payment and the explanation, confirms (twice, as a hurried clerk would: one settlement), and gets
 * the 零星报销 sheet under their name; a reviewer reverses a manual settlement with a reason; a township office and a
 * reviewer cannot settle. Amounts by hand from 亳州's policy (policies/anhui.yaml basic.inpatient.levels: a county
 * hospital's deductible 500, basic 80%; anhui/bozhou.yaml: critical illness from 12,000 a year).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_manual');
});
afterAll(async () => {
  await site?.close();
});

/** An ordinary resident of the region, insured this year, with no settlement yet this year (a full deductible). */
async function freshResident(admdvs: string): Promise<{ psn_no: string; psn_name: string }> {
  const { rows } = await site.world.pool.query<{ psn_no: string; psn_name: string }>(
    `select p.psn_no, p.psn_name from persons p
      where p.admdvs = $1 and exists (select 1 from enrollments n where n.psn_no = p.psn_no and n.year = 2026)
        and not exists (select 1 from person_categories c where c.psn_no = p.psn_no)
        and not exists (select 1 from person_years y where y.psn_no = p.psn_no and y.year = 2026)
        and (select count(*) from persons q where q.psn_name = p.psn_name) = 1
      order by p.psn_no limit 1`,
    [admdvs],
  );
  return rows[0]!;
}

async function countyHospital(admdvs: string): Promise<string> {
  const { rows } = await site.world.pool.query<{ name: string }>(
    "select name from institutions where level = 'county' and admdvs = $1 order by fixmedins_code limit 1",
    [admdvs],
  );
  return rows[0]!.name;
}

/** Fills the form: the person, the hospital, a stay from 1 to 10 June, the bill's totals. */
async function fillStay(page: Page, person: string, hospital: string, totals: string[]): Promise<void> {
  await page.goto('/manual');
  const picker = page.getByTestId('person-picker');
  await picker.click();
  await page.keyboard.type(person);
  await page.locator('.ant-select-item-option', { hasText: person }).first().click();
  await page.getByLabel('就诊医疗机构').click();
  await page.keyboard.type(hospital);
  await page.locator('.ant-select-item-option', { hasText: hospital }).first().click();
  await page.getByPlaceholder('开始日期').click();
  await page.getByPlaceholder('开始日期').fill('2026-06-01');
  await page.getByPlaceholder('结束日期').fill('2026-06-10');
  await page.getByPlaceholder('结束日期').press('Enter');
  const labels = ['医疗费总额', '全自费金额', '超限价自费', '先行自付金额'];
  for (const [index, label] of labels.entries()) await page.getByLabel(label).fill(totals[index] ?? '0');
}

describe('零星报销', () => {
  it('pre-settles, confirms once and prints the manual settlement sheet under the clerk’s name', async () => {
    const person = await freshResident('341602');
    const hospital = await countyHospital('341602');
    const page = await site.signIn('operator');
    await fillStay(page, person.psn_name, hospital, ['10000', '1000', '0', '500']);
    await page.getByTestId('preview-button').click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    // In scope 10,000 − 1,000 − 500 = 8,500.00; basic (8,500 − 500) × 80% = 6,400.00; critical illness: the year's
    // in-scope personal burden 8,500 − 6,400 = 2,100 < 12,000 → 0.00; the person pays 10,000 − 6,400 = 3,600.00.
    const text = await preview.innerText();
    for (const amount of ['8,500.00', '500.00', '6,400.00', '3,600.00']) expect(text).toContain(amount);
    await screenshot(page, '07-零星报销-预结算');
    expect(await visibleEnglish(page)).toEqual([]);

    // A hurried double click: one settlement.
    await page.getByTestId('confirm-button').dblclick();
    await page.getByTestId('sheet').waitFor();
    const sheet = await page.getByTestId('sheet').innerText();
    expect(sheet).toContain('医疗保障零星报销结算单');
    expect(sheet).toContain('经办人：谯城区经办员');
    expect(sheet).toContain('6,400.00');
    expect(sheet).toContain('叁仟陆佰元整');
    const { rows } = await site.world.pool.query<{ n: number }>(
      'select count(*)::int as n from manual_settlements where psn_no = $1',
      [person.psn_no],
    );
    expect(rows[0]!.n).toBe(1);
    await screenshot(page, '07-零星报销-结算单');
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('is reversed by a reviewer with a reason; a reviewer cannot settle and a township office has no such screen', async () => {
    const person = await freshResident('371525');
    const hospital = await countyHospital('371525');
    const clerk = await site.signIn('guanxian');
    await fillStay(clerk, person.psn_name, hospital, ['3000', '0', '0', '0']);
    await clerk.getByTestId('preview-button').click();
    await clerk.getByTestId('preview').waitFor();
    await clerk.getByTestId('confirm-button').click();
    await clerk.getByTestId('sheet').waitFor();
    // The clerk sees the record but no 撤销.
    await clerk.goto('/manual?tab=list');
    await clerk.locator('.ant-table-row', { hasText: person.psn_name }).waitFor();
    expect(await clerk.getByTestId('reverse').count()).toBe(0);

    const reviewer = await site.signIn('guanxian-review');
    await reviewer.goto('/manual?tab=list');
    // A reviewer has no 办理 tab, only the records.
    expect(await reviewer.getByRole('tab', { name: '办理' }).count()).toBe(0);
    const row = reviewer.locator('.ant-table-row', { hasText: person.psn_name });
    await row.getByTestId('reverse').click();
    await reviewer.getByLabel('撤销原因').fill('发票已在医院结算，重复报销');
    await screenshot(reviewer, '07-零星报销-撤销');
    await reviewer.getByRole('button', { name: /确认撤销/ }).click();
    await expect.poll(() => row.innerText()).toContain('已撤销');
    const { rows } = await site.world.pool.query<{ cancel_reason: string }>(
      'select cancel_reason from manual_settlements where psn_no = $1',
      [person.psn_no],
    );
    expect(rows[0]!.cancel_reason).toBe('发票已在医院结算，重复报销');
    // The platform refuses a reviewer's settlement even when sent directly.
    const refused = await reviewer.evaluate(async () => {
      const storage = globalThis as unknown as { sessionStorage: { getItem: (key: string) => string | null } };
      const token = storage.sessionStorage.getItem('sanbao.token');
      const response = await fetch('/api/manual-settlements/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
        body: JSON.stringify({}),
      });
      return response.status;
    });
    expect(refused).toBe(403);

    const township = await site.signIn('yanzhuang');
    expect(await township.locator('.ant-menu-item', { hasText: '零星报销' }).count()).toBe(0);
    await township.goto('/manual');
    await township.getByText('无权访问').waitFor();
  });
});

/**
 * 依申请救助 in a real browser on the demo's Guanxian: an ordinary insured resident's two stays at the county hospital
 * (settled here, the amounts worked out by hand from the policy), the application registered at the counter by the
 * clerk 'guanxian' — who cannot approve it: no form, and the platform refuses — and approved with a reason by the
 * reviewer 'guanxian-review', after which the top-ups are shown with how each was worked out.
 *
 * Guanxian (policy file; the application values are assumed, as in applications.test.ts): out-of-pocket above 100,000
 * qualifies; approved, the person is 因病致贫重病患者 from 1 January: assistance above 3,000 at 50%, re-assistance above
 * 10,000 at 70%. County hospital: deductible 500 (second stay half), 70%; critical illness from 11,000 at 60%.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hisCaller, settleStay } from '../../server/src/demo/his.js';
import { PolicyRegistry } from '../../server/src/policies.js';
import { openCertno } from '../../server/src/security/identity.js';
import { NOW } from '../../server/src/test-support/world.js';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

const COUNTY_HOSPITAL = 'H37152500001';
// A minute after the demo's own stays, so that the messages' IDs are new ones.
const LATER = new Date(NOW.getTime() + 60_000);

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_applications', 300);
});
afterAll(async () => {
  await site?.close();
});

/** A call of the platform from the signed-in page, with its own token: the status and the answer. */
async function call(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: { code?: string; message?: string } }> {
  return page.evaluate(
    async (request) => {
      // Runs in the page: its session storage keeps the token (the test's own types have no DOM).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } })
        .sessionStorage;
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${storage.getItem('sanbao.token') ?? ''}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(request.body ?? {}),
      });
      return { status: response.status, json: (await response.json()) as { code?: string; message?: string } };
    },
    { method, url, body },
  );
}

async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => page.locator('.ant-btn-loading').count()).toBe(0);
}

interface Applicant {
  psn_no: string;
  psn_name: string;
  certno_sm4: string;
}

let applicant: Applicant;
let applicationId: number;

async function application(): Promise<Record<string, unknown>> {
  const { rows } = await site.world.pool.query<Record<string, unknown>>(
    `select status, burden, qualifying, applied_by, decided_by, reason, top_up from assistance_applications
      where application_id = $1`,
    [applicationId],
  );
  return rows[0]!;
}

describe('依申请救助', () => {
  it('two stays leave an ordinary insured resident 117,610 out of pocket', async () => {
    // An ordinary insured resident of Guanxian with no stay, category or application yet.
    const { rows } = await site.world.pool.query<Applicant>(
      `select p.psn_no, p.psn_name, p.certno_sm4 from persons p
        where p.admdvs = '371525' and not p.supplementary
          and exists (select 1 from enrollments e where e.psn_no = p.psn_no and e.year = 2026)
          and not exists (select 1 from person_categories c where c.psn_no = p.psn_no)
          and not exists (select 1 from settlements s where s.psn_no = p.psn_no)
          and not exists (select 1 from assistance_applications a where a.psn_no = p.psn_no)
        order by p.psn_no limit 1`,
    );
    applicant = rows[0]!;
    const his = hisCaller(site.world.pool, new PolicyRegistry(), LATER, '371500');
    const certno = openCertno(applicant.certno_sm4);
    const bill = { diagnosis: 'C34.9' };
    const first = await settleStay(his, COUNTY_HOSPITAL, applicant.psn_no, certno, LATER, {
      medfee: 150000,
      selfPaid: 100000,
      ...bill,
    });
    // In scope 150,000 − 100,000 = 50,000: basic (50,000 − 500) × 70% = 34,650; left 15,350; critical illness
    // (15,350 − 11,000) × 60% = 2,610. The person: 15,350 − 2,610 = 12,740 in scope + 100,000 self-paid = 112,740.
    expect(first).toMatchObject({ hifp_pay: 34650, hifmi_pay: 2610, maf_pay: 0, psn_part_amt: 112740 });
    const second = await settleStay(his, COUNTY_HOSPITAL, applicant.psn_no, certno, LATER, {
      medfee: 40000,
      selfPaid: 0,
      ...bill,
    });
    // Second stay, deductible halved to 250: (40,000 − 250) × 70% = 27,825; left 12,175. Critical illness on the
    // year's 15,350 + 12,175 = 27,525: (27,525 − 11,000) × 60% = 9,915, less 2,610 paid = 7,305. The person: 4,870.
    expect(second).toMatchObject({ hifp_pay: 27825, hifmi_pay: 7305, maf_pay: 0, psn_part_amt: 4870 });
  });

  it('the clerk registers the application for a person found by search, and cannot approve it', async () => {
    const page = await site.signIn('guanxian');
    await page.goto('/applications');
    await page.locator('.ant-table-row').first().waitFor();
    await page.getByTestId('register').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('person-pick').click();
    await page.keyboard.type(applicant.psn_no);
    await page.locator('.ant-select-item-option', { hasText: applicant.psn_name }).click();
    await dialog.locator('textarea').fill('肺癌住院两次，自付费用负担重，本人到医保窗口申请');
    await dialog.getByRole('button', { name: /登\s*记/ }).click();
    // 112,740 + 4,870 = 117,610 above Guanxian's 100,000.
    await page.getByText(/已登记申请 \d+：年度个人自付 117,610\.00 元，认定标准 100,000\.00 元/).waitFor();
    const { rows } = await site.world.pool.query<{ application_id: number }>(
      'select application_id from assistance_applications where psn_no = $1',
      [applicant.psn_no],
    );
    applicationId = rows[0]!.application_id;
    expect(await application()).toMatchObject({
      status: 'pending',
      burden: 11761000,
      qualifying: 10000000,
      applied_by: 'user:guanxian',
    });

    // The drawer of the new application: no decision for the clerk, and the platform refuses one.
    const drawer = page.getByTestId('application-drawer');
    await expect.poll(() => drawer.innerText()).toContain('待审核');
    expect(await drawer.innerText()).toContain('冠县医保局经办员');
    expect(await page.getByTestId('decision-form').count()).toBe(0);
    expect(await page.getByTestId('decide').count()).toBe(0);
    const refused = await call(page, 'POST', `/api/assistance-applications/${applicationId}/decision`, {
      decision: 'approve',
      reason: '窗口自行批准',
    });
    expect(refused).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect((await application())['status']).toBe('pending');
    expect(await visibleEnglish(page)).toEqual([]);

    // The list, pending first by the filter: as many as the database has.
    await page.goto('/applications?status=pending');
    await page.locator('.ant-table-row').first().waitFor();
    const { rows: pending } = await site.world.pool.query<{ n: number }>(
      "select count(*)::int as n from assistance_applications where status = 'pending'",
    );
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(pending[0]!.n);
    expect(await page.getByText(`共 ${pending[0]!.n} 件`).count()).toBe(1);
    await page.goto('/applications');
    await page.locator('.ant-table-row', { hasText: applicant.psn_name }).waitFor();
    await settled(page);
    await screenshot(page, '11-依申请救助');
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('the reviewer approves it with a reason; the top-ups are shown with how each was worked out', async () => {
    const page = await site.signIn('guanxian-review');
    await page.goto(`/applications?id=${applicationId}`);
    const form = page.getByTestId('decision-form');
    await form.waitFor();
    // A reviewer does not register applications.
    expect(await page.getByTestId('register').count()).toBe(0);
    await form.getByText('批准', { exact: true }).click();
    await form.getByTestId('decide').click();
    await form.getByText('请填写审核理由').waitFor();
    expect((await application())['status']).toBe('pending');
    await form.locator('textarea').fill('经入户核实，符合因病致贫重病患者认定条件');
    await form.getByTestId('decide').click();
    // Stay 1 again as 因病致贫重病患者: assistance (12,740 − 3,000) × 50% = 4,870; what is left, 12,740 − 4,870 =
    // 7,870, is below re-assistance's 10,000. Stay 2: assistance on the year's 12,740 + 4,870 = 17,610 →
    // (17,610 − 3,000) × 50% = 7,305, less 4,870 = 2,435; re-assistance on 7,870 + (4,870 − 2,435) = 10,305 →
    // (10,305 − 10,000) × 70% = 213.50; 2,435 + 213.50 = 2,648.50. Top-ups 4,870.00 + 2,648.50 = 7,518.50.
    await page.getByText('已批准，补付 7,518.50 元').waitFor();
    expect(await application()).toMatchObject({
      status: 'approved',
      decided_by: 'user:guanxian-review',
      reason: '经入户核实，符合因病致贫重病患者认定条件',
      top_up: 751850,
    });
    const drawer = page.getByTestId('application-drawer');
    await expect.poll(() => drawer.locator('.top-up-row').count()).toBe(2);
    const topUps = await drawer.locator('.top-up-row').allInnerTexts();
    expect(topUps[0]).toContain('4,870.00');
    expect(topUps[1]).toContain('2,648.50');
    expect(await drawer.innerText()).toContain('因病致贫重病患者');
    // The first top-up's working: the assistance layer with its parameters and their documents.
    const trace = await drawer.getByTestId('trace').first().innerText();
    expect(trace).toContain('医疗救助');
    expect(trace).toContain('50%');
    await expect.poll(() => drawer.getByTestId('decision-form').count()).toBe(0);
    await drawer.locator('.ant-drawer-body').evaluate((body: unknown) => {
      // In the page: the drawer's body scrolled back to its top (the test's own types have no DOM).
      (body as { scrollTo(x: number, y: number): void }).scrollTo(0, 0);
    });
    await settled(page);
    await screenshot(page, '11-救助审核');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});

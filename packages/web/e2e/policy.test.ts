/**
 * 政策 in a real browser on the demo city: a region's policy on a date with every value in yuan or percent and its
 * source, searched; two dates compared (only what differs, 新值 beside 原值); the worked cases run; each screen
 * screenshotted and checked for English or raw codes; and the users who may not use it refused, in the menu and by
 * the platform.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_policy', 200);
});
afterAll(async () => {
  await site?.close();
});

/** The text of the table row whose parameter cell is exactly `name`, inside the section card titled `section`. */
async function row(page: Page, section: string, name: string): Promise<string> {
  const card = page.locator('.ant-card').filter({ has: page.locator('.ant-card-head-title', { hasText: section }) });
  return card
    .locator('.ant-table-row')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) })
    .first()
    .innerText();
}

/** A signed-in page's call of the platform with its own token: the status and the refusal's code and message. */
async function callWithToken(page: Page, method: string, url: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async (call) => {
      // Runs in the page: its session storage keeps the token (the test's own types have no DOM).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } })
        .sessionStorage;
      const token = storage.getItem('sanbao.token') ?? '';
      const response = await fetch(call.url, { method: call.method, headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.json() };
    },
    { method, url },
  );
}

describe('政策', () => {
  it('shows 谯城区’s policy today by section, in yuan and percent, each value with its source', async () => {
    const page = await site.signIn('operator');
    await page.goto('/policy');
    const summary = page.getByTestId('policy-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('亳州市城乡居民医保');
    expect(await summary.innerText()).toContain('安徽省城乡居民医保（省级基准） → 亳州市城乡居民医保');
    // No date in the address: the platform's today (the clock of the test platform).
    expect(await page.locator('input[data-testid="policy-date"], [data-testid="policy-date"] input').inputValue()).toBe(
      '2026-06-15',
    );
    // policies/anhui/bozhou.yaml line 13: critical_illness.deductible 12000 from 2022-01-01, S002 (seed, 原始文件).
    const deductible = await row(page, '大病保险', '起付线');
    expect(deductible).toContain('12,000.00 元');
    expect(deductible).toContain('原始文件');
    expect(deductible).toContain('亳州市城乡居民医保 第 13 行');
    // policies/anhui.yaml lines 61–65: county deductible 500, 80% (WZB2019, public).
    const county = await row(page, '基本医保', '住院 · 二级和县级 · 支付比例');
    expect(county).toContain('80%');
    expect(county).toContain('公开文件');
    // policies/anhui.yaml lines 121–129: the bands, marked assumed (暂定) and tagged orange.
    const bands = await row(page, '大病保险', '分段支付比例');
    expect(bands).toContain('0–50,000 元 60%；50,000–100,000 元 70%；100,000–200,000 元 75%；200,000 元以上 80%');
    expect(bands).toContain('暂定');
    // policies/anhui/bozhou.yaml line 19: 低保 subsidy 90% of the individual contribution.
    expect(await row(page, '参保资助', '低保对象')).toContain('按个人缴费标准的 90% 资助');
    // Every parameter is listed once: the rows of all sections add up to the count the page states.
    const stated = /共 (\d+) 项参数/.exec(await page.getByTestId('policy-count').innerText());
    const rows = await page.getByTestId('policy-table').locator('.ant-table-row').count();
    expect(rows).toBe(Number(stated?.[1]));
    expect(rows).toBeGreaterThan(100);
    // Confidence is shown by colour: the original document's tag blue, the assumed orange.
    expect(await page.locator('.ant-tag-blue', { hasText: '原始文件' }).count()).toBeGreaterThan(0);
    expect(await page.locator('.ant-tag-orange', { hasText: '暂定' }).count()).toBeGreaterThan(0);
    // Nothing in fen or basis points: no value cell is a bare integer.
    for (const value of await page.locator('.policy-value').allInnerTexts()) expect(value).not.toMatch(/^\d+$/);
    await screenshot(page, '12-政策');
    expect(await visibleEnglish(page)).toEqual([]);

    // The search keeps the rows whose name, value or source has the words, and says how many.
    await page.getByTestId('policy-search').locator('input').fill('封顶');
    await expect.poll(() => page.getByTestId('policy-count').innerText()).toMatch(/符合搜索的 \d+ 项/);
    const found = await page.getByTestId('policy-table').locator('.ant-table-row').allInnerTexts();
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(rows);
    for (const text of found) expect(text).toContain('封顶');
    expect(new URL(page.url()).searchParams.get('q')).toBe('封顶');
  });

  it('runs the region’s worked cases on demand and shows each passed', async () => {
    const page = await site.signIn('operator');
    await page.goto('/policy');
    await page.getByTestId('policy-summary').waitFor();
    expect(await page.getByTestId('cases').count()).toBe(0);
    await page.getByTestId('run-cases').click();
    const cases = page.getByTestId('cases');
    await cases.waitFor();
    // Counted from the case file itself: one "- name:" per case.
    const file = readFileSync(
      fileURLToPath(new URL('../../../policies/anhui/bozhou.cases.yaml', import.meta.url)),
      'utf8',
    );
    const total = file.match(/^ {2}- name:/gm)?.length ?? 0;
    expect(total).toBeGreaterThan(0);
    expect(await page.getByTestId('cases-message').innerText()).toContain(`${total} 个算例全部通过`);
    expect(await cases.locator('.ant-table-row').count()).toBe(total);
    expect(await cases.locator('.ant-tag', { hasText: '通过' }).count()).toBe(total);
    expect(await cases.locator('.ant-tag', { hasText: '未通过' }).count()).toBe(0);
    await screenshot(page, '12-政策-案例');
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('compares two dates around Anhui’s 2022 change: only what differs, 新值 beside 原值', async () => {
    const page = await site.signIn('viewer');
    await page.goto('/policy');
    await page.getByTestId('policy-summary').waitFor();
    await page.getByTestId('policy-mode').getByText('对比').click();
    await page.getByText('对比条件').waitFor();
    expect(new URL(page.url()).searchParams.get('mode')).toBe('diff');
    await page.goto('/policy?mode=diff&a=341602&ad=2021-12-31&b=341602&bd=2022-01-01');
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    const headers = await diff.locator('thead th').allInnerTexts();
    expect(headers).toEqual(['分类', '参数', '变化', '新值', '原值']);
    // policies/anhui.yaml lines 211–212: the individual contribution 280 (2020) → 320 (from 2022-01-01).
    const individual = await diff
      .locator('.ant-table-row')
      .filter({ has: page.locator('td:nth-child(2)', { hasText: /^个人缴费标准$/ }) })
      .locator('td')
      .allInnerTexts();
    expect(individual[2]).toBe('取值变化');
    expect(individual[3]).toContain('320.00 元');
    expect(individual[4]).toContain('280.00 元');
    // policies/anhui.yaml lines 155–160: 特困人员's assistance ratio stays 80%, citing S000 from 2022 instead of ASSUMED.
    const same = await diff
      .locator('.ant-table-row')
      .filter({ has: page.locator('td:nth-child(2)', { hasText: /^特困人员 · 支付比例$/ }) })
      .locator('td')
      .allInnerTexts();
    expect(same[2]).toBe('依据变化');
    expect(same[3]).toContain('原始文件');
    expect(same[4]).toContain('暂定');
    // A value that did not change is not listed.
    expect(await diff.innerText()).not.toContain('住院 · 二级和县级 · 支付比例');
    await screenshot(page, '12-政策-对比');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});

describe('boundaries', () => {
  it('a township’s office has no 政策 in its menu, cannot open it, and the platform refuses it', async () => {
    const page = await site.signIn('yanzhuang');
    const menu = await page.locator('.ant-menu').innerText();
    expect(menu).toContain('预警台账');
    expect(menu).not.toContain('政策');
    await page.goto('/policy');
    await page.getByText('无权访问').waitFor();
    for (const [method, url] of [
      ['GET', '/api/policy?admdvs=371525'],
      ['GET', '/api/policy/diff?a_admdvs=371525&b_admdvs=371525'],
      ['POST', '/api/policy/cases?admdvs=371525'],
    ] as const) {
      const refused = await callWithToken(page, method, url);
      expect(refused).toEqual({
        status: 403,
        body: { code: 'FORBIDDEN', message: '政策查询仅限医疗保障经办机构使用' },
      });
    }
  });

  it('a department’s user is refused the same way', async () => {
    const page = await site.signIn('guanxian-rural');
    expect(await page.locator('.ant-menu').innerText()).not.toContain('政策');
    expect((await callWithToken(page, 'GET', '/api/policy?admdvs=371525')).status).toBe(403);
  });

  it('a county clerk cannot open another county’s policy, even by address', async () => {
    const page = await site.signIn('operator');
    await page.goto('/policy?admdvs=371525');
    await expect.poll(() => page.getByTestId('failure').innerText()).toContain('查无区划 371525');
    expect(await page.getByTestId('policy-summary').count()).toBe(0);
    expect((await callWithToken(page, 'POST', '/api/policy/cases?admdvs=371525')).status).toBe(404);
  });
});

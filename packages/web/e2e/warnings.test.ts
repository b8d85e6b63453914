/**
 * 预警台账 in a real browser on the demo's Guanxian (冠县《防止返贫致贫“蓝黄红”预警机制实施方案》: blue, yellow and red by the
 * year's out-of-pocket medical costs): the bureau's clerk sees the counts per level in colour and hands 烟庄街道's
 * warnings down (and a ticked one of 店子镇 down and back); the township's user then takes a handed-down warning
 * through its follow-up step by step, writes the township's remark, and cannot see another township's warning nor
 * hand anything down — hidden in the screen and refused by the platform; the feedback batches the policy's cadence
 * makes are listed with their workbooks.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../server/src/jobs/scheduler.js';
import { PolicyRegistry } from '../../server/src/policies.js';
import { NOW } from '../../server/src/test-support/world.js';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_warnings', 300);
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
      const headers: Record<string, string> = { authorization: `Bearer ${storage.getItem('sanbao.token') ?? ''}` };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      return { status: response.status, json: (await response.json()) as { code?: string; message?: string } };
    },
    { method, url, body },
  );
}

interface Story {
  psn_no: string;
  psn_name: string;
  township: string;
  level: string;
  status: string;
}

async function warnings(): Promise<Story[]> {
  const { rows } = await site.world.pool.query<Story>(
    `select w.psn_no, p.psn_name, w.township, w.level, w.status from warnings w join persons p using (psn_no)
      where w.year = 2026 and w.level <> 'none' order by w.psn_no`,
  );
  return rows;
}

async function statusOf(psnNo: string): Promise<{ status: string; handed_down: boolean; recalled: boolean }> {
  const { rows } = await site.world.pool.query<{ status: string; handed_down: boolean; recalled: boolean }>(
    'select status, handover_id is not null as handed_down, recalled from warnings where psn_no = $1 and year = 2026',
    [psnNo],
  );
  return rows[0]!;
}

/** Waits until the notices of what was done have gone and nothing is loading, so a screenshot shows the screen. */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => page.locator('.ant-btn-loading').count()).toBe(0);
}

/** The names in the ledger's rows (each a link that opens the warning). */
const rowNames = async (page: Page): Promise<string[]> =>
  (await page.locator('.ant-table-row button.ant-btn-link').allInnerTexts()).map((name) => name.trim());

let yanzhuangOwn: Story[];
let elsewhere: Story;

describe('预警台账 for the bureau', () => {
  it('counts each level in its colour and hands 烟庄街道 down; a ticked warning goes down and comes back', async () => {
    const all = await warnings();
    yanzhuangOwn = all.filter((w) => w.township === '烟庄街道');
    elsewhere = all.find((w) => w.township === '店子镇' && w.level === 'red')!;
    // The demo's five stories (see demo/guanxian.ts): two of them in 烟庄街道, a red one in 店子镇.
    expect(yanzhuangOwn.map((w) => w.psn_name).sort()).toEqual(['孙立新', '赵桂兰'].sort());
    expect(elsewhere.psn_name).toBe('周海燕');

    const page = await site.signIn('guanxian');
    await page.goto('/warnings');
    await page.locator('.ant-table-row').first().waitFor();
    // Counts per level as the database has them.
    for (const level of ['red', 'yellow', 'blue']) {
      const expected = all.filter((w) => w.level === level).length;
      await expect.poll(() => page.getByTestId(`count-${level}`).innerText()).toContain(`${expected}`);
    }
    await expect.poll(() => page.getByTestId('count-pending').innerText()).toContain(`${all.length}`);
    // Levels in their colours: 红码 red, 黄码 gold, 蓝码 blue.
    const red = page.locator('.ant-table-row [data-testid="level-red"]').first();
    expect(await red.innerText()).toBe('红码');
    expect(await red.getAttribute('class')).toMatch(/red/);
    expect(await page.locator('.ant-table-row [data-testid="level-yellow"]').first().getAttribute('class')).toMatch(
      /gold/,
    );
    expect(await page.locator('.ant-table-row [data-testid="level-blue"]').first().getAttribute('class')).toMatch(
      /blue/,
    );

    // By township: 烟庄街道 with its two waiting.
    await page.getByTestId('hand-down-township').click();
    await page.getByTestId('township-pick').click();
    await page.getByText('烟庄街道（未下放 2 人）').click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /下\s*放/ })
      .click();
    await page.getByText('已下放 2 条：烟庄街道 2 条').waitFor();
    for (const w of yanzhuangOwn) expect(await statusOf(w.psn_no)).toMatchObject({ handed_down: true, status: 'new' });

    // A ticked row: 周海燕 (店子镇) down, then back.
    const row = page.locator('.ant-table-row', { hasText: elsewhere.psn_name });
    await row.locator('.ant-checkbox-input').check();
    await page.getByTestId('hand-down-selected').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /下\s*放/ })
      .click();
    await page.getByText('已下放 1 条：店子镇 1 条').waitFor();
    expect(await statusOf(elsewhere.psn_no)).toMatchObject({ handed_down: true, recalled: false });
    await row.locator('.ant-checkbox-input').check();
    await page.getByTestId('recall-selected').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /收\s*回/ })
      .click();
    await page.getByText('已收回 1 条：店子镇 1 条').waitFor();
    expect(await statusOf(elsewhere.psn_no)).toMatchObject({ handed_down: false, recalled: true });
    await expect.poll(() => page.getByTestId('count-pending').innerText()).toContain(`${all.length - 2}`);
    await expect.poll(() => row.innerText()).toContain('已收回');
    await settled(page);
    await screenshot(page, '10-预警台账');
    expect(await visibleEnglish(page)).toEqual([]);
    // The ledger's workbook, as filtered, under the platform's name.
    const [workbook] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    expect(workbook.suggestedFilename()).toBe('预警台账-2026.xlsx');

    // The hand-downs and the recall, with who and when.
    await page.goto('/warnings?tab=handovers');
    await page.locator('.ant-table-row').first().waitFor();
    expect(await page.locator('.ant-table-row').count()).toBe(3);
    expect(await page.locator('.ant-table-row').first().innerText()).toContain('冠县医保局经办员');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});

describe('预警台账 for a township', () => {
  it('烟庄街道 sees only what was handed down to it, and cannot hand down or reach another township’s', async () => {
    const page = await site.signIn('yanzhuang');
    await page.goto('/warnings');
    await page.locator('.ant-table-row').first().waitFor();
    expect((await rowNames(page)).sort()).toEqual(yanzhuangOwn.map((w) => w.psn_name).sort());
    // No hand-down, no recall, no ticking, no township filter.
    for (const id of ['hand-down-selected', 'hand-down-township', 'hand-down-filter', 'recall-selected'])
      expect(await page.getByTestId(id).count()).toBe(0);
    expect(await page.locator('.ant-table-row .ant-checkbox-input').count()).toBe(0);
    expect(await page.getByText('乡镇（街道）', { exact: true }).count()).toBe(1); // the column only
    // The platform refuses the same.
    expect(
      await call(page, 'POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' }),
    ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect((await call(page, 'GET', `/api/warnings/${elsewhere.psn_no}/2026`)).status).toBe(404);
    expect(
      (await call(page, 'POST', `/api/warnings/${elsewhere.psn_no}/2026/actions`, { status: 'sent' })).status,
    ).toBe(404);
    // Even by address the other township's warning is not shown.
    await page.goto(`/warnings?warning=${elsewhere.psn_no}/2026`);
    await expect.poll(() => page.getByTestId('failure').innerText()).toContain('查无');
    expect(await page.getByTestId('warning-drawer').innerText()).not.toContain(elsewhere.psn_name);
    expect(await visibleEnglish(page)).toEqual([]);
  });

  it('takes 赵桂兰’s warning through its follow-up step by step, each step recorded by the township', async () => {
    const target = yanzhuangOwn.find((w) => w.psn_name === '赵桂兰')!;
    const page = await site.signIn('yanzhuang');
    await page.goto('/warnings');
    await page.getByRole('button', { name: target.psn_name }).click();
    const drawer = page.getByTestId('warning-drawer');
    await drawer.getByTestId('follow-up-steps').waitFor();
    const next = drawer.getByTestId('next-step');
    const record = async (status: string, note?: string): Promise<void> => {
      await next.getByText(status, { exact: true }).click();
      if (note !== undefined) await next.locator('textarea').fill(note);
      await next.getByRole('button', { name: /登\s*记/ }).click();
      await page.getByText(`已登记「${status}」`).waitFor();
      await expect.poll(() => drawer.getByTestId('follow-up-steps').innerText()).toContain(status);
    };

    expect(await drawer.getByTestId('follow-up-steps').innerText()).toContain('下一步：已反馈');
    await record('已反馈');
    expect((await statusOf(target.psn_no)).status).toBe('sent');
    // A visit without its findings is refused by the form, as the platform would.
    await next.getByText('已入户走访', { exact: true }).click();
    await next.getByRole('button', { name: /登\s*记/ }).click();
    await next.getByText('请填写走访情况').waitFor();
    expect((await statusOf(target.psn_no)).status).toBe('sent');
    await record('已入户走访', '家庭医生入户：术后康复中，家庭收入以务农为主');
    expect((await statusOf(target.psn_no)).status).toBe('visited');

    // The township's remark is the township's to write; the bureau's is not.
    const townshipRemark = drawer.getByTestId('remark-township');
    await townshipRemark.getByRole('button', { name: /填\s*写/ }).click();
    await townshipRemark.locator('textarea').fill('已联系村卫生室跟踪随访');
    await townshipRemark.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => townshipRemark.innerText()).toContain('烟庄街道办事处');
    expect(await drawer.getByTestId('remark-bureau').getByRole('button').count()).toBe(0);
    expect(
      (await call(page, 'PUT', `/api/warnings/${target.psn_no}/2026/remarks/bureau`, { remark: '越权' })).status,
    ).toBe(403);
    await drawer.locator('.ant-drawer-body').evaluate((body: unknown) => {
      // In the page: the drawer's body scrolled back to its top (the test's own types have no DOM).
      (body as { scrollTo(x: number, y: number): void }).scrollTo(0, 0);
    });
    await settled(page);
    await screenshot(page, '10-预警详情');
    expect(await visibleEnglish(page)).toEqual([]);

    await record('已纳入监测');
    expect((await statusOf(target.psn_no)).status).toBe('monitored');
    await record('已办结', '已纳入防返贫监测，落实医疗救助');
    expect((await statusOf(target.psn_no)).status).toBe('closed');
    await expect.poll(() => drawer.getByTestId('next-step').count()).toBe(0);
    const { rows } = await site.world.pool.query<{ to_status: string; actor: string }>(
      'select to_status, actor from warning_actions where psn_no = $1 and year = 2026 order by action_id',
      [target.psn_no],
    );
    expect(rows).toEqual(
      ['sent', 'visited', 'monitored', 'closed'].map((status) => ({ to_status: status, actor: 'user:yanzhuang' })),
    );
    const { rows: remarks } = await site.world.pool.query(
      'select township_remark, bureau_remark from warnings where psn_no = $1 and year = 2026',
      [target.psn_no],
    );
    expect(remarks).toEqual([{ township_remark: '已联系村卫生室跟踪随访', bureau_remark: '' }]);
  });
});

describe('反馈批次', () => {
  it('lists the batches the cadence made, each township’s with its workbook', async () => {
    // 2026-06-15, 10:00 in China: June's blue feedback, the fortnight's yellow and the red are due.
    await runDueJobs(site.world.pool, new PolicyRegistry(), NOW);
    const { rows } = await site.world.pool.query<{ n: number }>(
      "select count(*)::int as n from feedback_batches where admdvs = '371525'",
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    const page = await site.signIn('guanxian');
    await page.goto('/warnings?tab=feedback');
    await page.locator('.ant-table-row').first().waitFor();
    expect(await page.locator('.ant-table-row').count()).toBe(rows[0]!.n);
    expect(await page.getByText(`共 ${rows[0]!.n} 批`).count()).toBe(1);
    // 周海燕 was taken back from 店子镇: the red feedback does not send her there again.
    expect(await statusOf(elsewhere.psn_no)).toMatchObject({ handed_down: false, recalled: true });
    await screenshot(page, '10-反馈批次');
    expect(await visibleEnglish(page)).toEqual([]);
    const first = page.locator('.ant-table-row').first();
    const township = (await first.locator('td:nth-child(4)').innerText()).trim();
    const [batch] = await Promise.all([page.waitForEvent('download'), first.getByRole('button').click()]);
    expect(batch.suggestedFilename()).toMatch(new RegExp(`^冠县${township}-(蓝|黄|红)码台账-2026-06-\\d{2}\\.xlsx$`));
  });
});

/**
 * 系统管理 in a real browser on the demo city: the administrator adds a region, adds an institution and sees its HIS
 * secret once (gone from the page once the dialog closes; it authenticates a real HIS call), rotates it (the old one
 * fails at once), creates a user who then signs in, and finds those actions in the audit log; an operator has no
 * 系统管理 and the platform refuses its direct requests.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, envelope } from '../../server/src/test-support/world.js';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_admin', 300);
});
afterAll(async () => {
  await site?.close();
});

const CODE = 'H34160200088';
/** Today in China by the real clock (the audit log records real time; the platform's fixed clock settles). */
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Picks an option of the antd select labelled `label` (in the open dialog when `inDialog`); a searchable select is
 * typed into first, as its list shows only the options in view.
 */
async function choose(page: Page, label: string, option: string, inDialog = false): Promise<void> {
  const where = inDialog ? page.locator('.ant-modal') : page;
  const select = where.getByLabel(label, { exact: true });
  await select.click();
  if ((await select.getAttribute('readonly')) === null) await select.fill(option);
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${option.replace(/[()（）]/g, '\\$&')}$`) })
    .first()
    .click();
}

/** A HIS sign-in (9001) with the credential: '' when accepted, else the refusal's code. */
async function hisSignIn(secret: string): Promise<string> {
  const reply = await call(site.world, envelope('9001', { signIn: { opter_no: '001' } }, { institution: CODE }), {
    code: CODE,
    secret,
  });
  return reply.infcode === 0 ? '' : reply.err_code;
}

/** The secret in the open dialog, after checking the dialog warns it is shown once. */
async function shownSecret(page: Page): Promise<string> {
  const secret = (await page.getByTestId('secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(await page.locator('.ant-modal').innerText()).toContain('密钥只显示一次');
  return secret;
}

/** Closes the secret's dialog and checks the secret is nowhere on the page any more. */
async function closeSecret(page: Page, secret: string): Promise<void> {
  await page.getByTestId('secret-close').click();
  await page.getByTestId('secret').waitFor({ state: 'detached' });
  expect(await page.content()).not.toContain(secret);
  expect(await page.locator('body').innerText()).not.toContain(secret);
}

/** English on the page other than the usernames it lists (data, not words of the interface). */
async function englishBesidesUsernames(page: Page): Promise<string[]> {
  const { rows } = await site.world.pool.query<{ username: string }>('select username from users');
  const usernames = new Set(rows.map((row) => row.username));
  return (await visibleEnglish(page)).filter((word) => !usernames.has(word));
}

let first = '';
let second = '';

describe('系统管理', () => {
  let page: Page;

  it('lists the regions with their policies and adds one', async () => {
    page = await site.signIn('admin');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('menuitem', { name: /系统管理/ }).click();
    await page.waitForURL(/\/admin/);
    await page.getByRole('cell', { name: '谯城区', exact: true }).waitFor();
    await page.getByRole('button', { name: '新增区划' }).click();
    await page.locator('.ant-modal').getByLabel('区划代码').fill('341699');
    await page.locator('.ant-modal').getByLabel('区划名称').fill('高新区');
    await choose(page, '上级区划', '亳州市（341600）', true);
    await choose(page, '所用政策', '亳州市城乡居民医保', true);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: '高新区', exact: true }).waitFor();
    const { rows } = await site.world.pool.query('select name, parent, policy_id from regions where admdvs = $1', [
      '341699',
    ]);
    expect(rows).toEqual([{ name: '高新区', parent: '341600', policy_id: 'anhui/bozhou' }]);
    const policies = await page.getByRole('cell', { name: '亳州市城乡居民医保' }).count();
    const regions = await site.world.pool.query<{ n: number }>(
      "select count(*)::int as n from regions where policy_id = 'anhui/bozhou'",
    );
    expect(policies).toBe(regions.rows[0]!.n);
    await screenshot(page, '13-系统管理-区划');
    expect(await englishBesidesUsernames(page)).toEqual([]);
  });

  it('adds an institution and shows its secret once, which a HIS then signs in with', async () => {
    await page.getByRole('tab', { name: '定点医疗机构' }).click();
    await page.waitForURL(/tab=institutions/);
    await page.getByRole('button', { name: '新增机构' }).click();
    await page.locator('.ant-modal').getByLabel('定点医疗机构编号').fill(CODE);
    await page.locator('.ant-modal').getByLabel('机构名称').fill('谯城区康复医院');
    await choose(page, '机构级别', '二级和县级', true);
    await choose(page, '所在区划', '谯城区', true);
    await page.getByPlaceholder('纬度').fill('33.87');
    await page.getByPlaceholder('经度').fill('115.78');
    await page.getByRole('button', { name: '新增并发放密钥' }).click();
    first = await shownSecret(page);
    await page.getByTestId('secret-copy').click();
    await page.getByText('密钥已复制').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(first);
    await screenshot(page, '13-系统管理-机构-密钥');
    // The platform keeps only the sealed form; the HIS gets in with the secret as shown.
    const { rows } = await site.world.pool.query<{ row: string }>(
      'select row_to_json(i)::text as row from institutions i where fixmedins_code = $1',
      [CODE],
    );
    expect(rows[0]!.row).not.toContain(first);
    expect(rows[0]!.row).toContain('"level":"county"');
    expect(await hisSignIn(first)).toBe('');
    await closeSecret(page, first);
    // The list shows it, by Chinese names, with when its secret was issued.
    await page.getByLabel('编号或名称').fill(CODE);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(new RegExp(`q=${CODE}`));
    const row = page.getByRole('row').filter({ hasText: CODE });
    await expect.poll(() => row.innerText()).toContain('二级和县级');
    expect(await row.innerText()).toMatch(
      /谯城区康复医院[\s\S]*谯城区[\s\S]*33\.870，115\.780[\s\S]*协议期内[\s\S]*发放/,
    );
  });

  it('rotates the secret: a new one shown once, the old one refused at once', async () => {
    const row = page.getByRole('row').filter({ hasText: CODE });
    await row.getByRole('button', { name: '重置密钥' }).click();
    // The confirmation's own button, once it is open (the row's button says 重置密钥 too).
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /重\s*置/ })
      .click();
    second = await shownSecret(page);
    expect(second).not.toBe(first);
    expect(await page.locator('.ant-modal').innerText()).toContain('原密钥已失效');
    expect(await hisSignIn(first)).toBe('AUTH_FAILED');
    expect(await hisSignIn(second)).toBe('');
    await closeSecret(page, second);
    expect(await page.content()).not.toContain(first);
    await page.getByLabel('编号或名称').fill('');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL((url) => !url.search.includes('q='));
    const { rows } = await site.world.pool.query<{ n: number }>('select count(*)::int as n from institutions');
    await expect.poll(() => page.locator('.ant-pagination-total-text').innerText()).toBe(`共 ${rows[0]!.n} 家`);
    await page.getByRole('cell', { name: CODE }).waitFor();
    await screenshot(page, '13-系统管理-机构');
    expect(await englishBesidesUsernames(page)).toEqual([]);
  });

  it('creates a user who can then sign in', async () => {
    await page.getByRole('tab', { name: '用户' }).click();
    await page.waitForURL(/tab=users/);
    await page.getByRole('button', { name: '新增用户' }).click();
    await page.locator('.ant-modal').getByLabel('用户名', { exact: true }).fill('e2e-clerk');
    await page.locator('.ant-modal').getByLabel('姓名', { exact: true }).fill('康复经办员');
    await choose(page, '角色', '经办人员', true);
    await choose(page, '管辖区划', '谯城区', true);
    await page.getByLabel('初始密码').fill('clerk-password-1');
    await page.getByLabel('再次输入密码').fill('clerk-password-1');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    const row = page.getByRole('row').filter({ hasText: 'e2e-clerk' });
    await expect
      .poll(() => row.innerText().catch(() => ''))
      .toMatch(/康复经办员[\s\S]*经办人员[\s\S]*谯城区[\s\S]*启用[\s\S]*未登录/);

    const clerk = await site.anonymous();
    await clerk.goto('/login');
    await clerk.getByLabel('用户名').fill('e2e-clerk');
    await clerk.getByLabel('密码').fill('clerk-password-1');
    await clerk.getByRole('button', { name: /登\s*录/ }).click();
    await clerk.getByTestId('user-menu').waitFor();
    expect(await clerk.getByTestId('user-menu').innerText()).toContain('康复经办员');

    // Its first sign-in is now its last.
    await page.reload();
    await expect.poll(() => row.innerText()).not.toContain('未登录');
    const { rows } = await site.world.pool.query<{ n: number }>('select count(*)::int as n from users');
    await expect.poll(() => page.locator('.ant-pagination-total-text').innerText()).toBe(`共 ${rows[0]!.n} 个用户`);
    await screenshot(page, '13-系统管理-用户');
    expect(await englishBesidesUsernames(page)).toEqual([]);
  });

  it('finds those actions in the audit log by who, what and when', async () => {
    await page.getByRole('tab', { name: '审计日志' }).click();
    await page.waitForURL(/tab=audit/);
    await page.getByLabel('操作人').fill('admin');
    await choose(page, '操作', '定点医疗机构（全部）');
    await page.getByPlaceholder('开始日期').click();
    await page.getByPlaceholder('开始日期').fill(today);
    await page.getByPlaceholder('结束日期').fill(today);
    await page.getByPlaceholder('结束日期').press('Enter');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/actor=admin.*action=institution\..*from=/);
    const { rows } = await site.world.pool.query<{ action: string }>(
      "select action from audit_log where actor = 'user:admin' and action like 'institution.%' order by at desc, audit_id desc",
    );
    expect(rows.map((row) => row.action)).toEqual(['institution.credentials', 'institution.create']);
    const table = page.locator('.ant-table-tbody');
    await expect.poll(() => table.locator('tr.ant-table-row').count()).toBe(2);
    const [rotated, created] = await table.locator('tr.ant-table-row').allInnerTexts();
    expect(rotated).toMatch(/系统管理员[\s\S]*重置机构密钥[\s\S]*成功[\s\S]*机构编号：H34160200088/);
    expect(created).toContain(
      '新增定点医疗机构\t成功\t机构编号：H34160200088；区划：谯城区（341602）；名称：谯城区康复医院；级别：二级和县级；纬度：33.87；经度：115.78；启用：是；发放密钥：是',
    );
    expect(await page.locator('.ant-pagination-total-text').innerText()).toBe('共 2 条');
    // Neither secret was ever written to the log.
    expect(await page.content()).not.toContain(first);
    await screenshot(page, '13-系统管理-审计日志');
    expect(await englishBesidesUsernames(page)).toEqual([]);

    await choose(page, '操作', '创建用户');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect
      .poll(() => table.innerText())
      .toMatch(/创建用户[\s\S]*用户名：e2e-clerk；角色：经办人员；管辖区划：谯城区（341602）/);
  });
});

describe('an operator', () => {
  it('has no 系统管理, is refused the screen, and the platform refuses its direct requests', async () => {
    const page = await site.signIn('operator');
    expect(await page.locator('.ant-menu-item').allInnerTexts()).not.toContain('系统管理');
    await page.goto('/admin?tab=institutions');
    await page.getByText('无权访问').waitFor();
    expect(await page.getByRole('button', { name: '新增机构' }).count()).toBe(0);
    const before = await site.world.pool.query('select secret_hmac_sm3 from institutions where fixmedins_code = $1', [
      CODE,
    ]);
    // The operator's own session token, sent by hand as a client bypassing the console would.
    const token = await page.evaluate<string>("sessionStorage.getItem('sanbao.token')");
    const answers = await page.evaluate(
      async ({ code, token }) => {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const rotate = await fetch(`/api/institutions/${code}/credentials`, {
          method: 'POST',
          headers: { authorization: headers.authorization },
        });
        const create = await fetch('/api/institutions', {
          method: 'POST',
          headers,
          body: JSON.stringify({ fixmedins_code: 'H34160200087', name: '冒名医院', level: 'county', admdvs: '341602' }),
        });
        const audit = await fetch('/api/audit-log', { headers: { authorization: headers.authorization } });
        return [
          { status: rotate.status, body: (await rotate.json()) as { code: string } },
          { status: create.status, body: (await create.json()) as { code: string } },
          { status: audit.status, body: (await audit.json()) as { code: string } },
        ];
      },
      { code: CODE, token },
    );
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
    ]);
    const after = await site.world.pool.query('select secret_hmac_sm3 from institutions where fixmedins_code = $1', [
      CODE,
    ]);
    expect(after.rows).toEqual(before.rows);
    expect(await hisSignIn(second)).toBe('');
    const created = await site.world.pool.query("select 1 from institutions where fixmedins_code = 'H34160200087'");
    expect(created.rowCount).toBe(0);
  });
});

/**
 * 登录 in a real browser: each demo role signs in and sees only its screens; a wrong password and a locked account
 * are told in the catalogue's Chinese words; a page reloaded keeps the session, logout ends it, and a screen of
 * another role is refused even when its address is typed.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_login');
});
afterAll(async () => {
  await site?.close();
});

/** The titles of the side menu as the user sees them. */
async function menu(page: Page): Promise<string[]> {
  return (await page.locator('.ant-menu-item').allInnerTexts()).map((text) => text.trim());
}

describe('login', () => {
  it('shows the login screen in Chinese and refuses a wrong password with the platform message', async () => {
    const page = await site.anonymous();
    await page.goto('/');
    // Not signed in: sent to the login screen, remembering where the user was going.
    await page.waitForURL(/\/login\?next=%2F$/);
    await screenshot(page, '01-登录');
    expect(await visibleEnglish(page)).toEqual([]);
    await page.getByLabel('用户名').fill('operator');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('用户名或密码错误');
  });

  it('tells a locked account so, in Chinese, after repeated failures', async () => {
    const page = await site.anonymous();
    await page.goto('/login');
    await page.getByLabel('用户名').fill('viewer');
    for (let attempt = 0; attempt < 6; attempt++) {
      await page.getByLabel('密码').fill(`wrong-${attempt}`);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('login-error').waitFor();
      await page.waitForTimeout(50);
    }
    await expect.poll(() => page.getByTestId('login-error').innerText()).toMatch(/锁定/);
    await screenshot(page, '01-登录-锁定');
  });

  it('gives each role its own menu', async () => {
    const admin = await site.signIn('admin');
    expect(await menu(admin)).toEqual(expect.arrayContaining(['工作台', '参保人', '结算查询']));
    const township = await site.signIn('yanzhuang');
    const townshipMenu = await menu(township);
    expect(townshipMenu).toContain('工作台');
    // A township office does not query the bureau's settlements.
    expect(townshipMenu).not.toContain('结算查询');
    // Typing the address does not help.
    await township.goto('/settlements');
    await township.getByText('无权访问').waitFor();
    expect(await township.getByText('您的账号不能使用「结算查询」。').count()).toBe(1);
  });

  it('keeps the session across a reload and ends it at logout', async () => {
    const page = await site.signIn('operator');
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('user-menu').innerText()).toContain('谯城区经办员');
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/login/);
    // The token is gone from the platform too: the back button shows the login screen, not the data.
    await page.goto('/persons');
    await page.waitForURL(/\/login/);
  });
});

/**
 * 台账导入 in a real browser on the demo city: 冠县's rural-revitalization user downloads the template, drops a
 * ledger, sees the preview (新增, 变更, 取消, 待核查, 错误 counted by hand from the file) with nothing written, exports
 * it, confirms it, finds it in the history with its snapshot, and sees the new category on the person's timeline.
 * A bureau user has no upload, a township has no menu entry; the platform refuses their direct requests.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '@sanbao/core';
import { openCertno } from '../../server/src/security/identity.js';
import { DEMO_PASSWORDS, screenshot, startConsole, visibleEnglish, type Console } from './harness.js';

let site: Console;
beforeAll(async () => {
  site = await startConsole('e2e_ledger');
});
afterAll(async () => {
  await site?.close();
});

const HEADER = ['身份证号码', '姓名', '人员类别', '认定日期', '终止日期', '行政区划代码', '乡镇（街道）', '备注'];
const NAMES: Record<string, string> = {
  returned_to_poverty: '返贫致贫人口',
  monitored: '监测人口',
  stable_exit: '稳定脱贫人口',
};

interface Spell {
  psn_no: string;
  psn_name: string;
  certno_sm4: string;
  township: string;
  code: string;
  begin: string;
  end: string | null;
}

/** The rural department's running spells in 冠县 on the platform's today (2026-06-15): the ledger it last sent. */
async function runningRuralSpells(): Promise<Spell[]> {
  const { rows } = await site.world.pool.query<Spell>(
    `select * from (
       select distinct on (c.psn_no, c.code) p.psn_no, p.psn_name, p.certno_sm4, p.township, c.code,
              to_char(c.begin_date, 'YYYY-MM-DD') as begin, to_char(c.end_date, 'YYYY-MM-DD') as "end"
         from person_categories c join persons p using (psn_no)
        where c.source_dept = 'rural_revitalization' and p.admdvs = '371525'
        order by c.psn_no, c.code, c.begin_date desc, c.spell_id desc) s
      where s."end" is null or s."end" >= '2026-06-15'
      order by s.psn_no`,
  );
  return rows;
}

async function personOf(name: string): Promise<{ psn_no: string; certno: string; township: string }> {
  const { rows } = await site.world.pool.query<{ psn_no: string; certno_sm4: string; township: string }>(
    "select psn_no, certno_sm4, township from persons where psn_name = $1 and admdvs = '371525'",
    [name],
  );
  const row = rows[0]!;
  return { psn_no: row.psn_no, certno: openCertno(row.certno_sm4), township: row.township };
}

async function token(username: string): Promise<string> {
  const response = await site.world.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username, password: DEMO_PASSWORDS[username] },
  });
  return response.json<{ token: string }>().token;
}

async function previewDirectly(username: string): Promise<number> {
  const response = await site.world.app.inject({
    method: 'POST',
    url: '/api/ledger-previews?department=rural_revitalization&region=371525&mode=partial',
    headers: { authorization: `Bearer ${await token(username)}`, 'content-type': 'text/csv' },
    payload: Buffer.from(`${HEADER.join(',')}\r\n`, 'utf8'),
  });
  return response.statusCode;
}

describe('台账导入', () => {
  it('previews a ledger without writing, exports it, confirms it, and the person’s page shows the new category', async () => {
    const running = await runningRuralSpells();
    expect(running.length).toBeGreaterThan(3);
    // The ledger: every running spell as it is, except —
    const [changed, ended, ...kept] = running;
    const sun = await personOf('孙立新'); // ordinary: newly 监测人口 from 2026-06-01 — 新增
    const wu = await personOf('吴长顺'); // 低保 of civil affairs: 稳定脱贫 disagrees — 待核查
    const line = (certno: string, name: string, code: string, begin: string, end: string, township: string): string =>
      [certno, name, NAMES[code] ?? code, begin, end, '371525', township, ''].join(',');
    const rows = [
      ...kept.map((s) => line(openCertno(s.certno_sm4), s.psn_name, s.code, s.begin, s.end ?? '', s.township)),
      // `changed` ends on 2026-05-31 — 变更; `ended` is left out — 取消.
      line(
        openCertno(changed!.certno_sm4),
        changed!.psn_name,
        changed!.code,
        changed!.begin,
        '2026-05-31',
        changed!.township,
      ),
      line(sun.certno, '孙立新', 'monitored', '2026-06-01', '', sun.township),
      line(wu.certno, '吴长顺', 'stable_exit', '2026-05-01', '', wu.township),
      // An ID number with a wrong check digit — 错误.
      line(
        `37152519800101123${checkDigit('37152519800101123') === '1' ? '2' : '1'}`,
        '错号码',
        'monitored',
        '2026-01-01',
        '',
        '店子镇',
      ),
    ];
    const file = Buffer.from(`\uFEFF${HEADER.join(',')}\r\n${rows.join('\r\n')}\r\n`, 'utf8');
    const before = await site.world.pool.query<{ n: string }>('select count(*) as n from person_categories');

    const page = await site.signIn('guanxian-rural');
    await page.goto('/ledger');
    await page.getByTestId('ledger-upload').waitFor();
    expect(await page.getByText('乡村振兴部门报送的人员类别').count()).toBe(1);
    // The template downloads as a workbook.
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-xlsx').click()]);
    expect(template.suggestedFilename()).toBe('乡村振兴部门台账模板.xlsx');
    await screenshot(page, '08-台账导入');
    expect(await visibleEnglish(page)).toEqual([]);

    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '冠县6月台账.csv', mimeType: 'text/csv', buffer: file });
    const preview = page.getByTestId('ledger-preview');
    await preview.waitFor();
    // By hand: 1 new (孙立新), 1 changed (its end), 1 ended (left out), 1 held (吴长顺), 1 bad row; the rest unchanged.
    const tabs = await preview.locator('.ant-tabs-tab').allInnerTexts();
    expect(tabs.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      '新增 1',
      '变更 1',
      '取消 1',
      '待核查 1',
      '错误 1',
    ]);
    expect(await preview.innerText()).toMatch(new RegExp(`无变化行数\\s*${kept.length}\\s`));
    // Nothing written yet.
    expect((await site.world.pool.query('select count(*) as n from person_categories')).rows[0]).toEqual(
      before.rows[0],
    );
    await preview.getByRole('tab', { name: /待核查/ }).click();
    await preview.getByText('民政部门：低保对象').waitFor();
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await screenshot(page, '08-台账预览');
    expect(await visibleEnglish(page)).toEqual([]);
    await preview.getByRole('tab', { name: /取消/ }).click();
    await preview.getByText(ended!.psn_name).first().waitFor();

    // 导出预览: a real workbook with a sheet per kind.
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-preview').click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await exported.path());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['概况', '新增', '变更', '取消', '待核查', '错误']);
    expect(workbook.getWorksheet('新增')!.getRow(2).getCell(3).value).toBe('孙立新');

    await page.getByTestId('confirm-import').click();
    await page.getByRole('button', { name: '确认导入' }).last().click();
    await page
      .getByText(/已导入（导入记录 \d+）/)
      .first()
      .waitFor();
    const history = page.getByTestId('import-history');
    await history.locator('.ant-table-row').first().waitFor();
    expect(await history.locator('.ant-table-row').first().innerText()).toContain('冠县6月台账（CSV）');
    await history.getByRole('button', { name: '快照' }).first().click();
    const snapshot = page.getByTestId('snapshot');
    await snapshot.getByText('孙立新').waitFor();
    // Counted as the preview showed them.
    const snapshotTabs = await snapshot.locator('.ant-tabs-tab').allInnerTexts();
    expect(snapshotTabs.map((t) => t.trim())).toEqual(['新增 1', '变更 1', '取消 1', '待核查 1']);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await screenshot(page, '08-导入历史');
    expect(await visibleEnglish(page)).toEqual([]);

    // The register as the preview said: 孙立新 is 监测人口 from 2026-06-01; 吴长顺 keeps only 低保.
    const sunSpells = await site.world.pool.query(
      "select code, to_char(begin_date, 'YYYY-MM-DD') as begin from person_categories where psn_no = $1",
      [sun.psn_no],
    );
    expect(sunSpells.rows).toEqual([{ code: 'monitored', begin: '2026-06-01' }]);
    const wuSpells = await site.world.pool.query('select code from person_categories where psn_no = $1', [wu.psn_no]);
    expect(wuSpells.rows).toEqual([{ code: 'subsistence_allowance' }]);

    await page.goto(`/persons/${sun.psn_no}`);
    const timeline = page.locator('.ant-card', { hasText: '人员类别（认定时间线）' });
    await timeline.getByText('监测人口').waitFor();
    expect(await timeline.innerText()).toContain('乡村振兴部门');
    expect(await timeline.innerText()).toContain('2026-06-01 起，至今有效');
  });

  it('a bureau user downloads templates and reads the history but has no upload; the platform refuses it too', async () => {
    const page = await site.signIn('guanxian');
    await page.goto('/ledger');
    await page.getByTestId('import-history').waitFor();
    expect(await page.getByTestId('ledger-upload').count()).toBe(0);
    await page.getByText('台账由报送部门的经办人员上传').waitFor();
    expect(await page.getByTestId('confirm-import').count()).toBe(0);
    expect(await visibleEnglish(page)).toEqual([]);
    expect(await previewDirectly('guanxian')).toBe(403);
  });

  it('a township office has no 台账导入 in its menu, cannot open it, and is refused by the platform', async () => {
    const page = await site.signIn('yanzhuang');
    await page.getByRole('menuitem', { name: '工作台' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '台账导入' }).count()).toBe(0);
    await page.goto('/ledger');
    await page.getByText('无权访问').waitFor();
    expect(await previewDirectly('yanzhuang')).toBe(403);
  });
});

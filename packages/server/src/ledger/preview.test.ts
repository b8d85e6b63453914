/**
 * The preview of a department's ledger through the console API, on a real database: what it shows is worked out by
 * hand from a small file, nothing of it reaches the register until confirmed, the confirmation merges exactly what
 * was shown (the rows held for a clerk left out), a register that changed in between refuses it, and only the
 * department's own users see and confirm their previews.
 */
import { ERROR_CODES } from '@sanbao/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certnoIndex } from '../security/identity.js';
import { counts, createWorld, idNumber, PEOPLE, signIn, type World } from '../test-support/world.js';

let world: World;
const tokens: Record<string, string> = {};
const HEADER = ['身份证号码', '姓名', '人员类别', '认定日期', '终止日期', '行政区划代码', '乡镇（街道）', '备注'];

const person = (birth: string, sequence: string, name: string): { certno: string; name: string } => ({
  certno: idNumber('341602', birth, sequence),
  name,
});
const A = person('1958-03-03', '011', '陈桂兰');
const B = person('1949-10-01', '022', '刘大山');
const C = person('2012-07-20', '034', '周小雨');
const D = person('1966-06-06', '045', '孙有福');
const E = person('1972-02-02', '056', '马春花');
const F = person('1980-08-08', '067', '杨树林');
const G = person('1990-09-09', '078', '黄丽');
const H = person('1955-01-01', '089', '郑大民');

function csv(rows: string[][]): Buffer {
  return Buffer.from(`\uFEFF${[HEADER, ...rows].map((row) => row.join(',')).join('\r\n')}\r\n`, 'utf8');
}

const row = (who: { certno: string; name: string }, category: string, begin: string, end = ''): string[] => [
  who.certno,
  who.name,
  category,
  begin,
  end,
  '341602',
  '古井镇',
  '',
];

async function send(
  url: string,
  file: Buffer,
  query: Record<string, string>,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const response = await world.app.inject({
    method: 'POST',
    url: `${url}?${new URLSearchParams({ region: '341602', mode: 'partial', ...query }).toString()}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...headers },
    payload: file,
  });
  return { status: response.statusCode, json: response.json() };
}

const preview = (file: Buffer, query: Record<string, string>, user = 'civil'): Promise<{ status: number; json: any }> =>
  send('/api/ledger-previews', file, { department: 'civil_affairs', ...query }, tokens[user]);
const importDirectly = (
  file: Buffer,
  query: Record<string, string>,
  user: string,
): Promise<{ status: number; json: any }> => send('/api/ledger-imports', file, query, tokens[user]);

async function api(
  user: string,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: any; raw: Buffer }> {
  const response = await world.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[user]}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  const raw = response.rawPayload;
  const json = response.headers['content-type']?.toString().startsWith('application/json') ? response.json() : null;
  return { status: response.statusCode, json, raw };
}

interface Spell {
  code: string;
  begin: string;
  end: string | null;
  dept: string;
}

/** A spell before and after, as the preview's and the snapshot's answers give it. */
interface Item {
  row: number | null;
  psn_no: string | null;
  psn_name: string;
  certno: string;
  category: string;
  category_name: string;
  before: { category_name: string; department_name: string; begin: string; end: string | null } | null;
  after: { begin: string | null; end: string | null };
  note: string;
}

async function spellsOf(who: { certno: string }): Promise<Spell[]> {
  const { rows } = await world.pool.query<Spell>(
    `select c.code, to_char(c.begin_date, 'YYYY-MM-DD') as begin, to_char(c.end_date, 'YYYY-MM-DD') as "end", c.source_dept as dept
       from person_categories c join persons p using (psn_no) where p.certno_index = $1 order by c.begin_date, c.spell_id`,
    [certnoIndex(who.certno)],
  );
  return rows;
}

async function psnNoOf(who: { certno: string }): Promise<string> {
  const { rows } = await world.pool.query<{ psn_no: string }>('select psn_no from persons where certno_index = $1', [
    certnoIndex(who.certno),
  ]);
  return rows[0]!.psn_no;
}

/** Everything a preview must not touch: the register and the record of imports. */
async function written(): Promise<Record<string, number>> {
  const tables = await counts(world.pool);
  for (const table of ['ledger_imports', 'ledger_import_problems', 'ledger_import_snapshots', 'ledger_import_holds'])
    tables[table] = Number((await world.pool.query(`select count(*) from ${table}`)).rows[0].count);
  const spells = await world.pool.query<{ state: string }>(
    "select string_agg(concat_ws(',', psn_no, spell_id, code, begin_date, end_date, import_id), ';' order by psn_no, spell_id) as state from person_categories",
  );
  const people = await world.pool.query<{ state: string }>(
    "select string_agg(concat_ws(',', psn_no, psn_name, township), ';' order by psn_no) as state from persons",
  );
  return { ...tables, spells: spells.rows[0]!.state.length, people: people.rows[0]!.state.length };
}

beforeAll(async () => {
  world = await createWorld('ledger_preview');
  const user = (username: string, extra: Record<string, string | null>) =>
    signIn(world, { username, display_name: username, role: 'operator', scope_admdvs: '341602', ...extra });
  tokens['civil'] = await user('civil', { department: 'civil_affairs' });
  tokens['rural'] = await user('rural', { department: 'rural_revitalization' });
  tokens['clerk'] = await user('clerk', {});
  tokens['township'] = await user('township', { township: '古井镇' });
  tokens['viewer'] = await signIn(world, {
    username: 'viewer',
    display_name: '查询',
    role: 'read_only',
    scope_admdvs: '341600',
    department: 'civil_affairs',
  });
  // May: civil affairs certified A 特困, B 低保, C 低保边缘, D 低保; rural revitalization E 稳定脱贫, F 监测.
  const may = csv([
    row(A, '特困人员', '2024-02-01'),
    row(B, '低保', '2025-12-01'),
    row(C, '低保边缘', '2025-06-01'),
    row(D, '低保', '2025-01-01'),
  ]);
  expect(
    (await importDirectly(may, { department: 'civil_affairs', date: '2026-05-01', mode: 'atomic' }, 'civil')).status,
  ).toBe(201);
  const rural = csv([row(E, '稳定脱贫', '2025-01-01'), row(F, '监测人口', '2025-05-01')]);
  expect(
    (await importDirectly(rural, { department: 'rural_revitalization', date: '2026-05-01', mode: 'atomic' }, 'rural'))
      .status,
  ).toBe(201);
});
afterAll(async () => {
  await world?.close();
});

// June's ledger of civil affairs, line by line (line 1 is the header).
const june = csv([
  row(A, '特困人员', '2024-02-01'), // 2: as registered — unchanged
  row(B, '低保', '2025-12-01', '2026-05-31'), // 3: B's 低保 ends — 变更
  // C is missing — 取消: C's 低保边缘 ends the day before the ledger's date
  row(D, '低保', '2026-03-01'), // 4: a later first day — 新增, and D's running spell closed on 2026-02-28 — 变更
  row(E, '低保', '2026-04-01'), // 5: E is 稳定脱贫 by rural revitalization, running — 待核查
  row(G, '特困人员', '2026-05-01'), // 6: a new person — 新增
  [`${H.certno.slice(0, 17)}${H.certno.endsWith('1') ? '2' : '1'}`, H.name, '低保', '2026-01-01', '', '341602', '', ''], // 7: ID_CHECKSUM
  [PEOPLE.ordinary.certno, '李建设', '低保', '2026-01-01', '', '341602', '', ''], // 8: registered as 李建国 — NAME_MISMATCH
  [F.certno, `杨树\u0000林`, '低保', '2026-01-01', '', '341602', '', ''], // 9: a NUL in the name — CONTROL_CHARACTER
]);

describe('a preview', () => {
  let previewId = 0;

  it('counts what the file would do, by hand, and writes nothing to the register', async () => {
    const before = await written();
    const { status, json } = await preview(june, { date: '2026-06-01' });
    expect(status).toBe(201);
    previewId = json.preview_id;
    expect(json).toMatchObject({
      department_name: '民政部门',
      region_name: '谯城区',
      ledger_date: '2026-06-01',
      total_rows: 8, // lines 2–9
      bad_rows: 3, // lines 7, 8, 9
      rows_held: 1, // line 5
      rows_unchanged: 1, // line 2
      importable_rows: 4, // 8 − 3 bad − 1 held: A, B, D, G
      spells_new: 2, // D's new spell, G's
      persons_new: 1, // G
      spells_changed: 2, // B's end, D's running spell closed
      spells_ended: 1, // C
      spells_running: 4, // civil affairs' A, B, C, D running on 2026-06-01
      mass_end: false, // 1 of 4, fewer than 10
      can_confirm: true,
      blocked: null,
      import_id: null,
    });
    expect(await written()).toEqual(before);
    // Nor does the preview leave its staged rows anywhere but its own tables.
    expect(await spellsOf(G)).toEqual([]);
    expect(await spellsOf(C)).toEqual([
      { code: 'low_income_margin', begin: '2025-06-01', end: null, dept: 'civil_affairs' },
    ]);
  });

  it('lists each kind with the spell before and after, and the bad rows with their reasons', async () => {
    const items = async (kind: string): Promise<Item[]> =>
      (await api('civil', 'GET', `/api/ledger-previews/${previewId}/items?kind=${kind}`)).json.items as Item[];
    const added = await items('new');
    expect(
      added.map((item) => [item.row, item.psn_name, item.category_name, item.after, item.psn_no === null]),
    ).toEqual([
      [4, D.name, '低保对象', { begin: '2026-03-01', end: null }, false],
      [6, G.name, '特困人员', { begin: '2026-05-01', end: null }, true],
    ]);
    expect(added[1]!.certno).toMatch(/^341602\*{8}\d{3}[\dX]$/);
    const changed = await items('changed');
    expect(changed.map((item) => [item.row, item.psn_name, item.before?.begin, item.before?.end, item.after])).toEqual([
      [3, B.name, '2025-12-01', null, { begin: '2025-12-01', end: '2026-05-31' }],
      [4, D.name, '2025-01-01', null, { begin: '2025-01-01', end: '2026-02-28' }],
    ]);
    const ended = await items('ended');
    expect(ended.map((item) => [item.row, item.psn_name, item.category_name, item.after.end])).toEqual([
      [null, C.name, '低保边缘家庭成员', '2026-05-31'],
    ]);
    const held = await items('held');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      row: 5,
      psn_name: E.name,
      category_name: '低保对象',
      before: { category_name: '稳定脱贫人口', department_name: '乡村振兴部门', begin: '2025-01-01', end: null },
      after: { begin: '2026-04-01', end: null },
    });
    expect(held[0]!.note).toContain('乡村振兴部门认定为「稳定脱贫人口」');
    const problems = await api('civil', 'GET', `/api/ledger-previews/${previewId}/problems`);
    expect((problems.json.items as { row: number; codes: string[] }[]).map((p) => [p.row, p.codes])).toEqual([
      [7, ['ID_CHECKSUM']],
      [8, ['NAME_MISMATCH']],
      [9, ['CONTROL_CHARACTER']],
    ]);
    expect(problems.json.items[2].reasons).toContain('控制字符');
    // No clear ID number in any answer.
    expect(JSON.stringify(problems.json)).not.toContain(PEOPLE.ordinary.certno);
  });

  it('exports as a workbook: counts, one sheet per kind, the bad rows', async () => {
    const { status, raw } = await api('civil', 'GET', `/api/ledger-previews/${previewId}/export.xlsx`);
    expect(status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(raw as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['概况', '新增', '变更', '取消', '待核查', '错误']);
    expect(workbook.getWorksheet('取消')!.getRow(2).getCell(3).value).toBe(C.name);
    expect(workbook.getWorksheet('待核查')!.getRow(2).getCell(9).value).toBe('稳定脱贫人口');
    expect(workbook.getWorksheet('错误')!.rowCount).toBe(4);
    expect(workbook.getWorksheet('错误')!.getRow(3).getCell(4).text).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });

  it('another department’s user, the bureau, a township or a reader neither previews nor sees nor confirms it', async () => {
    const before = await written();
    expect((await preview(june, { date: '2026-06-01' }, 'rural')).json.code).toBe('FORBIDDEN');
    for (const user of ['clerk', 'township', 'viewer'])
      expect((await preview(june, { date: '2026-06-01' }, user)).status).toBe(403);
    expect((await api('rural', 'GET', `/api/ledger-previews/${previewId}`)).status).toBe(404);
    expect((await api('rural', 'GET', `/api/ledger-previews/${previewId}/items?kind=new`)).status).toBe(404);
    expect((await api('rural', 'GET', `/api/ledger-previews/${previewId}/export.xlsx`)).status).toBe(404);
    expect((await api('rural', 'POST', `/api/ledger-previews/${previewId}/confirm`, {})).status).toBe(404);
    expect((await api('clerk', 'POST', `/api/ledger-previews/${previewId}/confirm`, {})).status).toBe(404);
    expect((await api('viewer', 'POST', `/api/ledger-previews/${previewId}/confirm`, {})).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('confirmed, merges exactly what it showed: the held row not applied but listed, the snapshot kept', async () => {
    const shown: Record<string, Item[]> = {};
    for (const kind of ['new', 'changed', 'ended', 'held'])
      shown[kind] = (await api('civil', 'GET', `/api/ledger-previews/${previewId}/items?kind=${kind}`)).json
        .items as Item[];
    const { status, json } = await api('civil', 'POST', `/api/ledger-previews/${previewId}/confirm`, {});
    expect(status).toBe(201);
    // The import's own counts: changed = B's end; ended = D's closed spell and C (the merge counts both as ended).
    expect(json).toMatchObject({
      status: 'imported',
      total_rows: 8,
      good_rows: 4,
      bad_rows: 3,
      rows_held: 1,
      persons_created: 1,
      spells_created: 2,
      spells_changed: 1,
      spells_ended: 2,
    });
    expect(await spellsOf(A)).toEqual([
      { code: 'extreme_poverty', begin: '2024-02-01', end: null, dept: 'civil_affairs' },
    ]);
    expect(await spellsOf(B)).toEqual([
      { code: 'subsistence_allowance', begin: '2025-12-01', end: '2026-05-31', dept: 'civil_affairs' },
    ]);
    expect(await spellsOf(C)).toEqual([
      { code: 'low_income_margin', begin: '2025-06-01', end: '2026-05-31', dept: 'civil_affairs' },
    ]);
    expect(await spellsOf(D)).toEqual([
      { code: 'subsistence_allowance', begin: '2025-01-01', end: '2026-02-28', dept: 'civil_affairs' },
      { code: 'subsistence_allowance', begin: '2026-03-01', end: null, dept: 'civil_affairs' },
    ]);
    // E keeps only the rural department's word: the held 低保 is not applied.
    expect(await spellsOf(E)).toEqual([
      { code: 'stable_exit', begin: '2025-01-01', end: null, dept: 'rural_revitalization' },
    ]);
    expect(await spellsOf(G)).toEqual([
      { code: 'extreme_poverty', begin: '2026-05-01', end: null, dept: 'civil_affairs' },
    ]);

    // The snapshot holds the same spells as the preview, before and after.
    const changes = async (change: string): Promise<{ counts: Record<string, number>; items: Item[] }> =>
      (await api('civil', 'GET', `/api/ledger-imports/${json.import_id}/changes?change=${change}`)).json as {
        counts: Record<string, number>;
        items: Item[];
      };
    const created = await changes('created');
    expect(created.counts).toEqual({ created: 2, changed: 2, ended: 1, held: 1 });
    const key = (item: Item): string =>
      `${item.psn_name}/${item.category}/${item.before?.begin ?? ''}-${item.before?.end ?? ''}/${item.after.begin}-${item.after.end}`;
    const same = (a: Item[], b: Item[]): void => expect(a.map(key).sort()).toEqual(b.map(key).sort());
    same(created.items, shown['new']!);
    same((await changes('changed')).items, shown['changed']!);
    same((await changes('ended')).items, shown['ended']!);
    const held = (await changes('held')).items;
    expect(held.map((item) => [item.row, item.psn_no, item.category_name])).toEqual([
      [5, await psnNoOf(E), '低保对象'],
    ]);

    // In the history, with its counts; the error report has the register's bad row too.
    const history = (await api('civil', 'GET', '/api/ledger-imports/history')).json;
    expect(history.items[0]).toMatchObject({ import_id: json.import_id, rows_held: 1, snapshot_rows: 5, bad_rows: 3 });
    // The rural department sees only its own imports.
    const rural = (await api('rural', 'GET', '/api/ledger-imports/history')).json;
    expect((rural.items as { department: string }[]).map((item) => item.department)).toEqual(['rural_revitalization']);
    expect((await api('rural', 'GET', `/api/ledger-imports/${json.import_id}/changes`)).status).toBe(404);
    expect((await api('township', 'GET', '/api/ledger-imports/history')).status).toBe(403);
  });

  it('is confirmed once', async () => {
    const before = await written();
    const again = await api('civil', 'POST', `/api/ledger-previews/${previewId}/confirm`, {});
    expect(again).toMatchObject({ status: 409, json: { code: 'STATE' } });
    expect((await api('civil', 'GET', `/api/ledger-previews/${previewId}`)).json).toMatchObject({ can_confirm: false });
    expect(await written()).toEqual(before);
  });
});

describe('a preview out of date', () => {
  const july = csv([
    row(A, '特困人员', '2024-02-01'),
    row(B, '低保', '2025-12-01', '2026-05-31'),
    row(D, '低保', '2026-03-01'),
    row(G, '特困人员', '2026-05-01'),
  ]);

  it('is refused (409) when the register changed since, and writes nothing; a new preview shows the change', async () => {
    const first = await preview(july, { date: '2026-06-10' });
    expect(first.json).toMatchObject({ rows_unchanged: 4, rows_held: 0, spells_new: 0, spells_ended: 0 });
    // Meanwhile the rural department certifies A 稳定脱贫: A's 特困 now disagrees with it.
    const certified = await api('rural', 'POST', `/api/persons/${await psnNoOf(A)}/categories`, {
      code: 'stable_exit',
      begin: '2026-06-01',
    });
    expect(certified.status).toBe(201);
    const before = await written();
    const stale = await api('civil', 'POST', `/api/ledger-previews/${first.json.preview_id}/confirm`, {});
    expect(stale).toMatchObject({ status: 409, json: { code: 'STATE' } });
    expect(stale.json.message).toContain('请重新上传预览');
    expect(await written()).toEqual(before);
    const second = await preview(july, { date: '2026-06-10' });
    expect(second.json).toMatchObject({ rows_unchanged: 3, rows_held: 1 });
  });

  it('is not found once expired', async () => {
    const made = await preview(july, { date: '2026-06-11' });
    await world.pool.query("update ledger_previews set expires_at = '2026-06-15T01:00:00Z' where preview_id = $1", [
      made.json.preview_id,
    ]);
    expect((await api('civil', 'GET', `/api/ledger-previews/${made.json.preview_id}`)).json.blocked).toContain('过期');
    const before = await written();
    expect((await api('civil', 'POST', `/api/ledger-previews/${made.json.preview_id}/confirm`, {})).status).toBe(404);
    expect(await written()).toEqual(before);
  });
});

describe('ending many spells', () => {
  it('asks for the number, as an import does', async () => {
    // Rural revitalization: E and F, and ten more 监测 — twelve running; a ledger of E and F alone ends ten (83%).
    const more = Array.from({ length: 10 }, (_, i) =>
      row(
        person('1985-01-01', String(200 + i * 11).padStart(3, '0'), `测试${'甲乙丙丁戊己庚辛壬癸'[i]}`),
        '监测人口',
        '2025-05-01',
      ),
    );
    const all = csv([row(E, '稳定脱贫', '2025-01-01'), row(F, '监测人口', '2025-05-01'), ...more]);
    const imported = await importDirectly(
      all,
      { department: 'rural_revitalization', date: '2026-06-01', mode: 'atomic' },
      'rural',
    );
    expect(imported.json).toMatchObject({ status: 'imported', spells_created: 10 });
    const short = csv([row(E, '稳定脱贫', '2025-01-01'), row(F, '监测人口', '2025-05-01')]);
    const made = await preview(short, { department: 'rural_revitalization', date: '2026-06-12' }, 'rural');
    expect(made.json).toMatchObject({ spells_ended: 10, spells_running: 12, mass_end: true, can_confirm: true });
    const before = await written();
    const unconfirmed = await api('rural', 'POST', `/api/ledger-previews/${made.json.preview_id}/confirm`, {});
    expect(unconfirmed).toMatchObject({ status: 409, json: { code: 'LEDGER_MASS_END', spells_to_end: 10 } });
    const wrong = await api('rural', 'POST', `/api/ledger-previews/${made.json.preview_id}/confirm`, {
      confirm_end: 9,
    });
    expect(wrong.status).toBe(409);
    expect(await written()).toEqual(before);
    const confirmed = await api('rural', 'POST', `/api/ledger-previews/${made.json.preview_id}/confirm`, {
      confirm_end: 10,
    });
    expect(confirmed).toMatchObject({ status: 201, json: { spells_ended: 10 } });
  });
});

describe('files a preview refuses', () => {
  it('a NUL in the file name, a binary file or an empty body, with the catalogue’s code and message', async () => {
    const before = await written();
    const previews = async (): Promise<number> =>
      Number((await world.pool.query('select count(*) from ledger_previews')).rows[0].count);
    const stored = await previews();
    const named = await preview(june, { date: '2026-06-01', file_name: '台账\u0000.csv' });
    expect(named).toMatchObject({ status: 400, json: { code: 'TEXT_CONTROL' } });
    const binary = Buffer.alloc(4096, 0);
    const junk = await preview(binary, { date: '2026-06-01' });
    expect(junk).toMatchObject({ status: 415, json: { code: 'LEDGER_FORMAT' } });
    const header = await preview(Buffer.from('姓名,\u0000\n张三,\n', 'utf8'), { date: '2026-06-01' });
    expect(header).toMatchObject({ status: 422, json: { code: 'LEDGER_HEADER' } });
    const empty = await preview(Buffer.alloc(0), { date: '2026-06-01' });
    expect(empty).toMatchObject({ status: 400, json: { code: 'LEDGER_EMPTY' } });
    expect(await previews()).toBe(stored);
    expect(await written()).toEqual(before);
  });

  it('a file over the ledger’s limit (512 MB) is refused before it is read', async () => {
    const response = await world.app.inject({
      method: 'POST',
      url: '/api/ledger-previews?department=civil_affairs&region=341602&mode=partial',
      headers: {
        authorization: `Bearer ${tokens['civil']}`,
        'content-type': 'text/csv',
        'content-length': String(600 * 1024 * 1024),
      },
      payload: csv([row(A, '特困人员', '2024-02-01')]),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ code: 'BODY_TOO_LARGE', message: ERROR_CODES.BODY_TOO_LARGE });
  });
});

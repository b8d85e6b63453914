/**
 * Departments' ledgers imported into the real database through the console API: real XLSX and CSV files, good,
 * bad, imported twice, and a month later with people gone, changed and new.
 */
import { maskIdNumber } from '@sanbao/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certnoIndex } from '../security/identity.js';
import { counts, createWorld, idNumber, PEOPLE, signIn, type World } from '../test-support/world.js';

let world: World;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['身份证号码', '姓名', '人员类别', '认定日期', '终止日期', '行政区划代码', '乡镇（街道）', '备注'];

const A = { certno: idNumber('341602', '1958-03-03', '011'), name: '陈桂兰' }; // sequence 011: 1 is odd → male
const B = { certno: idNumber('341602', '1949-10-01', '022'), name: '刘大山' };
const C = { certno: idNumber('341602', '2012-07-20', '034'), name: '周小雨' };

async function xlsx(rows: (string | Date | number | null)[][], header = HEADER): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csv(rows: string[][], header = HEADER): Buffer {
  return Buffer.from(`\uFEFF${[header, ...rows].map((row) => row.join(',')).join('\r\n')}\r\n`, 'utf8');
}

async function upload(
  file: Buffer,
  query: Record<string, string>,
  token = tokens['clerk'],
): Promise<{ status: number; json: any }> {
  const response = await world.app.inject({
    method: 'POST',
    url: `/api/ledger-imports?${new URLSearchParams({ department: 'civil_affairs', region: '341602', ...query }).toString()}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': file[0] === 0x50 ? XLSX : 'text/csv' },
    payload: file,
  });
  return { status: response.statusCode, json: response.json() };
}

interface Spell {
  code: string;
  begin: string;
  end: string | null;
}

async function spellsOf(certno: string): Promise<Spell[]> {
  const { rows } = await world.pool.query<Spell>(
    `select c.code, to_char(c.begin_date, 'YYYY-MM-DD') as begin, to_char(c.end_date, 'YYYY-MM-DD') as "end"
       from person_categories c join persons p using (psn_no)
      where p.certno_index = $1 and c.source_dept = 'civil_affairs' order by c.begin_date, c.spell_id`,
    [certnoIndex(certno)],
  );
  return rows;
}

beforeAll(async () => {
  world = await createWorld('ledger');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  tokens['clerk'] = await signIn(world, {
    username: 'clerk',
    display_name: '谯城区民政局',
    role: 'operator',
    scope_admdvs: '341602',
    department: 'civil_affairs',
  });
  tokens['viewer'] = await signIn(world, {
    username: 'viewer',
    display_name: '市局查询',
    role: 'read_only',
    scope_admdvs: '341600',
  });
});
afterAll(async () => {
  await world.close();
});

describe('a civil-affairs ledger, month by month', () => {
  // Kept to send again: a workbook written anew carries a new timestamp, so it would be a different file.
  let may: Buffer = Buffer.alloc(0);

  it('May (XLSX): new people registered from their ID, categories dated, one person in two categories', async () => {
    may = await xlsx([
      [A.certno, A.name, '特困人员', new Date('2024-02-01T00:00:00Z'), null, '341602', '古井镇', ''],
      [B.certno, B.name, '低保', '2025/12/1', null, '341602', '十八里镇', ''],
      [B.certno, B.name, '低保边缘', '2025-01-01', '2025-11-30', '341602', '十八里镇', '转为低保'],
      [PEOPLE.dibao.certno, PEOPLE.dibao.name, '低保对象', '2025-03-01', null, '341602', '古井镇', ''],
    ]);
    const { status, json } = await upload(may, { date: '2026-05-01', mode: 'atomic', file_name: '5月台账.xlsx' });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      status: 'imported',
      total_rows: 4,
      good_rows: 4,
      bad_rows: 0,
      persons_created: 2, // A and B are new; 王秀英 (P001) is registered already
      spells_created: 4,
      spells_changed: 0,
      spells_ended: 0,
    });
    const a = await world.pool.query(
      "select psn_name, gend, to_char(brdy, 'YYYY-MM-DD') as brdy, admdvs, township from persons where certno_index = $1",
      [certnoIndex(A.certno)],
    );
    expect(a.rows[0]).toEqual({
      psn_name: A.name,
      gend: '1',
      brdy: '1958-03-03',
      admdvs: '341602',
      township: '古井镇',
    });
    expect(await spellsOf(A.certno)).toEqual([{ code: 'extreme_poverty', begin: '2024-02-01', end: null }]);
    expect(await spellsOf(B.certno)).toEqual([
      { code: 'low_income_margin', begin: '2025-01-01', end: '2025-11-30' },
      { code: 'subsistence_allowance', begin: '2025-12-01', end: null },
    ]);
  });

  it('the same file again changes nothing', async () => {
    const before = await counts(world.pool);
    const { status, json } = await upload(may, { date: '2026-05-01', mode: 'atomic' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'duplicate', persons_created: 0, spells_created: 0, spells_ended: 0 });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('June (CSV): A left the ledger, B’s 低保 ended, C is new; nothing is deleted', async () => {
    const file = csv([
      [B.certno, B.name, '低保对象', '2025-12-01', '2026-05-31', '341602', '十八里镇', '收入超标'],
      [C.certno, C.name, '特困', '2026-05-20', '', '341602', '古井镇', ''],
      [PEOPLE.dibao.certno, PEOPLE.dibao.name, '低保', '2025-03-01', '', '341602', '古井镇', ''],
    ]);
    const before = await counts(world.pool);
    const { status, json } = await upload(file, { date: '2026-06-01', mode: 'atomic' });
    expect(status).toBe(201);
    // Changed: B's 低保 now ends 2026-05-31. Ended: A's 特困 (missing) and B's 低保边缘 is not touched (it had ended).
    expect(json).toMatchObject({ persons_created: 1, spells_created: 1, spells_changed: 1, spells_ended: 1 });
    // A is no longer on the ledger of 2026-06-01: the category's last day is 2026-05-31.
    expect(await spellsOf(A.certno)).toEqual([{ code: 'extreme_poverty', begin: '2024-02-01', end: '2026-05-31' }]);
    expect(await spellsOf(B.certno)).toEqual([
      { code: 'low_income_margin', begin: '2025-01-01', end: '2025-11-30' },
      { code: 'subsistence_allowance', begin: '2025-12-01', end: '2026-05-31' },
    ]);
    expect(await spellsOf(C.certno)).toEqual([{ code: 'extreme_poverty', begin: '2026-05-20', end: null }]);
    const after = await counts(world.pool);
    expect(after['persons']).toBe(before['persons']! + 1);
    expect(after['person_categories']).toBe(before['person_categories']! + 1);
  });

  it('A certified again later: a new spell, the old one kept', async () => {
    const file = csv([
      [A.certno, A.name, '特困人员', '2026-06-10', '', '341602', '古井镇', ''],
      [C.certno, C.name, '特困人员', '2026-05-20', '', '341602', '古井镇', ''],
      [PEOPLE.dibao.certno, PEOPLE.dibao.name, '低保', '2025-03-01', '', '341602', '古井镇', ''],
    ]);
    const { json } = await upload(file, { date: '2026-06-15', mode: 'atomic' });
    expect(json).toMatchObject({ spells_created: 1, spells_changed: 0, spells_ended: 0 });
    expect(await spellsOf(A.certno)).toEqual([
      { code: 'extreme_poverty', begin: '2024-02-01', end: '2026-05-31' },
      { code: 'extreme_poverty', begin: '2026-06-10', end: null },
    ]);
  });
});

describe('bad files', () => {
  const bad = (): Buffer =>
    csv([
      [C.certno, C.name, '特困人员', '2026-05-20', '', '341602', '古井镇', ''],
      [
        `${A.certno.slice(0, 17)}${A.certno.endsWith('1') ? '2' : '1'}`,
        A.name,
        '特困人员',
        '2026-06-10',
        '',
        '341602',
        '',
        '',
      ],
      [PEOPLE.dibao.certno, PEOPLE.dibao.name, '返贫致贫人口', '2025-03-01', '', '341602', '', ''],
      [PEOPLE.ordinary.certno, '李健国', '低保', '2026-06-01', '', '341602', '', ''],
      [idNumber('341621', '1990-01-01', '055'), '吴敏', '低保', '2026-06-01', '', '341699', '', ''],
    ]);

  it('atomic: one bad row refuses the whole file, names each bad row’s reason, writes nothing', async () => {
    const before = await counts(world.pool);
    const spellsBefore = await spellsOf(A.certno);
    const { status, json } = await upload(bad(), { date: '2026-06-15', mode: 'atomic' });
    expect(status).toBe(422);
    expect(json.code).toBe('LEDGER_REFUSED');
    expect(json.import).toMatchObject({ status: 'refused', total_rows: 5, good_rows: 1, bad_rows: 4 });
    expect(json.import.problems).toEqual([
      { row: 3, codes: ['ID_CHECKSUM'], reasons: '身份证号码校验位错误（GB 11643）' },
      {
        row: 4,
        codes: ['CATEGORY_UNKNOWN'],
        reasons: '人员类别“返贫致贫人口”不是民政部门认定的类别（特困人员、低保对象、低保边缘家庭成员）',
      },
      { row: 5, codes: ['NAME_MISMATCH'], reasons: '姓名“李健国”与参保登记的姓名“李建国”不一致' },
      { row: 6, codes: ['REGION_UNKNOWN'], reasons: '行政区划代码 341699 不存在或不在本次导入的范围内' },
    ]);
    expect(await counts(world.pool)).toEqual(before);
    expect(await spellsOf(A.certno)).toEqual(spellsBefore);

    // The error report: a real XLSX with the reason first and the row as sent.
    const report = await world.app.inject({
      method: 'GET',
      url: json.import.error_report,
      headers: { authorization: `Bearer ${tokens['clerk']}` },
    });
    expect(report.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(5);
    expect((sheet.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['行号', '错误代码', '错误原因', '身份证号码']);
    expect((sheet.getRow(4).values as unknown[]).slice(1, 6)).toEqual([
      5,
      'NAME_MISMATCH',
      '姓名“李健国”与参保登记的姓名“李建国”不一致',
      maskIdNumber(PEOPLE.ordinary.certno),
      '李健国',
    ]);
  });

  it('partial: the good rows import, the bad ones come back; a person in a bad row keeps the category', async () => {
    const { status, json } = await upload(bad(), { date: '2026-06-15', mode: 'partial' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', good_rows: 1, bad_rows: 4, spells_created: 0 });
    // A's row was bad (checksum): A's valid ID is not in the file at all, so A's running spell ends;
    // 王秀英 was named in a bad row: her 低保 is kept.
    expect(await spellsOf(A.certno)).toEqual([
      { code: 'extreme_poverty', begin: '2024-02-01', end: '2026-05-31' },
      { code: 'extreme_poverty', begin: '2026-06-10', end: '2026-06-14' },
    ]);
    expect((await spellsOf(PEOPLE.dibao.certno)).at(-1)).toEqual({
      code: 'subsistence_allowance',
      begin: '2025-03-01',
      end: null,
    });
  });

  it('refuses a file without the template header, an empty body, a region out of scope, a read-only user', async () => {
    const before = await counts(world.pool);
    const noHeader = await upload(csv([[A.certno, A.name]], ['编号', '名字']), { mode: 'atomic' });
    expect(noHeader).toMatchObject({ status: 422, json: { code: 'LEDGER_HEADER' } });
    expect(noHeader.json.message).toContain('身份证号码、姓名、人员类别、认定日期、行政区划代码');
    expect((await upload(Buffer.alloc(0), { mode: 'atomic' })).json.code).toBe('LEDGER_EMPTY');
    expect(await upload(csv([]), { mode: 'atomic', region: '341621' })).toMatchObject({
      status: 403,
      json: { code: 'OUT_OF_SCOPE' },
    });
    expect((await upload(csv([]), { mode: 'atomic' }, tokens['viewer'])).status).toBe(403);
    expect(await upload(csv([]), { mode: 'sometimes' })).toMatchObject({ status: 400, json: { code: 'SCHEMA' } });
    expect(await upload(csv([]), { mode: 'atomic', date: '2026-07-01' })).toMatchObject({
      status: 400,
      json: { code: 'DATE_ORDER' },
    });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('reads a CSV saved by Excel in GB18030', async () => {
    const text = `${HEADER.join(',')}\r\n${C.certno},${C.name},特困人员,2026-05-20,,341602,古井镇,\r\n`;
    const encoded = encodeGb18030(text);
    expect(encoded.length).toBeLessThan(Buffer.byteLength(text)); // two bytes a character instead of three
    const { json } = await upload(encoded, { date: '2026-06-02', mode: 'partial' });
    expect(json).toMatchObject({ status: 'imported', good_rows: 1, bad_rows: 0 });
  });
});

describe('an import’s error report and re-settlements', () => {
  it('are refused for an unknown import, and outside the user’s region', async () => {
    const other = await signIn(world, {
      username: 'guoyang',
      display_name: '涡阳县查询',
      role: 'read_only',
      scope_admdvs: '341621',
    });
    const get = async (url: string, token: string) => {
      const response = await world.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: response.statusCode, json: response.json() };
    };
    for (const url of ['/api/ledger-imports/999999/errors.xlsx', '/api/ledger-imports/999999/resettlements'])
      expect(await get(url, tokens['clerk']!)).toEqual({
        status: 404,
        json: { code: 'NOT_FOUND', message: '查无导入记录 999999' },
      });
    const imported = (await get('/api/ledger-imports', tokens['clerk']!)).json[0];
    expect(imported.region).toBe('341602');
    expect((await get(`/api/ledger-imports/${imported.import_id}/resettlements`, other)).json.code).toBe(
      'OUT_OF_SCOPE',
    );
    expect((await get(`/api/ledger-imports/${imported.import_id}/errors.xlsx`, other)).json.code).toBe('OUT_OF_SCOPE');
    // 涡阳县's user does not see 谯城区's imports at all.
    expect((await get('/api/ledger-imports', other)).json).toEqual([]);
  });
});

describe('templates', () => {
  it('the XLSX template has the columns the import reads, the ID column as text, and instructions', async () => {
    const response = await world.app.inject({
      method: 'GET',
      url: '/api/ledger-templates/rural_revitalization?format=xlsx',
      headers: { authorization: `Bearer ${tokens['viewer']}` },
    });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect((workbook.getWorksheet('台账')!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(workbook.getWorksheet('台账')!.getColumn(1).numFmt).toBe('@');
    const help = JSON.stringify(workbook.getWorksheet('填写说明')!.getSheetValues());
    expect(help).toContain('乡村振兴部门可填写：返贫致贫人口、监测人口、稳定脱贫人口');
  });

  it('the CSV template is the header with a BOM, named after the department; an unknown department is refused', async () => {
    const response = await world.app.inject({
      method: 'GET',
      url: '/api/ledger-templates/civil_affairs?format=csv',
      headers: { authorization: `Bearer ${tokens['viewer']}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('民政部门台账模板.csv')}`,
    );
    expect(response.rawPayload.toString('utf8')).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
    const unknown = await world.app.inject({
      method: 'GET',
      url: '/api/ledger-templates/tax',
      headers: { authorization: `Bearer ${tokens['viewer']}` },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'SCHEMA' });
    expect(unknown.json().message).toMatch(/^params\.department：.*civil_affairs/);
  });

  it('lists the departments with the categories each certifies', async () => {
    const response = await world.app.inject({
      method: 'GET',
      url: '/api/ledger-departments',
      headers: { authorization: `Bearer ${tokens['viewer']}` },
    });
    expect(response.json()).toContainEqual({
      code: 'civil_affairs',
      name: '民政部门',
      categories: [
        { code: 'extreme_poverty', name: '特困人员' },
        { code: 'subsistence_allowance', name: '低保对象' },
        { code: 'low_income_margin', name: '低保边缘家庭成员' },
      ],
    });
  });
});

/** GB18030 bytes for the few Chinese characters the test uses, from a fixed table (Node has no GB encoder). */
function encodeGb18030(text: string): Buffer {
  const table: Record<string, number[]> = {};
  const decoder = new TextDecoder('gb18030');
  // Search the two-byte GBK range once for the characters needed.
  const needed = new Set([...text].filter((ch) => ch.charCodeAt(0) > 0x7f));
  for (let lead = 0x81; lead <= 0xfe && needed.size > 0; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      const ch = decoder.decode(Uint8Array.from([lead, trail]));
      if (needed.delete(ch)) table[ch] = [lead, trail];
    }
  }
  return Buffer.from([...text].flatMap((ch) => table[ch] ?? [ch.charCodeAt(0)]));
}

/**
 * Ledger imports that must not do harm, on the real database: a short file that would end most of a district's
 * categories is refused until the operator confirms the exact number, and then lists the settlements to make again;
 * uploads in the forms browsers and clients send; files that are not ledgers, or hold control characters.
 */
import { randomBytes } from 'node:crypto';
import { maskIdNumber } from '@sanbao/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPersons } from '../persons/repository.js';
import { call, counts, createWorld, envelope, idNumber, signIn, type World } from '../test-support/world.js';
import { isMassEnd } from './import.js';
import { formFile, MultipartError } from './multipart.js';
import { sniffFormat } from './read.js';

let world: World;
let token = '';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['身份证号码', '姓名', '人员类别', '认定日期', '终止日期', '行政区划代码', '乡镇（街道）', '备注'];

/** 328 persons of 谯城区, each in one civil-affairs category since 2025-01-01: even 低保对象, odd 特困人员. */
const DISTRICT = Array.from({ length: 328 }, (_, i) => {
  const certno = idNumber('341602', '1960-01-01', String(100 + i));
  return {
    psnNo: `Q${String(i).padStart(3, '0')}`,
    certno,
    name: `${'赵钱孙李周吴郑王冯陈'[i % 10]}${'一二三四五六七八九十'[Math.floor(i / 10) % 10]}${'春夏秋冬'[Math.floor(i / 100)]}`,
    gend: Number(certno.charAt(16)) % 2 === 1 ? '1' : '2',
    code: i % 2 === 0 ? 'subsistence_allowance' : 'extreme_poverty',
    category: i % 2 === 0 ? '低保对象' : '特困人员',
  };
});
type Resident = (typeof DISTRICT)[number];

function csv(rows: readonly (readonly string[])[], header = HEADER): Buffer {
  return Buffer.from(`\uFEFF${[header, ...rows].map((row) => row.join(',')).join('\r\n')}\r\n`, 'utf8');
}

function ledgerRows(people: readonly Resident[], begin = '2025-01-01'): string[][] {
  return people.map((p) => [p.certno, p.name, p.category, begin, '', '341602', '古井镇', '']);
}

/** Q010 and Q011, still certified, and the i-th person certified again from 2026-06-01 (a new spell). */
function againRows(i: number): string[][] {
  return [...ledgerRows([DISTRICT[10]!, DISTRICT[11]!]), ...ledgerRows([DISTRICT[i]!], '2026-06-01')];
}

async function xlsx(rows: readonly (readonly string[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function upload(
  payload: Buffer | FormData,
  query: Record<string, string>,
  contentType: string | null = 'text/csv',
): Promise<{ status: number; json: any }> {
  const response = await world.app.inject({
    method: 'POST',
    url: `/api/ledger-imports?${new URLSearchParams({ department: 'civil_affairs', region: '341602', ...query }).toString()}`,
    headers: { authorization: `Bearer ${token}`, ...(contentType === null ? {} : { 'content-type': contentType }) },
    payload,
  });
  return { status: response.statusCode, json: response.json() };
}

async function runningSpells(): Promise<number> {
  const { rows } = await world.pool.query(
    `select count(*)::int as n from person_categories where source_dept = 'civil_affairs' and psn_no like 'Q%'
        and (end_date is null or end_date >= '2026-06-01')`,
  );
  return rows[0].n as number;
}

async function spellsOf(psnNo: string): Promise<{ begin: string; end: string | null }[]> {
  const { rows } = await world.pool.query<{ begin: string; end: string | null }>(
    `select to_char(begin_date, 'YYYY-MM-DD') as begin, to_char(end_date, 'YYYY-MM-DD') as "end"
       from person_categories where psn_no = $1 order by spell_id`,
    [psnNo],
  );
  return rows;
}

/** An outpatient visit registered today by the county hospital, on the person's identity card (voucher 02). */
async function registerVisit(psnNo: string): Promise<string> {
  const certno = DISTRICT.find((p) => p.psnNo === psnNo)!.certno;
  const data = {
    psn_no: psnNo,
    insutype: '390',
    begntime: '2026-06-15 08:00:00',
    mdtrt_cert_type: '02',
    mdtrt_cert_no: certno,
    ipt_otp_no: `MZ${psnNo}`,
  };
  const registration = await call(world, envelope('2201', { data }));
  if (registration.infcode !== 0) throw new Error(registration.err_msg);
  return registration.output['data'].mdtrt_id as string;
}

/** An outpatient chronic-disease settlement of 1,000 yuan today (2026-06-15) through the HIS interface. */
async function settle(psnNo: string): Promise<{ setlId: string; mdtrtId: string }> {
  const mdtrtId = await registerVisit(psnNo);
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    med_type: '14',
    medfee_sumamt: 1000,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  const settled = await call(world, envelope('2207', { data }));
  if (settled.infcode !== 0) throw new Error(settled.err_msg);
  return { setlId: settled.output['setlinfo'].setl_id as string, mdtrtId };
}

beforeAll(async () => {
  world = await createWorld('ledger_safety');
  token = await signIn(world, {
    username: 'clerk',
    display_name: '谯城区民政局',
    role: 'operator',
    scope_admdvs: '341602',
    department: 'civil_affairs',
  });
  await insertPersons(
    world.pool,
    DISTRICT.map((p) => ({
      ...p,
      gend: p.gend as '1' | '2',
      brdy: '1960-01-01',
      admdvs: '341602',
      township: '古井镇',
    })),
  );
  await world.pool.query(
    `insert into person_categories (psn_no, code, begin_date, source_dept)
     select t.psn_no, t.code, '2025-01-01', 'civil_affairs' from unnest($1::text[], $2::text[]) as t(psn_no, code)`,
    [DISTRICT.map((p) => p.psnNo), DISTRICT.map((p) => p.code)],
  );
  await world.pool.query(
    `insert into enrollments (psn_no, year, begin_date, end_date)
     select psn_no, 2026, '2026-01-01', '2026-12-31' from unnest($1::text[]) as t(psn_no)`,
    [['Q000', 'Q002', 'Q010']],
  );
});
afterAll(async () => {
  await world.close();
});

describe('when an import needs the operator to confirm the spells it ends', () => {
  it('more than 20% of the running spells, and at least 10 of them', () => {
    expect(isMassEnd(9, 9)).toBe(false); // a small ledger may end all of its few spells
    expect(isMassEnd(10, 50)).toBe(false); // exactly 20%
    expect(isMassEnd(11, 50)).toBe(true);
    expect(isMassEnd(10, 10)).toBe(true);
    expect(isMassEnd(326, 328)).toBe(true);
  });
});

describe('one short ledger must not strip a district of its categories', () => {
  // Settled on 2026-06-15 as 低保对象: Q000 (to leave the ledger), Q002 (to leave, but the settlement is
  // cancelled), Q010 (stays on the ledger).
  let kept = { setlId: '', mdtrtId: '' };
  let leaving = { setlId: '', mdtrtId: '' };
  const twoRows = (): Buffer => csv(ledgerRows([DISTRICT[10]!, DISTRICT[11]!]));

  beforeAll(async () => {
    leaving = await settle('Q000');
    const cancelled = await settle('Q002');
    const reversal = await call(
      world,
      envelope('2208', { data: { psn_no: 'Q002', mdtrt_id: cancelled.mdtrtId, setl_id: cancelled.setlId } }),
    );
    expect(reversal.infcode).toBe(0);
    kept = await settle('Q010');
    const { rows } = await world.pool.query("select category from settlements where setl_id = $1 and psn_no = 'Q000'", [
      leaving.setlId,
    ]);
    expect(rows).toEqual([{ category: 'subsistence_allowance' }]);
  });

  it('an ordinary monthly ledger that ends a few spells (12 of 328) goes through without confirmation', async () => {
    const may = csv(ledgerRows(DISTRICT.filter((_, i) => i < 300 || i >= 312)));
    const { status, json } = await upload(may, { date: '2026-05-01', mode: 'atomic' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', good_rows: 316, spells_ended: 12, resettlements_needed: 0 });
    expect(json.resettlements).toEqual([]);
    expect(await spellsOf('Q300')).toEqual([{ begin: '2025-01-01', end: '2026-04-30' }]);
    expect(await runningSpells()).toBe(316);
  });

  it('a two-row file in partial mode would end 314 of 316: refused, nothing written', async () => {
    const before = await counts(world.pool);
    const { status, json } = await upload(twoRows(), { date: '2026-06-01', mode: 'partial' });
    expect(status).toBe(409);
    expect(json).toMatchObject({ code: 'LEDGER_MASS_END', spells_to_end: 314, spells_running: 316 });
    expect(json.message).toBe(
      '本次导入将终止谯城区民政部门登记的 316 个有效人员类别中的 314 个（99.4%），超过 20% 的安全上限，未导入任何数据。' +
        '台账应为本部门在台账日期的全部人员，请核对文件是否完整；确需终止的，请注明将终止的数量重新导入（在请求地址中加上 confirm_end=314）',
    );
    expect(json.import).toMatchObject({ status: 'refused', total_rows: 2, good_rows: 2, spells_ended: 0 });
    expect(await counts(world.pool)).toEqual(before);
    expect(await runningSpells()).toBe(316);
    expect(await spellsOf('Q000')).toEqual([{ begin: '2025-01-01', end: null }]);
    const record = await world.pool.query(
      'select status, refusal_code, confirmed_end from ledger_imports where import_id = $1',
      [json.import.import_id],
    );
    expect(record.rows).toEqual([{ status: 'refused', refusal_code: 'LEDGER_MASS_END', confirmed_end: null }]);
  });

  it('a wrong number is refused as no number is', async () => {
    const before = await counts(world.pool);
    for (const wrong of ['316', '313', '0']) {
      const { status, json } = await upload(twoRows(), { date: '2026-06-01', mode: 'partial', confirm_end: wrong });
      expect(status).toBe(409);
      expect(json.code).toBe('LEDGER_MASS_END');
      expect(json.message).toContain(`确认数量 ${wrong} 与将终止的数量 314 不符`);
    }
    expect((await upload(twoRows(), { date: '2026-06-01', mode: 'partial', confirm_end: 'all' })).json.code).toBe(
      'SCHEMA',
    );
    expect(await counts(world.pool)).toEqual(before);
    expect(await runningSpells()).toBe(316);
  });

  it('the exact number goes through: the spells end, and the settlements since are listed to settle again', async () => {
    const { status, json } = await upload(twoRows(), { date: '2026-06-01', mode: 'partial', confirm_end: '314' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', spells_ended: 314, spells_created: 0, resettlements_needed: 1 });
    expect(await runningSpells()).toBe(2);
    expect(await spellsOf('Q000')).toEqual([{ begin: '2025-01-01', end: '2026-05-31' }]);
    expect(await spellsOf('Q010')).toEqual([{ begin: '2025-01-01', end: null }]);
    // Q000 was settled on 2026-06-15 as 低保对象, which ended on 2026-05-31; Q002's settlement was cancelled, and
    // Q010 is still on the ledger.
    const expected = {
      psn_no: 'Q000',
      psn_name: DISTRICT[0]!.name,
      setl_id: leaving.setlId,
      mdtrt_id: leaving.mdtrtId,
      setl_time: '2026-06-15T10:00:00+08:00', // settled at 10:00 China time
      category: 'subsistence_allowance',
      category_name: '低保对象',
      spell_end: '2026-05-31',
      reason: '需重新结算：低保对象已于 2026-05-31 终止，本笔按该类别结算',
    };
    expect(json.resettlements).toEqual([expect.objectContaining(expected)]);
    expect(JSON.stringify(json)).not.toContain(kept.setlId);
    const list = await world.app.inject({
      method: 'GET',
      url: json.resettlement_list,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.json()).toMatchObject({ import_id: json.import_id, total: 1, items: [expected] });
    const listed = await world.app.inject({
      method: 'GET',
      url: '/api/ledger-imports',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.json()[0]).toMatchObject({
      import_id: json.import_id,
      status: 'imported',
      confirmed_end: 314,
      resettlements: 1,
      spells_ended: 314,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
    });
  });
});

describe('uploads in the forms browsers and clients send', () => {
  // Each upload certifies one more person of the district again (a new spell), beside Q010 and Q011.
  const next = (): Record<string, string> => ({ date: '2026-06-15', mode: 'partial' });
  const one = (i: number): Buffer => csv(againRows(i));

  it('a browser form (multipart/form-data): the one file, in a field of any name, is the ledger', async () => {
    const form = new FormData();
    form.append('department_note', '六月补报');
    form.append('ledgerFile', new Blob([one(20)], { type: 'application/vnd.ms-excel' }), '谯城区民政台账.csv');
    const { status, json } = await upload(form, next(), null);
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', good_rows: 3, spells_created: 1 });
    const record = await world.pool.query('select file_name from ledger_imports where import_id = $1', [
      json.import_id,
    ]);
    expect(record.rows[0].file_name).toBe('谯城区民政台账.csv');
  });

  it('a form as Chrome writes it, with an XLSX file (binary, with line breaks inside) and a body over the JSON limit', async () => {
    const workbook = await xlsx(padded(againRows(22)));
    expect(workbook.length).toBeGreaterThan(200_000); // the application's limit for JSON bodies
    const boundary = '----WebKitFormBoundaryx9Qm2tR7kLp0aZ3v';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\npartial\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="六月%22台账%22.xlsx"\r\n` +
          `Content-Type: ${XLSX}\r\n\r\n`,
      ),
      workbook,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const { status, json } = await upload(body, next(), `multipart/form-data; boundary=${boundary}`);
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', spells_created: 1 });
    const record = await world.pool.query('select file_name from ledger_imports where import_id = $1', [
      json.import_id,
    ]);
    expect(record.rows[0].file_name).toBe('六月"台账".xlsx');
  });

  it('application/vnd.ms-excel (a CSV as Windows names it), application/octet-stream, no type at all', async () => {
    for (const [file, type] of [
      [one(24), 'application/vnd.ms-excel'],
      [await xlsx(againRows(26)), 'application/vnd.ms-excel'],
      [await xlsx(againRows(28)), 'application/octet-stream'],
      [one(30), 'application/octet-stream'],
      [one(32), null],
      [await xlsx(againRows(34)), null],
      [one(36), 'text/plain; charset=utf-8'],
    ] as const) {
      const { status, json } = await upload(file, next(), type);
      expect({ type, status }).toEqual({ type, status: 201 });
      expect(json).toMatchObject({ status: 'imported', good_rows: 3, spells_created: 1 });
    }
  });

  it('refuses what is not a ledger file with 415 LEDGER_FORMAT, and writes nothing', async () => {
    const before = await counts(world.pool);
    const importsBefore = (
      await world.pool.query("select count(*)::int as n from ledger_imports where status = 'imported'")
    ).rows[0].n;
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 1)]);
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2048, 0)]);
    const good = await xlsx(ledgerRows([DISTRICT[10]!]));
    const cases: [Buffer, string | null, string][] = [
      [Buffer.from('{"rows":[]}'), 'application/json', '不支持的内容类型 application/json'],
      [png, 'image/png', '不支持的内容类型 image/png'],
      [xls, 'application/vnd.ms-excel', '旧版 Excel 工作簿（.xls）'],
      [png, 'application/octet-stream', '二进制数据'],
      [png, null, '二进制数据'],
      [Buffer.from('%PDF-1.7\n'), 'application/octet-stream', 'PDF'],
      [Buffer.from('\ufeff身份证号码', 'utf16le'), 'text/csv', 'UTF-16'],
      [good.subarray(0, Math.floor(good.length / 2)), XLSX, '文件无法作为 Excel 工作簿读取'],
      [Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 0x41)]), 'application/zip', '不是 Excel 工作簿'],
      [one(40), 'not a media type', '内容类型无法识别'],
    ];
    for (const [body, type, says] of cases) {
      const { status, json } = await upload(body, next(), type);
      expect({ type, status, code: json.code }).toEqual({ type, status: 415, code: 'LEDGER_FORMAT' });
      expect(json.message).toContain(says);
      expect(json.message).toMatch(/xlsx/i);
    }
    expect(await counts(world.pool)).toEqual(before);
    expect(
      (await world.pool.query("select count(*)::int as n from ledger_imports where status = 'imported'")).rows[0].n,
    ).toBe(importsBefore);
  });

  it('refuses a broken form, a form without a file and a form with two, with the reason', async () => {
    const boundary = 'b0undary';
    const part = (name: string, file: string | null, content: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file === null ? '' : `; filename="${file}"`}\r\n\r\n${content}\r\n`;
    const type = `multipart/form-data; boundary=${boundary}`;
    const ledger = one(42).toString('utf8');
    const cases: [string, string, number, string, string][] = [
      [part('file', 'a.csv', ledger), type, 400, 'LEDGER_MULTIPART', '缺少结束分隔符'],
      [
        `${part('file', 'a.csv', ledger)}--${boundary}--\r\n`,
        'multipart/form-data',
        400,
        'LEDGER_MULTIPART',
        'boundary',
      ],
      [
        `${part('note', null, 'x')}${part('mode', null, 'partial')}--${boundary}--\r\n`,
        type,
        400,
        'LEDGER_EMPTY',
        '没有台账文件',
      ],
      [`${part('file', '', '')}--${boundary}--\r\n`, type, 400, 'LEDGER_EMPTY', '没有台账文件'],
      [
        `${part('a', '五月.csv', ledger)}${part('b', '六月.csv', ledger)}--${boundary}--\r\n`,
        type,
        400,
        'LEDGER_MULTIPART',
        '表单中有 2 个文件（五月.csv、六月.csv），每次只能上传一个台账文件',
      ],
      ['', type, 400, 'LEDGER_EMPTY', '没有台账文件'],
    ];
    const before = await counts(world.pool);
    for (const [body, contentType, status, code, says] of cases) {
      const answer = await upload(Buffer.from(body), next(), contentType);
      expect(answer).toMatchObject({ status, json: { code } });
      expect(answer.json.message).toContain(says);
    }
    expect(await counts(world.pool)).toEqual(before);
  });

  it('reads the file of a form: preamble, quoted boundary, RFC 5987 names, a path for a name, bare fields', () => {
    const body = Buffer.from(
      'ignored preamble\r\n--x y\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n' +
        '--x y\r\ncontent-disposition: form-data; name="f"; filename="C:\\台账\\a.csv"; filename*=UTF-8\'\'%E5%85%AD%E6%9C%88.csv\r\n' +
        'Content-Type: text/csv\r\n\r\nA,B\r\n\r\n1,2\r\n--x y--\r\nepilogue',
    );
    const file = formFile(body, 'multipart/form-data; boundary="x y"');
    expect({ ...file, bytes: file.bytes.toString() }).toEqual({
      field: 'f',
      fileName: '六月.csv',
      bytes: 'A,B\r\n\r\n1,2',
    });
    const plain = formFile(
      Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="C:\\台账\\五月.csv"\r\n\r\nA\r\n--b--'),
      'multipart/form-data; boundary=b',
    );
    expect(plain.fileName).toBe('五月.csv');
    // A form of one plain field (curl -F 'f=<file'): that field is the file.
    expect(
      formFile(
        Buffer.from('--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nA,B\r\n--b--'),
        'multipart/form-data; boundary=b',
      ).bytes.toString(),
    ).toBe('A,B');
    expect(() => formFile(Buffer.from('--b\r\nno line break'), 'multipart/form-data; boundary=c')).toThrow(
      MultipartError,
    );
    expect(() => formFile(Buffer.from('--bX\r\n\r\nA\r\n--b--'), 'multipart/form-data; boundary=b')).toThrow(
      '分隔符后应换行',
    );
  });

  it('tells the formats apart by their bytes', () => {
    expect(sniffFormat(Buffer.from('身份证号码,姓名\r\n'))).toEqual({ format: 'csv' });
    expect(sniffFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('xl/workbook.xml')]))).toEqual({
      format: 'xlsx',
    });
    // A CSV with a NUL in a cell is still a CSV: the row is reported, not the file.
    expect(sniffFormat(csv([['1\u00002', '王五']]))).toEqual({ format: 'csv' });
  });
});

describe('cells with NUL or other control characters', () => {
  const base = DISTRICT.slice(50, 53);
  const file = (): Buffer =>
    csv([
      ...ledgerRows([DISTRICT[10]!, DISTRICT[11]!]),
      [
        base[0]!.certno,
        `${base[0]!.name.slice(0, 1)}\u0000${base[0]!.name.slice(1)}`,
        '低保对象',
        '2026-06-01',
        '',
        '341602',
        '古井镇',
        '',
      ],
      [base[1]!.certno, base[1]!.name, '特困人员', '2026-06-01', '', '341602', '古\u0001井\u007f镇', '备\u001b注'],
      [base[2]!.certno, base[2]!.name, '低保对象', '2026-06-01', '', '341602', '古井镇', ''],
    ]);

  it('atomic: the file is refused naming the rows and columns; nothing is written', async () => {
    const before = await counts(world.pool);
    const { status, json } = await upload(file(), { date: '2026-06-13', mode: 'atomic' });
    expect(status).toBe(422);
    expect(json.code).toBe('LEDGER_REFUSED');
    expect(json.import.problems).toEqual([
      {
        row: 4,
        codes: ['CONTROL_CHARACTER'],
        reasons: '姓名含有不可见的控制字符（如 NUL，报告中显示为 ␀ 等符号），请删除后重新报送',
      },
      {
        row: 5,
        codes: ['CONTROL_CHARACTER'],
        reasons: '乡镇（街道）、备注含有不可见的控制字符（如 NUL，报告中显示为 ␀ 等符号），请删除后重新报送',
      },
    ]);
    expect(await counts(world.pool)).toEqual(before);
  });

  it('partial: the clean rows import, the others come back in a readable error report', async () => {
    const { status, json } = await upload(file(), { date: '2026-06-13', mode: 'partial' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ status: 'imported', good_rows: 3, bad_rows: 2, spells_created: 1 });
    const report = await world.app.inject({
      method: 'GET',
      url: json.error_report,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(report.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(2).values as unknown[]).slice(1, 6)).toEqual([
      4,
      'CONTROL_CHARACTER',
      '姓名含有不可见的控制字符（如 NUL，报告中显示为 ␀ 等符号），请删除后重新报送',
      maskIdNumber(base[0]!.certno),
      `${base[0]!.name.slice(0, 1)}␀${base[0]!.name.slice(1)}`,
    ]);
    expect((sheet.getRow(3).values as unknown[]).slice(10, 12)).toEqual(['古␁井␡镇', '备␛注']);
  });

  it('a header or a file name with control characters is reported, not a server error', async () => {
    const header = [...HEADER.slice(0, 7), '备\u0000注'];
    const odd = csv(againRows(56), header);
    const { status, json } = await upload(odd, { date: '2026-06-14', mode: 'partial' });
    expect(status).toBe(201);
    expect(json.spells_created).toBe(1);
    const noHeader = await upload(csv([], ['身份证\u0000号码', '姓名']), { mode: 'atomic' });
    expect(noHeader).toMatchObject({ status: 422, json: { code: 'LEDGER_HEADER' } });
    const named = await upload(one(), { mode: 'atomic', file_name: '台账\u0000.csv' });
    expect(named.status).toBe(400);
    expect(named.json.message).toContain('file_name');
    expect(named.json.message).toContain('控制字符');
  });

  function one(): Buffer {
    return csv(ledgerRows([DISTRICT[10]!]));
  }
});

/**
 * The rows with cells past the header's columns (which the import ignores) full of varied characters, so that even
 * compressed the workbook is larger than the application's limit for JSON bodies.
 */
function padded(rows: readonly string[][]): string[][] {
  const text = (): string => {
    const random = randomBytes(60_000);
    return String.fromCharCode(
      ...Array.from({ length: 30_000 }, (_, k) => 0x4e00 + (random.readUInt16LE(2 * k) % 20_000)),
    );
  };
  return rows.map((row) => [...row, text(), text(), text(), text()]);
}

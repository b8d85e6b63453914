/**
 * The enrollment screen's routes on the real database (Bozhou: individual 320, fiscal 580; 特困 full, 低保 90%,
 * 监测 50%): the subsidy quoted before anything is written, a year's enrollments with their sums, the roster and the
 * 应保尽保 list page by page, a month's adjustments as JSON and XLSX — and who may not register or adjust, and a
 * township's user seeing only their township.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApi, counts, createWorld, idNumber, signIn, type World } from '../test-support/world.js';

let world: World;
type Api = ReturnType<typeof consoleApi>;
const as: Record<string, Api> = {};
let q = ''; // 特困, in 十八里镇

beforeAll(async () => {
  world = await createWorld('enrollment_console');
  const user = async (username: string, extra: Record<string, string | null> = {}, role = 'operator') =>
    consoleApi(
      world,
      await signIn(world, {
        username,
        display_name: username,
        role: role as 'operator',
        scope_admdvs: '341602',
        ...extra,
      }),
    );
  as['clerk'] = await user('clerk');
  as['civil'] = await user('civil', { department: 'civil_affairs' });
  as['rural'] = await user('rural', { department: 'rural_revitalization' });
  as['township'] = await user('township', { township: '古井镇' });
  as['viewer'] = await user('viewer', {}, 'read_only');
  const born = await as['clerk']('POST', '/api/persons', {
    certno: idNumber('341602', '1950-02-02', '091'),
    psn_name: '赵老汉',
    admdvs: '341602',
    township: '十八里镇',
  });
  q = born.json.psn_no as string;
  expect(
    (await as['civil']('POST', `/api/persons/${q}/categories`, { code: 'extreme_poverty', begin: '2026-02-01' }))
      .status,
  ).toBe(201);
  // P003 (insured 2025) becomes 监测人口 from 1 May.
  expect(
    (await as['rural']('POST', '/api/persons/P003/categories', { code: 'monitored', begin: '2026-05-01' })).status,
  ).toBe(201);
});
afterAll(async () => {
  await world?.close();
});

describe('registering', () => {
  it('quotes the subsidy without writing: 低保 (P001) 2027 — 320 × 90% = 288.00, the person 32.00', async () => {
    const before = await counts(world.pool);
    const quote = await as['clerk']!('GET', '/api/enrollments/quote?psn_no=P001&year=2027&paid_on=2026-06-15');
    expect(quote).toMatchObject({
      status: 200,
      json: {
        begin_date: '2027-01-01',
        contribution: '320.00',
        fiscal: '580.00',
        subsidy: '288.00',
        person_pays: '32.00',
        subsidy_category_name: '低保对象',
        enrolled: false,
      },
    });
    expect(await counts(world.pool)).toEqual(before);
    // 2026 is taken (seeded).
    expect((await as['clerk']!('GET', '/api/enrollments/quote?psn_no=P001&year=2026')).json.enrolled).toBe(true);
  });

  it('enrolls and lists the year with its sums', async () => {
    for (const [psnNo, year, paid] of [
      ['P001', 2027, '2026-06-15'], // 288.00 subsidy, 32.00 paid
      [q, 2027, '2026-06-15'], // 特困: 320.00 subsidy, 0.00 paid
      ['P002', 2027, '2026-06-14'], // ordinary: 320.00 paid
      ['P003', 2026, '2026-03-01'], // not yet 监测 on the day paid: 320.00 paid
    ] as const)
      expect((await as['clerk']!('POST', '/api/enrollments', { psn_no: psnNo, year, paid_on: paid })).status).toBe(201);
    const list = await as['clerk']!('GET', '/api/enrollments?year=2027');
    // 3 × 320.00 = 960.00; 288.00 + 320.00 + 0 = 608.00; 32.00 + 0.00 + 320.00 = 352.00.
    expect(list.json).toMatchObject({
      total: 3,
      sums: { contribution: '960.00', subsidy: '608.00', person_pays: '352.00' },
    });
    expect(list.json.items[0].certno).toMatch(/^341602\*{8}\d{3}[\dX]$/);
    expect((await as['clerk']!('GET', '/api/enrollments?year=2027&q=P001')).json.total).toBe(1);
    // A township's user sees their township's only: P001 and P002 of 古井镇.
    expect((await as['township']!('GET', '/api/enrollments?year=2027')).json.total).toBe(2);
  });

  it('a department’s, a township’s or a reader’s user neither registers, quotes nor adjusts', async () => {
    const before = await counts(world.pool);
    for (const user of ['civil', 'rural', 'township']) {
      const refused = await as[user]!('POST', '/api/enrollments', { psn_no: 'P003', year: 2027 });
      expect(refused).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
      expect((await as[user]!('GET', '/api/enrollments/quote?psn_no=P003&year=2027')).status).toBe(403);
      expect((await as[user]!('POST', '/api/subsidy-adjustments', { month: '2026-06' })).status).toBe(403);
    }
    expect((await as['viewer']!('POST', '/api/enrollments', { psn_no: 'P003', year: 2027 })).status).toBe(403);
    expect(await counts(world.pool)).toEqual(before);
  });
});

describe('the monthly adjustment', () => {
  it('lists what June adjusted, as JSON and as a workbook: P003 监测 from May, 320 × 50% = 160.00', async () => {
    expect((await as['clerk']!('POST', '/api/subsidy-adjustments', { month: '2026-06' })).json).toMatchObject({
      adjusted: 1,
      total: '160.00',
    });
    const list = await as['rural']!('GET', '/api/subsidy-adjustments?month=2026-06');
    expect(list.json).toMatchObject({ total: 1, delta: '160.00' });
    expect(list.json.items[0]).toMatchObject({
      psn_no: 'P003',
      category_name: '监测人口',
      before: '0.00',
      after: '160.00',
      delta: '160.00',
    });
    expect((await as['clerk']!('GET', '/api/subsidy-adjustments?month=2026-05')).json.total).toBe(0);
    const file = await as['clerk']!('GET', '/api/subsidy-adjustments?month=2026-06&format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(10).value).toBe('补足金额');
    expect(sheet.getRow(2).getCell(3).value).toBe('P003');
    expect(sheet.getRow(2).getCell(10).value).toBe(160);
  });
});

describe('the roster and 应保尽保, page by page', () => {
  it('the 2027 roster: two subsidised, 288.00 + 320.00 = 608.00; by category; a township its own', async () => {
    const roster = await as['clerk']!('GET', '/api/reports/subsidy-roster/persons?year=2027&size=1');
    expect(roster.json).toMatchObject({
      total: 2,
      size: 1,
      // 320.00 + 320.00 = 640.00 contributions; 32.00 + 0.00 paid by the persons.
      totals: { contribution: '640.00', subsidy: '608.00', person_pays: '32.00' },
    });
    expect(roster.json.items).toHaveLength(1);
    expect(
      roster.json.groups.map((g: { township: string; category_name: string; subsidy: string }) => [
        g.township,
        g.category_name,
        g.subsidy,
      ]),
    ).toEqual([
      ['十八里镇', '特困人员', '320.00'],
      ['古井镇', '低保对象', '288.00'],
    ]);
    const extreme = await as['clerk']!('GET', '/api/reports/subsidy-roster/persons?year=2027&category=extreme_poverty');
    expect(extreme.json).toMatchObject({ total: 1, totals: { subsidy: '320.00' } });
    const township = await as['township']!('GET', '/api/reports/subsidy-roster/persons?year=2027');
    expect(township.json).toMatchObject({ total: 1, totals: { subsidy: '288.00' } });
    // The whole-roster report and its workbook too.
    expect((await as['township']!('GET', '/api/reports/subsidy-roster?year=2027')).json.totals).toMatchObject({
      persons: 1,
      subsidy: '288.00',
    });
  });

  it('应保尽保 2027: P003 (监测, insured 2026, not 2027), with the reason', async () => {
    const list = await as['clerk']!('GET', '/api/reports/uninsured-targets/persons?year=2027&date=2026-06-15');
    expect(list.json.total).toBe(1);
    expect(list.json.items[0]).toMatchObject({
      psn_no: 'P003',
      categories: '监测人口',
      certified: '2026-05-01',
      last_year: 2026,
      reason: '上年度已参保，本年度未续保',
    });
    // 十八里镇's township office would not see 古井镇's P003.
    const other = await signIn(world, {
      username: 'shibali',
      display_name: '十八里镇',
      role: 'operator',
      scope_admdvs: '341602',
      township: '十八里镇',
    });
    expect(
      (await consoleApi(world, other)('GET', '/api/reports/uninsured-targets/persons?year=2027&date=2026-06-15')).json
        .total,
    ).toBe(0);
    expect((await as['clerk']!('GET', '/api/reports/uninsured-targets/persons?year=2027&region=341621')).status).toBe(
      403,
    );
  });
});

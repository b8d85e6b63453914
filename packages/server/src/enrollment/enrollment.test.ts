/**
 * Enrollment with classified subsidies (Bozhou, per the Bozhou Evening News report,
 * 亳州晚报 2021-12-28《告别“351”“180”，医保扶贫织起三重保障》: individual 320, fiscal 580; 特困 full, 低保 90%,
 * 返贫致贫 75%, 监测 50%), the monthly adjustment, and the reports, on the real database through the console API.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certnoIndex } from '../security/identity.js';
import { consoleApi, counts, createWorld, idNumber, signIn, type World } from '../test-support/world.js';

let world: World;
let token = '';
let api: ReturnType<typeof consoleApi>;
let newborn = '';

async function postings(psnNo: string): Promise<{ account: string; amount: number }[]> {
  const { rows } = await world.pool.query<{ account: string; amount: number }>(
    'select account, amount from fund_postings where psn_no = $1 order by posting_id',
    [psnNo],
  );
  return rows;
}

beforeAll(async () => {
  world = await createWorld('enrollment');
  token = await signIn(world, {
    username: 'clerk',
    display_name: '谯城经办',
    role: 'operator',
    scope_admdvs: '341602',
  });
  api = consoleApi(world, token);
});
afterAll(async () => {
  await world.close();
});

describe('enrollment and subsidy', () => {
  it('低保 (P001) for 2027: 320 × 90% = 288.00 paid by the assistance fund, 32.00 by the person, cover from 1 January', async () => {
    const { status, json } = await api('POST', '/api/enrollments', {
      psn_no: 'P001',
      year: 2027,
      paid_on: '2026-06-15',
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      year: 2027,
      begin_date: '2027-01-01', // 当年缴费，次年享受
      end_date: '2027-12-31',
      contribution: '320.00',
      fiscal: '580.00',
      subsidy: '288.00', // 320.00 × 90%
      person_pays: '32.00', // 320.00 − 288.00
      subsidy_category: 'subsistence_allowance',
    });
    expect(await postings('P001')).toEqual([
      { account: 'fund:610100', amount: 28800 },
      { account: 'premium:390:2027', amount: -28800 },
    ]);
  });

  it('an ordinary resident (P002) pays the whole 320.00; nothing is posted', async () => {
    const { json } = await api('POST', '/api/enrollments', { psn_no: 'P002', year: 2027, paid_on: '2026-06-15' });
    expect(json).toMatchObject({
      contribution: '320.00',
      subsidy: '0.00',
      person_pays: '320.00',
      subsidy_category: null,
    });
    expect(await postings('P002')).toEqual([]);
  });

  it('refuses a second enrollment, a year too far, an unknown tier, a person out of scope — writing nothing', async () => {
    const before = await counts(world.pool);
    expect(await api('POST', '/api/enrollments', { psn_no: 'P001', year: 2027 })).toMatchObject({
      status: 409,
      json: { code: 'ALREADY_ENROLLED' },
    });
    expect(await api('POST', '/api/enrollments', { psn_no: 'P002', year: 2029 })).toMatchObject({
      status: 400,
      json: { code: 'DATE_ORDER' },
    });
    expect(await api('POST', '/api/enrollments', { psn_no: 'P003', year: 2027, tier: '300' })).toMatchObject({
      status: 400,
      json: { code: 'CODE_UNKNOWN' },
    });
    expect(await api('POST', '/api/enrollments', { psn_no: 'P003', year: 2027, tier: '1.234' })).toMatchObject({
      status: 400,
      json: { code: 'AMOUNT_FORMAT' },
    });
    expect((await api('POST', '/api/enrollments', { psn_no: 'NOBODY', year: 2027 })).status).toBe(404);
    expect(await counts(world.pool)).toEqual(before);
  });

  it('a newborn insured within 3 months of birth is covered from birth', async () => {
    const born = await api('POST', '/api/persons', {
      certno: idNumber('341602', '2026-04-01', '062'),
      psn_name: '王小宝',
      admdvs: '341602',
      township: '古井镇',
    });
    newborn = born.json.psn_no as string;
    // Born 2026-04-01, paid 2026-06-15: within 3 months (until 2026-07-01), so cover starts at birth.
    const { json } = await api('POST', '/api/enrollments', { psn_no: newborn, year: 2026, paid_on: '2026-06-15' });
    expect(json).toMatchObject({ begin_date: '2026-04-01', end_date: '2026-12-31', subsidy: '0.00' });
  });

  it('certified after paying: the next monthly adjustment pays the difference, once', async () => {
    // P003 pays for 2026 on 1 March as an ordinary resident: cover from the day paid, no subsidy.
    const paid = await api('POST', '/api/enrollments', { psn_no: 'P003', year: 2026, paid_on: '2026-03-01' });
    expect(paid.json).toMatchObject({ begin_date: '2026-03-01', subsidy: '0.00', person_pays: '320.00' });
    // Certified 返贫致贫 from 20 April, by the rural-revitalization department's user.
    const rural = consoleApi(
      world,
      await signIn(world, {
        username: 'qc.rural',
        display_name: '谯城区乡村振兴局',
        role: 'operator',
        scope_admdvs: '341602',
        department: 'rural_revitalization',
      }),
    );
    expect(
      await rural('POST', '/api/persons/P003/categories', { code: 'returned_to_poverty', begin: '2026-04-20' }),
    ).toMatchObject({ status: 201 });
    // April's adjustment looks at 1 April: not yet certified.
    expect((await api('POST', '/api/subsidy-adjustments', { month: '2026-04' })).json).toMatchObject({ adjusted: 0 });
    // May's: 320 × 75% = 240.00 due, 0 recorded → 240.00 refunded by the assistance fund.
    const may = await api('POST', '/api/subsidy-adjustments', { month: '2026-05' });
    expect(may.json).toMatchObject({
      adjusted: 1,
      total: '240.00',
      rows: [
        {
          psn_no: 'P003',
          year: 2026,
          category: 'returned_to_poverty',
          before: '0.00',
          after: '240.00',
          delta: '240.00',
        },
      ],
    });
    expect((await api('POST', '/api/subsidy-adjustments', { month: '2026-05' })).json).toMatchObject({ adjusted: 0 });
    expect((await api('POST', '/api/subsidy-adjustments', { month: '2026-06' })).json).toMatchObject({ adjusted: 0 });
    expect((await api('POST', '/api/subsidy-adjustments', { month: '2026-07' })).json).toMatchObject({
      code: 'DATE_ORDER',
    });
    const row = await world.pool.query(
      "select subsidy, person_pays from enrollments where psn_no = 'P003' and year = 2026",
    );
    expect(row.rows[0]).toEqual({ subsidy: 24000, person_pays: 8000 });
    expect(await postings('P003')).toEqual([
      { account: 'fund:610100', amount: 24000 },
      { account: 'premium:390:2026', amount: -24000 },
    ]);
  });
});

describe('reports', () => {
  it('subsidy roster 2027: one 低保 person in 古井镇, 288.00 from the assistance fund, 32.00 collected', async () => {
    const { json } = await api('GET', '/api/reports/subsidy-roster?year=2027');
    expect(json.totals).toEqual({ persons: 1, contribution: '320.00', subsidy: '288.00', person_pays: '32.00' });
    expect(json.groups).toEqual([
      {
        admdvs: '341602',
        county: '谯城区',
        township: '古井镇',
        category: 'subsistence_allowance',
        name: '低保对象',
        persons: 1,
        contribution: '320.00',
        subsidy: '288.00',
        person_pays: '32.00',
      },
    ]);
    expect(json.persons[0].certno).toMatch(/^341602\*{8}\d{3}[\dX]$/);

    const file = await api('GET', '/api/reports/subsidy-roster?year=2027&format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    expect((workbook.getWorksheet('汇总')!.getRow(3).values as unknown[]).slice(1)).toEqual([
      '合计',
      '',
      '',
      1,
      320,
      288,
      32,
    ]);
    expect(workbook.getWorksheet('花名册')!.rowCount).toBe(2);
  });

  it('应保尽保 2027: P003 (返贫致贫, insured 2026, not 2027) is listed with the reason and blank follow-up columns', async () => {
    const { json } = await api('GET', '/api/reports/uninsured-targets?year=2027&date=2026-06-15');
    expect(json.count).toBe(1);
    expect(json.targets[0]).toMatchObject({
      psn_no: 'P003',
      township: '古井镇',
      categories: '返贫致贫人口',
      departments: 'rural_revitalization',
      certified: '2026-04-20',
      last_year: 2026,
      reason: '上年度已参保，本年度未续保',
    });
    expect((await api('GET', '/api/reports/uninsured-targets?year=2026&date=2026-06-15')).json.count).toBe(0);
    const file = await api('GET', '/api/reports/uninsured-targets?year=2027&date=2026-06-15&format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(-4)).toEqual(['核实情况', '处理结果', '走访人', '走访日期']);
    expect(sheet.getRow(2).getCell(10).value).toBe('上年度已参保，本年度未续保');
  });

  it('coverage 2027: 2 of 4 residents insured (50.00%), 1 of 2 targets (50.00%)', async () => {
    const { json } = await api('GET', '/api/reports/coverage?year=2027&date=2026-06-15');
    // 2 / 4 = 0.5000; 1 / 2 = 0.5000.
    expect(json.total).toMatchObject({
      residents: 4,
      insured: 2,
      rate: '0.5000',
      targets: 2,
      targets_insured: 1,
      targets_rate: '0.5000',
    });
    // 2026: P001, P002 (seeded), P003 (1 March) and the newborn: 4 of 4.
    expect((await api('GET', '/api/reports/coverage?year=2026&date=2026-06-15')).json.total).toMatchObject({
      residents: 4,
      insured: 4,
      rate: '1.0000',
    });
    expect((await api('GET', '/api/reports/coverage?year=2027&region=341621')).status).toBe(403);
    // The workbook keeps its percentages: the total row last.
    const file = await api('GET', '/api/reports/coverage?year=2027&date=2026-06-15&format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(sheet.rowCount).values as unknown[]).slice(1)).toEqual([
      '合计',
      '',
      4,
      2,
      '50.00%',
      2,
      1,
      '50.00%',
    ]);
  });

  it('from a civil-affairs ledger to the roster: a 特困 person imported, enrolled, fully subsidised', async () => {
    const certno = idNumber('341602', '1950-02-02', '091');
    const ledger = `身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码,乡镇（街道）\n${certno},赵老汉,特困人员,2026-02-01,,341602,十八里镇\n`;
    // The ledger comes from the civil-affairs department's own user.
    const civil = await signIn(world, {
      username: 'qc.civil',
      display_name: '谯城区民政局',
      role: 'operator',
      scope_admdvs: '341602',
      department: 'civil_affairs',
    });
    const imported = await world.app.inject({
      method: 'POST',
      url: '/api/ledger-imports?department=civil_affairs&region=341602&date=2026-06-15&mode=atomic',
      headers: { authorization: `Bearer ${civil}`, 'content-type': 'text/csv' },
      payload: Buffer.from(ledger, 'utf8'),
    });
    expect(imported.json()).toMatchObject({ status: 'imported', persons_created: 1, spells_created: 1 });
    const psnNo = (
      await world.pool.query<{ psn_no: string }>('select psn_no from persons where certno_index = $1', [
        certnoIndex(certno),
      ])
    ).rows[0]!.psn_no;
    // 特困: the whole 320.00 paid by the assistance fund.
    const enrolled = await api('POST', '/api/enrollments', { psn_no: psnNo, year: 2027, paid_on: '2026-06-15' });
    expect(enrolled.json).toMatchObject({
      subsidy: '320.00',
      person_pays: '0.00',
      subsidy_category: 'extreme_poverty',
    });
    // Roster 2027: 288.00 + 320.00 = 608.00 from the fund; 32.00 + 0.00 = 32.00 collected; contributions 640.00.
    const { json } = await api('GET', '/api/reports/subsidy-roster?year=2027');
    expect(json.totals).toEqual({ persons: 2, contribution: '640.00', subsidy: '608.00', person_pays: '32.00' });
    expect(json.groups.map((g: { township: string; name: string }) => `${g.township}/${g.name}`)).toEqual([
      '十八里镇/特困人员',
      '古井镇/低保对象',
    ]);
  });
});

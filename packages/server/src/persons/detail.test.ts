/**
 * A person's page (GET /api/persons/:psnNo) on the real database: an ordinary insured person in Guanxian with two
 * stays at the county hospital (the second cancelled), a yellow warning, an application approved with its top-up;
 * the page names every code, sums each fund's payments of the year net of the cancellation, and shows each user only
 * the warnings the ledger would show them; users of another township or county do not find the person.
 *
 * Guanxian (policy files shandong/liaocheng.yaml and liaocheng/guanxian.yaml): county hospital inpatient deductible
 * 500 (second stay of the year half), 70%; critical illness above 11,000 of the year's cumulative remainder at 60%;
 * an ordinary insured person's yearly out-of-pocket above 100,000 is yellow, and qualifies for assistance on
 * application, approved as 因病致贫重病患者 from 1 January: assistance above 3,000 at 50%, re-assistance above 10,000
 * at 70%.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../console/auth.js';
import {
  call,
  certnoOf,
  consoleApi,
  createWorld,
  envelope,
  GUANXIAN,
  idNumber,
  seedGuanxian,
  signIn,
  type World,
} from '../test-support/world.js';

/** Male: the 17th digit of his ID number (the sequence's last, 1) is odd. */
const PATIENT = {
  psnNo: 'G301',
  certno: idNumber('371525', '1968-07-07', '131'),
  name: '韩建军',
  township: '烟庄街道',
};
/** Female: the 17th digit (2) is even. No settlements. */
const NEIGHBOUR = {
  psnNo: 'G302',
  certno: idNumber('371525', '1979-03-03', '322'),
  name: '朱丽娟',
  township: '店子镇',
};

type Api = ReturnType<typeof consoleApi>;
let world: World;
let clerk: Api;
let reviewer: Api;
let yanzhuang: Api;
let dianzi: Api;
let rural: Api;
let civil: Api;
let bozhou: Api;
let applicationId: number;
const settled: { mdtrtId: string; setlId: string }[] = [];

let stayNumber = 0;

/** 2401 → 2402 → 2304 at the Guanxian county hospital, totals in yuan; returns the settlement's setlinfo. */
async function stay(psnNo: string, total: number, fullOwnPay = 0): Promise<Record<string, any>> {
  const his = async (infno: string, input: Record<string, unknown>): Promise<Record<string, any>> => {
    const answer = await call(world, envelope(infno, input, { institution: GUANXIAN.code }), GUANXIAN);
    expect(answer.err_msg).toBe('');
    return answer.output;
  };
  const admission = await his('2401', {
    mdtrtinfo: {
      psn_no: psnNo,
      insutype: '390',
      begntime: '2026-06-01 08:00:00',
      mdtrt_cert_type: '02',
      mdtrt_cert_no: await certnoOf(world, psnNo),
      med_type: '21',
      ipt_no: `ZYD${++stayNumber}`,
    },
    diseinfo: [{ diag_code: 'C34.9' }],
  });
  const mdtrtId = admission['result'].mdtrt_id as string;
  await his('2402', {
    dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' },
    diseinfo: [],
  });
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    medfee_sumamt: total,
    fulamt_ownpay_amt: fullOwnPay,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
    insutype: '390',
    mid_setl_flag: '0',
  };
  const setlinfo = (await his('2304', { data }))['setlinfo'] as Record<string, any>;
  settled.push({ mdtrtId, setlId: setlinfo['setl_id'] as string });
  return setlinfo;
}

async function cancel(psnNo: string, settlement: { mdtrtId: string; setlId: string }): Promise<void> {
  const data = { psn_no: psnNo, mdtrt_id: settlement.mdtrtId, setl_id: settlement.setlId };
  const cancelled = await call(world, envelope('2305', { data }, { institution: GUANXIAN.code }), GUANXIAN);
  expect(cancelled.err_msg).toBe('');
}

beforeAll(async () => {
  world = await createWorld('person_detail');
  await seedGuanxian(world, [PATIENT, NEIGHBOUR]);
  const county = { role: 'operator', scope_admdvs: '371525' } as const;
  const user = async (username: string, more: Partial<User>): Promise<Api> =>
    consoleApi(world, await signIn(world, { username, display_name: username, ...county, ...more }));
  clerk = await user('gx.clerk', {});
  reviewer = await user('gx.review', { role: 'reviewer' });
  yanzhuang = await user('gx.yanzhuang', { role: 'read_only', township: '烟庄街道' });
  dianzi = await user('gx.dianzi', { role: 'read_only', township: '店子镇' });
  rural = await user('gx.rural', { department: 'rural_revitalization' });
  civil = await user('gx.civil', { department: 'civil_affairs' });
  bozhou = await user('qc.clerk', { scope_admdvs: '341602' });

  // Stay A: 150,000 of which 100,000 fully self-paid; in scope 50,000. Basic (50,000 − 500) × 70% = 34,650, left
  // 15,350; CI (15,350 − 11,000) × 60% = 2,610. The person 12,740 + 100,000 = 112,740.
  expect(await stay(PATIENT.psnNo, 150000, 100000)).toMatchObject({ hifp_pay: 34650, hifmi_pay: 2610, maf_pay: 0 });
  // Stay B, the second (deductible halved to 250): (40,000 − 250) × 70% = 27,825, left 12,175; CI on the cumulative
  // 15,350 + 12,175 = 27,525: (27,525 − 11,000) × 60% = 9,915 less 2,610 = 7,305. Then cancelled by the hospital.
  expect(await stay(PATIENT.psnNo, 40000)).toMatchObject({ hifp_pay: 27825, hifmi_pay: 7305, maf_pay: 0 });
  await cancel(PATIENT.psnNo, settled[1]!);
  // Screened after the cancellation: 112,740 > 100,000, yellow for an ordinary insured person.
  expect((await clerk('POST', '/api/screenings', {})).status).toBe(200);
  const applied = await clerk('POST', '/api/assistance-applications', { psn_no: PATIENT.psnNo, note: '住院费用高' });
  expect(applied.status).toBe(201);
  applicationId = applied.json.application_id as number;
  // Stay A again as 因病致贫重病患者: assistance (12,740 − 3,000) × 50% = 4,870; the rest 12,740 − 4,870 = 7,870 is
  // below re-assistance's 10,000. Stay B is cancelled and not settled again. Top-up 4,870.
  const approved = await reviewer('POST', `/api/assistance-applications/${applicationId}/decision`, {
    decision: 'approve',
    reason: '符合因病致贫重病患者认定条件',
  });
  expect(approved.json).toMatchObject({ status: 'approved', top_up: '4870.00' });
  // Last year's warning, raised while the person lived in 店子镇 and (as if that year's policy had said so) routed to
  // civil affairs: the township and department filters must tell the two apart.
  await world.pool.query(
    `insert into warnings (psn_no, year, level, population, amount, admdvs, township, department, status, feedback_due,
                           raised_at, level_at, updated_at)
     values ($1, 2025, 'blue', '普通参保群众', 3512345, '371525', '店子镇', 'civil_affairs', 'closed', '2025-11-17',
             '2025-11-03T02:00:00Z', '2025-11-03T02:00:00Z', '2025-12-01T02:00:00Z')`,
    [PATIENT.psnNo],
  );
});

afterAll(async () => {
  await world.close();
});

const page = async (api: Api, psnNo = PATIENT.psnNo): Promise<{ status: number; json: any }> =>
  api('GET', `/api/persons/${psnNo}`);

describe("a person's page", () => {
  it('names the gender and the insured region', async () => {
    const { status, json } = await page(clerk);
    expect(status).toBe(200);
    expect(json).toMatchObject({ psn_no: 'G301', gend: '1', gend_name: '男', admdvs: '371525', admdvs_name: '冠县' });
    expect(json.certno).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const neighbour = await page(clerk, NEIGHBOUR.psnNo);
    expect(neighbour.json).toMatchObject({ gend: '2', gend_name: '女', admdvs_name: '冠县' });
    expect(neighbour.json).toMatchObject({ years: [], settlements: [], warnings: [], applications: [] });
  });

  it("sums the year's payments by fund, net of the cancellation and with the top-up", async () => {
    const { json } = await page(clerk);
    expect(json.years).toHaveLength(1);
    // Basic: 34,650 + 27,825 − 27,825 (cancellation) = 34,650. CI: 2,610 + 7,305 − 7,305 = 2,610.
    // Assistance: 0 + 0 − 0 + 4,870 (top-up) = 4,870.
    expect(json.years[0]).toMatchObject({
      year: 2026,
      hifp_pay: '34650.00',
      hifmi_pay: '2610.00',
      maf_pay: '4870.00',
    });
  });

  it('names the institution and the category of each settlement', async () => {
    const { json } = await page(clerk);
    const rows = json.settlements as Record<string, string>[];
    // Stay A, stay B, B's cancellation, A's top-up.
    expect(rows.map((row) => row['kind']).sort()).toEqual(['cancellation', 'settlement', 'settlement', 'top_up']);
    for (const row of rows) expect(row['fixmedins_name']).toBe('冠县人民医院');
    const categoryOf = (kind: string): string[] =>
      rows.filter((row) => row['kind'] === kind).map((row) => `${row['category_name']}`);
    // Settled as an ordinary insured person (the category code 'ordinary'); topped up as the category the approval
    // gave.
    expect(rows.filter((row) => row['kind'] !== 'top_up').map((row) => row['category'])).toEqual([
      'ordinary',
      'ordinary',
      'ordinary',
    ]);
    expect(categoryOf('settlement')).toEqual(['普通参保居民', '普通参保居民']);
    expect(categoryOf('cancellation')).toEqual(['普通参保居民']);
    expect(categoryOf('top_up')).toEqual(['因病致贫重病患者']);
    const cancellation = rows.find((row) => row['kind'] === 'cancellation');
    expect(cancellation).toMatchObject({ reverses: settled[1]!.setlId, hifp_pay: '-27825.00', hifmi_pay: '-7305.00' });
  });

  it('lists the warnings of every year, newest first, with their names', async () => {
    const { json } = await page(clerk);
    expect(json.warnings).toEqual([
      {
        year: 2026,
        level: 'yellow',
        level_name: '黄码',
        // The approval marked it assisted.
        status: 'assisted',
        status_name: '已救助帮扶',
        // The yearly out-of-pocket when it turned yellow at the screening: 112,740 (above).
        amount: '112740.00',
        department: 'rural_revitalization',
        department_name: '乡村振兴部门',
        // Screened at the world's clock, 02:00 UTC: 10:00 in China.
        raised_at: '2026-06-15T10:00:00+08:00',
      },
      {
        year: 2025,
        level: 'blue',
        level_name: '蓝码',
        status: 'closed',
        status_name: '已办结',
        amount: '35123.45',
        department: 'civil_affairs',
        department_name: '民政部门',
        raised_at: '2025-11-03T10:00:00+08:00',
      },
    ]);
  });

  it('shows a township or department user only the warnings the ledger shows them', async () => {
    const years = async (api: Api): Promise<number[]> =>
      ((await page(api)).json.warnings as { year: number }[]).map((warning) => warning.year);
    // A township sees a warning once the bureau has handed it down (下放): then this year's, not last year's of 店子镇
    // (whose users do not find the person).
    expect(await years(yanzhuang)).toEqual([]);
    expect((await clerk('POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' })).status).toBe(
      201,
    );
    expect(await years(yanzhuang)).toEqual([2026]);
    expect((await yanzhuang('GET', '/api/warnings?year=2025')).json.total).toBe(0);
    // Each department sees the one routed to it, as in GET /api/warnings.
    expect(await years(rural)).toEqual([2026]);
    expect(await years(civil)).toEqual([2025]);
    expect((await civil('GET', '/api/warnings?year=2026')).json.total).toBe(0);
    expect((await civil('GET', '/api/warnings?year=2025')).json.total).toBe(1);
  });

  it('lists the assistance applications with their decision', async () => {
    const { json } = await page(yanzhuang);
    expect(json.applications).toEqual([
      {
        application_id: applicationId,
        year: 2026,
        status: 'approved',
        status_name: '已批准',
        applied_at: '2026-06-15T10:00:00+08:00',
        decided_at: '2026-06-15T10:00:00+08:00',
        // The top-up of stay A (above).
        top_up: '4870.00',
      },
    ]);
  });

  it('is not found by a user of another township or another county', async () => {
    expect(await page(dianzi)).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await page(yanzhuang, NEIGHBOUR.psnNo)).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await page(bozhou)).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect((await page(dianzi, NEIGHBOUR.psnNo)).status).toBe(200);
  });
});

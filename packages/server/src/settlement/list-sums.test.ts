/**
 * GET /api/settlements answers, beside its page, the sums of every matching record (net of cancellations, whose rows
 * carry the amounts negated) and each fund's person-times (settlements it paid less their cancellations) — over the
 * whole list, under a filter, and within the user's scope. Settled through the HIS interface under Bozhou's policy
 * (policies/anhui/bozhou.yaml extending policies/anhui.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPersons } from '../persons/repository.js';
import { accepted } from '../test-support/his-calls.js';
import {
  certnoOf,
  consoleApi,
  COUNTY,
  createWorld,
  envelope,
  idNumber,
  registerVisit,
  signIn,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';

let world: World;
const as: Record<string, ReturnType<typeof consoleApi>> = {};

/** A chronic-disease outpatient visit (门诊慢特病, med_type 14) at the county hospital, settled by its total. */
async function chronic(psnNo: string, medfee: number, begntime: string): Promise<{ mdtrtId: string; setlId: string }> {
  const mdtrtId = await registerVisit(world, psnNo, { begntime });
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    med_type: '14',
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  const settled = await accepted(world, envelope('2207', { data }));
  return { mdtrtId, setlId: settled.output['setlinfo'].setl_id as string };
}

/** 2208 of a visit's settlement; returns the cancellation's msgid (for a 2601 reversing it). */
async function cancel(psnNo: string, visit: { mdtrtId: string; setlId: string }): Promise<string> {
  const body = envelope('2208', { data: { psn_no: psnNo, mdtrt_id: visit.mdtrtId, setl_id: visit.setlId } });
  await accepted(world, body);
  return body['msgid'] as string;
}

/** An ordinary outpatient visit (普通门诊, med_type 11) at the township health centre, settled by its total. */
async function township(psnNo: string, medfee: number): Promise<void> {
  const mdtrtId = await registerVisit(world, psnNo, { institution: TOWNSHIP, begntime: '2026-06-15 07:30:00' });
  await accepted(
    world,
    envelope(
      '2203',
      { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: psnNo, med_type: '11' }, diseinfo: [{ diag_code: 'J06.9' }] },
      { institution: TOWNSHIP.code },
    ),
    TOWNSHIP,
  );
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    med_type: '11',
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  await accepted(world, envelope('2207', { data }, { institution: TOWNSHIP.code }), TOWNSHIP);
}

/** A county hospital stay (普通住院, med_type 21) of 60,000 in three lines, discharged and settled. */
async function countyStay(psnNo: string): Promise<void> {
  const admission = await accepted(
    world,
    envelope('2401', {
      mdtrtinfo: {
        psn_no: psnNo,
        insutype: '390',
        begntime: '2026-06-01 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: await certnoOf(world, psnNo),
        med_type: '21',
        ipt_no: 'ZY001',
      },
      diseinfo: [{ diag_code: 'I63.9' }],
    }),
  );
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const lines = [
    { chrgitm_lv: '01', det_item_fee_sumamt: 50000, pric: 50000 },
    { chrgitm_lv: '02', det_item_fee_sumamt: 5000, pric: 5000, selfpay_prop: 0 },
    { chrgitm_lv: '03', det_item_fee_sumamt: 5000, pric: 5000 },
  ];
  const feedetail = lines.map((line, index) => ({
    feedetl_sn: `F${index + 1}`,
    mdtrt_id: mdtrtId,
    psn_no: psnNo,
    fee_ocur_time: '2026-06-02 09:00:00',
    med_list_codg: `X${index}`,
    cnt: 1,
    ...line,
  }));
  await accepted(world, envelope('2301', { feedetail }));
  await accepted(
    world,
    envelope('2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' },
      diseinfo: [],
    }),
  );
  const data = { psn_no: psnNo, mdtrt_id: mdtrtId, medfee_sumamt: 60000, insutype: '390', mid_setl_flag: '0' };
  await accepted(world, envelope('2304', { data }));
}

beforeAll(async () => {
  world = await createWorld('settlement_list_sums');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  // Beside the world's P001 (低保) and P002 (ordinary), both of 古井镇: P004, 低保 of 十八里镇 (another township of
  // 谯城区), and P005, an ordinary resident of 十八里镇 (for the reinstated settlement at the end).
  await insertPersons(world.pool, [
    {
      psnNo: 'P004',
      certno: idNumber('341602', '1958-02-02', '215'),
      name: '赵桂兰',
      admdvs: '341602',
      township: '十八里镇',
    },
    {
      psnNo: 'P005',
      certno: idNumber('341602', '1966-04-04', '337'),
      name: '孙志强',
      admdvs: '341602',
      township: '十八里镇',
    },
  ]);
  await world.pool.query(
    "insert into person_categories (psn_no, code, begin_date, source_dept) values ('P004', 'subsistence_allowance', '2025-03-01', '民政')",
  );
  await world.pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) values ('P004', 2026, '2026-01-01', '2026-12-31'), ('P005', 2026, '2026-01-01', '2026-12-31')",
  );
  for (const user of [
    { username: 'admin', display_name: '管理员', role: 'administrator', scope_admdvs: null },
    { username: 'clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' },
    { username: 'gujing', display_name: '古井镇经办', role: 'operator', scope_admdvs: '341602', township: '古井镇' },
    { username: 'guoyang', display_name: '涡阳经办', role: 'read_only', scope_admdvs: '341621' },
  ] as const) {
    as[user.username] = consoleApi(world, await signIn(world, user));
  }

  // 1. P001 (低保), county stay of 60,000: in scope 60,000 − 5,000 (class 03, all own pay) = 55,000.
  //    Basic (county inpatient: deductible 500, 80%): (55,000 − 500) × 80% = 43,600.00.
  //    Critical illness (deductible 12,000, 低保 tilt: half the deductible, +5 points): burden 55,000 − 43,600 =
  //    11,400; (11,400 − 6,000) × (60% + 5%) = 3,510.00.
  //    Assistance (低保: no deductible, 75%): (11,400 − 3,510) × 75% = 7,890 × 75% = 5,917.50.
  //    Funds 43,600 + 3,510 + 5,917.50 = 53,027.50; personal 60,000 − 53,027.50 = 6,972.50.
  await countyStay('P001');
  // 2. P002, ordinary outpatient at the township of 100 (no deductible, township 55%): basic 55.00; personal 45.00.
  await township('P002', 100);
  // 3. P002, chronic outpatient of 1,000 (门诊慢特病: no deductible, 60%): basic 600.00; personal 400.00 (critical
  //    illness only above 12,000 of burden; no assistance for an ordinary resident).
  await chronic('P002', 1000, '2026-06-15 08:00:00');
  // 4. P002, chronic outpatient of 500: basic 300.00, personal 200.00 — cancelled: a row of −500, −300, −200.
  await cancel('P002', await chronic('P002', 500, '2026-06-15 08:30:00'));
  // 5. P004 (低保), chronic outpatient of 1,000: basic 1,000 × 60% = 600.00; burden 400 below the tilted
  //    critical-illness deductible 6,000: 0; assistance 400 × 75% = 300.00; funds 900.00, personal 100.00.
  await chronic('P004', 1000, '2026-06-15 09:00:00');
});
afterAll(async () => {
  await world.close();
});

async function list(user: string, query = ''): Promise<any> {
  const answer = await as[user]!('GET', `/api/settlements${query}`);
  expect(answer.status).toBe(200);
  return answer.json;
}

const NOTHING = {
  medfee_sumamt: '0.00',
  hifp_pay: '0.00',
  hifmi_pay: '0.00',
  maf_pay: '0.00',
  fund_pay_sumamt: '0.00',
  psn_part_amt: '0.00',
};

describe('the sums and person-times of GET /api/settlements', () => {
  it('sums the whole list net of the cancellation, and counts each fund’s person-times', async () => {
    const answer = await list('admin');
    // Five settlements and one cancellation.
    expect(answer.total).toBe(6);
    expect(answer.items).toHaveLength(6);
    expect(answer.items.filter((item: { kind: string }) => item.kind === 'cancellation')).toHaveLength(1);
    expect(answer.sums).toEqual({
      // 60,000 + 100 + 1,000 + 500 − 500 + 1,000.
      medfee_sumamt: '62100.00',
      // 43,600 + 55 + 600 + 300 − 300 + 600.
      hifp_pay: '44855.00',
      // The stay's only.
      hifmi_pay: '3510.00',
      // 5,917.50 (the stay) + 300 (P004).
      maf_pay: '6217.50',
      // 53,027.50 + 55 + 600 + 300 − 300 + 900.
      fund_pay_sumamt: '54582.50',
      // 6,972.50 + 45 + 400 + 200 − 200 + 100; with the funds, 62,100.00.
      psn_part_amt: '7517.50',
    });
    expect(answer.person_times).toEqual({
      // Five settlements less one cancellation.
      settlements: 4,
      // Basic paid all five, less the cancelled one.
      hifp_pay: 4,
      // Critical illness paid the stay only.
      hifmi_pay: 1,
      // Assistance paid the stay and P004.
      maf_pay: 2,
    });
  });

  it('sums every matching record, not only the page', async () => {
    const whole = await list('admin');
    const page = await list('admin', '?size=2&page=2');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(6);
    expect(page.sums).toEqual(whole.sums);
    expect(page.person_times).toEqual(whole.person_times);
  });

  it('sums only the records a filter keeps: chronic outpatient (med_type 14)', async () => {
    const answer = await list('admin', '?med_type=14');
    // P002's 1,000, its 500 and that one's cancellation, P004's 1,000.
    expect(answer.total).toBe(4);
    expect(answer.sums).toEqual({
      // 1,000 + 500 − 500 + 1,000.
      medfee_sumamt: '2000.00',
      // 600 + 300 − 300 + 600.
      hifp_pay: '1200.00',
      hifmi_pay: '0.00',
      // P004's 300.
      maf_pay: '300.00',
      // 600 + 0 + 900.
      fund_pay_sumamt: '1500.00',
      // 400 + 0 + 100.
      psn_part_amt: '500.00',
    });
    expect(answer.person_times).toEqual({ settlements: 2, hifp_pay: 2, hifmi_pay: 0, maf_pay: 1 });
  });

  it('sums only the records a filter keeps: the township health centre, and the county hospital’s stays', async () => {
    const atTownship = await list('admin', `?fixmedins_code=${TOWNSHIP.code}`);
    expect(atTownship.total).toBe(1);
    expect(atTownship.sums).toEqual({
      ...NOTHING,
      medfee_sumamt: '100.00',
      hifp_pay: '55.00',
      fund_pay_sumamt: '55.00',
      psn_part_amt: '45.00',
    });
    expect(atTownship.person_times).toEqual({ settlements: 1, hifp_pay: 1, hifmi_pay: 0, maf_pay: 0 });

    const stays = await list('admin', `?fixmedins_code=${COUNTY.code}&med_type=21`);
    expect(stays.total).toBe(1);
    expect(stays.sums).toEqual({
      medfee_sumamt: '60000.00',
      hifp_pay: '43600.00',
      hifmi_pay: '3510.00',
      maf_pay: '5917.50',
      fund_pay_sumamt: '53027.50',
      psn_part_amt: '6972.50',
    });
    expect(stays.person_times).toEqual({ settlements: 1, hifp_pay: 1, hifmi_pay: 1, maf_pay: 1 });

    // The county hospital, every kind of visit: all but the township's 100.
    const county = await list('admin', `?fixmedins_code=${COUNTY.code}`);
    expect(county.total).toBe(5);
    // 62,100 − 100; 44,855 − 55.
    expect(county.sums).toMatchObject({ medfee_sumamt: '62000.00', hifp_pay: '44800.00', maf_pay: '6217.50' });
    expect(county.person_times).toEqual({ settlements: 3, hifp_pay: 3, hifmi_pay: 1, maf_pay: 2 });
  });

  it('sums within the user’s scope: the county all of it, a township its own persons, another county nothing', async () => {
    const admin = await list('admin');
    const clerk = await list('clerk');
    expect({ total: clerk.total, sums: clerk.sums, person_times: clerk.person_times }).toEqual({
      total: admin.total,
      sums: admin.sums,
      person_times: admin.person_times,
    });

    // 古井镇: P001 and P002, not P004 of 十八里镇.
    const gujing = await list('gujing');
    expect(gujing.total).toBe(5);
    expect(gujing.sums).toEqual({
      // 62,100 − 1,000.
      medfee_sumamt: '61100.00',
      // 44,855 − 600.
      hifp_pay: '44255.00',
      hifmi_pay: '3510.00',
      // 6,217.50 − 300.
      maf_pay: '5917.50',
      // 54,582.50 − 900.
      fund_pay_sumamt: '53682.50',
      // 7,517.50 − 100.
      psn_part_amt: '7417.50',
    });
    expect(gujing.person_times).toEqual({ settlements: 3, hifp_pay: 3, hifmi_pay: 1, maf_pay: 1 });

    const guoyang = await list('guoyang');
    expect(guoyang.total).toBe(0);
    expect(guoyang.items).toEqual([]);
    expect(guoyang.sums).toEqual(NOTHING);
    expect(guoyang.person_times).toEqual({ settlements: 0, hifp_pay: 0, hifmi_pay: 0, maf_pay: 0 });
    // Naming the other county's institution or region does not widen the scope.
    expect((await list('guoyang', `?fixmedins_code=${COUNTY.code}`)).sums).toEqual(NOTHING);
    expect((await list('guoyang', '?admdvs=341602')).total).toBe(0);
  });

  it('refuses a caller who is not signed in', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/api/settlements' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  // A 2601 reversal of a cancellation leaves two void records — the cancellation (negative) and the record reversing
  // it (kind 'cancellation', positive) — which must count for nothing: counting them would give 1 − 2 = −1
  // settlements and 1 − 1 = 0 basic person-times. Runs last: it adds P005's records to the world.
  it('counts a settlement whose cancellation was reversed (2601) once', async () => {
    // P005 (ordinary), chronic outpatient of 2,000: basic 2,000 × 60% = 1,200.00, personal 800.00; cancelled, and
    // the cancellation reversed: the settlement stands.
    const cancellation = await cancel('P005', await chronic('P005', 2000, '2026-06-15 09:30:00'));
    await accepted(world, envelope('2601', { data: { psn_no: 'P005', omsgid: cancellation, oinfno: '2208' } }));
    const answer = await list('admin', '?psn_no=P005');
    // The settlement, its cancellation, the reversal of the cancellation.
    expect(answer.total).toBe(3);
    // 2,000 − 2,000 + 2,000; 1,200 − 1,200 + 1,200.
    expect(answer.sums).toMatchObject({ medfee_sumamt: '2000.00', hifp_pay: '1200.00', psn_part_amt: '800.00' });
    expect(answer.person_times).toEqual({ settlements: 1, hifp_pay: 1, hifmi_pay: 0, maf_pay: 0 });
  });
});

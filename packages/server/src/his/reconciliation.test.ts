/**
 * 3201 对总账 and 3202 对明细账 on the real database: a county hospital's day of settlements (three outpatient
 * visits, one of them cancelled, and a stay) and a township clinic's visit, reconciled as a HIS would, with the
 * expected totals worked out by hand from Bozhou's policy.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { PolicyRegistry } from '../policies.js';
import {
  call,
  COUNTY,
  counts,
  createWorld,
  envelope,
  PEOPLE,
  registerVisit,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';

let world: World;
/** The same database behind an app whose clock the test sets: settlements on other China days. */
let late: World;
let lateApp: FastifyInstance;
let clock = new Date('2026-06-15T02:00:00Z');

type Institution = { code: string; secret: string };

interface Settled {
  setlId: string;
  msgid: string;
  mdtrtId: string;
}

const ordinary = PEOPLE.ordinary.psnNo;
const dibao = PEOPLE.dibao.psnNo;

// County, 2026-06-15 (China), all for the ordinary resident P002. Bozhou: ordinary outpatient at a county hospital
// 50%, no deductible (annual limit 400.00, never reached here); a county stay (3,000.00 − 500.00) × 80%.
let visitA: Settled; // by totals 100.00 → fund 50.00
let visitB: Settled; // two fee lines 30.00 + 50.50 = 80.50 → fund 40.25
let visitC: Settled; // by totals 60.00 → fund 30.00, then cancelled:
let cancelC: Settled; //   the cancellation −60.00 / −30.00
let stay: Settled; // 3,000.00 甲类 → fund 2,000.00
// Township, 2026-06-15, the 低保 resident P001: 40.00 at 55% → fund 22.00 (assistance does not cover ordinary
// outpatient care).
let township: Settled;
// County, on the edges of China days (both on 2026-06-13 in UTC): 20.00 → 10.00 at 23:30 on the 13th, 24.00 → 12.00
// at 00:30 on the 14th (China time).
let lateEvening: Settled;
let earlyMorning: Settled;

async function settleByTotals(
  target: World,
  psnNo: string,
  medfee: number,
  institution: Institution,
  options: { begntime?: string; number: string },
): Promise<Settled> {
  const mdtrtId = await registerVisit(target, psnNo, { institution, ...options });
  const body = envelope(
    '2207',
    {
      data: {
        psn_no: psnNo,
        mdtrt_id: mdtrtId,
        med_type: '11',
        insutype: '390',
        medfee_sumamt: medfee,
        fulamt_ownpay_amt: 0,
        overlmt_selfpay: 0,
        preselfpay_amt: 0,
      },
    },
    { institution: institution.code },
  );
  const answer = await call(target, body, institution);
  expect(answer.err_msg).toBe('');
  return { setlId: answer.output['setlinfo'].setl_id, msgid: String(body['msgid']), mdtrtId };
}

async function settleItemised(): Promise<Settled> {
  const mdtrtId = await registerVisit(world, ordinary, { number: 'MZB' });
  const line = (sn: string, amount: number) => ({
    feedetl_sn: sn,
    chrg_bchno: 'B1',
    mdtrt_id: mdtrtId,
    psn_no: ordinary,
    fee_ocur_time: '2026-06-15 08:30:00',
    med_list_codg: `X${sn}`,
    cnt: 1,
    pric: amount,
    det_item_fee_sumamt: amount,
  });
  expect((await call(world, envelope('2204', { feedetail: [line('1', 30), line('2', 50.5)] }))).err_msg).toBe('');
  const body = envelope('2207', {
    data: { psn_no: ordinary, mdtrt_id: mdtrtId, med_type: '11', insutype: '390', medfee_sumamt: 80.5 },
  });
  const answer = await call(world, body);
  expect(answer.err_msg).toBe('');
  return { setlId: answer.output['setlinfo'].setl_id, msgid: String(body['msgid']), mdtrtId };
}

async function settleStay(): Promise<Settled> {
  const admission = await call(
    world,
    envelope('2401', {
      mdtrtinfo: {
        psn_no: ordinary,
        insutype: '390',
        begntime: '2026-06-10 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE.ordinary.certno,
        med_type: '21',
        ipt_no: 'ZY1',
      },
      diseinfo: [],
    }),
  );
  expect(admission.err_msg).toBe('');
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const feedetail = [
    {
      feedetl_sn: 'Z1',
      mdtrt_id: mdtrtId,
      psn_no: ordinary,
      fee_ocur_time: '2026-06-11 09:00:00',
      med_list_codg: 'Z',
      cnt: 1,
      pric: 3000,
      det_item_fee_sumamt: 3000,
    },
  ];
  expect((await call(world, envelope('2301', { feedetail }))).err_msg).toBe('');
  const discharge = await call(
    world,
    envelope('2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: ordinary, insutype: '390', endtime: '2026-06-14 08:00:00' },
      diseinfo: [],
    }),
  );
  expect(discharge.err_msg).toBe('');
  const body = envelope('2304', {
    data: { psn_no: ordinary, mdtrt_id: mdtrtId, medfee_sumamt: 3000, insutype: '390', mid_setl_flag: '0' },
  });
  const answer = await call(world, body);
  expect(answer.err_msg).toBe('');
  expect(answer.output['setlinfo']).toMatchObject({ hifp_pay: 2000, fund_pay_sumamt: 2000 });
  return { setlId: answer.output['setlinfo'].setl_id, msgid: String(body['msgid']), mdtrtId };
}

beforeAll(async () => {
  world = await createWorld('reconcile');
  lateApp = await buildApp({
    pool: world.pool,
    policies: new PolicyRegistry(),
    // Room for a 3202 of more than 5,000 lines.
    bodyLimit: 2_000_000,
    logLevel: 'silent',
    clock: () => clock,
  });
  late = { ...world, app: lateApp };

  visitA = await settleByTotals(world, ordinary, 100, COUNTY, { number: 'MZA' });
  visitB = await settleItemised();
  visitC = await settleByTotals(world, ordinary, 60, COUNTY, { number: 'MZC' });
  const cancelBody = envelope('2208', {
    data: { psn_no: ordinary, mdtrt_id: visitC.mdtrtId, setl_id: visitC.setlId },
  });
  const cancelled = await call(world, cancelBody);
  expect(cancelled.output['setlinfo']).toMatchObject({ medfee_sumamt: -60, fund_pay_sumamt: -30 });
  cancelC = {
    setlId: cancelled.output['setlinfo'].setl_id,
    msgid: String(cancelBody['msgid']),
    mdtrtId: visitC.mdtrtId,
  };
  stay = await settleStay();
  township = await settleByTotals(world, dibao, 40, TOWNSHIP, { number: 'WS1' });

  clock = new Date('2026-06-13T15:30:00Z'); // 2026-06-13 23:30 in China
  lateEvening = await settleByTotals(late, ordinary, 20, COUNTY, { begntime: '2026-06-13 20:00:00', number: 'MZD' });
  clock = new Date('2026-06-13T16:30:00Z'); // 2026-06-14 00:30 in China
  earlyMorning = await settleByTotals(late, ordinary, 24, COUNTY, { begntime: '2026-06-13 20:00:00', number: 'MZE' });
  clock = new Date('2026-06-15T02:00:00Z');
});

afterAll(async () => {
  await lateApp.close();
  await world.close();
});

function totals(data: Record<string, unknown>, institution: Institution = COUNTY) {
  return call(world, envelope('3201', { data }, { institution: institution.code }), institution);
}

function detail(
  data: Record<string, unknown>,
  lines: unknown,
  institution: Institution = COUNTY,
  target: World = world,
) {
  return call(target, envelope('3202', { data, detail: lines }, { institution: institution.code }), institution);
}

const day = { insutype: '390', setl_optins: '341602', stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-15' };

/** The county's lines for 2026-06-15 as its HIS keeps them: the cancellation as a refund with positive amounts. */
function countyLines(): Record<string, unknown>[] {
  return [
    { setl_id: visitA.setlId, mdtrt_id: visitA.mdtrtId, psn_no: ordinary, medfee_sumamt: 100, fund_pay_sumamt: 50 },
    { setl_id: visitB.setlId, medfee_sumamt: 80.5, fund_pay_sumamt: 40.25, acct_pay: 0, refd_setl_flag: '0' },
    { setl_id: visitC.setlId, medfee_sumamt: 60, fund_pay_sumamt: 30, refd_setl_flag: '0' },
    { setl_id: cancelC.setlId, medfee_sumamt: 60, fund_pay_sumamt: 30, refd_setl_flag: '1' },
    { setl_id: stay.setlId, medfee_sumamt: 3000, fund_pay_sumamt: 2000 },
  ];
}

describe('3201 对总账', () => {
  it('balances when the hospital counts what was settled', async () => {
    // Outpatient (11): 100.00 + 80.50 + 60.00 − 60.00 = 180.50; fund 50.00 + 40.25 + 30.00 − 30.00 = 90.25; four
    // settlements counting the cancellation.
    const outpatient = await totals({
      ...day,
      clr_type: '11',
      medfee_sumamt: 180.5,
      fund_pay_sumamt: 90.25,
      acct_pay: 0,
      fixmedins_setl_cnt: 4,
    });
    expect(outpatient.err_msg).toBe('');
    expect(outpatient.output['stmtinfo']).toMatchObject({
      setl_optins: '341602',
      stmt_rslt: '0',
      medfee_sumamt: 180.5,
      fund_pay_sumamt: 90.25,
      acct_pay: 0,
      setl_cnt: 4,
    });
    expect(outpatient.output['stmtinfo'].stmt_rslt_dscr).toContain('平');
    // Inpatient (21): the stay alone.
    const inpatient = await totals({
      ...day,
      clr_type: '21',
      medfee_sumamt: 3000,
      fund_pay_sumamt: 2000,
      acct_pay: 0,
      fixmedins_setl_cnt: 1,
    });
    expect(inpatient.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', medfee_sumamt: 3000, setl_cnt: 1 });
    // Three days, every clearing type: 180.50 + 3,000.00 + 20.00 + 24.00 = 3,224.50; fund 90.25 + 2,000.00 + 10.00
    // + 12.00 = 2,112.25; seven settlements.
    const all = await totals({
      stmt_begndate: '2026-06-13',
      stmt_enddate: '2026-06-15',
      medfee_sumamt: 3224.5,
      fund_pay_sumamt: 2112.25,
      acct_pay: 0,
      fixmedins_setl_cnt: 7,
    });
    expect(all.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', setl_optins: '', setl_cnt: 7 });
  });

  it('is out of balance when a settlement is missing, and says by how much', async () => {
    // The HIS lost visit B: 180.50 − 80.50 = 100.00, 90.25 − 40.25 = 50.00, three settlements.
    const answer = await totals({
      ...day,
      clr_type: '11',
      medfee_sumamt: 100,
      fund_pay_sumamt: 50,
      acct_pay: 0,
      fixmedins_setl_cnt: 3,
    });
    expect(answer.output['stmtinfo'].stmt_rslt).toBe('1');
    const description: string = answer.output['stmtinfo'].stmt_rslt_dscr;
    expect(description).toContain('医疗费总额平台 180.50 元、医药机构 100.00 元');
    expect(description).toContain('基金支付总额平台 90.25 元、医药机构 50.00 元');
    expect(description).toContain('结算笔数平台 4 笔、医药机构 3 笔');
    expect(description).not.toContain('个人账户');
  });

  it('reconciles refunds alone (refd_setl_flag 1) with the sums sent positive or negative', async () => {
    for (const sign of [1, -1]) {
      const answer = await totals({
        ...day,
        clr_type: '11',
        refd_setl_flag: '1',
        medfee_sumamt: 60 * sign,
        fund_pay_sumamt: 30 * sign,
        acct_pay: 0,
        fixmedins_setl_cnt: 1,
      });
      expect(answer.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', medfee_sumamt: -60, setl_cnt: 1 });
    }
    // Settlements alone (flag 0): A, B, C and the stay, the cancelled C still counted.
    const settled = await totals({
      ...day,
      refd_setl_flag: '0',
      medfee_sumamt: 100 + 80.5 + 60 + 3000,
      fund_pay_sumamt: 50 + 40.25 + 30 + 2000,
      fixmedins_setl_cnt: 4,
    });
    expect(settled.output['stmtinfo'].stmt_rslt).toBe('0');
  });

  it('dates settlements by the China day, not the UTC one', async () => {
    // Both late settlements are on 2026-06-13 in UTC; in China one is on the 13th, the other on the 14th.
    const thirteenth = await totals({
      stmt_begndate: '2026-06-13',
      stmt_enddate: '2026-06-13',
      medfee_sumamt: 20,
      fund_pay_sumamt: 10,
      fixmedins_setl_cnt: 1,
    });
    expect(thirteenth.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', medfee_sumamt: 20 });
    const fourteenth = await totals({
      stmt_begndate: '2026-06-14',
      stmt_enddate: '2026-06-14',
      medfee_sumamt: 24,
      fund_pay_sumamt: 12,
      fixmedins_setl_cnt: 1,
    });
    expect(fourteenth.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', medfee_sumamt: 24 });
  });

  it("counts only the caller's settlements", async () => {
    // The township's one visit: 40.00, fund 22.00.
    const own = await totals(
      { ...day, clr_type: '11', medfee_sumamt: 40, fund_pay_sumamt: 22, acct_pay: 0, fixmedins_setl_cnt: 1 },
      TOWNSHIP,
    );
    expect(own.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', medfee_sumamt: 40, fund_pay_sumamt: 22 });
    // The township claiming the county's day is out of balance: the platform has only its own 40.00 for it.
    const claimed = await totals(
      { ...day, clr_type: '11', medfee_sumamt: 180.5, fund_pay_sumamt: 90.25, acct_pay: 0, fixmedins_setl_cnt: 4 },
      TOWNSHIP,
    );
    expect(claimed.output['stmtinfo']).toMatchObject({ stmt_rslt: '1', medfee_sumamt: 40, setl_cnt: 1 });
  });

  it('reads the forms clients write: numeric text, integers for codes, ISO dates, data as a JSON string', async () => {
    const answer = await totals({
      insutype: 390,
      clr_type: 11,
      setl_optins: 341602,
      // 2026-06-14 16:00 UTC is midnight on the 15th in China.
      stmt_begndate: '2026-06-14T16:00:00Z',
      stmt_enddate: '2026/6/15 23:59:59',
      medfee_sumamt: ' 180.50 ',
      fund_pay_sumamt: '90.250000',
      acct_pay: '0.00',
      fixmedins_setl_cnt: '4',
    });
    expect(answer.err_msg).toBe('');
    expect(answer.output['stmtinfo'].stmt_rslt).toBe('0');
    const asString = await call(
      world,
      envelope('3201', {
        data: JSON.stringify({
          ...day,
          clr_type: '21',
          medfee_sumamt: 3000,
          fund_pay_sumamt: 2000,
          fixmedins_setl_cnt: 1,
        }),
      }),
    );
    expect(asString.output['stmtinfo'].stmt_rslt).toBe('0');
    // A city's code covers its districts' insured.
    const city = await totals({
      ...day,
      setl_optins: '341600',
      clr_type: '21',
      medfee_sumamt: 3000,
      fund_pay_sumamt: 2000,
      fixmedins_setl_cnt: 1,
    });
    expect(city.output['stmtinfo']).toMatchObject({ stmt_rslt: '0', setl_optins: '341600' });
  });
});

describe('3202 对明细账', () => {
  it('finds nothing to report when every line agrees, matching a line by its msgid when it has no setl_id', async () => {
    const lines = countyLines();
    // The HIS never got visit A's setl_id: it names A by the msgid it sent (medins_setl_id).
    lines[0] = { medins_setl_id: visitA.msgid, medfee_sumamt: '100.00', fund_pay_sumamt: '50' };
    const answer = await detail({ ...day, fixmedins_setl_cnt: 5 }, lines);
    expect(answer.err_msg).toBe('');
    expect(answer.output['result']).toEqual([]);
    // 180.50 + 3,000.00 = 3,180.50; 90.25 + 2,000.00 = 2,090.25; five settlements.
    expect(answer.output['stmtinfo']).toMatchObject({
      stmt_rslt: '0',
      medfee_sumamt: 3180.5,
      fund_pay_sumamt: 2090.25,
      setl_cnt: 5,
    });
    // The cancellation may also come with negative amounts and no flag.
    const negative = countyLines();
    negative[3] = { setl_id: cancelC.setlId, medfee_sumamt: -60, fund_pay_sumamt: -30 };
    expect((await detail(day, negative)).output['result']).toEqual([]);
  });

  it('names the settlement the hospital is missing', async () => {
    const lines = countyLines().filter((line) => line['setl_id'] !== visitB.setlId);
    const answer = await detail(day, lines);
    expect(answer.output['stmtinfo'].stmt_rslt).toBe('1');
    expect(answer.output['result']).toEqual([
      {
        setl_id: visitB.setlId,
        msgid: visitB.msgid,
        mdtrt_id: visitB.mdtrtId,
        psn_no: ordinary,
        setl_time: '2026-06-15 10:00:00',
        refd_setl_flag: '0',
        stmt_rslt: '1',
        stmt_rslt_dscr: '平台有、医药机构无',
        memo: expect.stringContaining(visitB.setlId),
        medfee_sumamt: 80.5,
        fund_pay_sumamt: 40.25,
        acct_pay: 0,
        fixmedins_medfee_sumamt: 0,
        fixmedins_fund_pay_sumamt: 0,
        fixmedins_acct_pay: 0,
      },
    ]);
  });

  it('names a line whose amount differs by 0.01', async () => {
    const lines = countyLines();
    lines[4] = { ...lines[4], fund_pay_sumamt: 2000.01 };
    const answer = await detail(day, lines);
    expect(answer.output['result']).toHaveLength(1);
    expect(answer.output['result'][0]).toMatchObject({
      setl_id: stay.setlId,
      stmt_rslt: '3',
      medfee_sumamt: 3000,
      fixmedins_medfee_sumamt: 3000,
      fund_pay_sumamt: 2000,
      fixmedins_fund_pay_sumamt: 2000.01,
    });
    expect(answer.output['result'][0].memo).toBe('基金支付总额平台 2000.00 元、医药机构 2000.01 元');
  });

  it('names lines the platform does not have, and says when it has them outside the period', async () => {
    const lines = [
      ...countyLines(),
      { setl_id: 'ST209901010000000001', medfee_sumamt: 5, fund_pay_sumamt: 2.5 },
      { setl_id: lateEvening.setlId, medfee_sumamt: 20, fund_pay_sumamt: 10 },
    ];
    const answer = await detail(day, lines);
    const rows = answer.output['result'];
    expect(rows.map((row: { setl_id: string; stmt_rslt: string }) => [row.setl_id, row.stmt_rslt])).toEqual([
      ['ST209901010000000001', '2'],
      [lateEvening.setlId, '2'],
    ]);
    expect(rows[0]).toMatchObject({ medfee_sumamt: 0, fixmedins_medfee_sumamt: 5, fixmedins_fund_pay_sumamt: 2.5 });
    expect(rows[0].memo).toBe('input.detail[5]：平台没有本机构的该笔结算');
    expect(rows[1].memo).toContain('不在本次对账范围内');
    expect(rows[1].memo).toContain('2026-06-13 23:30:00');
  });

  it("never counts or shows another institution's settlements", async () => {
    // An empty list for the three days: every county settlement is named, none of the township's.
    const answer = await detail({ stmt_begndate: '2026-06-13', stmt_enddate: '2026-06-15' }, []);
    const named = answer.output['result'].map((row: { setl_id: string }) => row.setl_id).sort();
    expect(named).toEqual(
      [visitA, visitB, visitC, cancelC, stay, lateEvening, earlyMorning].map((settled) => settled.setlId).sort(),
    );
    // The county naming the township's settlement learns nothing of it.
    const probe = await detail(day, [
      ...countyLines(),
      { setl_id: township.setlId, medfee_sumamt: 40, fund_pay_sumamt: 22 },
    ]);
    expect(probe.output['result']).toEqual([
      expect.objectContaining({
        setl_id: township.setlId,
        stmt_rslt: '2',
        medfee_sumamt: 0,
        fund_pay_sumamt: 0,
        setl_time: '',
        memo: 'input.detail[5]：平台没有本机构的该笔结算',
      }),
    ]);
    // The township's own reconciliation holds its one visit.
    const own = await detail(day, [{ setl_id: township.setlId, medfee_sumamt: 40, fund_pay_sumamt: 22 }], TOWNSHIP);
    expect(own.output).toMatchObject({ stmtinfo: { stmt_rslt: '0', medfee_sumamt: 40, setl_cnt: 1 }, result: [] });
  });

  it('takes a one-line list sent as a single object', async () => {
    const answer = await detail(
      { stmt_begndate: '2026-06-14', stmt_enddate: '2026-06-14' },
      { setl_id: earlyMorning.setlId, medfee_sumamt: '24.00', fund_pay_sumamt: 12 },
    );
    expect(answer.output).toMatchObject({ stmtinfo: { stmt_rslt: '0' }, result: [] });
  });
});

describe('refusals write nothing', () => {
  async function refused(
    infno: '3201' | '3202',
    input: Record<string, unknown>,
    code: string,
    message: string | RegExp,
    target: World = world,
  ): Promise<void> {
    const before = await counts(world.pool);
    const answer = await call(target, envelope(infno, input));
    expect(answer).toMatchObject({ infcode: -1, err_code: code });
    expect(answer.err_msg).toMatch(message);
    expect(await counts(world.pool)).toEqual(before);
  }
  const sums = { medfee_sumamt: 0, fund_pay_sumamt: 0, fixmedins_setl_cnt: 0 };

  it('refuses periods that are reversed, too long, in the future or not dates at all', async () => {
    await refused(
      '3201',
      { data: { ...sums, stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-14' } },
      'DATE_ORDER',
      '对账结束日期 2026-06-14 早于开始日期 2026-06-15',
    );
    // 2026-05-01 to 2026-06-01 is 32 days.
    await refused(
      '3201',
      { data: { ...sums, stmt_begndate: '2026-05-01', stmt_enddate: '2026-06-01' } },
      'DATE_ORDER',
      '共 32 天，一次最多对账 31 天',
    );
    await refused(
      '3202',
      { data: { stmt_begndate: '2026-05-01', stmt_enddate: '2026-06-01' }, detail: [] },
      'DATE_ORDER',
      '共 32 天',
    );
    await refused(
      '3201',
      { data: { ...sums, stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-17' } },
      'DATE_ORDER',
      '晚于当前时间',
    );
    await refused(
      '3201',
      { data: { ...sums, stmt_begndate: '2026-02-30', stmt_enddate: '2026-03-01' } },
      'DATE_INVALID',
      'input.data.stmt_begndate',
    );
    await refused(
      '3201',
      { data: { ...sums, stmt_begndate: 'yesterday', stmt_enddate: '2026-06-15' } },
      'SCHEMA',
      'input.data.stmt_begndate',
    );
    await refused('3201', { data: { ...sums, stmt_enddate: '2026-06-15' } }, 'SCHEMA', 'stmt_begndate：缺少必填项');
  });

  it('refuses unknown codes and malformed amounts', async () => {
    const period = { stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-15' };
    await refused('3201', { data: { ...sums, ...period, clr_type: '31' } }, 'CODE_UNKNOWN', '清算类别应为 11 门诊');
    await refused('3201', { data: { ...sums, ...period, setl_optins: '999999' } }, 'REGION_UNKNOWN', '999999');
    await refused(
      '3201',
      { data: { ...sums, ...period, medfee_sumamt: '12.345' } },
      'AMOUNT_DECIMALS',
      'medfee_sumamt',
    );
    await refused('3201', { data: { ...sums, ...period, fixmedins_setl_cnt: 2.5 } }, 'SCHEMA', 'fixmedins_setl_cnt');
  });

  it('refuses a detail list that is missing, inconsistent, repeated or too long', async () => {
    const data = { ...day };
    await refused('3202', { data }, 'SCHEMA', '缺少 input.detail');
    await refused('3202', { data: { ...data, file_qury_no: 'F0001' } }, 'SCHEMA', '不接收对账明细文件');
    await refused(
      '3202',
      { data: { ...data, fixmedins_setl_cnt: 6 }, detail: countyLines() },
      'SCHEMA',
      '结算笔数 6 与 input.detail 的 5 行不一致',
    );
    await refused(
      '3202',
      { data, detail: [...countyLines(), countyLines()[1]] },
      'DUPLICATE',
      'input.detail[5]：与 input.detail[1] 是同一笔结算',
    );
    // A: once by setl_id, once by its msgid.
    await refused(
      '3202',
      { data, detail: [...countyLines(), { medins_setl_id: visitA.msgid, medfee_sumamt: 100, fund_pay_sumamt: 50 }] },
      'DUPLICATE',
      'input.detail[5]：与 input.detail[0]',
    );
    await refused(
      '3202',
      { data, detail: [{ mdtrt_id: visitA.mdtrtId, medfee_sumamt: 100, fund_pay_sumamt: 50 }] },
      'SCHEMA',
      'input.detail[0].setl_id：缺少结算ID',
    );
    const tooMany = Array.from({ length: 5001 }, (_, index) => ({
      setl_id: `S${index}`,
      medfee_sumamt: 1,
      fund_pay_sumamt: 0,
    }));
    await refused('3202', { data, detail: tooMany }, 'SCHEMA', '最多 5000 项', late);
  });
});

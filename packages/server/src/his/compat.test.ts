/**
 * Edges of the tolerant HIS interface, one at a time, on a real PostgreSQL: the field readers (types, numbers, codes,
 * empty optional fields, date-times), readInput's dialects, refund lines, placeholder split totals, 2403, 2303 before
 * the discharge, 5203, 2601 of a settlement and of a cancellation, 9002.
 *
 * One world (Bozhou; the county hospital unless said; the ordinary resident P002; the clock at 2026-06-15 10:00 China
 * time). Every amount is computed by hand from the policy in the comment beside it:
 * - county ordinary outpatient: 50% of the in-scope amount, no deductible, at most 400 yuan of fund a year. The
 *   outpatient settlements left standing by this file pay far less than 400 together (a tally closes each test that
 *   leaves one standing), so no amount below meets the limit;
 * - county stay: deductible 500 per admission, 80% above it; no stay here reaches the critical-illness deductible.
 * Every refusal is checked for infcode -1, its err_code, an err_msg naming the field, what was expected and what was
 * received, and for having written nothing (counts of every business table unchanged, the message log included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUNTY,
  counts,
  createWorld,
  envelope,
  PEOPLE,
  registerVisit,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';
import {
  accepted as acceptedBy,
  refused as refusedBy,
  type Body,
  type Institution,
  type Reply,
} from '../test-support/his-calls.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('compat');
});
afterAll(async () => {
  await world.close();
});

const P002 = PEOPLE.ordinary.psnNo;
const TODAY = '2026-06-15';

const accepted = (body: Body, institution?: Institution): Promise<Reply> => acceptedBy(world, body, institution);
const refused = (
  body: Body,
  code: string,
  fragments: (string | RegExp)[],
  institution?: Institution,
): Promise<string> => refusedBy(world, body, code, fragments, institution);

function msgidOf(message: Record<string, unknown>): string {
  return String(message['msgid']);
}

function without(fields: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...fields };
  delete copy[key];
  return copy;
}

// ---- Visits, stays and lines

let serial = 0;
/** A fee line of P002: 甲类 (no chrgitm_lv: the default) 1 × 10.00 in batch B1, unless told otherwise. */
function line(mdtrtId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    feedetl_sn: `L${serial}`,
    mdtrt_id: mdtrtId,
    psn_no: P002,
    chrg_bchno: 'B1',
    fee_ocur_time: '2026-06-15 09:00:00',
    med_list_codg: `M${serial}`,
    cnt: 1,
    pric: 10,
    det_item_fee_sumamt: 10,
    ...fields,
  };
}

/** A refund line: cnt and amount negative, naming the line it returns. */
function refund(
  mdtrtId: string,
  sn: string,
  original: string,
  codg: string,
  cnt: number,
  pric: number,
  amount: number,
): Record<string, unknown> {
  return line(mdtrtId, {
    feedetl_sn: sn,
    init_feedetl_sn: original,
    med_list_codg: codg,
    cnt,
    pric,
    det_item_fee_sumamt: amount,
  });
}

async function upload(infno: '2204' | '2301', lines: unknown): Promise<Record<string, unknown>[]> {
  const reply = await accepted(envelope(infno, { feedetail: lines }));
  return reply.output['result'] as Record<string, unknown>[];
}

async function admit(begntime = '2026-06-10 08:00:00'): Promise<string> {
  const reply = await accepted(
    envelope('2401', {
      mdtrtinfo: {
        psn_no: P002,
        insutype: '390',
        begntime,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE.ordinary.certno,
        med_type: '21',
        ipt_no: 'ZY1',
      },
      diseinfo: [{ diag_code: 'I10' }],
    }),
  );
  return reply.output['result'].mdtrt_id as string;
}

async function discharge(mdtrtId: string, endtime = '2026-06-14 10:00:00'): Promise<void> {
  await accepted(
    envelope('2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: P002, insutype: '390', endtime },
      diseinfo: [],
    }),
  );
}

async function settleVisit(
  mdtrtId: string,
  medfee: unknown,
  extra: Record<string, unknown> = {},
): Promise<{ reply: Reply; msgid: string; setlId: string }> {
  const message = envelope('2207', {
    data: { psn_no: P002, mdtrt_id: mdtrtId, med_type: '11', medfee_sumamt: medfee, ...extra },
  });
  const reply = await accepted(message);
  return { reply, msgid: msgidOf(message), setlId: reply.output['setlinfo'].setl_id as string };
}

async function cancelVisit(mdtrtId: string, setlId: string): Promise<{ msgid: string; cancelId: string }> {
  const message = envelope('2208', { data: { psn_no: P002, mdtrt_id: mdtrtId, setl_id: setlId } });
  const reply = await accepted(message);
  return { msgid: msgidOf(message), cancelId: reply.output['setlinfo'].setl_id as string };
}

/** A county visit of P002 with one 甲类 line of 10.00 in batch B1, settled: fund 10.00 × 50% = 5.00. */
async function settledVisit(): Promise<{ visit: string; sn: string; msgid: string; setlId: string; reply: Reply }> {
  const visit = await registerVisit(world, P002);
  const fee = line(visit);
  await upload('2204', [fee]);
  const settled = await settleVisit(visit, 10);
  expect(settled.reply.output['setlinfo']).toMatchObject({ medfee_sumamt: 10, hifp_pay: 5, psn_part_amt: 5 });
  return { visit, sn: String(fee['feedetl_sn']), ...settled };
}

// ---- Rows

interface LineRow {
  feedetl_sn: string;
  init_feedetl_sn: string | null;
  status: string;
  setl_id: string | null;
  released_by: string | null;
  det_item_fee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_amt: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
}

async function lineRows(mdtrtId: string): Promise<LineRow[]> {
  const { rows } = await world.pool.query<LineRow>(
    `select feedetl_sn, init_feedetl_sn, status, setl_id, released_by, det_item_fee_sumamt, fulamt_ownpay_amt, overlmt_amt,
            preselfpay_amt, inscp_scp_amt
       from fee_lines where psn_no = $1 and mdtrt_id = $2 order by line_seq`,
    [P002, mdtrtId],
  );
  return rows;
}

async function personYear(): Promise<Record<string, unknown>> {
  const { rows } = await world.pool.query<Record<string, unknown>>(
    "select fund_paid, personal_burden, in_scope_burden, settlements, ytd from person_years where psn_no = 'P002' and year = 2026",
  );
  return rows[0] ?? {};
}

interface EncounterRow {
  begntime: string;
  endtime: string | null;
  ipt_otp_no: string | null;
  dise_codg: string[];
  med_type: string;
  status: string;
}

async function encounterRow(mdtrtId: string): Promise<EncounterRow | undefined> {
  const { rows } = await world.pool.query<EncounterRow>(
    `select to_char(begntime at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as begntime,
            to_char(endtime at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as endtime,
            ipt_otp_no, dise_codg, med_type, status
       from encounters where psn_no = $1 and mdtrt_id = $2`,
    [P002, mdtrtId],
  );
  return rows[0];
}

// =====================================================================================================================

describe('1. types', () => {
  it('a code field of the wrong type says 类型错误 with what was received, never 缺少必填项', async () => {
    const visit = await registerVisit(world, P002);
    const message = await refused(envelope('2204', { feedetail: [line(visit, { psn_no: {} })] }), 'SCHEMA', [
      'input.feedetail[0].psn_no',
      '类型错误',
      '应为文本或整数编码',
      '收到 {}',
    ]);
    expect(message).not.toContain('缺少必填项');
    // A date-time sent as a number (a yyyyMMdd integer) is a wrong type too.
    await refused(envelope('2204', { feedetail: [line(visit, { fee_ocur_time: 20260615 })] }), 'SCHEMA', [
      'input.feedetail[0].fee_ocur_time',
      '类型错误',
      'yyyy-MM-dd HH:mm:ss',
      '收到 20260615',
    ]);
  });

  it.each([
    ['cnt', true, '收到 true'],
    ['det_item_fee_sumamt', {}, '收到 {}'],
    ['pric', [10], '收到 [10]'],
  ])('a number field (%s) of the wrong type says 类型错误 with what was received', async (field, value, shown) => {
    const visit = await registerVisit(world, P002);
    const message = await refused(envelope('2204', { feedetail: [line(visit, { [field]: value })] }), 'AMOUNT_FORMAT', [
      `input.feedetail[0].${field}`,
      '应为数字',
      shown,
      '类型错误',
    ]);
    expect(message).not.toContain('缺少必填项');
  });

  it('a missing required field says 缺少必填项', async () => {
    const visit = await registerVisit(world, P002);
    for (const field of ['med_list_codg', 'fee_ocur_time', 'det_item_fee_sumamt', 'cnt', 'pric'])
      await refused(envelope('2204', { feedetail: [without(line(visit), field)] }), 'SCHEMA', [
        `input.feedetail[0].${field}`,
        '缺少必填项',
      ]);
    await refused(envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11' } }), 'SCHEMA', [
      'input.data.medfee_sumamt',
      '缺少必填项',
    ]);
  });
});

describe('2. numbers', () => {
  it('accepts numeric text with spaces and trailing zeros, six-decimal prices, four-decimal counts, float noise', async () => {
    const visit = await registerVisit(world, P002);
    const result = await upload('2204', [
      // " 12.500000 " is 12.50; 1 × 12.5 = 12.50.
      line(visit, { det_item_fee_sumamt: ' 12.500000 ', pric: '12.500000', cnt: ' 1.0000 ' }),
      // 1 × 1.234567 = 1.234567 → 1.23.
      line(visit, { pric: 1.234567, det_item_fee_sumamt: 1.23 }),
      // 0.1234 × 100 = 12.34.
      line(visit, { cnt: 0.1234, pric: 100, det_item_fee_sumamt: 12.34 }),
      // 3 × 0.1 = 0.30, sent as a sum a client computed: 0.1 + 0.2 = 0.30000000000000004.
      line(visit, { cnt: 3, pric: 0.1, det_item_fee_sumamt: 0.1 + 0.2 }),
      // 3 × 3.3333 = 9.9999 → 10.00: sent as 10.00 and as 9.99 (a fen off), both within a fen.
      line(visit, { cnt: 3, pric: 3.3333, det_item_fee_sumamt: 10.0 }),
      line(visit, { cnt: 3, pric: '3.3333', det_item_fee_sumamt: '9.99' }),
    ]);
    expect(result.map((row) => [row['det_item_fee_sumamt'], row['cnt'], row['pric']])).toEqual([
      [12.5, 1, 12.5],
      [1.23, 1, 1.234567],
      [12.34, 0.1234, 100],
      [0.3, 3, 0.1],
      [10, 3, 3.3333],
      [9.99, 3, 3.3333],
    ]);
    expect((await lineRows(visit)).map((row) => row.det_item_fee_sumamt)).toEqual([1250, 123, 1234, 30, 1000, 999]);
  });

  it('refuses an amount with three decimals, a price with seven, a count with five, and a count of 0', async () => {
    const visit = await registerVisit(world, P002);
    const refuse = (fields: Record<string, unknown>, code: string, fragments: string[]) =>
      refused(envelope('2204', { feedetail: [line(visit, fields)] }), code, fragments);
    await refuse({ pric: 12.345, det_item_fee_sumamt: 12.345 }, 'AMOUNT_DECIMALS', [
      'input.feedetail[0].det_item_fee_sumamt',
      '两位小数',
      '收到 12.345',
    ]);
    await refuse({ pric: '1.2345678', det_item_fee_sumamt: 1.23 }, 'AMOUNT_DECIMALS', [
      'input.feedetail[0].pric',
      '六位小数',
      '收到 "1.2345678"',
    ]);
    await refuse({ cnt: 0.12345, pric: 100, det_item_fee_sumamt: 12.35 }, 'AMOUNT_DECIMALS', [
      'input.feedetail[0].cnt',
      '四位小数',
      '收到 0.12345',
    ]);
    await refuse({ cnt: 0 }, 'AMOUNT_FORMAT', ['input.feedetail[0].cnt', '不能为 0', '收到 0']);
    await refuse({ cnt: '0.0000' }, 'AMOUNT_FORMAT', ['input.feedetail[0].cnt', '不能为 0', '收到 "0.0000"']);
  });

  it('refuses a line amount more than a fen from cnt × pric', async () => {
    const visit = await registerVisit(world, P002);
    // 3 × 3.3333 = 9.9999 → 10.00: 10.02 and 9.98 are two fen off.
    for (const amount of [10.02, 9.98])
      await refused(
        envelope('2204', { feedetail: [line(visit, { cnt: 3, pric: 3.3333, det_item_fee_sumamt: amount })] }),
        'AMOUNT_INCONSISTENT',
        ['input.feedetail[0]', '3.0000', '3.3333', '10.00', amount.toFixed(2), '1 分'],
      );
  });

  it('accepts a unit price of 16384.10 sent as a JSON number', async () => {
    // An implant at 16,384.10 yuan, as C# and JavaScript clients write it: 1 × 16384.1 = 16384.10.
    const stay = await admit();
    const [implant] = await upload('2301', [line(stay, { pric: 16384.1, det_item_fee_sumamt: 16384.1 })]);
    expect(implant).toMatchObject({ pric: 16384.1, det_item_fee_sumamt: 16384.1, inscp_scp_amt: 16384.1 });
  });
});

describe('3. codes', () => {
  it('takes integers for codes: feedetl_sn 7 → "7", chrgitm_lv 2 → "02", 3 → "03"', async () => {
    const visit = await registerVisit(world, P002);
    const [seven, self] = await upload('2204', [
      // 乙类 10.00 with 10% pre-self-pay: 1.00 pre-self-paid, 9.00 in scope.
      line(visit, { feedetl_sn: 7, chrgitm_lv: 2, selfpay_prop: 0.1 }),
      // 丙类 10.00: all self-paid.
      line(visit, { feedetl_sn: 8, chrgitm_lv: 3 }),
    ]);
    expect(seven).toMatchObject({ feedetl_sn: '7', chrgitm_lv: '02', preselfpay_amt: 1, inscp_scp_amt: 9 });
    expect(self).toMatchObject({ feedetl_sn: '8', chrgitm_lv: '03', fulamt_ownpay_amt: 10, inscp_scp_amt: 0 });
    const { rows } = await world.pool.query(
      'select feedetl_sn, chrgitm_lv from fee_lines where psn_no = $1 and mdtrt_id = $2 order by feedetl_sn',
      [P002, visit],
    );
    expect(rows).toEqual([
      { feedetl_sn: '7', chrgitm_lv: '02' },
      { feedetl_sn: '8', chrgitm_lv: '03' },
    ]);
  });

  it('refuses a negative or fractional number for a code', async () => {
    const visit = await registerVisit(world, P002);
    for (const [field, value, shown] of [
      ['feedetl_sn', -7, '收到 -7'],
      ['feedetl_sn', 7.5, '收到 7.5'],
      ['chrgitm_lv', 2.5, '收到 2.5'],
    ] as const)
      await refused(envelope('2204', { feedetail: [line(visit, { [field]: value })] }), 'SCHEMA', [
        `input.feedetail[0].${field}`,
        '应为文本或整数编码',
        shown,
      ]);
  });
});

describe('4. empty optional fields and null required fields', () => {
  it('takes null and "" for optional fields as absent', async () => {
    const visit = await registerVisit(world, P002);
    const [plain, graded] = await upload('2204', [
      // "" for the hospital's own code, the refund link and the price cap: an ordinary 甲类 line without a cap.
      line(visit, { feedetl_sn: 'E1', medins_list_codg: '', init_feedetl_sn: '', pric_uplmt_amt: '' }),
      // null selfpay_prop on a 乙类 line: no pre-self-pay; 10.00 in scope.
      line(visit, { feedetl_sn: 'E2', chrgitm_lv: '02', selfpay_prop: null, medins_list_codg: null }),
    ]);
    expect(plain).toMatchObject({ feedetl_sn: 'E1', pric_uplmt_amt: 0, lmt_used_flag: '0', inscp_scp_amt: 10 });
    expect(plain).not.toHaveProperty('init_feedetl_sn');
    expect(graded).toMatchObject({ feedetl_sn: 'E2', selfpay_prop: 0, preselfpay_amt: 0, inscp_scp_amt: 10 });
    const { rows } = await world.pool.query(
      'select feedetl_sn, medins_list_codg, init_feedetl_sn, pric_uplmt_amt from fee_lines where psn_no = $1 and mdtrt_id = $2 order by feedetl_sn',
      [P002, visit],
    );
    expect(rows).toEqual([
      { feedetl_sn: 'E1', medins_list_codg: null, init_feedetl_sn: null, pric_uplmt_amt: null },
      { feedetl_sn: 'E2', medins_list_codg: null, init_feedetl_sn: null, pric_uplmt_amt: null },
    ]);
  });

  it('cancels a stay with exp_content: null (2305)', async () => {
    // 甲类 1,000.00 at the county: (1,000 − 500) × 80% = 400.00.
    const stay = await admit();
    await upload('2301', [line(stay, { pric: 1000, det_item_fee_sumamt: 1000 })]);
    await discharge(stay);
    const settled = await accepted(envelope('2304', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 1000 } }));
    expect(settled.output['setlinfo']).toMatchObject({ act_pay_dedc: 500, hifp_pay: 400, psn_part_amt: 600 });
    const setlId = settled.output['setlinfo'].setl_id as string;
    const cancelled = await accepted(
      envelope('2305', { data: { psn_no: P002, mdtrt_id: stay, setl_id: setlId, exp_content: null } }),
    );
    expect(cancelled.output['setlinfo']).toMatchObject({ reversed_setl_id: setlId, hifp_pay: -400 });
    expect((await encounterRow(stay))?.status).toBe('discharged');
  });

  it('refuses a required code, text or time sent as null as missing', async () => {
    const visit = await registerVisit(world, P002);
    for (const field of ['psn_no', 'feedetl_sn', 'med_list_codg', 'fee_ocur_time'])
      await refused(envelope('2204', { feedetail: [line(visit, { [field]: null })] }), 'SCHEMA', [
        `input.feedetail[0].${field}`,
        '缺少必填项',
        '收到 null',
      ]);
  });

  it('refuses a required amount, price or count sent as null as missing', async () => {
    const visit = await registerVisit(world, P002);
    for (const field of ['det_item_fee_sumamt', 'pric', 'cnt'])
      await refused(envelope('2204', { feedetail: [line(visit, { [field]: null })] }), 'SCHEMA', [
        `input.feedetail[0].${field}`,
        '缺少必填项',
      ]);
    await refused(
      envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: null } }),
      'SCHEMA',
      ['input.data.medfee_sumamt', '缺少必填项'],
    );
  });
});

describe('5. date-times', () => {
  it('reads ISO, fractions of a second, Z, offsets and slashes as China time', async () => {
    for (const begntime of [
      '2026-06-15T08:50:00',
      '2026-06-15T08:50:00.1234567',
      '2026-06-15T00:50:00Z',
      '2026-06-15T00:50:00.000Z',
      '2026-06-15T08:50:00+08:00',
      // 19:50 at UTC−5 on the 14th is 00:50 UTC on the 15th, 08:50 in China.
      '2026-06-14T19:50:00-05:00',
      '2026/6/15 8:50:00',
    ]) {
      const visit = await registerVisit(world, P002, { begntime });
      expect((await encounterRow(visit))?.begntime, begntime).toBe('2026-06-15 08:50:00');
    }
  });

  it('takes Z as UTC: the fee times of a visit opened at 2026-06-15T00:50:00Z', async () => {
    // Opened 08:50 China time: fees may be from 08:50 on the 8th (a week before) to 11:00 on the 15th (now + 1 h).
    const visit = await registerVisit(world, P002, { begntime: '2026-06-15T00:50:00Z' });
    // 01:00 UTC on the 15th = 09:00 China time: accepted.
    const morning = line(visit, { fee_ocur_time: '2026-06-15T01:00:00Z' });
    // 01:00 UTC on the 8th = 09:00 China time on the 8th, ten minutes inside the week before the visit: accepted.
    const test = line(visit, { fee_ocur_time: '2026-06-08T01:00:00Z' });
    await upload('2204', [morning, test]);
    const { rows } = await world.pool.query(
      `select feedetl_sn, to_char(fee_ocur_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as at
         from fee_lines where psn_no = $1 and mdtrt_id = $2 order by line_seq`,
      [P002, visit],
    );
    expect(rows).toEqual([
      { feedetl_sn: morning['feedetl_sn'], at: '2026-06-15 09:00:00' },
      { feedetl_sn: test['feedetl_sn'], at: '2026-06-08 09:00:00' },
    ]);
    // 01:00 UTC on the 16th = 09:00 China time tomorrow; 10:30 UTC today = 18:30 China time: both in the future.
    for (const [time, china] of [
      ['2026-06-16T01:00:00Z', '2026-06-16 09:00:00'],
      ['2026-06-15T10:30:00Z', '2026-06-15 18:30:00'],
    ] as const)
      await refused(envelope('2204', { feedetail: [line(visit, { fee_ocur_time: time })] }), 'DATE_ORDER', [
        'input.feedetail[0].fee_ocur_time',
        china,
        '晚于当前时间',
      ]);
    // 00:40 UTC on the 8th = 08:40 China time: ten minutes before the week before the visit (08:50 on the 8th).
    await refused(
      envelope('2204', { feedetail: [line(visit, { fee_ocur_time: '2026-06-08T00:40:00Z' })] }),
      'DATE_ORDER',
      ['input.feedetail[0].fee_ocur_time', '2026-06-08 08:40:00', '早于 2026-06-08'],
    );
  });

  it('refuses an hour 25 and a day that does not exist (DATE_INVALID) and a day-first date (SCHEMA)', async () => {
    const data = (begntime: string) => ({
      data: {
        psn_no: P002,
        insutype: '390',
        begntime,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE.ordinary.certno,
        ipt_otp_no: 'MZ1',
      },
    });
    await refused(envelope('2201', data('2026-06-15T25:00:00')), 'DATE_INVALID', [
      'input.data.begntime',
      '时 00–23',
      '收到 "2026-06-15T25:00:00"',
    ]);
    await refused(envelope('2201', data('2026-02-30 08:00:00')), 'DATE_INVALID', [
      'input.data.begntime',
      '收到 "2026-02-30 08:00:00"',
    ]);
    await refused(envelope('2201', data('15/06/2026')), 'SCHEMA', [
      'input.data.begntime',
      'yyyy-MM-dd HH:mm:ss',
      '收到 "15/06/2026"',
    ]);
  });
});

describe('6. dialects', () => {
  it('reads input sent as a JSON string', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [line(visit)]);
    // 10.00 in scope × 50% = 5.00 (outpatient fund standing so far in this world: 5.00 with this one).
    const message = {
      ...envelope('2207', {}),
      input: JSON.stringify({ data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 10 } }),
    };
    expect((await accepted(message)).output['setlinfo']).toMatchObject({ medfee_sumamt: 10, hifp_pay: 5 });
  });

  it('refuses a NUL hidden in JSON text (input, or a node of it) as it refuses one anywhere', async () => {
    const visit = await registerVisit(world, P002);
    // The escape travels as six characters (\u0000) inside the string and becomes a NUL only when the text is read.
    const data = { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 10, invono: 'A\u0000B' };
    await refused({ ...envelope('2207', {}), input: JSON.stringify({ data }) }, 'TEXT_CONTROL', ['input.data.invono']);
    await refused(envelope('2207', { data: JSON.stringify(data) }), 'TEXT_CONTROL', ['input.data.invono']);
    await refused(
      envelope('2204', { feedetail: JSON.stringify([line(visit, { med_list_codg: 'X\u0000' })]) }),
      'TEXT_CONTROL',
      ['input.feedetail[0].med_list_codg'],
    );
  });

  it('reads input.data sent as a one-element list (2302)', async () => {
    const stay = await admit();
    await upload('2301', [line(stay, { feedetl_sn: 'W1' }), line(stay, { feedetl_sn: 'W2' })]);
    await accepted(envelope('2302', { data: [{ mdtrt_id: stay, psn_no: P002, feedetl_sn: 'W1' }] }));
    expect((await lineRows(stay)).map((row) => [row.feedetl_sn, row.status])).toEqual([
      ['W1', 'withdrawn'],
      ['W2', 'active'],
    ]);
  });

  it('reads feedetail sent as one object, and as the JSON text of its list', async () => {
    const visit = await registerVisit(world, P002);
    const single = await upload('2204', line(visit, { feedetl_sn: 'D1' }));
    expect(single.map((row) => row['feedetl_sn'])).toEqual(['D1']);
    const text = await upload('2204', JSON.stringify([line(visit, { feedetl_sn: 'D2' })]));
    expect(text.map((row) => row['feedetl_sn'])).toEqual(['D2']);
    expect((await lineRows(visit)).map((row) => row.feedetl_sn)).toEqual(['D1', 'D2']);
  });

  it('refuses a list of two where one object is expected', async () => {
    const stay = await admit();
    await refused(
      envelope('2302', {
        data: [
          { mdtrt_id: stay, psn_no: P002, feedetl_sn: '1' },
          { mdtrt_id: stay, psn_no: P002, feedetl_sn: '2' },
        ],
      }),
      'SCHEMA',
      ['input.data', '应为对象', '收到 [{'],
    );
  });

  it('names the field at fault inside a node sent in a dialect', async () => {
    const stay = await admit();
    // input.data as a one-element list whose psn_no is an object.
    await refused(envelope('2302', { data: [{ mdtrt_id: stay, psn_no: {}, feedetl_sn: '1' }] }), 'SCHEMA', [
      /input\.data(\[0\])?\.psn_no/,
      '类型错误',
      '收到 {}',
    ]);
    // feedetail as one object whose cnt is 0.
    await refused(envelope('2301', { feedetail: line(stay, { cnt: 0 }) }), 'AMOUNT_FORMAT', [
      /input\.feedetail(\[0\])?\.cnt/,
      '不能为 0',
      '收到 0',
    ]);
  });

  it('takes a sign_no of 64 characters and refuses one of 101', async () => {
    const signIn = { signIn: { opter_no: '001', mac: '00:00', ip: '127.0.0.1' } };
    await accepted({ ...envelope('9001', signIn), sign_no: 'S'.repeat(64) });
    await refused({ ...envelope('9001', signIn), sign_no: 'S'.repeat(101) }, 'SCHEMA', [
      'sign_no',
      '长度超过 100',
      '收到 "SSSS',
    ]);
  });
});

describe('7. refund lines', () => {
  it('(a) a refund reduces the settlement by the amounts it returns', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [
      // 乙类 10 × 20.00 = 200.00, 10% pre-self-pay: 20.00 pre-self-paid, 180.00 in scope.
      line(visit, {
        feedetl_sn: 'A1',
        med_list_codg: 'XA01',
        chrgitm_lv: '02',
        selfpay_prop: 0.1,
        cnt: 10,
        pric: 20,
        det_item_fee_sumamt: 200,
      }),
      // 甲类 1 × 100.00 in scope.
      line(visit, { feedetl_sn: 'A2', med_list_codg: 'ZA01', pric: 100, det_item_fee_sumamt: 100 }),
    ]);
    // Returning 3 of A1 (−60.00) leaves 7 × 20.00 = 140.00: 14.00 pre-self-paid, 126.00 in scope; the refund carries
    // the difference: 14.00 − 20.00 = −6.00 and 126.00 − 180.00 = −54.00.
    const [returned] = await upload('2204', [refund(visit, 'A3', 'A1', 'XA01', -3, 20, -60)]);
    expect(returned).toEqual(
      expect.objectContaining({
        feedetl_sn: 'A3',
        init_feedetl_sn: 'A1',
        cnt: -3,
        det_item_fee_sumamt: -60,
        chrgitm_lv: '02',
        fulamt_ownpay_amt: 0,
        overlmt_amt: 0,
        preselfpay_amt: -6,
        inscp_scp_amt: -54,
      }),
    );
    // Bill 140.00 + 100.00 = 240.00; pre-self-pay 14.00; in scope 126.00 + 100.00 = 226.00; nothing self-paid or over
    // a cap. Fund 226.00 × 50% = 113.00 (no deductible); the person pays 240.00 − 113.00 = 127.00.
    const { reply } = await settleVisit(visit, 240);
    expect(reply.warn_msg).toBe('');
    expect(reply.output['setlinfo']).toMatchObject({
      medfee_sumamt: 240,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 14,
      inscp_scp_amt: 226,
      act_pay_dedc: 0,
      hifp_pay: 113,
      pool_prop_selfpay: 0.5,
      hifmi_pay: 0,
      maf_pay: 0,
      fund_pay_sumamt: 113,
      psn_part_amt: 127,
      psn_cash_pay: 127,
    });
    expect((await lineRows(visit)).map((row) => row.status)).toEqual(['settled', 'settled', 'settled']);
    // Outpatient fund standing in this world: 5.00 + 113.00 = 118.00 at most.
  });

  it('(b) refuses a refund beyond what remains, counting every refund before it', async () => {
    const visit = await registerVisit(world, P002);
    // 甲类 5 × 10.00 = 50.00.
    await upload('2204', [line(visit, { feedetl_sn: 'R1', med_list_codg: 'XB01', cnt: 5, det_item_fee_sumamt: 50 })]);
    await upload('2204', [refund(visit, 'R2', 'R1', 'XB01', -3, 10, -30)]);
    // 2 left (20.00): returning 3 more is too many.
    await refused(envelope('2204', { feedetail: [refund(visit, 'R3', 'R1', 'XB01', -3, 10, -30)] }), 'AMOUNT_RANGE', [
      'input.feedetail[0]',
      '退费数量 3.0000',
      '未退的数量 2.0000',
      '金额 20.00',
    ]);
    // Two refunds in one message: 1 then 2 of the 2 left; the second is too many, and the first is not kept either.
    await refused(
      envelope('2204', {
        feedetail: [refund(visit, 'R3', 'R1', 'XB01', -1, 10, -10), refund(visit, 'R4', 'R1', 'XB01', -2, 10, -20)],
      }),
      'AMOUNT_RANGE',
      ['input.feedetail[1]', '未退的数量 1.0000', '金额 10.00'],
    );
    // 2 × 10.00 = 20.00 sent as 20.01 (within a fen of cnt × pric) is more money than the 20.00 left.
    await refused(
      envelope('2204', { feedetail: [refund(visit, 'R3', 'R1', 'XB01', -2, 10, -20.01)] }),
      'AMOUNT_RANGE',
      ['input.feedetail[0]', '金额 20.01', '金额 20.00'],
    );
    // Exactly what is left: the line is returned in full.
    const [rest] = await upload('2204', [refund(visit, 'R3', 'R1', 'XB01', -2, 10, -20)]);
    expect(rest).toMatchObject({ inscp_scp_amt: -20 });
    const rows = await lineRows(visit);
    expect(rows.reduce((sum, row) => sum + row.det_item_fee_sumamt, 0)).toBe(0);
    expect(rows.reduce((sum, row) => sum + row.inscp_scp_amt, 0)).toBe(0);
  });

  it('(c) refuses a negative count without init_feedetl_sn and a positive one with it', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [line(visit, { feedetl_sn: 'C1', med_list_codg: 'XC01', cnt: 2, det_item_fee_sumamt: 20 })]);
    await refused(
      envelope('2204', {
        feedetail: [line(visit, { feedetl_sn: 'C2', med_list_codg: 'XC01', cnt: -1, det_item_fee_sumamt: -10 })],
      }),
      'SCHEMA',
      ['input.feedetail[0]', '数量为负数', 'init_feedetl_sn'],
    );
    await refused(envelope('2204', { feedetail: [refund(visit, 'C2', 'C1', 'XC01', 1, 10, 10)] }), 'SCHEMA', [
      'input.feedetail[0]',
      'init_feedetl_sn',
      '应为负数',
      '收到 1.0000',
    ]);
    // A negative count with a positive amount: −1 × 10.00 = −10.00, not 10.00.
    await refused(
      envelope('2204', { feedetail: [refund(visit, 'C2', 'C1', 'XC01', -1, 10, 10)] }),
      'AMOUNT_INCONSISTENT',
      ['input.feedetail[0]', '-10.00', '10.00'],
    );
  });

  it('(d) refuses a refund of an unknown line, of a refund line, or of a settled line (STATE)', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [line(visit, { feedetl_sn: 'U1', med_list_codg: 'XU01', cnt: 3, det_item_fee_sumamt: 30 })]);
    await upload('2204', [refund(visit, 'U2', 'U1', 'XU01', -1, 10, -10)]);
    await refused(envelope('2204', { feedetail: [refund(visit, 'U3', 'NOPE', 'XU01', -1, 10, -10)] }), 'STATE', [
      'input.feedetail[0]',
      'NOPE',
      '不存在',
    ]);
    await refused(envelope('2204', { feedetail: [refund(visit, 'U3', 'U2', 'XU01', -1, 10, -10)] }), 'STATE', [
      'input.feedetail[0]',
      'U2',
      '退费明细',
    ]);
    const settled = await settledVisit();
    await refused(
      envelope('2204', {
        feedetail: [refund(settled.visit, 'S9', settled.sn, `M${settled.sn.slice(1)}`, -1, 10, -10)],
      }),
      'STATE',
      ['input.feedetail[0]', settled.sn, '已结算'],
    );
    // Outpatient fund standing: 118.00 + 5.00 = 123.00 at most.
  });

  it('(e) refuses a refund of another catalogue item', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [line(visit, { feedetl_sn: 'K1', med_list_codg: 'XK01', cnt: 2, det_item_fee_sumamt: 20 })]);
    await refused(envelope('2204', { feedetail: [refund(visit, 'K2', 'K1', 'OTHER', -1, 10, -10)] }), 'SCHEMA', [
      'input.feedetail[0]',
      'OTHER',
      'XK01',
    ]);
  });

  it('(f) withdrawing a refund gives the line back; withdrawing the line withdraws its refunds', async () => {
    const stay = await admit();
    await upload('2301', [
      // 乙类 10 × 20.00 = 200.00 at 10%: 20.00 pre-self-paid, 180.00 in scope. 甲类 1,000.00 in scope.
      line(stay, {
        feedetl_sn: 'F1',
        med_list_codg: 'XF01',
        chrgitm_lv: '02',
        selfpay_prop: 0.1,
        cnt: 10,
        pric: 20,
        det_item_fee_sumamt: 200,
      }),
      line(stay, { feedetl_sn: 'F2', med_list_codg: 'ZF01', pric: 1000, det_item_fee_sumamt: 1000 }),
    ]);
    await upload('2301', [refund(stay, 'F3', 'F1', 'XF01', -3, 20, -60)]);
    const preSettle = (medfee: number) =>
      accepted(envelope('2303', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: medfee } }));
    // F1 less 3: 140.00, 14.00 pre-self-paid, 126.00 in scope. Bill 1,140.00, in scope 1,126.00.
    // Fund (1,126.00 − 500) × 80% = 500.80; the person pays 1,140.00 − 500.80 = 639.20.
    expect((await preSettle(1140)).output['setlinfo']).toMatchObject({
      preselfpay_amt: 14,
      inscp_scp_amt: 1126,
      act_pay_dedc: 500,
      hifp_pay: 500.8,
      psn_part_amt: 639.2,
    });
    // The refund withdrawn alone (2302 by its serial number): F1 is whole again.
    await accepted(envelope('2302', { data: { mdtrt_id: stay, psn_no: P002, feedetl_sn: 'F3' } }));
    // Bill 1,200.00, pre-self-pay 20.00, in scope 1,180.00: fund (1,180.00 − 500) × 80% = 544.00; person 656.00.
    await refused(
      envelope('2303', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 1140 } }),
      'AMOUNT_INCONSISTENT',
      ['medfee_sumamt', '1140.00', '1200.00'],
    );
    expect((await preSettle(1200)).output['setlinfo']).toMatchObject({
      medfee_sumamt: 1200,
      preselfpay_amt: 20,
      inscp_scp_amt: 1180,
      hifp_pay: 544,
      psn_part_amt: 656,
    });
    // Another refund (2 of F1: −40.00) leaves 8 × 20.00 = 160.00: 16.00 pre-self-paid, 144.00 in scope.
    const [again] = await upload('2301', [refund(stay, 'F4', 'F1', 'XF01', -2, 20, -40)]);
    expect(again).toMatchObject({ preselfpay_amt: -4, inscp_scp_amt: -36 });
    // Withdrawing F1 takes F4 with it; F3 was withdrawn already. Bill 1,000.00: fund (1,000 − 500) × 80% = 400.00.
    await accepted(envelope('2302', { data: { mdtrt_id: stay, psn_no: P002, feedetl_sn: 'F1' } }));
    expect((await lineRows(stay)).map((row) => [row.feedetl_sn, row.status])).toEqual([
      ['F1', 'withdrawn'],
      ['F2', 'active'],
      ['F3', 'withdrawn'],
      ['F4', 'withdrawn'],
    ]);
    expect((await preSettle(1000)).output['setlinfo']).toMatchObject({
      preselfpay_amt: 0,
      inscp_scp_amt: 1000,
      hifp_pay: 400,
    });

    // Outpatient: 2205 withdraws a batch, the line and its refund (same batch) together, and nothing else.
    const visit = await registerVisit(world, P002);
    await upload('2204', [
      line(visit, { feedetl_sn: 'O1', med_list_codg: 'XO01', chrg_bchno: 'BO', cnt: 2, det_item_fee_sumamt: 20 }),
      line(visit, { feedetl_sn: 'O3', chrg_bchno: 'BX' }),
    ]);
    await upload('2204', [{ ...refund(visit, 'O2', 'O1', 'XO01', -1, 10, -10), chrg_bchno: 'BO' }]);
    await accepted(envelope('2205', { data: { mdtrt_id: visit, psn_no: P002, chrg_bchno: 'BO' } }));
    expect((await lineRows(visit)).map((row) => [row.feedetl_sn, row.status])).toEqual([
      ['O1', 'withdrawn'],
      ['O3', 'active'],
      ['O2', 'withdrawn'],
    ]);
  });

  it('(g) a line and its refunds always add up to the split of what remains', async () => {
    const stay = await admit();
    // 乙类 7 × 1.11 = 7.77 at 15%: 7.77 × 15% = 1.1655 → 1.17 pre-self-paid, 6.60 in scope.
    const [whole] = await upload('2301', [
      line(stay, {
        feedetl_sn: 'G1',
        med_list_codg: 'XG01',
        chrgitm_lv: '02',
        selfpay_prop: 0.15,
        cnt: 7,
        pric: 1.11,
        det_item_fee_sumamt: 7.77,
      }),
    ]);
    expect(whole).toMatchObject({ preselfpay_amt: 1.17, inscp_scp_amt: 6.6 });
    // Return 1 (−1.11): 6 × 1.11 = 6.66 remains, 6.66 × 15% = 0.999 → 1.00 pre-self-paid, 5.66 in scope. The refund
    // carries 1.00 − 1.17 = −0.17 and 5.66 − 6.60 = −0.94.
    const [first] = await upload('2301', [refund(stay, 'G2', 'G1', 'XG01', -1, 1.11, -1.11)]);
    expect(first).toMatchObject({ preselfpay_amt: -0.17, inscp_scp_amt: -0.94 });
    // Return 2 more (−2.22): 4 × 1.11 = 4.44 remains, 4.44 × 15% = 0.666 → 0.67 pre-self-paid, 3.77 in scope. The
    // refund carries 0.67 − 1.00 = −0.33 and 3.77 − 5.66 = −1.89.
    const [second] = await upload('2301', [refund(stay, 'G3', 'G1', 'XG01', -2, 1.11, -2.22)]);
    expect(second).toMatchObject({ preselfpay_amt: -0.33, inscp_scp_amt: -1.89 });

    // Where splitting each refund by itself would not add up: 乙类 3 × 0.05 = 0.15 at 10%: 0.015 → 0.02
    // pre-self-paid, 0.13 in scope. Return 1: 0.10 remains, 0.01 pre-self-paid (0.010), 0.09 in scope: the refund
    // carries −0.01 and −0.04. Return 1 more: 0.05 remains, 0.005 → 0.01 pre-self-paid, 0.04 in scope: the refund
    // carries 0.01 − 0.01 = 0.00 and 0.04 − 0.09 = −0.05 (a refund split alone, 0.05 × 10% → 0.01, would leave 0.00).
    await upload('2301', [
      line(stay, {
        feedetl_sn: 'H1',
        med_list_codg: 'XH01',
        chrgitm_lv: '02',
        selfpay_prop: 0.1,
        cnt: 3,
        pric: 0.05,
        det_item_fee_sumamt: 0.15,
      }),
    ]);
    const [h2, h3] = await upload('2301', [
      refund(stay, 'H2', 'H1', 'XH01', -1, 0.05, -0.05),
      refund(stay, 'H3', 'H1', 'XH01', -1, 0.05, -0.05),
    ]);
    expect(h2).toMatchObject({ preselfpay_amt: -0.01, inscp_scp_amt: -0.04 });
    expect(h3).toMatchObject({ preselfpay_amt: 0, inscp_scp_amt: -0.05 });
    const sums = async (sn: string) => {
      const rows = (await lineRows(stay)).filter(
        (row) => row.status === 'active' && (row.feedetl_sn === sn || row.init_feedetl_sn === sn),
      );
      const total = (key: keyof LineRow) => rows.reduce((sum, row) => sum + Number(row[key]), 0);
      return { fee: total('det_item_fee_sumamt'), pre: total('preselfpay_amt'), scope: total('inscp_scp_amt') };
    };
    expect(await sums('G1')).toEqual({ fee: 444, pre: 67, scope: 377 });
    expect(await sums('H1')).toEqual({ fee: 5, pre: 1, scope: 4 });

    // H2 withdrawn: H3 alone returns 1 of 3, so it carries what H2 carried: 0.10 remains, 0.01 and 0.09.
    await accepted(envelope('2302', { data: { mdtrt_id: stay, psn_no: P002, feedetl_sn: 'H2' } }));
    const h3Row = (await lineRows(stay)).find((row) => row.feedetl_sn === 'H3');
    expect(h3Row).toMatchObject({ status: 'active', preselfpay_amt: -1, inscp_scp_amt: -4 });
    expect(await sums('H1')).toEqual({ fee: 10, pre: 1, scope: 9 });

    // The stay as a settlement sees it: 4.44 + 0.10 = 4.54, pre-self-pay 0.67 + 0.01 = 0.68, in scope 3.77 + 0.09 =
    // 3.86 (below the deductible: no fund).
    const pre = await accepted(envelope('2303', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 4.54 } }));
    expect(pre.output['setlinfo']).toMatchObject({
      medfee_sumamt: 4.54,
      preselfpay_amt: 0.68,
      inscp_scp_amt: 3.86,
      hifp_pay: 0,
      psn_part_amt: 4.54,
    });
  });
});

describe('8. placeholder split totals', () => {
  /** A visit with 甲类 10.00 and 乙类 2 × 10.00 = 20.00 at 10% (2.00 pre-self-paid): bill 30.00, in scope 28.00. */
  async function billedVisit(): Promise<string> {
    const visit = await registerVisit(world, P002);
    await upload('2204', [
      line(visit),
      line(visit, { chrgitm_lv: '02', selfpay_prop: 0.1, cnt: 2, det_item_fee_sumamt: 20 }),
    ]);
    return visit;
  }
  // Fund 28.00 × 50% = 14.00; the person pays 30.00 − 14.00 = 16.00.
  const BY_LINES = {
    medfee_sumamt: 30,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 2,
    inscp_scp_amt: 28,
    hifp_pay: 14,
    psn_part_amt: 16,
  };

  it('settles by the lines without a warning when the split totals are 0.00, "" or null', async () => {
    const visit = await billedVisit();
    const { reply } = await settleVisit(visit, '30.00', {
      fulamt_ownpay_amt: 0.0,
      overlmt_selfpay: '',
      preselfpay_amt: null,
      inscp_scp_amt: '0.00',
    });
    expect(reply.warn_msg).toBe('');
    expect(reply.output['setlinfo']).toMatchObject(BY_LINES);
    // Outpatient fund standing: 123.00 + 14.00 = 137.00 at most.
  });

  it('settles by the lines with a warning naming a non-zero split total that differs', async () => {
    const visit = await billedVisit();
    const { reply } = await settleVisit(visit, 30, {
      fulamt_ownpay_amt: 5,
      overlmt_selfpay: 0,
      preselfpay_amt: 2,
      inscp_scp_amt: '28.00',
    });
    expect(reply.warn_msg).toContain('fulamt_ownpay_amt');
    expect(reply.warn_msg).toContain('0.00');
    expect(reply.warn_msg).toContain('5.00');
    for (const agreeing of ['overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt'])
      expect(reply.warn_msg).not.toContain(agreeing);
    expect(reply.output['setlinfo']).toMatchObject(BY_LINES);
    // Outpatient fund standing: 137.00 + 14.00 = 151.00 at most.
  });

  it('still refuses a medfee_sumamt that differs from the lines', async () => {
    const visit = await billedVisit();
    await refused(
      envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 31 } }),
      'AMOUNT_INCONSISTENT',
      ['medfee_sumamt', '31.00', '30.00'],
    );
  });

  it('without lines still requires the totals and checks them', async () => {
    const visit = await registerVisit(world, P002);
    const data = { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 30, overlmt_selfpay: 0 };
    for (const fulamt of [undefined, null, ''])
      await refused(
        envelope('2207', { data: { ...data, fulamt_ownpay_amt: fulamt, preselfpay_amt: 0 } }),
        'NOTHING_TO_SETTLE',
        ['fulamt_ownpay_amt', 'preselfpay_amt'],
      );
    // 30.00 − 0 − 0 − 0 = 30.00 in scope, not 29.00.
    const complete = { ...data, fulamt_ownpay_amt: 0, preselfpay_amt: 0 };
    await refused(envelope('2207', { data: { ...complete, inscp_scp_amt: 29 } }), 'AMOUNT_INCONSISTENT', [
      'inscp_scp_amt',
      '30.00',
    ]);
    // Fund 30.00 × 50% = 15.00; the person pays 15.00.
    const { reply } = await settleVisit(visit, 30, { ...complete, inscp_scp_amt: 30 });
    expect(reply.output['setlinfo']).toMatchObject({ inscp_scp_amt: 30, hifp_pay: 15, psn_part_amt: 15 });
    // Outpatient fund standing: 151.00 + 15.00 = 166.00 at most.
  });
});

describe('9. 2403 住院信息变更', () => {
  it("changes an open stay's begntime, ipt_no and diagnoses", async () => {
    const stay = await admit('2026-06-10 08:00:00');
    await accepted(
      envelope('2403', {
        adminfo: {
          mdtrt_id: stay,
          psn_no: P002,
          begntime: '2026-06-09T07:30:00',
          ipt_no: 'ZY-CHANGED',
          dscg_maindiag_code: 'J18.9',
        },
        diseinfo: [{ diag_code: 'J18.9' }, { diag_code: 'E11.9' }],
      }),
    );
    expect(await encounterRow(stay)).toEqual({
      begntime: '2026-06-09 07:30:00',
      endtime: null,
      ipt_otp_no: 'ZY-CHANGED',
      dise_codg: ['J18.9', 'E11.9'],
      med_type: '21',
      status: 'open',
    });
  });

  it('refuses an outpatient visit and a settled stay (STATE)', async () => {
    const visit = await registerVisit(world, P002);
    await refused(envelope('2403', { adminfo: { mdtrt_id: visit, psn_no: P002, ipt_no: 'X' } }), 'STATE', [
      visit,
      '门诊',
    ]);
    // 甲类 1,000.00, settled: (1,000 − 500) × 80% = 400.00.
    const stay = await admit();
    await upload('2301', [line(stay, { pric: 1000, det_item_fee_sumamt: 1000 })]);
    await discharge(stay);
    const settled = await accepted(envelope('2304', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 1000 } }));
    expect(settled.output['setlinfo']).toMatchObject({ hifp_pay: 400 });
    await refused(envelope('2403', { adminfo: { mdtrt_id: stay, psn_no: P002, ipt_no: 'X' } }), 'STATE', [
      stay,
      '已结算',
    ]);
  });

  it('refuses a discharge before the admission (DATE_ORDER) and changes nothing', async () => {
    const stay = await admit('2026-06-10 08:00:00');
    await discharge(stay, '2026-06-14 10:00:00');
    const before = await encounterRow(stay);
    expect(before).toMatchObject({ begntime: '2026-06-10 08:00:00', endtime: '2026-06-14 10:00:00' });
    // The discharge moved before the admission, and the admission moved after the discharge.
    for (const change of [
      { endtime: '2026-06-09 10:00:00', ipt_no: 'ZY-NEVER' },
      { begntime: '2026-06-14 12:00:00', ipt_no: 'ZY-NEVER' },
    ]) {
      await refused(
        envelope('2403', { adminfo: { mdtrt_id: stay, psn_no: P002, ...change }, diseinfo: [{ diag_code: 'X' }] }),
        'DATE_ORDER',
        ['出院时间早于入院时间'],
      );
      expect(await encounterRow(stay)).toEqual(before);
    }
  });

  it("refuses another institution's stay (FORBIDDEN)", async () => {
    const stay = await admit();
    await refused(
      envelope('2403', { adminfo: { mdtrt_id: stay, psn_no: P002, ipt_no: 'X' } }, { institution: TOWNSHIP.code }),
      'FORBIDDEN',
      [stay, '其他定点医药机构'],
      TOWNSHIP,
    );
  });
});

describe('10. 2303 before the discharge', () => {
  it('answers the amounts and writes nothing; 2304 is still refused', async () => {
    const stay = await admit();
    await upload('2301', [line(stay, { pric: 1000, det_item_fee_sumamt: 1000 })]);
    const before = await counts(world.pool);
    const data = { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 1000, mid_setl_flag: '0' };
    // 甲类 1,000.00 in scope: fund (1,000 − 500) × 80% = 400.00; the person pays 600.00.
    const pre = await accepted(envelope('2303', { data }));
    expect(pre.output['setlinfo']).toMatchObject({
      medfee_sumamt: 1000,
      inscp_scp_amt: 1000,
      act_pay_dedc: 500,
      hifp_pay: 400,
      hifmi_pay: 0,
      fund_pay_sumamt: 400,
      psn_part_amt: 600,
    });
    expect(pre.output['setlinfo'].setl_id).toBeUndefined();
    expect(await counts(world.pool)).toEqual({ ...before, message_log: before.message_log! + 1 });
    expect((await encounterRow(stay))?.status).toBe('open');
    await refused(envelope('2304', { data }), 'STATE', [stay, '尚未办理出院']);
  });
});

describe('11. 5203 结算信息查询', () => {
  it("answers the calling institution's settlement with its own setl_time and msgid, and a cancellation", async () => {
    const { visit, msgid, setlId } = await settledVisit();
    // The settlement made at 09:30 (the clock is fixed at 10:00: the stored time, not now, must be answered).
    await world.pool.query(
      "update settlements set setl_time = '2026-06-15 09:30:00+08' where psn_no = $1 and setl_id = $2",
      [P002, setlId],
    );
    const query = await accepted(envelope('5203', { data: { psn_no: P002, setl_id: setlId, mdtrt_id: visit } }));
    expect(query.output['setlinfo']).toMatchObject({
      setl_id: setlId,
      mdtrt_id: visit,
      medins_setl_id: msgid,
      setl_time: '2026-06-15 09:30:00',
      refd_setl_flag: '0',
      medfee_sumamt: 10,
      hifp_pay: 5,
      psn_part_amt: 5,
    });
    // Another institution's settlement is answered as none: the township cannot tell it from an unknown one.
    await refused(
      envelope('5203', { data: { psn_no: P002, setl_id: setlId } }, { institution: TOWNSHIP.code }),
      'SETTLEMENT_NOT_FOUND',
      [setlId, '本机构没有'],
      TOWNSHIP,
    );
    await refused(
      envelope('5203', { data: { psn_no: P002, setl_id: 'ST209901010000000001' } }),
      'SETTLEMENT_NOT_FOUND',
      ['ST209901010000000001'],
    );

    const cancellation = await cancelVisit(visit, setlId);
    const cancelled = await accepted(envelope('5203', { data: { psn_no: P002, setl_id: cancellation.cancelId } }));
    expect(cancelled.output['setlinfo']).toMatchObject({
      setl_id: cancellation.cancelId,
      medins_setl_id: cancellation.msgid,
      refd_setl_flag: '1',
      reversed_setl_id: setlId,
      medfee_sumamt: -10,
      hifp_pay: -5,
    });
    const original = await accepted(envelope('5203', { data: { psn_no: P002, setl_id: setlId } }));
    expect(original.output['setlinfo']).toMatchObject({ refd_setl_flag: '0', revs_setl_id: cancellation.cancelId });
    // Outpatient fund standing: unchanged (settled and cancelled).
  });
});

describe('12. 2601 冲正', () => {
  const reverse = (omsgid: string, oinfno: string) => envelope('2601', { data: { psn_no: P002, omsgid, oinfno } });

  it('of a 2208: the settlement stands again, as it was; a second 2601 of it is refused', async () => {
    const { visit, sn, setlId } = await settledVisit();
    const withIt = await personYear();
    const cancellation = await cancelVisit(visit, setlId);
    // The cancellation took exactly this settlement's 5.00 back out.
    expect((await personYear())['fund_paid']).toBe(Number(withIt['fund_paid']) - 500);

    const reinstated = await accepted(reverse(cancellation.msgid, '2208'));
    expect(reinstated.output['setlinfo']).toMatchObject({ setl_id: setlId, medfee_sumamt: 10, hifp_pay: 5 });
    const reversalId = reinstated.output['setlinfo'].reinstated_by as string;
    const { rows } = await world.pool.query(
      'select setl_id, kind, reversed_by, voided from settlements where psn_no = $1 and mdtrt_id = $2 order by setl_id',
      [P002, visit],
    );
    expect(rows).toEqual([
      { setl_id: setlId, kind: 'settlement', reversed_by: null, voided: false },
      { setl_id: cancellation.cancelId, kind: 'cancellation', reversed_by: reversalId, voided: true },
      { setl_id: reversalId, kind: 'cancellation', reversed_by: null, voided: true },
    ]);
    expect(await personYear()).toEqual(withIt);
    expect(await lineRows(visit)).toEqual([
      expect.objectContaining({ feedetl_sn: sn, status: 'settled', setl_id: setlId, released_by: null }),
    ]);
    // Postings: +5.00, −5.00, +5.00 to the fund, the opposite to the hospital: what the settlement alone posted.
    const postings = await world.pool.query(
      `select account, sum(amount)::bigint as total from fund_postings where psn_no = $1 and setl_id = any($2)
        group by account order by account`,
      [P002, [setlId, cancellation.cancelId, reversalId]],
    );
    expect(postings.rows).toEqual([
      { account: 'fund:390100', total: 500 },
      { account: `payable:${COUNTY.code}`, total: -500 },
    ]);

    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId, reversalId]);
    // Outpatient fund standing: 166.00 + 5.00 = 171.00 at most.
  });

  it('of a 2208 is refused when the person has settled again since', async () => {
    const first = await settledVisit();
    const cancellation = await cancelVisit(first.visit, first.setlId);
    const later = await settledVisit();
    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId, later.setlId]);
    // Outpatient fund standing: 171.00 + 5.00 = 176.00 at most.
  });

  it('of a 2208 is refused when a line it gave back was withdrawn since', async () => {
    const { visit, sn, setlId } = await settledVisit();
    const cancellation = await cancelVisit(visit, setlId);
    await accepted(envelope('2205', { data: { mdtrt_id: visit, psn_no: P002, chrg_bchno: 'B1' } }));
    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId, sn, '撤销']);
    expect((await lineRows(visit)).map((row) => row.status)).toEqual(['withdrawn']);
    // Outpatient fund standing: unchanged (176.00 at most; 181.00 if the reversal were wrongly accepted).
  });

  it('of a 2208 is refused when a line it gave back was withdrawn and uploaded again under its serial number', async () => {
    const { visit, sn, setlId } = await settledVisit();
    const cancellation = await cancelVisit(visit, setlId);
    await accepted(envelope('2205', { data: { mdtrt_id: visit, psn_no: P002, chrg_bchno: 'B1' } }));
    // The same serial number again, now for 20.00: settling the old 10.00 settlement on it would pay for a bill that
    // is not the one settled.
    await upload('2204', [line(visit, { feedetl_sn: sn, cnt: 2, pric: 10, det_item_fee_sumamt: 20 })]);
    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId]);
    expect((await lineRows(visit)).map((row) => [row.status, row.released_by])).toEqual([['active', null]]);
    // Outpatient fund standing: unchanged.
  });

  it('of a 2208 is refused when the visit was withdrawn since (2202)', async () => {
    const { visit, setlId } = await settledVisit();
    const cancellation = await cancelVisit(visit, setlId);
    await accepted(envelope('2202', { data: { psn_no: P002, mdtrt_id: visit } }));
    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId, visit]);
    const { rows } = await world.pool.query('select reversed_by from settlements where psn_no = $1 and setl_id = $2', [
      P002,
      setlId,
    ]);
    expect(rows[0]).toEqual({ reversed_by: cancellation.cancelId });
  });

  it('of a 2208 is refused when a line it gave back was refunded since', async () => {
    const visit = await registerVisit(world, P002);
    // 甲类 2 × 5.00 = 10.00: fund 5.00.
    await upload('2204', [line(visit, { feedetl_sn: 'V1', med_list_codg: 'XV01', cnt: 2, pric: 5 })]);
    const { setlId } = await settleVisit(visit, 10);
    const cancellation = await cancelVisit(visit, setlId);
    // One of the two returned after the cancellation: the settlement of 10.00 no longer matches the lines (5.00).
    await upload('2204', [refund(visit, 'V2', 'V1', 'XV01', -1, 5, -5)]);
    await refused(reverse(cancellation.msgid, '2208'), 'STATE', [cancellation.cancelId]);
    // Outpatient fund standing: unchanged (176.00 at most; 186.00 if both reversals above were wrongly accepted).
  });

  it('of a message that never arrived takes its msgid: the original arriving late is refused, nothing settled', async () => {
    const visit = await registerVisit(world, P002);
    await upload('2204', [line(visit, { feedetl_sn: 'LATE1' })]);
    const settle = envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 10 } });
    const reversal = await accepted(reverse(msgidOf(settle), '2207'));
    expect(reversal.warn_msg).toContain('无需冲正');
    await refused(settle, 'STATE', [msgidOf(settle), '冲正']);
    const { rows } = await world.pool.query(
      'select count(*)::int as n from settlements where psn_no = $1 and mdtrt_id = $2',
      [P002, visit],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('is refused more than 24 hours after the message it names (the cancellation is the way then)', async () => {
    const { visit, msgid } = await settledVisit();
    // The settlement's message as if received two days before the world's clock (2026-06-15 10:00 China time).
    await world.pool.query("update message_log set received_at = '2026-06-13 10:00:00+08' where msgid = $1", [msgid]);
    await refused(reverse(msgid, '2207'), 'STATE', [msgid, '24 小时']);
    const { rows } = await world.pool.query(
      "select count(*)::int as n from settlements where psn_no = $1 and mdtrt_id = $2 and kind = 'settlement' and reversed_by is null",
      [P002, visit],
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('of a 2207 voids the settlement and its cancellation, and the day books leave both out', async () => {
    const books = async () => {
      const reply = await accepted(
        envelope('3201', {
          data: {
            stmt_begndate: TODAY,
            stmt_enddate: TODAY,
            medfee_sumamt: 0,
            fund_pay_sumamt: 0,
            fixmedins_setl_cnt: 0,
          },
        }),
      );
      const { setl_cnt, medfee_sumamt, fund_pay_sumamt } = reply.output['stmtinfo'];
      return { setl_cnt, medfee_sumamt, fund_pay_sumamt } as Record<string, number>;
    };
    const before = await books();
    const yearBefore = await personYear();
    const { visit, sn, msgid, setlId } = await settledVisit();
    // While it stands, the settlement is in the books: one more, 10.00 more, 5.00 more from the fund.
    const standing = await books();
    expect(standing['setl_cnt']).toBe(before['setl_cnt']! + 1);
    expect(Math.round(standing['medfee_sumamt']! * 100)).toBe(Math.round(before['medfee_sumamt']! * 100) + 1000);
    expect(Math.round(standing['fund_pay_sumamt']! * 100)).toBe(Math.round(before['fund_pay_sumamt']! * 100) + 500);

    const reversal = await accepted(reverse(msgid, '2207'));
    expect(reversal.output['setlinfo']).toMatchObject({ reversed_setl_id: setlId, medfee_sumamt: -10, hifp_pay: -5 });
    const cancelId = reversal.output['setlinfo'].setl_id as string;
    const { rows } = await world.pool.query(
      'select setl_id, kind, reversed_by, voided from settlements where psn_no = $1 and mdtrt_id = $2 order by setl_id',
      [P002, visit],
    );
    expect(rows).toEqual([
      { setl_id: setlId, kind: 'settlement', reversed_by: cancelId, voided: true },
      { setl_id: cancelId, kind: 'cancellation', reversed_by: null, voided: true },
    ]);
    expect(await books()).toEqual(before);
    expect(await personYear()).toMatchObject({
      fund_paid: yearBefore['fund_paid'],
      settlements: yearBefore['settlements'],
    });
    expect(await lineRows(visit)).toEqual([
      expect.objectContaining({ feedetl_sn: sn, status: 'active', setl_id: null }),
    ]);
  });
});

describe('13. 9002 签退', () => {
  it('answers the sign_no sent', async () => {
    const signIn = await accepted(envelope('9001', { signIn: { opter_no: '001', mac: '00:00', ip: '127.0.0.1' } }));
    const issued = signIn.output['signinoutb'].sign_no as string;
    const long = `${issued}-${'X'.repeat(64 - issued.length - 1)}`;
    expect(long).toHaveLength(64);
    for (const signNo of [issued, long]) {
      const reply = await accepted({
        ...envelope('9002', { signOut: { sign_no: signNo, opter_no: '001' } }),
        sign_no: signNo,
      });
      expect(reply.output['signoutoutb']).toEqual({ sign_time: '2026-06-15 10:00:00', sign_no: signNo });
    }
  });
});

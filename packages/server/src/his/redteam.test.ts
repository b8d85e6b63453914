/**
 * Red-team review of the tolerant HIS interface (refund lines, 2403, 5203, 9002, 2601 of cancellations, 3201/3202,
 * 4101/4101A): what a hostile hospital or a careless HIS vendor can send, on a real PostgreSQL.
 *
 * The first tests (F1–F9) are what the review found, each fixed since: they state what must happen, and their
 * comments say what happened before the fix. The rest prove that the limits the review tried hold.
 *
 * One world (Bozhou; the county hospital unless said; the ordinary resident P002; the clock at 2026-06-15 10:00 China
 * time). County ordinary outpatient: 50% of the in-scope amount, no deductible, at most 400 yuan of fund a year; the
 * visits below settle far less than that together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
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
  raw as rawBy,
  refused as refusedBy,
  type Body,
  type Institution,
  type Reply,
} from '../test-support/his-calls.js';
import { readDateTime } from './fields.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('redteam');
});
afterAll(async () => {
  await world.close();
});

const P002 = PEOPLE.ordinary.psnNo;

const accepted = (body: Body, institution?: Institution): Promise<Reply> => acceptedBy(world, body, institution);
const refused = (body: Body, code: string, institution?: Institution): Promise<string> =>
  refusedBy(world, body, code, [], institution);
const raw = (payload: string, institution?: Institution): Promise<{ status: number; body: string }> =>
  rawBy(world, payload, institution);

let serial = 0;
/** A fee line of P002: 甲类 1 × 10.00 in batch B1, unless told otherwise. */
function line(mdtrtId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    feedetl_sn: `R${serial}`,
    mdtrt_id: mdtrtId,
    psn_no: P002,
    chrg_bchno: 'B1',
    fee_ocur_time: '2026-06-15 09:00:00',
    med_list_codg: `RT${serial}`,
    cnt: 1,
    pric: 10,
    det_item_fee_sumamt: 10,
    ...fields,
  };
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
  return { reply, msgid: String(message['msgid']), setlId: reply.output['setlinfo'].setl_id as string };
}

/** A county visit of P002 with one 甲类 line of 10.00 in batch B1, settled: fund 5.00. */
async function settledVisit(): Promise<{ visit: string; setlId: string; msgid: string }> {
  const visit = await registerVisit(world, P002);
  await accepted(envelope('2204', { feedetail: [line(visit)] }));
  const { setlId, msgid } = await settleVisit(visit, 10);
  return { visit, setlId, msgid };
}

// =====================================================================================================================

describe('F1. a charge line (positive count) with a negative amount', () => {
  // The line-amount tolerance (det_item_fee_sumamt within one fen of cnt × pric) lets a line of cnt 1 × pric 0
  // carry -0.01: fields.ts reads det_item_fee_sumamt with signedYuan for every line, and checkLine (fees.ts) only
  // checks the distance to cnt × pric, never that a charge line's amount is not negative. The documented rule: a
  // negative amount is refused but on refund lines (AMOUNT_NEGATIVE).

  it('is refused with AMOUNT_NEGATIVE and nothing is written', async () => {
    const visit = await registerVisit(world, P002);
    // Expected: AMOUNT_NEGATIVE naming input.feedetail[1]. Before the fix: accepted; the line is stored with −0.01 and a
    // split of fulamt_ownpay_amt −0.01.
    await refused(
      envelope('2204', {
        feedetail: [line(visit), line(visit, { chrgitm_lv: '03', cnt: 1, pric: 0, det_item_fee_sumamt: -0.01 })],
      }),
      'AMOUNT_NEGATIVE',
    );
  });

  it('500 such 丙类 lines beside 10.00 of 甲类 make the fund pay the whole bill instead of half', async () => {
    const visit = await registerVisit(world, P002);
    const negatives = Array.from({ length: 500 }, () =>
      line(visit, { chrgitm_lv: '03', cnt: 1, pric: 0, det_item_fee_sumamt: -0.01 }),
    );
    const upload = await call(world, envelope('2204', { feedetail: [line(visit), ...negatives] }));
    // By hand, were the lines accepted: medfee 10.00 − 500 × 0.01 = 5.00; fulamt_ownpay_amt −5.00 (a self-paid
    // amount below zero); inscp_scp_amt = 5.00 − (−5.00) = 10.00, more than the bill; fund 50% × 10.00 = 5.00 = the
    // whole bill, the person pays 0. An honest bill of 5.00 of 甲类 gets 2.50 from the fund. Each extra message of
    // 2,000 such lines moves another 20.00 of the bill onto the fund (until psn_part_amt would go below 0).
    // Expected: the upload refused (F1 above), so nothing settles; or at least no split total below zero.
    if (upload.infcode === 0) {
      const settled = await call(
        world,
        envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 5 } }),
      );
      const setlinfo = settled.output['setlinfo'] ?? {};
      // Before the fix: { fulamt_ownpay_amt: -5, inscp_scp_amt: 10, hifp_pay: 5, psn_part_amt: 0 } for medfee 5.
      expect({
        negativeSelfPay: setlinfo.fulamt_ownpay_amt < 0,
        inScopeAboveBill: setlinfo.inscp_scp_amt > setlinfo.medfee_sumamt,
        fundShare: setlinfo.hifp_pay / setlinfo.medfee_sumamt,
      }).toEqual({ negativeSelfPay: false, inScopeAboveBill: false, fundShare: 0.5 });
    } else expect(upload.err_code).toBe('AMOUNT_NEGATIVE');
  });
});

describe('F2. a refund line (negative count) with a positive amount', () => {
  it('a "refund" that raises the line is refused', async () => {
    const visit = await registerVisit(world, P002);
    // A line of 1 × 0 = 0.00, then its return: cnt −1, pric 0, det_item_fee_sumamt +0.01 (within a fen of −1 × 0).
    const original = line(visit, { cnt: 1, pric: 0, det_item_fee_sumamt: 0 });
    await accepted(envelope('2204', { feedetail: [original] }));
    const before = await counts(world.pool);
    const answer = await call(
      world,
      envelope('2204', {
        feedetail: [
          line(visit, {
            init_feedetl_sn: original['feedetl_sn'],
            med_list_codg: original['med_list_codg'],
            cnt: -1,
            pric: 0,
            det_item_fee_sumamt: 0.01,
          }),
        ],
      }),
    );
    // Expected: refused (a refund's amount is negative, docs/HIS.md «退单填负数»), e.g. AMOUNT_INCONSISTENT, and
    // nothing written. Before the fix: accepted, the refund carries inscp_scp_amt +0.01: the item is returned (count 0)
    // and its bill went up from 0.00 to 0.01. refundable() in fees.ts compares −fee with what remains, which a
    // positive fee always passes; each further return of a fraction of the count adds another fen.
    expect({ infcode: answer.infcode, rows: (await counts(world.pool))['fee_lines'] }).toEqual({
      infcode: -1,
      rows: before['fee_lines'],
    });
  });
});

describe('F3. a refund settled apart from the line it returns', () => {
  it('the line can then be refunded a second time, below zero', async () => {
    const visit = await registerVisit(world, P002);
    // 1. 2204: A1, 甲类 1 × 10.00 in batch B1.
    const a1 = line(visit, { feedetl_sn: 'A1', med_list_codg: 'XA' });
    await accepted(envelope('2204', { feedetail: [a1] }));
    // 2. 2301 (the inpatient upload) on the outpatient visit: R1 returns A1 without a chrg_bchno. Neither the
    //    transaction (2301 takes any open visit) nor the batch rule (refundable() compares batches only when the
    //    refund names one) stops it. Expected: refused here (STATE: 2301 is for stays; or SCHEMA: same batch).
    const r1 = await call(
      world,
      envelope('2301', {
        feedetail: [
          {
            ...line(visit, { feedetl_sn: 'R1', init_feedetl_sn: 'A1', med_list_codg: 'XA' }),
            chrg_bchno: null,
            cnt: -1,
            det_item_fee_sumamt: -10,
          },
        ],
      }),
    );
    if (r1.infcode === 0) {
      // 3. 2204: A2, 甲类 1 × 20.00 in batch B2.
      await accepted(
        envelope('2204', {
          feedetail: [line(visit, { feedetl_sn: 'A2', chrg_bchno: 'B2', cnt: 1, pric: 20, det_item_fee_sumamt: 20 })],
        }),
      );
      // 4. 2207 of batch B1 settles A1 alone (10.00; R1 has no batch): fund 5.00.
      const first = await settleVisit(visit, 10, { chrg_bchno: 'B1' });
      // 5. 2207 of everything else settles R1 with A2: 20.00 − 10.00 = 10.00, fund 5.00.
      await settleVisit(visit, 10);
      // 6. 2208 of the first: A1 is unsettled again; R1 stays settled in the second settlement.
      await accepted(envelope('2208', { data: { psn_no: P002, mdtrt_id: visit, setl_id: first.setlId } }));
      // 7. A second return of A1, in its batch: refundable() sums only active refunds, so R1 (settled) is not
      //    counted and A1 looks whole. Expected: AMOUNT_RANGE (A1 was returned in full by R1). Before the fix: accepted.
      await call(
        world,
        envelope('2204', {
          feedetail: [
            line(visit, {
              feedetl_sn: 'R2',
              init_feedetl_sn: 'A1',
              med_list_codg: 'XA',
              cnt: -1,
              det_item_fee_sumamt: -10,
            }),
          ],
        }),
      );
    }
    // Whatever was refused on the way: A1 and the refunds standing against it never add up to less than zero.
    const { rows } = await world.pool.query<{ cnt: string; fee: number }>(
      `select coalesce(sum(cnt), 0)::text as cnt, coalesce(sum(det_item_fee_sumamt), 0)::bigint as fee from fee_lines
        where psn_no = $1 and mdtrt_id = $2 and status <> 'withdrawn' and (feedetl_sn = 'A1' or init_feedetl_sn = 'A1')`,
      [P002, visit],
    );
    // Before the fix: { cnt: '-1.0000', fee: -1000 }: a line of 1 × 10.00 returned twice.
    expect(Number(rows[0]!.cnt)).toBeGreaterThanOrEqual(0);
    expect(rows[0]!.fee).toBeGreaterThanOrEqual(0);
  });
});

describe('F4. deeply nested JSON', () => {
  // Every walk of the message recurses: findControlCharacter (core/text.ts), canonicalJson (endpoint.ts, the msgid
  // digest), received() (fields.ts: JSON.stringify of what a field received, in a refusal) and JSON.stringify of the
  // message log. From a few thousand levels of [ (8 KB: far under the body limit) one of them overflows the stack
  // (observed, depending on the depth and how warm the JIT is: canonicalJson from about 4,000 levels, received()
  // from about 5,000, findControlCharacter from about 10,000, before anything else): a RangeError, which
  // asRefusal() rethrows and the app answers with HTTP 500 INVARIANT «服务器内部错误». Expected: a refusal in the
  // interface's shape (SCHEMA: nesting too deep), nothing written.
  for (const depth of [10_000, 50_000]) {
    it(`${depth} levels in input.feedetail are refused, not answered with HTTP 500`, async () => {
      const before = await counts(world.pool);
      const body = JSON.stringify(envelope('2204', { feedetail: '@@' })).replace(
        '"@@"',
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
      );
      const answer = await raw(body);
      expect(answer.status, answer.body.slice(0, 200)).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ infcode: -1 });
      expect(await counts(world.pool)).toEqual(before);
    });
  }

  it('(console) the same body at /api/login, without any credential, is HTTP 500', async () => {
    // app.ts's preValidation hook runs findControlCharacter on every /api/ body before anyone is authenticated
    // (RangeError in core/text.ts, answered 500 INTERNAL).
    const depth = 20_000;
    const response = await world.app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"x","password":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    });
    expect(response.statusCode, response.body).toBeLessThan(500);
  });
});

describe('F5. a settlement list whose ICU stay starts centuries ago', () => {
  it('an outpatient 4101 with an ICU entry in the year 800 is refused, not answered with HTTP 500', async () => {
    const { visit, setlId } = await settledVisit();
    const before = await counts(world.pool);
    // An outpatient list has no admission time (readStay gives admTime null unless setlinfo.adm_time is sent), so
    // readIcuStays checks neither the entry against the admission nor its age; only the exit against now. The
    // minutes (2026 − 800 years ≈ 644.8 million) fit icu_minutes (integer), but the generated icu_hours,
    // numeric(9, 2), overflows at 10 million hours: PostgreSQL 22003 «numeric field overflow», rethrown as HTTP 500.
    // Expected: DATE_ORDER (ICU entry before the visit, or more than two years ago), nothing written.
    const answer = await raw(
      JSON.stringify(
        envelope('4101', {
          setlinfo: { psn_no: P002, mdtrt_id: visit, setl_id: setlId },
          opspdiseinfo: [{ diag_code: 'I10', diag_name: '高血压' }],
          icuinfo: [{ scs_cutd_inpool_time: '0800-01-01 00:00:00', scs_cutd_exit_time: '2026-06-15 09:00:00' }],
        }),
      ),
    );
    expect(answer.status, answer.body.slice(0, 200)).toBe(200);
    // The year 800 is no date of the interface at all (years 1900–2099): refused as it is read.
    expect(JSON.parse(answer.body)).toMatchObject({ infcode: -1, err_code: 'DATE_INVALID' });
    expect(await counts(world.pool)).toEqual(before);
    // Within the years read, an ICU entry more than two years back is refused too (DATE_ORDER).
    const old = await raw(
      JSON.stringify(
        envelope('4101', {
          setlinfo: { psn_no: P002, mdtrt_id: visit, setl_id: setlId },
          opspdiseinfo: [{ diag_code: 'I10', diag_name: '高血压' }],
          icuinfo: [{ scs_cutd_inpool_time: '1950-01-01 00:00:00', scs_cutd_exit_time: '2026-06-15 09:00:00' }],
        }),
      ),
    );
    expect(JSON.parse(old.body)).toMatchObject({ infcode: -1, err_code: 'DATE_ORDER' });
    expect(await counts(world.pool)).toEqual(before);
  });
});

describe('F6. 2601 while the message it reverses is still being processed', () => {
  it('a 2601 that answers «未被受理，无需冲正» leaves no settlement standing', async () => {
    const visit = await registerVisit(world, P002);
    await accepted(envelope('2204', { feedetail: [line(visit)] }));
    const settle = envelope('2207', { data: { psn_no: P002, mdtrt_id: visit, med_type: '11', medfee_sumamt: 10 } });
    // The 2207 is slow (here: another transaction holds the visit's row, as a concurrent 2204 or 4101 would); the
    // HIS times out and sends 2601 for it, as the specification says.
    const holder = await world.pool.connect();
    await holder.query('begin');
    await holder.query('select 1 from encounters where psn_no = $1 and mdtrt_id = $2 for update', [P002, visit]);
    const settling = call(world, settle);
    for (let i = 0; i < 100; i++) {
      const { rows } = await world.pool.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0]!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // reverse() (transactions/settlement.ts) looks the original up in message_log without taking the original's
    // msgid lock: it finds nothing yet and answers success, «no reversal needed», and logs that answer.
    // The 2601 now waits for the original (the same msgid lock): it is sent, the slow 2207 let go, and both awaited.
    const reversing = call(
      world,
      envelope('2601', { data: { psn_no: P002, omsgid: settle['msgid'], oinfno: '2207' } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await holder.query('rollback');
    holder.release();
    const settled = await settling;
    const reversal = await reversing;
    const { rows } = await world.pool.query<{ n: number }>(
      "select count(*)::int as n from settlements where psn_no = $1 and mdtrt_id = $2 and kind = 'settlement' and reversed_by is null",
      [P002, visit],
    );
    // Expected: the 2601 waits for the original (pg_advisory_xact_lock on its key) and reverses it, or the late
    // original is refused once a 2601 has declared it void: nothing stands. Before the fix: the 2601 said 0 «无需冲正»,
    // then the 2207 committed; the HIS believes the settlement undone while the fund pays it.
    // Before the fix: 2601 infcode 0 with warn «原交易 … 未被受理，无需冲正», 2207 infcode 0, one settlement standing.
    const what = { reversal: reversal.infcode, warn: (reversal as Reply).warn_msg, settle: settled.infcode };
    expect(rows[0]!.n, JSON.stringify(what)).toBe(0);
  });
});

describe("another institution and a COUNTY visit's fee lines", () => {
  it('cannot upload to it, refund its line or withdraw its lines (FORBIDDEN), and nothing is written', async () => {
    const visit = await registerVisit(world, P002);
    const original = line(visit);
    await accepted(envelope('2204', { feedetail: [original] }));
    const asTownship = (infno: string, input: Record<string, unknown>): Record<string, unknown> =>
      envelope(infno, input, { institution: TOWNSHIP.code });
    await refused(asTownship('2204', { feedetail: [line(visit)] }), 'FORBIDDEN', TOWNSHIP);
    const refund = line(visit, {
      init_feedetl_sn: original['feedetl_sn'],
      med_list_codg: original['med_list_codg'],
      cnt: -1,
      det_item_fee_sumamt: -10,
    });
    await refused(asTownship('2204', { feedetail: [refund] }), 'FORBIDDEN', TOWNSHIP);
    await refused(
      asTownship('2205', { data: { mdtrt_id: visit, psn_no: P002, chrg_bchno: '0000' } }),
      'FORBIDDEN',
      TOWNSHIP,
    );
    const { rows } = await world.pool.query('select status from fee_lines where psn_no = $1 and mdtrt_id = $2', [
      P002,
      visit,
    ]);
    expect(rows).toEqual([{ status: 'active' }]);
  });
});

describe("F7. 5203 tells another institution's settlements from unknown ones", () => {
  it("the township gets the same answer for the county's settlement and for none", async () => {
    const { visit, setlId } = await settledVisit();
    const query = (fields: Record<string, unknown>) =>
      envelope('5203', { data: { psn_no: P002, ...fields } }, { institution: TOWNSHIP.code });
    // Before the fix: FORBIDDEN «结算 … 属于其他定点医药机构» for the county's setl_id (and only with its right mdtrt_id),
    // SETTLEMENT_NOT_FOUND for a setl_id nobody has. setl_id and mdtrt_id are sequences (ST/MD + date + number):
    // a clinic can enumerate them for a psn_no and learn where and when the person was treated. Expected: the same
    // refusal for both (SETTLEMENT_NOT_FOUND). settlementInfo() in settlement/service.ts; 4101's
    // standingSettlement() and lockEncounter() answer the same way.
    const theirs = await call(world, query({ setl_id: setlId, mdtrt_id: visit }), TOWNSHIP);
    const wrongVisit = await call(world, query({ setl_id: setlId, mdtrt_id: 'MD202606150000000000' }), TOWNSHIP);
    const none = await call(world, query({ setl_id: 'ST202606159999999999' }), TOWNSHIP);
    expect(theirs.infcode).toBe(-1);
    expect(theirs.output).toEqual({});
    expect([theirs.err_code, wrongVisit.err_code]).toEqual([none.err_code, none.err_code]);
  });
});

describe('F8. times PostgreSQL cannot hold', () => {
  // readDateTime (fields.ts) takes any four-digit year, 0000 included (isValidDate knows no year 0 limit), and a time
  // with an offset is shifted through Date: '9999-12-31T23:59:59-12:00' becomes the text '+010000-01-01 19:59', which
  // requireTimeWithin (context.ts) compares as text and finds earlier than now ('+' < '2'). Fields checked against
  // now only (2402 endtime, 2403 endtime, 4101 dscg_time of an outpatient list, 3201/3202 periods) then reach SQL:
  // PostgreSQL refuses year 0 («date/time field value out of range») and the '+010000' text («time zone displacement
  // out of range»), rethrown as HTTP 500. Expected: DATE_INVALID (or DATE_ORDER), nothing written.
  async function admitted(): Promise<string> {
    const reply = await accepted(
      envelope('2401', {
        mdtrtinfo: {
          psn_no: P002,
          insutype: '390',
          begntime: '2026-06-10 08:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: PEOPLE.ordinary.certno,
          med_type: '21',
          ipt_no: 'ZYRT8',
        },
        diseinfo: [{ diag_code: 'I10' }],
      }),
    );
    return reply.output['result'].mdtrt_id as string;
  }

  async function refusedAsDate(body: Record<string, unknown>): Promise<void> {
    const before = await counts(world.pool);
    const answer = await raw(JSON.stringify(body));
    expect(answer.status, answer.body.slice(0, 200)).toBe(200);
    expect(['DATE_INVALID', 'DATE_ORDER']).toContain(JSON.parse(answer.body).err_code);
    expect(await counts(world.pool)).toEqual(before);
  }

  for (const endtime of ['0000-01-01 00:00:00', '9999-12-31T23:59:59-12:00']) {
    it(`2402 with endtime ${endtime}`, async () => {
      const stay = await admitted();
      await refusedAsDate(envelope('2402', { dscginfo: { mdtrt_id: stay, psn_no: P002, endtime }, diseinfo: [] }));
    });
  }

  it("2403 changing a discharged stay's endtime to 0000-01-01", async () => {
    const stay = await admitted();
    await accepted(
      envelope('2402', { dscginfo: { mdtrt_id: stay, psn_no: P002, endtime: '2026-06-14 10:00:00' }, diseinfo: [] }),
    );
    await refusedAsDate(
      envelope('2403', { adminfo: { mdtrt_id: stay, psn_no: P002, endtime: '0000-01-01 00:00:00' } }),
    );
  });

  it('an outpatient 4101 with dscg_time 0000-01-01', async () => {
    const { visit, setlId } = await settledVisit();
    await refusedAsDate(
      envelope('4101', {
        setlinfo: { psn_no: P002, mdtrt_id: visit, setl_id: setlId, dscg_time: '0000-01-01 00:00:00' },
        opspdiseinfo: [{ diag_code: 'I10' }],
      }),
    );
  });

  it('3201 and 3202 for a period in the year 0', async () => {
    const period = { stmt_begndate: '0000-01-01', stmt_enddate: '0000-01-05' };
    await refusedAsDate(
      envelope('3201', { data: { ...period, medfee_sumamt: 0, fund_pay_sumamt: 0, fixmedins_setl_cnt: 0 } }),
    );
    await refusedAsDate(envelope('3202', { data: period, detail: [] }));
  });
});

describe('F9. offsets and early years in ISO times (low)', () => {
  it('an offset of +99:99 is no offset, and 0026-… with an offset stays in year 26', () => {
    // readDateTime takes any two digits of hours and minutes in the offset (shifting the time by up to four days),
    // and Date.UTC reads the years 0–99 as 1900–1999: '0026-06-15T09:00:00+08:00' becomes 1926-06-15 09:00:00.
    // Expected: the offset refused (DATE_INVALID: offsets are within ±14:00, minutes 00–59); a year kept as sent.
    expect(readDateTime('2026-06-15T09:00:00+99:99')).toEqual({ problem: 'invalid' });
    expect(readDateTime('0026-06-15T09:00:00+08:00')).not.toEqual({ value: '1926-06-15 09:00:00' });
  });
});

// =====================================================================================================================

describe('boundaries that held', () => {
  it('input as the JSON text of a JSON string is refused (SCHEMA), not parsed twice', async () => {
    const visit = await registerVisit(world, P002);
    const inner = JSON.stringify({ data: { psn_no: P002, mdtrt_id: visit } });
    const message = { ...envelope('2202', {}), input: JSON.stringify(inner) };
    await refused(message, 'SCHEMA');
  });

  it('a NUL escaped in a node that is JSON text inside input that is JSON text is refused', async () => {
    const visit = await registerVisit(world, P002);
    const data = JSON.stringify({ psn_no: P002, mdtrt_id: visit, note: 'a\u0000b' });
    const message = { ...envelope('2202', {}), input: JSON.stringify({ data }) };
    expect(message.input).toContain('\\\\u0000');
    await refused(message, 'TEXT_CONTROL');
    // A lone surrogate escaped the same way.
    const surrogate = JSON.stringify({ psn_no: P002, mdtrt_id: visit, note: 'x' }).replace('"x"', '"\\ud800"');
    await refused({ ...envelope('2202', {}), input: JSON.stringify({ data: surrogate }) }, 'TEXT_CONTROL');
  });

  it('a __proto__ node in input sent as JSON text is dropped, never read', async () => {
    const visit = await registerVisit(world, P002);
    const input = `{"__proto__": {"data": {"psn_no": "${P002}", "mdtrt_id": "${visit}"}}}`;
    const err = await refused({ ...envelope('2202', {}), input }, 'SCHEMA');
    expect(err).toContain('缺少 input.data');
  });

  it('odd numbers are refused with stable codes (exponents, Infinity, 1e21, -0 counts, huge text)', async () => {
    const visit = await registerVisit(world, P002);
    const cases: [Record<string, unknown>, string][] = [
      [{ det_item_fee_sumamt: 1e21, pric: 1e21 }, 'AMOUNT_RANGE'],
      [{ det_item_fee_sumamt: 'Infinity' }, 'AMOUNT_FORMAT'],
      [{ det_item_fee_sumamt: '1e1' }, 'AMOUNT_FORMAT'],
      [{ det_item_fee_sumamt: 1e-7 }, 'AMOUNT_DECIMALS'],
      [{ det_item_fee_sumamt: '9'.repeat(40) }, 'AMOUNT_FORMAT'],
      [{ det_item_fee_sumamt: `10.${'0'.repeat(50_000)}1` }, 'AMOUNT_DECIMALS'],
      [{ cnt: -0 }, 'AMOUNT_FORMAT'],
      [{ cnt: [1] }, 'AMOUNT_FORMAT'],
      [{ cnt: { value: 1 } }, 'AMOUNT_FORMAT'],
      [{ pric: 99_999_999.999999, cnt: 1, det_item_fee_sumamt: 100_000_000 }, 'AMOUNT_RANGE'],
      [{ cnt: 99_999_999.9999, pric: 99_999_999, det_item_fee_sumamt: 99_999_999.99 }, 'AMOUNT_INCONSISTENT'],
      [{ feedetl_sn: 'x'.repeat(100_000) }, 'SCHEMA'],
      [{ feedetl_sn: 2 ** 60 }, 'SCHEMA'],
      [{ selfpay_prop: '1e-1', chrgitm_lv: '02' }, 'RATIO_FORMAT'],
    ];
    for (const [fields, code] of cases) await refused(envelope('2204', { feedetail: [line(visit, fields)] }), code);
  });

  it("2601 naming another institution's msgid reverses nothing", async () => {
    const { msgid, setlId } = await settledVisit();
    const reply = await accepted(
      envelope('2601', { data: { psn_no: P002, omsgid: msgid, oinfno: '2207' } }, { institution: TOWNSHIP.code }),
      TOWNSHIP,
    );
    expect(reply.warn_msg).toContain('未被受理');
    const { rows } = await world.pool.query('select reversed_by from settlements where psn_no = $1 and setl_id = $2', [
      P002,
      setlId,
    ]);
    expect(rows[0]).toEqual({ reversed_by: null });
  });

  it("4101 and 2403 on another institution's settlement or stay are FORBIDDEN", async () => {
    const { visit, setlId } = await settledVisit();
    await refused(
      envelope(
        '4101',
        { setlinfo: { psn_no: P002, mdtrt_id: visit, setl_id: setlId }, opspdiseinfo: [{ diag_code: 'I10' }] },
        { institution: TOWNSHIP.code },
      ),
      'FORBIDDEN',
      TOWNSHIP,
    );
    await refused(
      envelope('2403', { adminfo: { psn_no: P002, mdtrt_id: visit } }, { institution: TOWNSHIP.code }),
      'FORBIDDEN',
      TOWNSHIP,
    );
  });

  it("3202 naming another institution's setl_id and msgid shows none of its amounts", async () => {
    const { setlId, msgid } = await settledVisit();
    const reply = await accepted(
      envelope(
        '3202',
        {
          data: { stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-15' },
          detail: [
            { setl_id: setlId, medfee_sumamt: 0, fund_pay_sumamt: 0 },
            { medins_setl_id: msgid, medfee_sumamt: 0, fund_pay_sumamt: 0 },
          ],
        },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    const result = reply.output['result'] as Record<string, unknown>[];
    expect(result).toHaveLength(2);
    for (const row of result)
      expect(row).toMatchObject({
        stmt_rslt: '2',
        setl_time: '',
        medfee_sumamt: 0,
        fund_pay_sumamt: 0,
        memo: expect.stringContaining('平台没有本机构的该笔结算'),
      });
    expect(reply.output['stmtinfo']).toMatchObject({ setl_cnt: 0, medfee_sumamt: 0 });
  });

  it('a 3202 of 3,000 lines is answered (no 500) and one of 5,001 is refused', async () => {
    const detail = Array.from({ length: 3000 }, (_, i) => ({ setl_id: i + 1, medfee_sumamt: 1, fund_pay_sumamt: 1 }));
    const reply = await accepted(
      envelope('3202', { data: { stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-15' }, detail }),
    );
    expect((reply.output['result'] as unknown[]).length).toBeGreaterThanOrEqual(3000);
    // 5,001 lines are over the zod limit (and the test's 200 KB body limit answers 413 in the interface's shape).
    const over = await raw(
      JSON.stringify(
        envelope('3202', {
          data: { stmt_begndate: '2026-06-15', stmt_enddate: '2026-06-15' },
          detail: Array.from({ length: 5001 }, (_, i) => ({ setl_id: i, medfee_sumamt: 1, fund_pay_sumamt: 1 })),
        }),
      ),
    );
    expect([200, 413]).toContain(over.status);
    expect(JSON.parse(over.body)).toMatchObject({ infcode: -1 });
  });

  it('a resend with input as JSON text gets the same reply; one with another amount is MSGID_REUSED', async () => {
    const visit = await registerVisit(world, P002);
    const fee = line(visit);
    const first = envelope('2204', { feedetail: [fee] });
    const reply = await accepted(first);
    const again = await accepted({ ...first, input: JSON.stringify(first['input']), inf_time: '2026-06-15 10:00:05' });
    expect(again).toEqual(reply);
    await refused({ ...first, input: { feedetail: [{ ...fee, det_item_fee_sumamt: '10.00' }] } }, 'MSGID_REUSED');
  });

  it('2601 of a 2305 is refused while a refund of a line it gave back stands, and reinstates once it is withdrawn', async () => {
    const admitted = await accepted(
      envelope('2401', {
        mdtrtinfo: {
          psn_no: P002,
          insutype: '390',
          begntime: '2026-06-10 08:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: PEOPLE.ordinary.certno,
          med_type: '21',
          ipt_no: 'ZYRT1',
        },
        diseinfo: [{ diag_code: 'I10' }],
      }),
    );
    const stay = admitted.output['result'].mdtrt_id as string;
    const fee = line(stay, {
      chrg_bchno: null,
      fee_ocur_time: '2026-06-12 09:00:00',
      cnt: 2,
      pric: 300,
      det_item_fee_sumamt: 600,
    });
    await accepted(envelope('2301', { feedetail: [fee] }));
    await accepted(
      envelope('2402', { dscginfo: { mdtrt_id: stay, psn_no: P002, endtime: '2026-06-14 10:00:00' }, diseinfo: [] }),
    );
    const settled = await accepted(envelope('2304', { data: { psn_no: P002, mdtrt_id: stay, medfee_sumamt: 600 } }));
    const setlId = settled.output['setlinfo'].setl_id as string;
    const cancel = envelope('2305', { data: { psn_no: P002, mdtrt_id: stay, setl_id: setlId } });
    await accepted(cancel);
    const refund = line(stay, {
      chrg_bchno: null,
      fee_ocur_time: '2026-06-12 09:00:00',
      init_feedetl_sn: fee['feedetl_sn'],
      med_list_codg: fee['med_list_codg'],
      cnt: -1,
      pric: 300,
      det_item_fee_sumamt: -300,
    });
    await accepted(envelope('2301', { feedetail: [refund] }));
    const reverse = envelope('2601', { data: { psn_no: P002, omsgid: cancel['msgid'], oinfno: '2305' } });
    await refused(reverse, 'STATE');
    await accepted(envelope('2302', { data: { psn_no: P002, mdtrt_id: stay, feedetl_sn: refund['feedetl_sn'] } }));
    // The refused 2601 was not stored: the same message may be sent again.
    const reinstated = await accepted(reverse);
    const original = settled.output['setlinfo'];
    expect(reinstated.output['setlinfo']).toMatchObject({
      setl_id: setlId,
      medfee_sumamt: original.medfee_sumamt,
      hifp_pay: original.hifp_pay,
      fund_pay_sumamt: original.fund_pay_sumamt,
    });
  });
});

/**
 * The HIS interface tried as a hostile or careless hospital would: a message that breaks the database session, a
 * bill without bound, the same bill settled again under new msgids, a msgid reused with another body, duplicates
 * that overlap. On the real database; amounts by hand from Bozhou's policy.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createPool, type Pool } from '../db/pool.js';
import { PolicyRegistry } from '../policies.js';
import { insertPersons } from '../persons/repository.js';
import {
  basic,
  call,
  consoleApi,
  COUNTY,
  counts,
  createWorld,
  envelope,
  idNumber,
  NOW,
  PEOPLE,
  registerVisit,
  signIn,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';
import { TRANSACTIONS } from './endpoint.js';
import { voucherDigest } from '../security/vouchers.js';
import { MISS_LIMIT, resetVoucherMisses } from './vouchers.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('trust');
});
afterAll(async () => {
  await world.close();
});

const ordinary = PEOPLE.ordinary;

async function his(
  infno: string,
  input: Record<string, unknown>,
  options: { msgid?: string } = {},
): Promise<Awaited<ReturnType<typeof call>>> {
  return call(world, envelope(infno, input, options));
}

/** 2401 (and 2301 lines of `lines` yuan each, 甲类) for the ordinary resident at the county hospital. */
async function admit(lines: number[] = [], first = 1): Promise<string> {
  const admission = await his('2401', {
    mdtrtinfo: {
      psn_no: ordinary.psnNo,
      insutype: '390',
      begntime: '2026-06-10 08:00:00',
      mdtrt_cert_type: '02',
      mdtrt_cert_no: ordinary.certno,
      med_type: '21',
      ipt_no: 'ZY9',
    },
    diseinfo: [],
  });
  expect(admission.err_msg).toBe('');
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  if (lines.length > 0) await upload(mdtrtId, lines, first);
  return mdtrtId;
}

async function upload(mdtrtId: string, lines: number[], first = 1): Promise<void> {
  const feedetail = lines.map((yuan, index) => ({
    feedetl_sn: `L${first + index}`,
    mdtrt_id: mdtrtId,
    psn_no: ordinary.psnNo,
    fee_ocur_time: '2026-06-11 09:00:00',
    med_list_codg: 'X',
    cnt: 1,
    pric: yuan,
    det_item_fee_sumamt: yuan,
  }));
  expect((await his('2301', { feedetail })).err_msg).toBe('');
}

async function discharge(mdtrtId: string): Promise<void> {
  const answer = await his('2402', {
    dscginfo: { mdtrt_id: mdtrtId, psn_no: ordinary.psnNo, insutype: '390', endtime: '2026-06-14 08:00:00' },
    diseinfo: [],
  });
  expect(answer.err_msg).toBe('');
}

function settleData(
  mdtrtId: string,
  medfee: number | string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { data: { psn_no: ordinary.psnNo, mdtrt_id: mdtrtId, medfee_sumamt: medfee, insutype: '390', ...extra } };
}

const byTotals = { fulamt_ownpay_amt: 0, overlmt_selfpay: 0, preselfpay_amt: 0 };

async function fundPaid(psnNo: string): Promise<number> {
  const { rows } = await world.pool.query<{ fund_paid: number }>(
    'select fund_paid from person_years where psn_no = $1 and year = 2026',
    [psnNo],
  );
  return rows[0]?.fund_paid ?? 0;
}

describe('a message that breaks its database session does not break anyone else', () => {
  let small: { app: FastifyInstance; pool: Pool };
  beforeAll(async () => {
    // Two connections only: a poisoned one would be drawn again at once.
    const pool = createPool(world.url, 2);
    const app = await buildApp({
      pool,
      policies: new PolicyRegistry(),
      bodyLimit: 200_000,
      logLevel: 'silent',
      clock: () => NOW,
    });
    small = { app, pool };
    // A transaction whose first statement fails inside the database, in the same write as begin and the msgid lock.
    TRANSACTIONS['9998'] = {
      name: '测试：数据库报错',
      handler: async (context) => {
        await context.client.query("select 'not a number'::int");
        return { output: {} };
      },
    };
  });
  afterAll(async () => {
    delete TRANSACTIONS['9998'];
    await small.app.close();
    await small.pool.end();
  });

  const send = async (body: unknown, institution = COUNTY): Promise<{ status: number; reply: any }> => {
    const response = await small.app.inject({
      method: 'POST',
      url: '/fsi/api/rsfComIfsService/callService',
      headers: { authorization: basic(institution), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, reply: response.json() };
  };

  it('refuses a NUL in the msgid (or any text) with TEXT_CONTROL before the database sees it', async () => {
    const before = await counts(world.pool);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        send(
          envelope(
            '1101',
            { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ordinary.certno } },
            {
              msgid: `NUL${i}\u0000x`,
            },
          ),
        ),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.reply).toMatchObject({ infcode: -1, err_code: 'TEXT_CONTROL' });
      expect(answer.reply.err_msg).toMatch(/^\[TEXT_CONTROL\] 报文 msgid：含有控制字符 U\+0000/);
    }
    expect(await counts(world.pool)).toEqual(before);
    // The other hospital's next hundred calls all succeed on the same two connections.
    const others = await Promise.all(
      Array.from({ length: 100 }, () =>
        send(envelope('9001', { signIn: { opter_no: '1' } }, { institution: TOWNSHIP.code }), TOWNSHIP),
      ),
    );
    expect(others.filter((answer) => answer.reply.infcode === 0)).toHaveLength(100);
  });

  it('discards a connection whose transaction the database aborted, so the next calls succeed', async () => {
    const failed = await Promise.all(Array.from({ length: 20 }, () => send(envelope('9998', { data: {} }))));
    for (const answer of failed) expect(answer.reply).toMatchObject({ infcode: -1, err_code: 'INVARIANT' });
    const others = await Promise.all(
      Array.from({ length: 100 }, () =>
        send(envelope('9001', { signIn: { opter_no: '1' } }, { institution: TOWNSHIP.code }), TOWNSHIP),
      ),
    );
    expect(others.filter((answer) => answer.reply.infcode === 0)).toHaveLength(100);
    // Nothing of the failed calls was logged as handled.
    const logged = await world.pool.query("select count(*)::int as n from message_log where infno = '9998'");
    expect(logged.rows[0].n).toBe(0);
  });
});

describe('a bill has a bound', () => {
  it('refuses 9,999,999,999,999.99 yuan at the interface (AMOUNT_RANGE) and writes nothing', async () => {
    const mdtrtId = await admit();
    await discharge(mdtrtId);
    const before = await counts(world.pool);
    const answer = await his('2304', settleData(mdtrtId, '9999999999999.99', byTotals));
    expect(answer).toMatchObject({ infcode: -1, err_code: 'AMOUNT_RANGE' });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('refuses a county stay above 500,000.00 given by totals alone (FEE_LINES_REQUIRED)', async () => {
    const mdtrtId = await admit();
    await discharge(mdtrtId);
    const before = await counts(world.pool);
    // Bozhou (Anhui's limits): a county stay may be declared by totals up to 500,000.00.
    const answer = await his('2304', settleData(mdtrtId, '500000.01', byTotals));
    expect(answer).toMatchObject({ infcode: -1, err_code: 'FEE_LINES_REQUIRED' });
    expect(answer.err_msg).toContain('500000.00');
    expect(await counts(world.pool)).toEqual(before);
  });

  it('refuses a county stay above 1,000,000.00 even itemised, counting its mid-settlements (AMOUNT_RANGE)', async () => {
    const mdtrtId = await admit([600_000]);
    const mid = await his('2304', settleData(mdtrtId, 600_000, { mid_setl_flag: '1' }));
    expect(mid.err_msg).toBe('');
    await upload(mdtrtId, [400_000.01], 2);
    const before = await counts(world.pool);
    // 600,000.00 settled + 400,000.01 new = 1,000,000.01 > 1,000,000.00.
    const answer = await his('2304', settleData(mdtrtId, 400_000.01, { mid_setl_flag: '1' }));
    expect(answer).toMatchObject({ infcode: -1, err_code: 'AMOUNT_RANGE' });
    expect(answer.err_msg).toContain('1000000.00');
    expect(await counts(world.pool)).toEqual(before);
    // Cancel the mid-settlement so that later tests start from an empty year for this person.
    const cancelled = await his('2305', {
      data: { psn_no: ordinary.psnNo, mdtrt_id: mdtrtId, setl_id: mid.output['setlinfo'].setl_id },
    });
    expect(cancelled.err_msg).toBe('');
  });

  it('refuses an ordinary outpatient visit above 5,000.00 by totals and above 20,000.00 itemised', async () => {
    const mdtrtId = await registerVisit(world, ordinary.psnNo);
    const before = await counts(world.pool);
    const byTotal = await his('2207', settleData(mdtrtId, '5000.01', { med_type: '11', ...byTotals }));
    expect(byTotal).toMatchObject({ infcode: -1, err_code: 'FEE_LINES_REQUIRED' });
    expect(await counts(world.pool)).toEqual(before);
    const feedetail = [
      {
        feedetl_sn: 'O1',
        chrg_bchno: 'B1',
        mdtrt_id: mdtrtId,
        psn_no: ordinary.psnNo,
        fee_ocur_time: '2026-06-15 08:30:00',
        med_list_codg: 'X',
        cnt: 1,
        pric: 20000.01,
        det_item_fee_sumamt: 20000.01,
      },
    ];
    expect((await his('2204', { feedetail })).err_msg).toBe('');
    const itemised = await his('2207', settleData(mdtrtId, 20000.01, { med_type: '11' }));
    expect(itemised).toMatchObject({ infcode: -1, err_code: 'AMOUNT_RANGE' });
  });

  it('keeps bigint amounts exact or refuses them: the tables bound them and the reader never rounds', async () => {
    await expect(world.pool.query('select 9007199254740993::bigint as n')).rejects.toThrow(/beyond exact integers/);
    // The pool still answers after a refused read.
    expect((await world.pool.query('select 9007199254740991::bigint as n')).rows[0].n).toBe(9007199254740991);
    await expect(
      world.pool.query(
        "insert into person_years (psn_no, year, ytd, fund_paid) values ('P003', 2031, '{}', 10000000000000)",
      ),
    ).rejects.toThrow(/person_years_amount_bound/);
  });
});

describe('a bill is settled once', () => {
  it('an outpatient visit settled by totals three times under three msgids pays once', async () => {
    const mdtrtId = await registerVisit(world, ordinary.psnNo);
    const paidBefore = await fundPaid(ordinary.psnNo);
    const first = await his('2207', settleData(mdtrtId, 300, { med_type: '11', ...byTotals }));
    expect(first.err_msg).toBe('');
    // Bozhou ordinary outpatient at a county hospital: no deductible, 50%: 300.00 × 50% = 150.00.
    expect(first.output['setlinfo']).toMatchObject({ hifp_pay: 150, fund_pay_sumamt: 150, psn_part_amt: 150 });
    const setlId = first.output['setlinfo'].setl_id as string;
    for (const attempt of [2, 3]) {
      const again = await his('2207', settleData(mdtrtId, 300, { med_type: '11', ...byTotals }));
      expect(again, `attempt ${attempt}`).toMatchObject({ infcode: -1, err_code: 'ALREADY_SETTLED' });
      expect(again.err_msg).toContain(setlId);
    }
    const { rows } = await world.pool.query(
      "select count(*)::int as n from settlements where psn_no = $1 and mdtrt_id = $2 and kind = 'settlement'",
      [ordinary.psnNo, mdtrtId],
    );
    expect(rows[0].n).toBe(1);
    expect((await fundPaid(ordinary.psnNo)) - paidBefore).toBe(15000);
  });

  it('a stay mid-settled three times for the same 20,000.00 and then settled pays for 20,000.00 once', async () => {
    const paidBefore = await fundPaid(ordinary.psnNo);
    const mdtrtId = await admit([20_000]);
    const mid = await his('2304', settleData(mdtrtId, 20_000, { mid_setl_flag: '1' }));
    expect(mid.err_msg).toBe('');
    // County stay, all 甲类 and in scope: basic (20,000 − 500) × 80% = 15,600.00; the person's 4,400.00 is below the
    // critical-illness deductible of 12,000.00, so nothing more; an ordinary resident has no assistance.
    expect(mid.output['setlinfo']).toMatchObject({ hifp_pay: 15600, hifmi_pay: 0, maf_pay: 0, fund_pay_sumamt: 15600 });
    for (const attempt of [2, 3]) {
      const again = await his('2304', settleData(mdtrtId, 20_000, { mid_setl_flag: '1' }));
      expect(again, `attempt ${attempt}`).toMatchObject({ infcode: -1, err_code: 'ALREADY_SETTLED' });
    }
    // A mid-settlement by totals alone is not a way around it.
    const totalsOnly = await his('2304', settleData(mdtrtId, 20_000, { mid_setl_flag: '1', ...byTotals }));
    expect(totalsOnly).toMatchObject({ infcode: -1, err_code: 'ALREADY_SETTLED' });
    await discharge(mdtrtId);
    const final = await his('2304', settleData(mdtrtId, 20_000, { mid_setl_flag: '0', ...byTotals }));
    expect(final).toMatchObject({ infcode: -1, err_code: 'ALREADY_SETTLED' });
    expect((await fundPaid(ordinary.psnNo)) - paidBefore).toBe(1_560_000);
    const { rows } = await world.pool.query(
      "select coalesce(sum(medfee_sumamt), 0)::int as medfee from settlements where psn_no = $1 and mdtrt_id = $2 and kind = 'settlement' and reversed_by is null",
      [ordinary.psnNo, mdtrtId],
    );
    expect(rows[0].medfee).toBe(2_000_000);
  });

  it('a mid-settlement settles only the lines added since the previous one', async () => {
    const mdtrtId = await admit([1_000]);
    expect((await his('2304', settleData(mdtrtId, 1_000, { mid_setl_flag: '1' }))).err_msg).toBe('');
    await upload(mdtrtId, [250], 2);
    const second = await his('2304', settleData(mdtrtId, 250, { mid_setl_flag: '1' }));
    expect(second.err_msg).toBe('');
    expect(second.output['setlinfo'].medfee_sumamt).toBe(250);
  });

  it('a mid-settlement of totals without fee lines is refused (FEE_LINES_REQUIRED)', async () => {
    const mdtrtId = await admit();
    const answer = await his('2304', settleData(mdtrtId, 1_000, { mid_setl_flag: '1', ...byTotals }));
    expect(answer).toMatchObject({ infcode: -1, err_code: 'FEE_LINES_REQUIRED' });
  });
});

describe('a msgid answers for one message', () => {
  it('the same msgid with another body is refused (MSGID_REUSED), never given the first reply', async () => {
    const msgid = `REUSE${process.pid}`;
    const first = await his('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ordinary.certno } }, { msgid });
    expect(first.output['baseinfo'].psn_no).toBe(ordinary.psnNo);
    const other = await his('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: PEOPLE.dibao.certno } }, { msgid });
    expect(other).toMatchObject({ infcode: -1, err_code: 'MSGID_REUSED' });
    expect(JSON.stringify(other)).not.toContain(ordinary.certno);
    // The same content again (the envelope's time may differ) gets the stored reply.
    const resend = await call(world, {
      ...envelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ordinary.certno } }, { msgid }),
      inf_time: '2026-06-15 10:05:00',
    });
    expect(resend.output).toEqual(first.output);
  });

  it('overlapping duplicates of a settlement wait for the first and all get its reply', async () => {
    for (let round = 0; round < 5; round++) {
      const mdtrtId = await registerVisit(world, ordinary.psnNo, { number: `D${round}` });
      const msgid = `DUP${process.pid}R${round}`;
      const body = envelope('2207', settleData(mdtrtId, 100, { med_type: '11', ...byTotals }), { msgid });
      const answers = await Promise.all(Array.from({ length: 6 }, () => call(world, body)));
      for (const answer of answers) expect(answer).toMatchObject({ infcode: 0, err_code: '' });
      const ids = new Set(answers.map((answer) => String(answer.output['setlinfo'].setl_id)));
      expect(ids.size).toBe(1);
      const { rows } = await world.pool.query(
        'select count(*)::int as n from settlements where psn_no = $1 and mdtrt_id = $2',
        [ordinary.psnNo, mdtrtId],
      );
      expect(rows[0].n).toBe(1);
    }
  });
});

describe('times are real and in range', () => {
  it.each([
    ['25:61:61', '2026-06-10 25:61:61', 'DATE_INVALID'],
    ['24:00:00', '2026-06-10 24:00:00', 'DATE_INVALID'],
    ['a day after now', '2026-06-16 10:00:00', 'DATE_ORDER'],
    ['three years ago', '2023-06-10 08:00:00', 'DATE_ORDER'],
  ])('an admission at %s is refused', async (_name, begntime, code) => {
    const before = await counts(world.pool);
    const answer = await his('2401', {
      mdtrtinfo: {
        psn_no: ordinary.psnNo,
        insutype: '390',
        begntime,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: ordinary.certno,
        med_type: '21',
        ipt_no: 'ZY',
      },
      diseinfo: [],
    });
    expect(answer).toMatchObject({ infcode: -1, err_code: code });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('a discharge in 2030 and a fee in 1900 are refused', async () => {
    const mdtrtId = await admit();
    const late = await his('2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: ordinary.psnNo, insutype: '390', endtime: '2030-01-01 08:00:00' },
      diseinfo: [],
    });
    expect(late).toMatchObject({ infcode: -1, err_code: 'DATE_ORDER' });
    const feedetail = [
      {
        feedetl_sn: 'OLD',
        mdtrt_id: mdtrtId,
        psn_no: ordinary.psnNo,
        fee_ocur_time: '1900-01-01 00:00:00',
        med_list_codg: 'X',
        cnt: 1,
        pric: 10,
        det_item_fee_sumamt: 10,
      },
    ];
    expect(await his('2301', { feedetail })).toMatchObject({ infcode: -1, err_code: 'DATE_ORDER' });
  });
});

describe('1101 answers only for a voucher the person presented, in the institution’s region', () => {
  const lookup = (type: string, no: string, institution = TOWNSHIP): Promise<Awaited<ReturnType<typeof call>>> =>
    call(
      world,
      envelope('1101', { data: { mdtrt_cert_type: type, mdtrt_cert_no: no } }, { institution: institution.code }),
      institution,
    );

  it('an electronic voucher is a token the platform issued, not the psn_no', async () => {
    const bare = await lookup('01', ordinary.psnNo);
    expect(bare).toMatchObject({ infcode: -1, err_code: 'PERSON_NOT_FOUND' });
    expect(JSON.stringify(bare)).not.toContain(ordinary.certno);
    const token = await signIn(world, {
      username: 'voucher-clerk',
      display_name: '经办',
      role: 'operator',
      scope_admdvs: '341602',
    });
    const issued = await consoleApi(world, token)('POST', `/api/persons/${ordinary.psnNo}/vouchers`);
    expect(issued.status).toBe(201);
    expect(issued.json.mdtrt_cert_no).toMatch(/^EC[\w-]{27}$/);
    const answer = await lookup('01', String(issued.json.mdtrt_cert_no));
    expect(answer.output['baseinfo']).toMatchObject({ psn_no: ordinary.psnNo, psn_name: ordinary.name });
    // Only the digest is stored.
    const stored = await world.pool.query('select token_sm3 from vouchers where psn_no = $1', [ordinary.psnNo]);
    expect(JSON.stringify(stored.rows)).not.toContain(issued.json.mdtrt_cert_no);
  });

  it('an expired voucher answers nothing', async () => {
    const { rows } = await world.pool.query<{ token: string }>("select 'EC-expired-token' as token");
    await world.pool.query(
      "insert into vouchers (token_sm3, psn_no, issued_by, issued_at, expires_at) values ($1, $2, 'test', $3, $3)",
      [voucherDigest(rows[0]!.token), ordinary.psnNo, new Date(NOW.getTime() - 60_000)],
    );
    expect(await lookup('01', 'EC-expired-token')).toMatchObject({ infcode: -1, err_code: 'PERSON_NOT_FOUND' });
  });

  it('a person insured in another city is not answered (OUT_OF_REGION)', async () => {
    // A Guanxian (聊城市) resident looked up by ID number at a Bozhou hospital.
    const certno = idNumber('371525', '1970-01-01', '777');
    await world.pool.query(
      "insert into regions (admdvs, name, parent, policy_id) values ('371500', '聊城市', null, 'shandong/liaocheng'), ('371525', '冠县', '371500', 'shandong/liaocheng/guanxian') on conflict do nothing",
    );
    await insertPersons(world.pool, [{ psnNo: 'G-OUT', certno, name: '赵外地', admdvs: '371525' }]);
    const answer = await lookup('02', certno);
    expect(answer).toMatchObject({ infcode: -1, err_code: 'OUT_OF_REGION' });
    expect(JSON.stringify(answer)).not.toContain('赵外地');
  });

  it('an admission whose voucher names someone else is refused', async () => {
    const before = await counts(world.pool);
    const answer = await his('2401', {
      mdtrtinfo: {
        psn_no: ordinary.psnNo,
        insutype: '390',
        begntime: '2026-06-10 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE.dibao.certno,
        med_type: '21',
        ipt_no: 'ZY-OTHER',
      },
      diseinfo: [],
    });
    expect(answer).toMatchObject({ infcode: -1, err_code: 'PERSON_NOT_FOUND' });
    expect(await counts(world.pool)).toEqual(before);
  });

  it(`after ${MISS_LIMIT} misses in ten minutes an institution's look-ups stop, even with a real ID`, async () => {
    resetVoucherMisses();
    const guesses = Array.from({ length: MISS_LIMIT }, (_, i) =>
      idNumber('341602', '1990-01-01', String(100 + i).padStart(3, '0')),
    );
    for (const guess of guesses) expect((await lookup('02', guess, COUNTY)).err_code).toBe('PERSON_NOT_FOUND');
    const real = await lookup('02', ordinary.certno, COUNTY);
    expect(real).toMatchObject({ infcode: -1, err_code: 'RATE_LIMITED' });
    expect(JSON.stringify(real)).not.toContain(ordinary.name);
    // Another institution is not affected.
    expect((await lookup('02', ordinary.certno, TOWNSHIP)).infcode).toBe(0);
  });
});

/** The corpus of bad requests (test-corpus/bad-requests.json): each is refused with its code and changes nothing. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic,
  call,
  COUNTY,
  counts,
  createWorld,
  envelope,
  idNumber,
  PEOPLE,
  registerVisit,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';

interface BadRequest {
  name: string;
  infno?: string;
  input?: Record<string, unknown>;
  envelope?: Record<string, unknown>;
  raw?: string;
  auth?: 'none' | 'wrong';
  oversize?: boolean;
  status?: number;
  expect: string;
}

const corpus = JSON.parse(
  readFileSync(new URL('../../test-corpus/bad-requests.json', import.meta.url), 'utf8'),
) as BadRequest[];

let world: World;
const placeholders: Record<string, string> = {};

async function stay(
  institution: { code: string; secret: string },
  lines: number,
  discharged: boolean,
): Promise<{ mdtrtId: string; msgid: string }> {
  const admission = envelope(
    '2401',
    {
      mdtrtinfo: {
        psn_no: 'P002',
        insutype: '390',
        begntime: '2026-06-10 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE.ordinary.certno,
        med_type: '21',
        ipt_no: 'Z',
      },
      diseinfo: [],
    },
    { institution: institution.code },
  );
  const mdtrtId = (await call(world, admission, institution)).output['result'].mdtrt_id as string;
  if (lines > 0) {
    const feedetail = Array.from({ length: lines }, (_, i) => ({
      feedetl_sn: `F${i + 1}`,
      mdtrt_id: mdtrtId,
      psn_no: 'P002',
      fee_ocur_time: '2026-06-10 09:00:00',
      med_list_codg: 'X',
      cnt: 1,
      pric: 1000,
      det_item_fee_sumamt: 1000,
    }));
    expect(
      (await call(world, envelope('2301', { feedetail }, { institution: institution.code }), institution)).infcode,
    ).toBe(0);
  }
  if (discharged) {
    await call(
      world,
      envelope(
        '2402',
        {
          dscginfo: { mdtrt_id: mdtrtId, psn_no: 'P002', insutype: '390', endtime: '2026-06-14 08:00:00' },
          diseinfo: [],
        },
        { institution: institution.code },
      ),
      institution,
    );
  }
  return { mdtrtId, msgid: String(admission['msgid']) };
}

beforeAll(async () => {
  world = await createWorld('bad');
  const open = await stay(COUNTY, 1, false);
  placeholders['$OPEN'] = open.mdtrtId;
  placeholders['$ADMISSION_MSGID'] = open.msgid;
  placeholders['$DISCHARGED'] = (await stay(COUNTY, 1, true)).mdtrtId;
  placeholders['$EMPTY_DISCHARGED'] = (await stay(COUNTY, 0, true)).mdtrtId;
  placeholders['$TOWNSHIP_STAY'] = (await stay(TOWNSHIP, 1, true)).mdtrtId;
  const cancelled = await stay(COUNTY, 0, false);
  await call(world, envelope('2404', { data: { mdtrt_id: cancelled.mdtrtId, psn_no: 'P002' } }));
  placeholders['$CANCELLED'] = cancelled.mdtrtId;
  placeholders['$CERT_P002'] = PEOPLE.ordinary.certno;
  placeholders['$CERT_P003'] = PEOPLE.lapsed.certno;
  placeholders['$OPEN_EMPTY'] = (await stay(COUNTY, 0, false)).mdtrtId;
  placeholders['$VISIT'] = await registerVisit(world, 'P002', { number: 'MZ-OPEN' });
  // A visit settled by its totals, a stay settled in full and a stay mid-settled: each already paid for.
  const settledVisit = await registerVisit(world, 'P002', { number: 'MZ-SETTLED' });
  const settleVisit = envelope('2207', {
    data: {
      psn_no: 'P002',
      mdtrt_id: settledVisit,
      med_type: '11',
      medfee_sumamt: 300,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
    },
  });
  expect((await call(world, settleVisit)).err_msg).toBe('');
  placeholders['$SETTLED_VISIT'] = settledVisit;
  placeholders['$SETTLE_MSGID'] = String(settleVisit['msgid']);
  const settledStay = (await stay(COUNTY, 1, true)).mdtrtId;
  const full = await call(
    world,
    envelope('2304', { data: { psn_no: 'P002', mdtrt_id: settledStay, medfee_sumamt: 1000 } }),
  );
  expect(full.err_msg).toBe('');
  placeholders['$SETTLED_STAY'] = settledStay;
  const midSettled = (await stay(COUNTY, 1, false)).mdtrtId;
  const mid = await call(
    world,
    envelope('2304', { data: { psn_no: 'P002', mdtrt_id: midSettled, medfee_sumamt: 1000, mid_setl_flag: '1' } }),
  );
  expect(mid.err_msg).toBe('');
  placeholders['$MID_SETTLED'] = midSettled;
  const valid = idNumber('341602', '1975-09-09', '456');
  placeholders['$BAD_CERTNO'] = valid.slice(0, 17) + (valid.endsWith('1') ? '2' : '1');
});
afterAll(async () => {
  await world.close();
});

function fill(value: unknown): unknown {
  if (typeof value === 'string') return placeholders[value] ?? value;
  if (Array.isArray(value)) return value.map(fill);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fill(child)]));
  return value;
}

describe('bad requests are refused with a stable code, a Chinese message, and nothing written', () => {
  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const before = await counts(world.pool);
    let payload: string;
    if (entry.raw !== undefined) payload = entry.raw;
    else if (entry.oversize)
      payload = JSON.stringify(envelope('9001', { signIn: { opter_no: '1', padding: 'x'.repeat(300_000) } }));
    else {
      const body: Record<string, unknown> = {
        ...envelope(entry.infno ?? '9001', fill(entry.input ?? {}) as Record<string, unknown>),
        ...(fill(entry.envelope ?? {}) as Record<string, unknown>),
      };
      for (const [key, value] of Object.entries(body)) if (value === null) delete body[key];
      payload = JSON.stringify(body);
    }
    const authorization =
      entry.auth === 'none'
        ? undefined
        : entry.auth === 'wrong'
          ? basic({ code: COUNTY.code, secret: 'guess' })
          : basic(COUNTY);
    const response = await world.app.inject({
      method: 'POST',
      url: '/fsi/api/rsfComIfsService/callService',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      payload,
    });
    const reply = response.json<{ infcode: number; err_code: string; err_msg: string }>();
    expect(response.statusCode).toBe(entry.status ?? 200);
    expect(reply).toMatchObject({ infcode: -1, err_code: entry.expect });
    expect(reply.err_msg).toMatch(new RegExp(`^\\[${entry.expect}\\] .*[\\u4e00-\\u9fff]`));
    expect(await counts(world.pool)).toEqual(before);
  });

  it('audits every refusal of an authenticated institution, and only counts those of unauthenticated callers', async () => {
    const authenticated = corpus.filter((entry) => !entry.auth && entry.raw === undefined && !entry.oversize);
    const unauthenticated = corpus.filter((entry) => entry.auth);
    const { rows } = await world.pool.query<{ n: number }>(
      "select count(*)::int as n from audit_log where actor like 'his:%'",
    );
    expect(rows[0]?.n).toBe(authenticated.length);
    const counted = await world.pool.query<{ code: string; count: number }>(
      "select code, count from refusal_counts where channel = 'his' order by code",
    );
    expect(counted.rows.reduce((sum, row) => sum + row.count, 0)).toBe(unauthenticated.length);
  });
});

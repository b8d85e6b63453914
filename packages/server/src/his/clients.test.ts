/**
 * The compatibility corpus (test-corpus/his-clients): full outpatient and inpatient flows as four kinds of HIS client
 * write them, replayed against a real database, every reply checked against the typed shape a client parses.
 * - csharp: typed DTOs serialized by Newtonsoft — decimals with their scale (10.00, 3.0000), DateTime as
 *   2026-06-15T08:50:00, null for every unset field, 0.00 placeholders for the split totals, infno 2203A;
 * - java: String-typed DTOs — every number a string ("3.3333"), "" for unset fields and placeholders, input.data as a
 *   one-element list (2205/2302), a social security card (03) at 1101, a sign_no longer than 30;
 * - javascript: plain objects — numbers as short as they print (and 112.97000000000001 from adding), codes as
 *   integers (insutype 390, mdtrt_cert_type 2), Date.toJSON in UTC (2026-06-15T00:50:00.000Z), unset fields left out
 *   or null, input sent as a JSON string (2207/2304);
 * - delphi: every value a string, dates as 2026/6/15 8:50:00, fixed-width codes padded ("390   "), "0" placeholders.
 * Each flow uploads fee lines with six-decimal prices and fractional counts, returns a drug with a refund line,
 * pre-settles, settles, queries (5203), uploads the settlement list (4101/4101A), cancels, reverses the cancellation (2601) and reconciles the day (3201).
 * Amounts are computed by hand from the Bozhou policy of the test world (county hospital, ordinary resident P002).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { basic, certnoOf, COUNTY, createWorld, type World } from '../test-support/world.js';

const CORPUS = new URL('../../test-corpus/his-clients/', import.meta.url);
const CLIENTS = ['csharp', 'java', 'javascript', 'delphi'] as const;

// ---- The typed shapes clients parse: numbers are numbers, strings are strings, no null but where a date may be empty.

const num = z.number().refine(Number.isFinite, { message: 'not a finite number' });
const str = z.string();
const setlinfo = z.looseObject({
  mdtrt_id: str,
  psn_no: str,
  psn_name: str,
  psn_cert_type: str,
  certno: str,
  gend: str,
  naty: str,
  brdy: str,
  age: num,
  insutype: str,
  psn_type: str,
  cvlserv_flag: str,
  setl_time: str,
  mdtrt_cert_type: str,
  med_type: str,
  medfee_sumamt: num,
  fulamt_ownpay_amt: num,
  overlmt_selfpay: num,
  preselfpay_amt: num,
  inscp_scp_amt: num,
  act_pay_dedc: num,
  hifp_pay: num,
  pool_prop_selfpay: num,
  cvlserv_pay: num,
  hifes_pay: num,
  hifmi_pay: num,
  hifob_pay: num,
  maf_pay: num,
  hosp_part_amt: num,
  oth_pay: num,
  fund_pay_sumamt: num,
  psn_part_amt: num,
  acct_pay: num,
  psn_cash_pay: num,
  balc: num,
  acct_mulaid_pay: num,
  medins_setl_id: str,
  clr_optins: str,
  clr_way: str,
  clr_type: str,
});
const settled = z.looseObject({
  setlinfo: setlinfo.extend({ setl_id: str }),
  setldetail: z.array(
    z.looseObject({
      fund_pay_type: str,
      fund_pay_type_name: str,
      inscp_scp_amt: num,
      // A limit, never negative, even in a cancellation.
      crt_payb_lmt_amt: num.refine((value) => value >= 0, { message: 'negative limit' }),
      fund_payamt: num,
      setl_proc_info: str,
    }),
  ),
});
const preSettled = settled.extend({ setlinfo: setlinfo.extend({ setl_id: z.never().optional() }) });
const feeResult = z.looseObject({
  result: z.array(
    z.looseObject({
      feedetl_sn: str,
      det_item_fee_sumamt: num,
      cnt: num,
      pric: num,
      pric_uplmt_amt: num,
      selfpay_prop: num,
      fulamt_ownpay_amt: num,
      overlmt_amt: num,
      preselfpay_amt: num,
      inscp_scp_amt: num,
      chrgitm_lv: str,
      med_chrgitm_type: str,
      lmt_used_flag: str,
      memo: str,
    }),
  ),
});
const none = z.object({}).strict();
const SHAPES: Record<string, z.ZodType> = {
  '9001': z.looseObject({ signinoutb: z.looseObject({ sign_time: str, sign_no: str }) }),
  '9002': z.looseObject({ signoutoutb: z.looseObject({ sign_time: str, sign_no: str }) }),
  '1101': z.looseObject({
    baseinfo: z.looseObject({
      psn_no: str,
      psn_cert_type: str,
      certno: str,
      psn_name: str,
      gend: str,
      naty: str,
      brdy: str,
      age: num,
    }),
    insuinfo: z.array(
      z.looseObject({
        balc: num,
        insutype: str,
        psn_type: str,
        psn_insu_stas: str,
        psn_insu_date: str,
        paus_insu_date: str.nullable(),
        cvlserv_flag: str,
        insuplc_admdvs: str,
        emp_name: str,
      }),
    ),
    idetinfo: z.array(z.looseObject({ psn_idet_type: str, psn_type_lv: str, memo: str, begntime: str, endtime: str })),
  }),
  '2201': z.looseObject({ data: z.looseObject({ mdtrt_id: str, psn_no: str, ipt_otp_no: str }) }),
  '2401': z.looseObject({ result: z.looseObject({ mdtrt_id: str, psn_no: str, ipt_otp_no: str }) }),
  '2203': none,
  '2203A': none,
  '2205': none,
  '2302': none,
  '2402': none,
  '2403': none,
  '2204': feeResult,
  '2301': feeResult,
  '2206': preSettled,
  '2303': preSettled,
  '2207': settled,
  '2208': settled,
  '2304': settled,
  '2305': settled,
  '5203': settled,
  '2601': settled,
  '4101': z.looseObject({ setl_list_id: str }),
  '4101A': z.looseObject({ setl_list_id: str }),
  '3201': z.looseObject({ stmtinfo: z.looseObject({ setl_optins: str, stmt_rslt: str, stmt_rslt_dscr: str }) }),
};
const replyShape = z.object({
  infcode: num,
  inf_refmsgid: str,
  refmsg_time: str,
  respond_time: str,
  err_msg: str,
  err_code: str,
  warn_msg: str,
  output: z.record(z.string(), z.unknown()),
});

/** Every null in a reply, by path: only an empty date (paus_insu_date) may be null. */
function nulls(value: unknown, path = ''): string[] {
  if (value === null) return path.endsWith('paus_insu_date') ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nulls(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== undefined)
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => nulls(item, `${path}.${key}`));
  return [];
}

// ---- Hand-computed expectations (Bozhou policy; county hospital; ordinary resident, insured 2026).

/*
 * Outpatient visit, ordinary outpatient pooling at a county hospital (assumed in the policy: 50%, no deductible):
 *   1  乙 XA01  3 × 3.3333 =  9.9999 → 10.00, pre-self-pay 10%: 1.00, in scope 9.00
 *   2  甲 ZA01  1 × 80             =  80.00, in scope 80.00
 *   3  丙 C001  1 × 20             =  20.00, self-paid
 *   4  乙 XB02  0.5 × 12.6         =   6.30, pre-self-pay 20%: 1.26, in scope 5.04
 *   5  refund of 1: −1 × 3.3333 = −3.3333 → −3.33. Line 1 keeps 2 for 6.67: pre-self-pay 0.667 → 0.67, in scope 6.00,
 *      so the refund carries 0.67 − 1.00 = −0.33 pre-self-pay and 6.00 − 9.00 = −3.00 in scope.
 *   Bill 6.67 + 80 + 20 + 6.30 = 112.97; self-paid 20.00; pre-self-pay 0.67 + 1.26 = 1.93; in scope 6.00 + 80 + 5.04 = 91.04.
 *   Basic fund 91.04 × 50% = 45.52; the person pays 112.97 − 45.52 = 67.45.
 */
const OUTPATIENT = {
  medfee_sumamt: 112.97,
  fulamt_ownpay_amt: 20,
  overlmt_selfpay: 0,
  preselfpay_amt: 1.93,
  inscp_scp_amt: 91.04,
  act_pay_dedc: 0,
  hifp_pay: 45.52,
  pool_prop_selfpay: 0.5,
  fund_pay_sumamt: 45.52,
  psn_part_amt: 67.45,
  psn_cash_pay: 67.45,
  acct_pay: 0,
  clr_type: '11',
  mdtrt_cert_type: '02',
};
/*
 * Inpatient stay at a county hospital (deductible 500, 80%):
 *   11 甲 F001  1 × 2000  = 2000.00, in scope
 *   12 乙 XC03 10 × 150.5 = 1505.00, pre-self-pay 10%: 150.50, in scope 1354.50
 *   13 丙 C002  2 × 99.99 =  199.98, self-paid
 *   14 甲 M004  4 × 30    =  120.00, cap 25: (30 − 25) × 4 = 20.00 over the cap, in scope 100.00
 *   15 refund of 12: −2 × 150.5 = −301.00. Line 12 keeps 8 for 1204.00: pre-self-pay 120.40, in scope 1083.60, so the
 *      refund carries 120.40 − 150.50 = −30.10 and 1083.60 − 1354.50 = −270.90.
 *   Bill 2000 + 1204 + 199.98 + 120 = 3523.98; self-paid 199.98; over the cap 20.00; pre-self-pay 120.40;
 *   in scope 2000 + 1083.60 + 100 = 3183.60. Basic fund (3183.60 − 500) × 80% = 2146.88; the in-scope remainder
 *   (1036.72) is below the critical-illness deductible, so nothing more; the person pays 3523.98 − 2146.88 = 1377.10.
 */
const INPATIENT = {
  medfee_sumamt: 3523.98,
  fulamt_ownpay_amt: 199.98,
  overlmt_selfpay: 20,
  preselfpay_amt: 120.4,
  inscp_scp_amt: 3183.6,
  act_pay_dedc: 500,
  hifp_pay: 2146.88,
  pool_prop_selfpay: 0.8,
  hifmi_pay: 0,
  maf_pay: 0,
  fund_pay_sumamt: 2146.88,
  psn_part_amt: 1377.1,
  psn_cash_pay: 1377.1,
  clr_type: '21',
};
const negated = (amounts: Record<string, number | string>): Record<string, number | string> =>
  Object.fromEntries(
    Object.entries(amounts).map(([key, value]) => [
      key,
      typeof value === 'number' && key !== 'pool_prop_selfpay' && value !== 0 ? -value : value,
    ]),
  );

interface Step {
  infno: string;
  msgid: string;
  reply: z.output<typeof replyShape>;
}

/** Replays one corpus file: placeholders filled from the world and from earlier replies; every reply checked. */
async function replay(world: World, file: string, state: Record<string, string>): Promise<Step[]> {
  const steps: Step[] = [];
  for (const raw of readFileSync(new URL(file, CORPUS), 'utf8').split('\n').filter(Boolean)) {
    const text = raw.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = state[name];
      if (value === undefined) throw new Error(`${file}: no value for \${${name}}`);
      return value;
    });
    const message = JSON.parse(text) as { infno: string; msgid: string };
    const response = await world.app.inject({
      method: 'POST',
      url: '/fsi/api/rsfComIfsService/callService',
      headers: { authorization: basic(COUNTY), 'content-type': 'application/json' },
      payload: text,
    });
    const reply = replyShape.parse(response.json());
    const label = `${file} ${message.infno} ${message.msgid}`;
    expect(reply.err_msg, label).toBe('');
    expect(reply.infcode, label).toBe(0);
    expect(response.statusCode, label).toBe(200);
    const shape = SHAPES[message.infno];
    if (!shape) throw new Error(`no reply shape for ${message.infno}`);
    const parsed = shape.safeParse(reply.output);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), label).toEqual(
      [],
    );
    expect(nulls(reply.output), label).toEqual([]);
    const output = reply.output as Record<string, Record<string, string>>;
    if (message.infno === '9001') state['sign_no'] = output['signinoutb']!['sign_no']!;
    if (message.infno === '2201') state['mdtrt_id'] = output['data']!['mdtrt_id']!;
    if (message.infno === '2401') state['mdtrt_id'] = output['result']!['mdtrt_id']!;
    if (message.infno === '2207' || message.infno === '2304') state['setl_id'] = output['setlinfo']!['setl_id']!;
    steps.push({ infno: message.infno, msgid: message.msgid, reply });
  }
  return steps;
}

/** The output of the nth reply to `infno`, as a client that knows the shape reads it. */
function outputOf(steps: Step[], infno: string, nth: number): Record<string, any> {
  const step = steps.filter((candidate) => candidate.infno === infno)[nth];
  if (!step) throw new Error(`no reply ${nth} to ${infno}`);
  return step.reply.output;
}

const worlds: World[] = [];
afterAll(async () => {
  for (const world of worlds) await world.close();
});

describe.each(CLIENTS)('HIS client %s', (client) => {
  let world: World;
  const state: Record<string, string> = {};

  it('runs the whole outpatient flow unchanged', async () => {
    world = await createWorld(`clients_${client}`);
    worlds.push(world);
    state['certno'] = await certnoOf(world, 'P002');
    const steps = await replay(world, `${client}.outpatient.jsonl`, state);
    const at = (infno: string, nth = 0): Record<string, any> => outputOf(steps, infno, nth);
    expect(steps.map((step) => step.infno)).toEqual([
      '9001',
      '1101',
      '2201',
      client === 'csharp' ? '2203A' : '2203',
      '2205',
      '2204',
      '2204',
      '2206',
      '2207',
      '5203',
      '2208',
      '2601',
      '3201',
      '9002',
    ]);
    expect(at('1101').baseinfo).toMatchObject({ psn_no: 'P002', psn_name: '李建国' });
    expect(at('1101').insuinfo[0]).toMatchObject({ psn_insu_stas: '1', paus_insu_date: null });
    const [drug, exam, own, half] = at('2204').result;
    expect(drug).toMatchObject({ feedetl_sn: '1', det_item_fee_sumamt: 10, cnt: 3, pric: 3.3333, preselfpay_amt: 1 });
    expect(drug).toMatchObject({ inscp_scp_amt: 9, selfpay_prop: 0.1, pric_uplmt_amt: 0, lmt_used_flag: '0' });
    expect(exam).toMatchObject({ inscp_scp_amt: 80, chrgitm_lv: '01' });
    expect(own).toMatchObject({ fulamt_ownpay_amt: 20, inscp_scp_amt: 0, chrgitm_lv: '03' });
    expect(half).toMatchObject({
      cnt: 0.5,
      pric: 12.6,
      det_item_fee_sumamt: 6.3,
      preselfpay_amt: 1.26,
      inscp_scp_amt: 5.04,
    });
    expect(at('2204', 1).result[0]).toMatchObject({
      feedetl_sn: '5',
      init_feedetl_sn: '1',
      cnt: -1,
      det_item_fee_sumamt: -3.33,
      preselfpay_amt: -0.33,
      inscp_scp_amt: -3,
      fulamt_ownpay_amt: 0,
    });
    expect(at('2206').setlinfo).toMatchObject(OUTPATIENT);
    const setlinfo = at('2207').setlinfo;
    expect(setlinfo).toMatchObject({ ...OUTPATIENT, setl_id: state['setl_id'] });
    expect(steps.find((step) => step.infno === '2207')!.reply.warn_msg).toBe('');
    expect(at('5203').setlinfo).toMatchObject({
      ...OUTPATIENT,
      setl_id: state['setl_id'],
      refd_setl_flag: '0',
      medins_setl_id: steps.find((step) => step.infno === '2207')!.msgid,
    });
    expect(at('2208').setlinfo).toMatchObject({ ...negated(OUTPATIENT), reversed_setl_id: state['setl_id'] });
    // 2601 of the cancellation: the settlement stands again, as it was.
    expect(at('2601').setlinfo).toMatchObject({ ...OUTPATIENT, setl_id: state['setl_id'] });
    // The day's books: one outpatient settlement of 112.97, fund 45.52 (the cancellation and its reversal are void).
    expect(at('3201').stmtinfo).toMatchObject({ stmt_rslt: '0' });
    expect(at('9002').signoutoutb.sign_no).toBe(state['sign_no']);

    const stored = await world.pool.query<{ medfee_sumamt: string; reversed_by: string | null; voided: boolean }>(
      "select setl_id, medfee_sumamt, hifp_pay, reversed_by, voided from settlements where psn_no = 'P002' order by setl_id",
    );
    // The settlement, its cancellation (void) and the cancellation's reversal (void): 11,297 − 11,297 + 11,297 fen.
    expect(stored.rows.map((row) => [Number(row.medfee_sumamt), row.voided])).toEqual([
      [11297, false],
      [-11297, true],
      [11297, true],
    ]);
    expect(stored.rows[0]?.reversed_by).toBeNull();
    const year = await world.pool.query(
      "select fund_paid, settlements from person_years where psn_no = 'P002' and year = 2026",
    );
    expect(year.rows[0]).toMatchObject({ fund_paid: 4552, settlements: 1 });
    const lines = await world.pool.query(
      "select feedetl_sn, status, setl_id from fee_lines where psn_no = 'P002' and mdtrt_id = $1 order by feedetl_sn",
      [state['mdtrt_id']],
    );
    expect(lines.rows).toEqual(
      ['1', '2', '3', '4', '5'].map((sn) => ({ feedetl_sn: sn, status: 'settled', setl_id: state['setl_id'] })),
    );
  });

  it('runs the whole inpatient flow unchanged', async () => {
    const steps = await replay(world, `${client}.inpatient.jsonl`, state);
    const at = (infno: string, nth = 0): Record<string, any> => outputOf(steps, infno, nth);
    expect(steps.map((step) => step.infno)).toEqual([
      '9001',
      '1101',
      '2401',
      '2302',
      '2301',
      '2301',
      '2403',
      '2303',
      '2402',
      '2303',
      '2304',
      '5203',
      client === 'java' || client === 'javascript' ? '4101A' : '4101',
      '2305',
      '2601',
      '3201',
      '9002',
    ]);
    const [surgery, drug, own, capped] = at('2301').result;
    expect(surgery).toMatchObject({ inscp_scp_amt: 2000, pric_uplmt_amt: 0, lmt_used_flag: '0' });
    expect(drug).toMatchObject({ preselfpay_amt: 150.5, inscp_scp_amt: 1354.5, cnt: 10, pric: 150.5 });
    expect(own).toMatchObject({ fulamt_ownpay_amt: 199.98, pric: 99.99, cnt: 2 });
    expect(capped).toMatchObject({ overlmt_amt: 20, inscp_scp_amt: 100, pric_uplmt_amt: 25, lmt_used_flag: '1' });
    expect(at('2301', 1).result[0]).toMatchObject({
      feedetl_sn: '15',
      cnt: -2,
      det_item_fee_sumamt: -301,
      preselfpay_amt: -30.1,
      inscp_scp_amt: -270.9,
    });
    // Pre-settlement before the discharge shows what the stay would settle at.
    expect(at('2303').setlinfo).toMatchObject(INPATIENT);
    expect(at('2303', 1).setlinfo).toMatchObject(INPATIENT);
    expect(at('2304').setlinfo).toMatchObject({ ...INPATIENT, setl_id: state['setl_id'] });
    expect(at('5203').setlinfo).toMatchObject({ ...INPATIENT, setl_id: state['setl_id'], refd_setl_flag: '0' });
    // The settlement list, kept for DRG grouping: the stay from 06-10 to 06-14 is 4 days.
    const list = await world.pool.query(
      'select main_diag_code, other_diag_codes, main_oprn_code, ipt_days, dscg_way from settlement_lists where psn_no = $1 and setl_id = $2',
      ['P002', state['setl_id']],
    );
    expect(list.rows).toEqual([
      { main_diag_code: 'K35.8', other_diag_codes: ['K65.0'], main_oprn_code: '47.0100', ipt_days: 4, dscg_way: '1' },
    ]);
    expect(at('2305').setlinfo).toMatchObject({ ...negated(INPATIENT), reversed_setl_id: state['setl_id'] });
    expect(at('2601').setlinfo).toMatchObject({ ...INPATIENT, setl_id: state['setl_id'] });
    expect(at('3201').stmtinfo).toMatchObject({ stmt_rslt: '0' });

    // The discharge's diagnoses (2402: K35.8) are the stay's last word; it is settled and stays so after the reversed
    // cancellation.
    const stay = await world.pool.query(
      'select status, dise_codg from encounters where psn_no = $1 and mdtrt_id = $2',
      ['P002', state['mdtrt_id']],
    );
    expect(stay.rows[0]).toEqual({ status: 'settled', dise_codg: ['K35.8'] });
    const year = await world.pool.query(
      "select fund_paid, settlements from person_years where psn_no = 'P002' and year = 2026",
    );
    // Outpatient 45.52 + inpatient 2,146.88 = 2,192.40.
    expect(year.rows[0]).toMatchObject({ fund_paid: 219240, settlements: 2 });
  });
});

/** The HIS interface end to end on a real PostgreSQL: the call sequences of NHSA-INTERFACE.md §3, amounts by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  certnoOf,
  COUNTY,
  counts,
  createWorld,
  envelope,
  PEOPLE,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('his');
});
afterAll(async () => {
  await world.close();
});

const dibao = PEOPLE.dibao;

async function admitAndBill(psnNo: string, lines: Record<string, unknown>[]): Promise<string> {
  const admission = await call(
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
  expect(admission).toMatchObject({ infcode: 0 });
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const feedetail = lines.map((line, index) => ({
    feedetl_sn: `F${index + 1}`,
    mdtrt_id: mdtrtId,
    psn_no: psnNo,
    fee_ocur_time: '2026-06-02 09:00:00',
    med_list_codg: `X${index}`,
    cnt: 1,
    ...line,
  }));
  expect(await call(world, envelope('2301', { feedetail }))).toMatchObject({ infcode: 0 });
  expect(
    await call(
      world,
      envelope('2402', {
        dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' },
        diseinfo: [],
      }),
    ),
  ).toMatchObject({ infcode: 0 });
  return mdtrtId;
}

// The Bozhou 2022 county stay of policies/anhui/bozhou.cases.yaml, itemized: 甲 50,000 + 乙 5,000 (no pre-self-pay) in scope, 丙 5,000 self-paid.
// County basic: (55,000 − 500) × 80% = 43,600. CI (低保): (11,400 − 6,000) × 65% = 3,510. Assistance: 7,890 × 75% = 5,917.50.
const stayLines = [
  { chrgitm_lv: '01', det_item_fee_sumamt: 50000, pric: 50000 },
  { chrgitm_lv: '02', det_item_fee_sumamt: 5000, pric: 5000, selfpay_prop: 0 },
  { chrgitm_lv: '03', det_item_fee_sumamt: 5000, pric: 5000 },
];

describe('inpatient: 1101 → 2401 → 2301 → 2402 → 2303 → 2304 → 2305', () => {
  it('signs in and finds the person with their insurance and categories', async () => {
    expect(
      (await call(world, envelope('9001', { signIn: { opter_no: '001', mac: '00:00', ip: '127.0.0.1' } }))).output[
        'signinoutb'
      ].sign_no,
    ).toMatch(/^SG20260615\d{10}$/);
    const info = await call(
      world,
      envelope('1101', {
        data: {
          mdtrt_cert_type: '02',
          mdtrt_cert_no: dibao.certno,
          psn_cert_type: '01',
          certno: dibao.certno,
          psn_name: dibao.name,
        },
      }),
    );
    expect(info.output['baseinfo']).toMatchObject({
      psn_no: 'P001',
      psn_name: '王秀英',
      brdy: '1960-05-01',
      gend: '1',
      age: 66,
    });
    expect(info.output['insuinfo'][0]).toMatchObject({ insutype: '390', psn_insu_stas: '1', insuplc_admdvs: '341602' });
    expect(info.output['idetinfo']).toEqual([
      {
        psn_idet_type: 'subsistence_allowance',
        psn_type_lv: '',
        memo: '低保对象',
        begntime: '2025-03-01',
        endtime: '',
      },
    ]);
  });

  it('pre-settles without writing, settles once, and cancels back to where it was', async () => {
    const mdtrtId = await admitAndBill(dibao.psnNo, stayLines);
    const data = {
      psn_no: dibao.psnNo,
      mdtrt_id: mdtrtId,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: dibao.certno,
      medfee_sumamt: 60000,
      psn_setlway: '01',
      insutype: '390',
      acct_used_flag: '0',
      mid_setl_flag: '0',
    };
    const before = await counts(world.pool);
    const pre = await call(world, envelope('2303', { data }));
    expect(pre.output['setlinfo']).toMatchObject({
      hifp_pay: 43600,
      hifmi_pay: 3510,
      maf_pay: 5917.5,
      psn_part_amt: 6972.5,
    });
    expect(pre.output['setlinfo'].setl_id).toBeUndefined();
    expect({ ...(await counts(world.pool)), message_log: before.message_log }).toEqual(before);

    const settled = await call(world, envelope('2304', { data }));
    expect(settled.infcode).toBe(0);
    const setlinfo = settled.output['setlinfo'];
    expect(setlinfo).toMatchObject({
      mdtrt_id: mdtrtId,
      psn_no: 'P001',
      medfee_sumamt: 60000,
      fulamt_ownpay_amt: 5000,
      inscp_scp_amt: 55000,
      act_pay_dedc: 500,
      hifp_pay: 43600,
      hifmi_pay: 3510,
      maf_pay: 5917.5,
      fund_pay_sumamt: 53027.5,
      psn_part_amt: 6972.5,
      psn_cash_pay: 6972.5,
      clr_type: '21',
    });
    expect(setlinfo.setl_id).toMatch(/^ST20260615\d{10}$/);
    expect(settled.output['setldetail'].map((row: { fund_pay_type: string }) => row.fund_pay_type)).toEqual([
      '390100',
      '390200',
      '610100',
      '610102',
    ]);

    // The person-year holds the engine's accumulators; postings balance.
    const year = await world.pool.query(
      "select personal_burden, fund_paid, settlements, ytd from person_years where psn_no = 'P001' and year = 2026",
    );
    expect(year.rows[0]).toMatchObject({ personal_burden: 697250, fund_paid: 5302750, settlements: 1 });
    expect(year.rows[0].ytd.criticalIllness).toEqual({ base: 1140000, paid: 351000 });
    const postings = await world.pool.query(
      'select account, amount from fund_postings where setl_id = $1 order by account',
      [setlinfo.setl_id],
    );
    expect(postings.rows).toEqual([
      { account: 'fund:390100', amount: 4360000 },
      { account: 'fund:390200', amount: 351000 },
      { account: 'fund:610100', amount: 591750 },
      { account: 'payable:H34160200001', amount: -5302750 },
    ]);

    const cancelled = await call(
      world,
      envelope('2305', { data: { psn_no: dibao.psnNo, mdtrt_id: mdtrtId, setl_id: setlinfo.setl_id } }),
    );
    expect(cancelled.output['setlinfo']).toMatchObject({
      reversed_setl_id: setlinfo.setl_id,
      hifp_pay: -43600,
      hifmi_pay: -3510,
      maf_pay: -5917.5,
      psn_part_amt: -6972.5,
    });
    const after = await world.pool.query(
      "select personal_burden, fund_paid, settlements, ytd from person_years where psn_no = 'P001' and year = 2026",
    );
    expect(after.rows[0]).toMatchObject({ personal_burden: 0, fund_paid: 0, settlements: 0 });
    expect(after.rows[0].ytd).toMatchObject({
      admissions: 0,
      criticalIllness: { base: 0, paid: 0 },
      assistance: { base: 0, paid: 0 },
    });
    const balance = await world.pool.query(
      "select account, sum(amount)::bigint as total from fund_postings where psn_no = 'P001' group by account",
    );
    expect(balance.rows.every((row: { total: number }) => row.total === 0)).toBe(true);

    // Cancelled once; a second cancellation is refused; the stay can be settled again.
    expect(
      await call(
        world,
        envelope('2305', { data: { psn_no: dibao.psnNo, mdtrt_id: mdtrtId, setl_id: setlinfo.setl_id } }),
      ),
    ).toMatchObject({ infcode: -1, err_code: 'STATE' });
    expect((await call(world, envelope('2304', { data }))).output['setlinfo']).toMatchObject({
      hifp_pay: 43600,
      maf_pay: 5917.5,
    });
  });

  it('replays a msgid with the stored reply and writes nothing', async () => {
    const mdtrtId = await admitAndBill(PEOPLE.ordinary.psnNo, [
      { chrgitm_lv: '01', det_item_fee_sumamt: 10500, pric: 10500 },
    ]);
    const message = envelope('2304', {
      data: { psn_no: 'P002', mdtrt_id: mdtrtId, medfee_sumamt: 10500, mid_setl_flag: '0' },
    });
    const first = await call(world, message);
    // (10,500 − 500) × 80% = 8,000.
    expect(first.output['setlinfo'].hifp_pay).toBe(8000);
    const before = await counts(world.pool);
    const again = await call(world, message);
    expect(again).toEqual(first);
    expect(await counts(world.pool)).toEqual(before);
    const reused = await call(world, { ...message, infno: '2303' });
    expect(reused).toMatchObject({ infcode: -1, err_code: 'MSGID_REUSED' });
  });

  it('2601 reverses a settlement whose reply was lost, and says when there is nothing to reverse', async () => {
    const mdtrtId = await admitAndBill(PEOPLE.ordinary.psnNo, [
      { chrgitm_lv: '01', det_item_fee_sumamt: 3000, pric: 3000 },
    ]);
    const lost = envelope('2304', {
      data: { psn_no: 'P002', mdtrt_id: mdtrtId, medfee_sumamt: 3000, mid_setl_flag: '0' },
    });
    const settled = await call(world, lost);
    const reversal = await call(
      world,
      envelope('2601', { data: { psn_no: 'P002', omsgid: lost['msgid'], oinfno: '2304' } }),
    );
    expect(reversal.output['setlinfo']).toMatchObject({
      reversed_setl_id: settled.output['setlinfo'].setl_id,
      hifp_pay: -2000,
    });
    const never = await call(
      world,
      envelope('2601', { data: { psn_no: 'P002', omsgid: 'H34160200001209901010000', oinfno: '2304' } }),
    );
    expect(never).toMatchObject({ infcode: 0 });
    expect((never as unknown as { warn_msg: string }).warn_msg).toContain('无需冲正');
  });
});

describe('outpatient: 2201 → 2203 → 2204 → 2206 → 2207 → 2208', () => {
  it('settles a township visit from its fee lines', async () => {
    const registration = await call(
      world,
      envelope(
        '2201',
        {
          data: {
            psn_no: 'P002',
            insutype: '390',
            begntime: '2026-06-15 09:00:00',
            mdtrt_cert_type: '02',
            mdtrt_cert_no: PEOPLE.ordinary.certno,
            ipt_otp_no: 'MZ1',
          },
        },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    const mdtrtId = registration.output['data'].mdtrt_id as string;
    await call(
      world,
      envelope(
        '2203',
        { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: 'P002', med_type: '11' }, diseinfo: [{ diag_code: 'J06.9' }] },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    const upload = await call(
      world,
      envelope(
        '2204',
        {
          feedetail: [
            {
              feedetl_sn: '1',
              mdtrt_id: mdtrtId,
              psn_no: 'P002',
              chrg_bchno: 'B1',
              fee_ocur_time: '2026-06-15 09:10:00',
              med_list_codg: 'D1',
              cnt: 2,
              pric: 60,
              det_item_fee_sumamt: 120,
              chrgitm_lv: '02',
              selfpay_prop: 0.1,
            },
            {
              feedetl_sn: '2',
              mdtrt_id: mdtrtId,
              psn_no: 'P002',
              chrg_bchno: 'B1',
              fee_ocur_time: '2026-06-15 09:10:00',
              med_list_codg: 'S1',
              cnt: 1,
              pric: 80,
              det_item_fee_sumamt: 80,
            },
          ],
        },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    // Line 1: 乙类, 120 × 10% = 12 pre-self-pay, 108 in scope; line 2: 甲类, 80 in scope.
    expect(upload.output['result'][0]).toMatchObject({ preselfpay_amt: 12, inscp_scp_amt: 108, chrgitm_lv: '02' });
    const data = {
      psn_no: 'P002',
      mdtrt_id: mdtrtId,
      med_type: '11',
      medfee_sumamt: 200,
      chrg_bchno: 'B1',
      psn_setlway: '01',
      insutype: '390',
      acct_used_flag: '0',
    };
    // Ordinary outpatient pooling (assumed: township 55%, no deductible): 188 × 55% = 103.40. Personal: 200 − 103.40 = 96.60.
    expect(
      (await call(world, envelope('2206', { data }, { institution: TOWNSHIP.code }), TOWNSHIP)).output['setlinfo'],
    ).toMatchObject({ hifp_pay: 103.4, psn_part_amt: 96.6 });
    const settled = await call(world, envelope('2207', { data }, { institution: TOWNSHIP.code }), TOWNSHIP);
    expect(settled.output['setlinfo']).toMatchObject({
      preselfpay_amt: 12,
      inscp_scp_amt: 188,
      hifp_pay: 103.4,
      psn_part_amt: 96.6,
      clr_type: '11',
    });
    const cancelled = await call(
      world,
      envelope(
        '2208',
        { data: { psn_no: 'P002', mdtrt_id: mdtrtId, setl_id: settled.output['setlinfo'].setl_id } },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    expect(cancelled.output['setlinfo']).toMatchObject({ hifp_pay: -103.4 });
  });
});

describe('institutions see only their own encounters', () => {
  it('refuses another institution settling or cancelling a county stay', async () => {
    const mdtrtId = await admitAndBill('P002', [{ chrgitm_lv: '01', det_item_fee_sumamt: 1000, pric: 1000 }]);
    const attempt = await call(
      world,
      envelope(
        '2304',
        { data: { psn_no: 'P002', mdtrt_id: mdtrtId, medfee_sumamt: 1000 } },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    expect(attempt).toMatchObject({ infcode: -1, err_code: 'FORBIDDEN' });
    const spoofed = await call(
      world,
      envelope('2304', { data: { psn_no: 'P002', mdtrt_id: mdtrtId, medfee_sumamt: 1000 } }),
      TOWNSHIP,
    );
    expect(spoofed).toMatchObject({ infcode: -1, err_code: 'INSTITUTION_MISMATCH' });
    expect(COUNTY.code).not.toBe(TOWNSHIP.code);
  });
});

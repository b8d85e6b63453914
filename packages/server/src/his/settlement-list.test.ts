/** 4101 / 4101A, the settlement list, end to end on a real PostgreSQL: stored, replaced, refused with nothing written. */
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
  world = await createWorld('setllist');
});
afterAll(async () => {
  await world.close();
});

const ordinary = PEOPLE.ordinary;

/** 2401 → 2301 → 2402 → 2304: a county stay of 1–14 June, one 甲类 line of 10,500 yuan, settled. */
async function settledStay(psnNo: string = ordinary.psnNo): Promise<{ mdtrtId: string; setlId: string }> {
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
        ipt_no: 'ZY100',
      },
      diseinfo: [{ diag_code: 'I63.900' }],
    }),
  );
  expect(admission).toMatchObject({ infcode: 0 });
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const feedetail = [
    {
      feedetl_sn: 'F1',
      mdtrt_id: mdtrtId,
      psn_no: psnNo,
      fee_ocur_time: '2026-06-02 09:00:00',
      med_list_codg: 'X1',
      cnt: 1,
      pric: 10500,
      det_item_fee_sumamt: 10500,
      chrgitm_lv: '01',
    },
  ];
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
  const settled = await call(
    world,
    envelope('2304', { data: { psn_no: psnNo, mdtrt_id: mdtrtId, medfee_sumamt: 10500, mid_setl_flag: '0' } }),
  );
  expect(settled).toMatchObject({ infcode: 0 });
  return { mdtrtId, setlId: settled.output['setlinfo'].setl_id as string };
}

/** A complete 4101 list of the stay: two diagnoses, a procedure, an ICU stay, blood, the bill by category. */
function list4101(stay: { mdtrtId: string; setlId: string }, psnNo: string = ordinary.psnNo) {
  return {
    setlinfo: {
      psn_no: psnNo,
      mdtrt_id: stay.mdtrtId,
      setl_id: stay.setlId,
      fixmedins_name: '谯城区人民医院',
      fixmedins_code: COUNTY.code,
      hi_setl_lv: '2',
      medcasno: 'BA0001',
      dcla_time: '2026-06-15 09:00:00',
      psn_name: ordinary.name,
      gend: '1',
      brdy: '1975-09-09',
      age: 50,
      ntly: 'CHN',
      naty: '01',
      patn_cert_type: '01',
      certno: ordinary.certno,
      hi_type: '390',
      ipt_med_type: '1',
      adm_way: '2',
      trt_type: '1',
      adm_time: '2026-06-01 08:00:00',
      adm_caty: 'A03',
      dscg_time: '2026-06-14 10:00:00',
      dscg_caty: 'A03',
      act_ipt_days: 13,
      diag_code_cnt: 2,
      oprn_oprt_code_cnt: 1,
      vent_used_dura: '1/13/24',
      bld_cat: '1',
      bld_amt: 400,
      bld_unt: 'ml',
      lv1_nurscare_days: 13,
      dscg_way: '1',
      chfpdr_name: '王医生',
      chfpdr_code: 'D002',
      setl_begn_date: '2026-06-01',
      setl_end_date: '2026-06-14',
      psn_selfpay: 500,
      psn_ownpay: 0,
      acct_pay: 0,
      psn_cashpay: 2500,
      hi_paymtd: '1',
      medins_fill_dept: '医保办',
      medins_fill_psn: '赵六',
    },
    payinfo: [{ fund_pay_type: '390100', fund_payamt: 8000 }],
    diseinfo: [
      { diag_type: '1', diag_code: 'I63.900', diag_name: '脑梗死', maindiag_flag: '1', adm_cond_type: '1' },
      { diag_type: '1', diag_code: 'I10.x00', diag_name: '高血压', maindiag_flag: '0', adm_cond_type: '1' },
    ],
    iteminfo: [
      { med_chrgitm: '01', amt: 500, claa_sumfee: 500, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
      { med_chrgitm: '09', amt: 10000, claa_sumfee: 8000, clab_amt: 2000, fulamt_ownpay_amt: 0, oth_amt: 0 },
    ],
    oprninfo: [
      {
        oprn_oprt_type: '1',
        oprn_oprt_name: '静脉溶栓',
        oprn_oprt_code: '99.1000x005',
        oprn_oprt_date: '2026-06-01',
        anst_way: '9',
        oper_dr_name: '张医生',
        oper_dr_code: 'D001',
      },
    ],
    icuinfo: [
      {
        scs_cutd_ward_type: '1',
        scs_cutd_inpool_time: '2026-06-01 10:00:00',
        scs_cutd_exit_time: '2026-06-03 22:30:00',
        scs_cutd_sum_dura: '2/12/30',
      },
    ],
  };
}

/** The stored list as a row: numeric columns as text, the document parsed. */
async function storedList(psnNo: string, setlId: string): Promise<Record<string, any>> {
  const { rows } = await world.pool.query<Record<string, any>>(
    `select setl_list_id, mdtrt_id, fixmedins_code, infno, version, main_diag_code, other_diag_codes, main_oprn_code,
            oprn_codes, icu_minutes, icu_hours::text, vent_minutes, bld_amt::text, bld_unt, dscg_way, adm_time, dscg_time,
            ipt_days, nwb_bir_wts::text[], nwb_adm_wts::text[], list, list::text as list_text, msgid
       from settlement_lists where psn_no = $1 and setl_id = $2`,
    [psnNo, setlId],
  );
  return rows[0] ?? {};
}

async function listCount(): Promise<number> {
  return Number((await world.pool.query('select count(*) from settlement_lists')).rows[0].count);
}

describe('4101 stores the list and what grouping reads', () => {
  let stay: { mdtrtId: string; setlId: string };
  let listId: string;
  beforeAll(async () => {
    stay = await settledStay();
  });

  it('answers the list ID and stores the extracted columns', async () => {
    const reply = await call(world, envelope('4101', list4101(stay)));
    expect(reply).toMatchObject({ infcode: 0, err_code: '' });
    listId = reply.output['setl_list_id'] as string;
    expect(listId).toMatch(/^SL20260615\d{10}$/);
    expect(reply.output['data']).toEqual({ setl_list_id: listId });
    expect((reply as unknown as { warn_msg: string }).warn_msg).toBe('');

    const row = await storedList(ordinary.psnNo, stay.setlId);
    // From list4101: the main diagnosis is the western one flagged 1, the other follows; one procedure, marked main;
    // ICU 1 June 10:00 → 3 June 22:30 = 2 days 12.5 hours = 3,630 minutes = 60.50 hours (the declared 2/12/30 agrees);
    // ventilation 1/13/24 = 1,440 + 780 + 24 = 2,244 minutes; blood 400 ml in setlinfo (4101's place for it);
    // 1 → 14 June is 13 days, as act_ipt_days says.
    expect(row).toMatchObject({
      setl_list_id: listId,
      mdtrt_id: stay.mdtrtId,
      fixmedins_code: COUNTY.code,
      infno: '4101',
      version: 1,
      main_diag_code: 'I63.900',
      other_diag_codes: ['I10.x00'],
      main_oprn_code: '99.1000x005',
      oprn_codes: ['99.1000x005'],
      icu_minutes: 3630,
      icu_hours: '60.50',
      vent_minutes: 2244,
      bld_amt: '400.00',
      bld_unt: 'ml',
      dscg_way: '1',
      adm_time: new Date('2026-06-01T00:00:00Z'),
      dscg_time: new Date('2026-06-14T02:00:00Z'),
      ipt_days: 13,
      nwb_bir_wts: [],
      nwb_adm_wts: [],
    });
    // The whole list, normalized: amounts in yuan, the ID number sealed as in the message log.
    expect(row.list.setlinfo).toMatchObject({ psn_no: 'P002', medcasno: 'BA0001', bld_amt: 400, psn_cashpay: 2500 });
    expect(row.list.iteminfo[1]).toEqual({
      med_chrgitm: '09',
      amt: 10000,
      claa_sumfee: 8000,
      clab_amt: 2000,
      fulamt_ownpay_amt: 0,
      oth_amt: 0,
    });
    expect(row.list.bldinfo).toEqual([{ bld_cat: '1', bld_amt: 400, bld_unt: 'ml' }]);
    expect(row.list.setlinfo.certno).toMatch(/^sm4:/);
    expect(row.list_text).not.toContain(ordinary.certno);
  });

  it('a new upload (4101A) replaces the list, keeps its ID and counts a version; a resent msgid changes nothing', async () => {
    const message = envelope('4101A', {
      setlinfo: {
        psn_no: ordinary.psnNo,
        mdtrt_id: stay.mdtrtId,
        setl_id: stay.setlId,
        medcasno: 'BA0001',
        // 4101A's own spellings of the newborn fields.
        nwb_admtype: '1',
        nwbbirwt: '3250.5',
        nwbadmwt: 3300,
        mul_nwb_bir_wt: '3100,2980',
        adm_time: '2026-06-01 08:00:00',
        dscg_time: '2026-06-14 10:00:00',
        act_ipt_days: 14,
        dscg_way: '5',
        stas_type: '0',
      },
      diseinfo: [
        { diag_type: '1', diag_code: 'I63.900', diag_name: '脑梗死', maindiag_flag: '0' },
        { diag_type: '1', diag_code: 'I61.000', diag_name: '脑出血', maindiag_flag: '1' },
        { diag_type: '1', diag_code: 'E11.900', diag_name: '2型糖尿病', maindiag_flag: '0' },
        { diag_type: '2', diag_code: 'BNG080', diag_name: '中风病', maindiag_flag: '1' },
      ],
      oprninfo: [
        { oprn_oprt_type: '2', oprn_oprt_code: '38.9300x001', oprn_oprt_name: '静脉置管' },
        {
          oprn_oprt_type: '1',
          oprn_oprt_code: '01.2400x002',
          oprn_oprt_name: '开颅血肿清除术',
          oprn_oprt_begntime: '2026-06-02 14:00:00',
          oprn_oprt_endtime: '2026-06-02 17:00:00',
        },
      ],
      bldinfo: [
        { bld_cat: '1', bld_amt: 2, bld_unt: 'U' },
        { bld_cat: '3', bld_amt: 200, bld_unt: 'ml' },
      ],
    });
    const reply = await call(world, message);
    expect(reply).toMatchObject({ infcode: 0, output: { setl_list_id: listId } });
    // 1 → 14 June is 13 days: the declared 14 is recorded in the list, the length of stay is the dates'.
    expect((reply as unknown as { warn_msg: string }).warn_msg).toContain('实际住院天数 14');

    const row = await storedList(ordinary.psnNo, stay.setlId);
    // The main diagnosis is now I61.000 (the TCM main diagnosis is no western one); the procedure marked 1 leads
    // though listed second; no ICU stay; blood in two units has no single total; the newborns: 3,250.5 g then the
    // two of mul_nwb_bir_wt.
    expect(row).toMatchObject({
      setl_list_id: listId,
      infno: '4101A',
      version: 2,
      main_diag_code: 'I61.000',
      other_diag_codes: ['I63.900', 'E11.900'],
      main_oprn_code: '01.2400x002',
      oprn_codes: ['01.2400x002', '38.9300x001'],
      icu_minutes: 0,
      icu_hours: '0.00',
      vent_minutes: null,
      bld_amt: null,
      bld_unt: null,
      dscg_way: '5',
      ipt_days: 13,
      nwb_bir_wts: ['3250.50', '3100.00', '2980.00'],
      nwb_adm_wts: ['3300.00'],
      msgid: message['msgid'],
    });
    expect(row.list.setlinfo).toMatchObject({ nwb_adm_type: '1', nwb_bir_wt: 3250.5, act_ipt_days: 14 });
    expect(row.list.setlinfo).not.toHaveProperty('nwb_admtype');
    expect(row.list.icuinfo).toEqual([]);
    expect(await listCount()).toBe(1);

    const before = { ...(await counts(world.pool)), settlement_lists: await listCount() };
    expect(await call(world, message)).toEqual(reply);
    expect({ ...(await counts(world.pool)), settlement_lists: await listCount() }).toEqual(before);
    expect((await storedList(ordinary.psnNo, stay.setlId)).version).toBe(2);
  });

  it('reads the forms clients write: amounts as text, codes as integers, nulls, ISO and slashed times, wrapped nodes', async () => {
    const other = await settledStay();
    const reply = await call(
      world,
      envelope('4101', {
        // The object node as a one-element list, a list node as a JSON string, another as a single object.
        setlinfo: [
          {
            psn_no: ordinary.psnNo,
            mdtrt_id: other.mdtrtId,
            setl_id: other.setlId,
            psn_name: null,
            medcasno: '',
            bld_cat: null,
            bld_amt: '400.00',
            bld_unt: 'ml',
            age: '50',
            act_ipt_days: '13',
            dscg_way: 1,
            // JavaScript's toJSON and an explicit offset: 08:00 and 10:00 in China.
            adm_time: '2026-06-01T00:00:00.000Z',
            dscg_time: '2026-06-14T10:00:00+08:00',
            nwb_bir_wt: null,
            psn_cashpay: '2500.50',
          },
        ],
        diseinfo: JSON.stringify([
          { diag_type: 1, diag_code: 'I63.900', maindiag_flag: 1, diag_name: null },
          { diag_type: 1, diag_code: 'I10.x00', maindiag_flag: false, adm_cond_type: null },
        ]),
        iteminfo: [{ med_chrgitm: 1, amt: '10500.00', claa_sumfee: '10500', clab_amt: null }],
        payinfo: { fund_pay_type: 390100, fund_payamt: '8000' },
        oprninfo: [{ oprn_oprt_type: 1, oprn_oprt_code: '99.1000x005', oprn_oprt_date: '2026/6/1 9:30:00' }],
        icuinfo: [{ scs_cutd_inpool_time: '2026/6/1 10:00', scs_cutd_exit_time: '2026-06-02T02:00:00Z' }],
      }),
    );
    expect(reply).toMatchObject({ infcode: 0 });
    const row = await storedList(ordinary.psnNo, other.setlId);
    // ICU 1 June 10:00 → 2 June 10:00 China time = 1,440 minutes.
    expect(row).toMatchObject({
      main_diag_code: 'I63.900',
      other_diag_codes: ['I10.x00'],
      main_oprn_code: '99.1000x005',
      icu_minutes: 1440,
      bld_amt: '400.00',
      dscg_way: '1',
      adm_time: new Date('2026-06-01T00:00:00Z'),
      dscg_time: new Date('2026-06-14T02:00:00Z'),
      ipt_days: 13,
    });
    const { setlinfo, iteminfo, payinfo, diseinfo, oprninfo, icuinfo } = row.list;
    expect(setlinfo).toMatchObject({
      adm_time: '2026-06-01 08:00:00',
      dscg_time: '2026-06-14 10:00:00',
      age: 50,
      act_ipt_days: 13,
      psn_cashpay: 2500.5,
    });
    for (const absent of ['psn_name', 'medcasno', 'bld_cat', 'nwb_bir_wt']) expect(setlinfo).not.toHaveProperty(absent);
    expect(iteminfo).toEqual([{ med_chrgitm: '1', amt: 10500, claa_sumfee: 10500 }]);
    expect(payinfo).toEqual([{ fund_pay_type: '390100', fund_payamt: 8000 }]);
    expect(diseinfo[1]).toEqual({ diag_type: '1', diag_code: 'I10.x00', maindiag_flag: '0' });
    expect(oprninfo[0].oprn_oprt_date).toBe('2026-06-01');
    expect(icuinfo[0]).toEqual({
      scs_cutd_inpool_time: '2026-06-01 10:00:00',
      scs_cutd_exit_time: '2026-06-02 10:00:00',
    });
  });
});

describe('refusals write nothing', () => {
  let stay: { mdtrtId: string; setlId: string };
  let cancelled: { mdtrtId: string; setlId: string; cancellationId: string };
  beforeAll(async () => {
    stay = await settledStay();
    const undone = await settledStay();
    const cancellation = await call(
      world,
      envelope('2305', { data: { psn_no: ordinary.psnNo, mdtrt_id: undone.mdtrtId, setl_id: undone.setlId } }),
    );
    expect(cancellation).toMatchObject({ infcode: 0 });
    cancelled = { ...undone, cancellationId: cancellation.output['setlinfo'].setl_id as string };
  });

  async function refused(
    body: Record<string, unknown>,
    code: string,
    message?: string,
    institution: { code: string; secret: string } = COUNTY,
  ): Promise<void> {
    const before = { ...(await counts(world.pool)), settlement_lists: await listCount() };
    const reply = await call(world, body, institution);
    expect(reply).toMatchObject({ infcode: -1, err_code: code });
    if (message) expect(reply.err_msg).toContain(message);
    expect({ ...(await counts(world.pool)), settlement_lists: await listCount() }).toEqual(before);
  }

  /** The valid list of the stay with `change` applied to a copy. */
  function changed(change: (input: ReturnType<typeof list4101>) => void): ReturnType<typeof list4101> {
    const input = structuredClone(list4101(stay));
    change(input);
    return input;
  }

  it('another institution uploading for the county settlement', async () => {
    const input = changed((i) => {
      delete (i.setlinfo as Partial<typeof i.setlinfo>).fixmedins_code;
    });
    await refused(envelope('4101', input, { institution: TOWNSHIP.code }), 'FORBIDDEN', undefined, TOWNSHIP);
    // Naming the county in the list does not help.
    await refused(
      envelope('4101', list4101(stay), { institution: TOWNSHIP.code }),
      'INSTITUTION_MISMATCH',
      undefined,
      TOWNSHIP,
    );
  });

  it('an unknown settlement, a settlement of another stay, a cancellation record', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.setl_id = 'ST202606159999999999')),
      ),
      'SETTLEMENT_NOT_FOUND',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.mdtrt_id = cancelled.mdtrtId)),
      ),
      'SETTLEMENT_NOT_FOUND',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.psn_no = PEOPLE.dibao.psnNo)),
      ),
      'SETTLEMENT_NOT_FOUND',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => {
          i.setlinfo.mdtrt_id = cancelled.mdtrtId;
          i.setlinfo.setl_id = cancelled.cancellationId;
        }),
      ),
      'SETTLEMENT_NOT_FOUND',
    );
  });

  it('a cancelled settlement', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => {
          i.setlinfo.mdtrt_id = cancelled.mdtrtId;
          i.setlinfo.setl_id = cancelled.setlId;
        }),
      ),
      'STATE',
      cancelled.cancellationId,
    );
  });

  it('two main diagnoses, or none, or one twice', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo[1]!.maindiag_flag = '1')),
      ),
      'SCHEMA',
      '收到 2 个（I63.900、I10.x00）',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo[0]!.maindiag_flag = '0')),
      ),
      'SCHEMA',
      '收到 0 个',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo = [])),
      ),
      'SCHEMA',
      'input.diseinfo',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo[1]!.diag_code = 'I63.900')),
      ),
      'SCHEMA',
      'I63.900 重复',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo[0]!.maindiag_flag = 'Y')),
      ),
      'CODE_UNKNOWN',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => i.oprninfo.push({ ...i.oprninfo[0]!, oprn_oprt_code: '99.2900' })),
      ),
      'SCHEMA',
      '至多一个主要手术操作',
    );
  });

  it('garbage dates and times out of order', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.adm_time = '2026-02-30 08:00:00')),
      ),
      'DATE_INVALID',
      'input.setlinfo.adm_time',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.dscg_time = '25:61')),
      ),
      'SCHEMA',
      'dscg_time',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.oprninfo[0]!.oprn_oprt_date = 'tomorrow')),
      ),
      'SCHEMA',
      'oprn_oprt_date',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.dscg_time = '2026-07-01 10:00:00')),
      ),
      'DATE_ORDER',
      '晚于当前时间',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.dscg_time = '2026-05-31 10:00:00')),
      ),
      'DATE_ORDER',
      '出院时间',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.icuinfo[0]!.scs_cutd_exit_time = '2026-06-01 09:00:00')),
      ),
      'DATE_ORDER',
      'input.icuinfo[0]',
    );
    await refused(
      envelope(
        '4101',
        changed((i) =>
          i.icuinfo.push({
            ...i.icuinfo[0]!,
            scs_cutd_inpool_time: '2026-06-03 20:00:00',
            scs_cutd_exit_time: '2026-06-04 08:00:00',
          }),
        ),
      ),
      'DATE_ORDER',
      '重叠',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.icuinfo[0]!.scs_cutd_exit_time = '2026-06-15 08:00:00')),
      ),
      'DATE_ORDER',
      '晚于出院日期',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.vent_used_dura = '37 hours')),
      ),
      'SCHEMA',
      '天数/小时数/分钟数',
    );
  });

  it('lists beyond their bounds', async () => {
    const many = <T>(count: number, make: (n: number) => T): T[] => Array.from({ length: count }, (_, n) => make(n));
    await refused(
      envelope(
        '4101',
        changed((i) => {
          i.diseinfo = [
            i.diseinfo[0]!,
            ...many(50, (n) => ({ ...i.diseinfo[1]!, diag_code: `Z${String(n).padStart(2, '0')}.000` })),
          ];
        }),
      ),
      'SCHEMA',
      '最多 50 项',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.oprninfo = many(51, (n) => ({ oprn_oprt_code: `99.${n}`, oprn_oprt_type: '2' }) as never))),
      ),
      'SCHEMA',
      '最多 50 项',
    );
    await refused(
      envelope(
        '4101',
        changed(
          (i) =>
            (i.icuinfo = many(21, (n) => ({
              scs_cutd_ward_type: '1',
              scs_cutd_inpool_time: `2026-06-02 ${String(n).padStart(2, '0')}:00:00`,
              scs_cutd_exit_time: `2026-06-02 ${String(n).padStart(2, '0')}:30:00`,
              scs_cutd_sum_dura: '0/0/30',
            }))),
        ),
      ),
      'SCHEMA',
      '最多 20 项',
    );
  });

  it('a NUL character anywhere in the list', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => (i.diseinfo[1]!.diag_name = '高血\u0000压')),
      ),
      'TEXT_CONTROL',
      'diseinfo[1].diag_name',
    );
  });

  it('a bill by category that is not the settlement, a weight in kilograms', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => (i.iteminfo[1]!.amt = 9999.99)),
      ),
      'AMOUNT_INCONSISTENT',
      '10499.99',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.iteminfo[0]!.amt = '5O0' as never)),
      ),
      'AMOUNT_FORMAT',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => Object.assign(i.setlinfo, { nwb_bir_wt: 3.2 })),
      ),
      'SCHEMA',
      '以克为单位',
    );
    await refused(
      envelope(
        '4101',
        changed((i) => (i.setlinfo.dscg_way = '7')),
      ),
      'CODE_UNKNOWN',
      '离院方式',
    );
  });

  it('a list without its keys', async () => {
    await refused(
      envelope(
        '4101',
        changed((i) => delete (i.setlinfo as Partial<typeof i.setlinfo>).psn_no),
      ),
      'SCHEMA',
      'input.setlinfo.psn_no',
    );
    await refused(envelope('4101', { diseinfo: list4101(stay).diseinfo }), 'SCHEMA', '缺少 input.setlinfo');
  });
});

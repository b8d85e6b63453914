/**
 * GET /api/settlements/:psnNo/:setlId carries what a printed one-stop settlement sheet (一站式结算单) needs: the visit
 * or stay, the institution, the person, and the settlement's records (cancellation, its reversal) in time order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import {
  certnoOf,
  consoleApi,
  createWorld,
  envelope,
  registerVisit,
  signIn,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';

let world: World;
let api: ReturnType<typeof consoleApi>;
let other: ReturnType<typeof consoleApi>;

beforeAll(async () => {
  world = await createWorld('settlement_detail');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  api = consoleApi(
    world,
    await signIn(world, { username: 'viewer', display_name: '市局查询', role: 'read_only', scope_admdvs: '341600' }),
  );
  other = consoleApi(
    world,
    await signIn(world, { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' }),
  );
});
afterAll(async () => {
  await world.close();
});

describe('the settlement detail for a printed sheet', () => {
  it('gives a county stay its admission, discharge, diagnoses, institution, person and records, cancelled', async () => {
    const admission = await accepted(
      world,
      envelope('2401', {
        mdtrtinfo: {
          psn_no: 'P001',
          insutype: '390',
          begntime: '2026-06-01 08:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: await certnoOf(world, 'P001'),
          med_type: '21',
          ipt_no: 'ZY001',
        },
        diseinfo: [{ diag_code: 'I63.9' }],
      }),
    );
    const mdtrtId = admission.output['result'].mdtrt_id as string;
    const feedetail = [
      { feedetl_sn: 'F1', chrgitm_lv: '01', det_item_fee_sumamt: 50000, pric: 50000 },
      { feedetl_sn: 'F2', chrgitm_lv: '02', det_item_fee_sumamt: 5000, pric: 5000, selfpay_prop: 0 },
      { feedetl_sn: 'F3', chrgitm_lv: '03', det_item_fee_sumamt: 5000, pric: 5000 },
    ].map((line, index) => ({
      ...line,
      mdtrt_id: mdtrtId,
      psn_no: 'P001',
      fee_ocur_time: '2026-06-02 09:00:00',
      med_list_codg: `X${index}`,
      cnt: 1,
    }));
    await accepted(world, envelope('2301', { feedetail }));
    await accepted(
      world,
      envelope('2402', {
        dscginfo: { mdtrt_id: mdtrtId, psn_no: 'P001', insutype: '390', endtime: '2026-06-14 10:00:00' },
        diseinfo: [],
      }),
    );
    const data = { psn_no: 'P001', mdtrt_id: mdtrtId, medfee_sumamt: 60000, insutype: '390', mid_setl_flag: '0' };
    const setlId = (await accepted(world, envelope('2304', { data }))).output['setlinfo'].setl_id as string;

    const detail = await api('GET', `/api/settlements/P001/${setlId}`);
    expect(detail.status).toBe(200);
    expect(detail.json.encounter).toEqual({
      begntime: '2026-06-01T08:00:00+08:00',
      endtime: '2026-06-14T10:00:00+08:00',
      dise_codg: ['I63.9'],
      med_type_name: '普通住院',
      ipt_otp_no: 'ZY001',
    });
    expect(detail.json.institution).toEqual({ name: '谯城区人民医院', level_name: '县级', admdvs_name: '谯城区' });
    // P001: ID number 341602 19600501 123x, the 17th digit odd: male; born 1960-05-01, admitted 2026-06-01: 66.
    expect(detail.json.person).toEqual({ gend_name: '男', age: 66, admdvs_name: '谯城区', township: '古井镇' });
    // The Bozhou county stay (his.test.ts): funds 43,600 + 3,510 + 5,917.50 = 53,027.50; personal 60,000 − 53,027.50.
    expect(detail.json.history).toEqual([
      {
        setl_id: setlId,
        kind: 'settlement',
        setl_time: '2026-06-15T10:00:00+08:00',
        fund_pay_sumamt: '53027.50',
        psn_part_amt: '6972.50',
      },
    ]);

    const cancelled = await accepted(
      world,
      envelope('2305', { data: { psn_no: 'P001', mdtrt_id: mdtrtId, setl_id: setlId } }),
    );
    const cancelId = cancelled.output['setlinfo'].setl_id as string;
    const history = [
      {
        setl_id: setlId,
        kind: 'settlement',
        setl_time: '2026-06-15T10:00:00+08:00',
        fund_pay_sumamt: '53027.50',
        psn_part_amt: '6972.50',
      },
      {
        setl_id: cancelId,
        kind: 'cancellation',
        setl_time: '2026-06-15T10:00:00+08:00',
        fund_pay_sumamt: '-53027.50',
        psn_part_amt: '-6972.50',
      },
    ];
    const after = await api('GET', `/api/settlements/P001/${setlId}`);
    expect(after.json).toMatchObject({ reversed_by: cancelId, history });
    // Found from the cancellation, the same records; the cancellation's own sheet names the same stay.
    const ofCancellation = await api('GET', `/api/settlements/P001/${cancelId}`);
    expect(ofCancellation.json).toMatchObject({
      kind: 'cancellation',
      reverses: setlId,
      history,
      encounter: { ipt_otp_no: 'ZY001', med_type_name: '普通住院' },
    });
    // Another county's user cannot read it.
    expect(await other('GET', `/api/settlements/P001/${setlId}`)).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
  });

  it('gives a township visit its open end, a woman’s age before her birthday, and a reinstated settlement', async () => {
    const mdtrtId = await registerVisit(world, 'P002', {
      institution: TOWNSHIP,
      begntime: '2026-06-15 08:00:00',
      number: 'MZ7',
    });
    await accepted(
      world,
      envelope(
        '2203',
        { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: 'P002', med_type: '11' }, diseinfo: [{ diag_code: 'J06.9' }] },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    const data = {
      psn_no: 'P002',
      mdtrt_id: mdtrtId,
      med_type: '11',
      medfee_sumamt: 100,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
    };
    const settled = await accepted(world, envelope('2207', { data }, { institution: TOWNSHIP.code }), TOWNSHIP);
    const setlId = settled.output['setlinfo'].setl_id as string;
    const cancellation = envelope(
      '2208',
      { data: { psn_no: 'P002', mdtrt_id: mdtrtId, setl_id: setlId } },
      { institution: TOWNSHIP.code },
    );
    const cancelId = (await accepted(world, cancellation, TOWNSHIP)).output['setlinfo'].setl_id as string;
    const reinstated = await accepted(
      world,
      envelope(
        '2601',
        { data: { psn_no: 'P002', omsgid: cancellation['msgid'], oinfno: '2208' } },
        { institution: TOWNSHIP.code },
      ),
      TOWNSHIP,
    );
    const reversalId = reinstated.output['setlinfo'].reinstated_by as string;

    const detail = await api('GET', `/api/settlements/P002/${setlId}`);
    expect(detail.status).toBe(200);
    expect(detail.json.encounter).toEqual({
      begntime: '2026-06-15T08:00:00+08:00',
      endtime: null,
      dise_codg: ['J06.9'],
      med_type_name: '普通门诊',
      ipt_otp_no: 'MZ7',
    });
    expect(detail.json.institution).toEqual({ name: '古井镇卫生院', level_name: '乡镇', admdvs_name: '谯城区' });
    // P002: 341602 19750909 456x, the 17th digit even: female; on 2026-06-15, before 09-09: 2026 − 1975 − 1 = 50.
    expect(detail.json.person).toEqual({ gend_name: '女', age: 50, admdvs_name: '谯城区', township: '古井镇' });
    // Ordinary outpatient at a township (no deductible, 55%): 100 × 55% = 55.00; personal 45.00. The settlement, its
    // cancellation, and the 2601 reversal of that cancellation (the original's amounts again), in the order made.
    const row = (id: string, kind: string, sign: string): object => ({
      setl_id: id,
      kind,
      setl_time: '2026-06-15T10:00:00+08:00',
      fund_pay_sumamt: `${sign}55.00`,
      psn_part_amt: `${sign}45.00`,
    });
    const history = [
      row(setlId, 'settlement', ''),
      row(cancelId, 'cancellation', '-'),
      row(reversalId, 'cancellation', ''),
    ];
    expect(detail.json).toMatchObject({ reversed_by: null, history });
    expect((await api('GET', `/api/settlements/P002/${reversalId}`)).json.history).toEqual(history);
  });
});

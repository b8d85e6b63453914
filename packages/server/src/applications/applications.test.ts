/**
 * Assistance on application (依申请救助) in Guanxian on the real database: an ordinary insured person's stays settled
 * by the county hospital, a yellow warning, the application, its approval by another clerk, the top-ups paid with
 * their traces and postings, the next stay settled with the new category; and every refusal changing nothing.
 *
 * Guanxian (policy file; the application values are assumed): out-of-pocket above 100,000 qualifies; approved, the
 * person is 因病致贫重病患者 from 1 January: assistance above 3,000 at 50% (limit 15,000), re-assistance above 10,000 at
 * 70% (limit 15,000). County hospital: deductible 500 (second stay half, third none), 70%; CI from 11,000 at 60%.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockEncounter } from '../encounters/repository.js';
import { lockLateStays } from './service.js';
import {
  certnoOf,
  call,
  consoleApi,
  counts,
  createWorld,
  envelope,
  GUANXIAN,
  idNumber,
  seedGuanxian,
  signIn,
  type World,
} from '../test-support/world.js';

const APPLICANT = {
  psnNo: 'G101',
  certno: idNumber('371525', '1966-05-05', '131'),
  name: '钱玉珍',
  township: '烟庄街道',
};
const TARGET = { psnNo: 'G102', certno: idNumber('371525', '1959-09-09', '241'), name: '冯德胜', township: '烟庄街道' };
const SELF_PAID = {
  psnNo: 'G103',
  certno: idNumber('371525', '1975-12-12', '351'),
  name: '陈小梅',
  township: '店子镇',
};
const LOW = { psnNo: 'G104', certno: idNumber('371525', '1988-04-04', '461'), name: '褚卫国', township: '店子镇' };

let world: World;
let clerk: ReturnType<typeof consoleApi>;
let reviewer: ReturnType<typeof consoleApi>;
let rural: ReturnType<typeof consoleApi>;
let bozhou: ReturnType<typeof consoleApi>;

let stayNumber = 0;

/** 2401 → 2402 → 2304 at the Guanxian county hospital with totals in yuan; returns the settlement's output. */
async function stay(psnNo: string, total: number, fullOwnPay = 0): Promise<{ mdtrtId: string; setlinfo: any }> {
  const at = { institution: GUANXIAN.code };
  const admission = await call(
    world,
    envelope(
      '2401',
      {
        mdtrtinfo: {
          psn_no: psnNo,
          insutype: '390',
          begntime: '2026-06-01 08:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: await certnoOf(world, psnNo),
          med_type: '21',
          ipt_no: `ZY${++stayNumber}`,
        },
        diseinfo: [{ diag_code: 'C34.9' }],
      },
      at,
    ),
    GUANXIAN,
  );
  expect(admission.err_msg).toBe('');
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const discharge = { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' };
  expect((await call(world, envelope('2402', { dscginfo: discharge, diseinfo: [] }, at), GUANXIAN)).err_msg).toBe('');
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    medfee_sumamt: total,
    fulamt_ownpay_amt: fullOwnPay,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
    insutype: '390',
    mid_setl_flag: '0',
  };
  const settled = await call(world, envelope('2304', { data }, at), GUANXIAN);
  expect(settled.err_msg).toBe('');
  return { mdtrtId, setlinfo: settled.output['setlinfo'] };
}

async function untilSomebodyWaitsForALock(): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const { rows } = await world.pool.query(
      "select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('nobody waited for a lock');
}

async function rows(sql: string, values: unknown[]): Promise<any[]> {
  return (await world.pool.query(sql, values)).rows;
}

beforeAll(async () => {
  world = await createWorld('applications');
  await seedGuanxian(world, [APPLICANT, { ...TARGET, category: 'monitored' }, SELF_PAID, LOW]);
  const county = { role: 'operator', scope_admdvs: '371525' } as const;
  clerk = consoleApi(world, await signIn(world, { username: 'gx.clerk', display_name: '冠县医保局窗口', ...county }));
  reviewer = consoleApi(
    world,
    await signIn(world, {
      username: 'gx.review',
      display_name: '冠县医保局审核',
      role: 'reviewer',
      scope_admdvs: '371525',
    }),
  );
  rural = consoleApi(
    world,
    await signIn(world, {
      username: 'gx.rural',
      display_name: '冠县乡村振兴局',
      ...county,
      department: 'rural_revitalization',
    }),
  );
  bozhou = consoleApi(
    world,
    await signIn(world, {
      username: 'bz.clerk',
      display_name: '谯城区医保局',
      role: 'operator',
      scope_admdvs: '341602',
    }),
  );
});

afterAll(async () => {
  await world.close();
});

describe('an application approved end to end', () => {
  let first: { mdtrtId: string; setlinfo: any };
  let second: { mdtrtId: string; setlinfo: any };
  let third: { mdtrtId: string; setlinfo: any };
  let applicationId: number;

  it('two stays leave the ordinary insured person 117,610 out of pocket, a yellow warning', async () => {
    first = await stay(APPLICANT.psnNo, 150000, 100000);
    // In scope 50,000: basic (50,000 − 500) × 70% = 34,650; left 15,350; CI (15,350 − 11,000) × 60% = 2,610.
    // The person: 12,740 in scope + 100,000 self-paid = 112,740. Ordinary insured: no assistance.
    expect(first.setlinfo).toMatchObject({ hifp_pay: 34650, hifmi_pay: 2610, maf_pay: 0, psn_part_amt: 112740 });
    second = await stay(APPLICANT.psnNo, 40000);
    // Second stay, deductible halved to 250: (40,000 − 250) × 70% = 27,825; left 12,175. CI on the cumulative
    // 15,350 + 12,175 = 27,525: (27,525 − 11,000) × 60% = 9,915, less 2,610 = 7,305. The person: 4,870.
    expect(second.setlinfo).toMatchObject({ hifp_pay: 27825, hifmi_pay: 7305, maf_pay: 0, psn_part_amt: 4870 });
    expect((await clerk('POST', '/api/screenings', {})).status).toBe(200);
    // 112,740 + 4,870 = 117,610 > 100,000: yellow for an ordinary insured person.
    expect((await clerk('GET', `/api/warnings/${APPLICANT.psnNo}/2026`)).json).toMatchObject({
      level: 'yellow',
      amount: '117610.00',
      status: 'new',
    });
  });

  it('the clerk registers the application; the same clerk may not decide it', async () => {
    const applied = await clerk('POST', '/api/assistance-applications', {
      psn_no: APPLICANT.psnNo,
      note: '肺癌住院两次，本人申请',
    });
    expect(applied.status).toBe(201);
    // The burden is the two stays' 112,740 + 4,870 = 117,610; the line is Guanxian's 100,000.
    expect(applied.json).toMatchObject({
      year: 2026,
      status: 'pending',
      burden: '117610.00',
      qualifying: '100000.00',
    });
    applicationId = applied.json.application_id as number;
    const own = await clerk('POST', `/api/assistance-applications/${applicationId}/decision`, { decision: 'approve' });
    expect(own).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN', message: expect.stringContaining('登记申请的经办人员不能审核') },
    });
    // Refused as who they are, whatever they send: a malformed decision from the operator is 403, not 400.
    expect(
      await clerk('POST', `/api/assistance-applications/${applicationId}/decision`, { decision: 'maybe', extra: 1 }),
    ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    const again = await clerk('POST', '/api/assistance-applications', { psn_no: APPLICANT.psnNo });
    expect(again).toMatchObject({ status: 409, json: { code: 'APPLICATION_EXISTS' } });
  });

  it('the approval pays each stay what the new category adds, as a top-up with its postings', async () => {
    // A settlement of the first stay is under way: it holds the stay and then asks for the person-year, as every
    // settlement does. The approval waits for it, then goes through; nothing is aborted as a deadlock.
    const hospital = await world.pool.connect();
    await hospital.query('begin');
    await hospital.query("set local lock_timeout = '5s'");
    const county = { fixmedins_code: GUANXIAN.code, name: '冠县人民医院', level: 'county', admdvs: '371525' } as const;
    await lockEncounter(hospital, county, APPLICANT.psnNo, first.mdtrtId);
    const approval = reviewer('POST', `/api/assistance-applications/${applicationId}/decision`, {
      decision: 'approve',
      reason: '经入户核实，符合因病致贫重病患者认定条件',
    });
    await untilSomebodyWaitsForALock();
    await hospital.query('select ytd from person_years where psn_no = $1 and year = 2026 for update', [
      APPLICANT.psnNo,
    ]);
    await hospital.query('rollback');
    hospital.release();
    const approved = await approval;
    expect(approved.status).toBe(200);
    // Stay 1 again as 因病致贫重病患者: assistance (12,740 − 3,000) × 50% = 4,870; re-assistance: 12,740 − 4,870 = 7,870
    // is below 10,000 → 0. Stay 2: assistance on the cumulative 12,740 + 4,870 = 17,610 → (17,610 − 3,000) × 50% =
    // 7,305, less 4,870 = 2,435; re-assistance on 7,870 + (4,870 − 2,435) = 10,305 → (10,305 − 10,000) × 70% = 213.50.
    // Top-ups 4,870.00 + 2,648.50 = 7,518.50.
    expect(approved.json).toMatchObject({ status: 'approved', top_up: '7518.50' });
    const topUps = approved.json.top_ups as { setl_id: string; tops_up: string; amount: string }[];
    expect(topUps.map((t) => [t.tops_up, t.amount])).toEqual([
      [first.setlinfo.setl_id, '4870.00'],
      [second.setlinfo.setl_id, '2648.50'],
    ]);
    const stored = await rows(
      `select setl_id, kind, tops_up, mdtrt_id, category, medfee_sumamt, hifp_pay, hifmi_pay, maf_pay, fund_pay_sumamt, psn_part_amt
         from settlements where psn_no = $1 and kind = 'top_up' order by setl_id`,
      [APPLICANT.psnNo],
    );
    expect(stored).toEqual([
      {
        setl_id: topUps[0]?.setl_id,
        kind: 'top_up',
        tops_up: first.setlinfo.setl_id,
        mdtrt_id: first.mdtrtId,
        category: 'illness_impoverished',
        medfee_sumamt: 0,
        hifp_pay: 0,
        hifmi_pay: 0,
        maf_pay: 487000,
        fund_pay_sumamt: 487000,
        psn_part_amt: -487000,
      },
      {
        setl_id: topUps[1]?.setl_id,
        kind: 'top_up',
        tops_up: second.setlinfo.setl_id,
        mdtrt_id: second.mdtrtId,
        category: 'illness_impoverished',
        medfee_sumamt: 0,
        hifp_pay: 0,
        hifmi_pay: 0,
        maf_pay: 264850,
        fund_pay_sumamt: 264850,
        psn_part_amt: -264850,
      },
    ]);
    // The assistance fund (610100) and the re-assistance fund (610102) owe the person, not the hospital.
    const postings = await rows(
      'select setl_id, account, amount from fund_postings where psn_no = $1 and setl_id = any($2) order by setl_id, account',
      [APPLICANT.psnNo, topUps.map((t) => t.setl_id)],
    );
    expect(postings.map((p: { account: string; amount: number }) => [p.account, p.amount])).toEqual([
      ['fund:610100', 487000],
      ['payable:person:G101', -487000],
      ['fund:610100', 243500],
      ['fund:610102', 21350],
      ['payable:person:G101', -264850],
    ]);
  });

  it('the person is 因病致贫重病患者 for 2026, their year is moved by the difference, the warning is assisted', async () => {
    expect(
      await rows('select code, begin_date, end_date, source_dept from person_categories where psn_no = $1', [
        APPLICANT.psnNo,
      ]),
    ).toEqual([
      {
        code: 'illness_impoverished',
        begin_date: '2026-01-01',
        end_date: '2026-12-31',
        source_dept: 'medical_security',
      },
    ]);
    const [year] = await rows(
      'select personal_burden, fund_paid, settlements, ytd from person_years where psn_no = $1',
      [APPLICANT.psnNo],
    );
    // 117,610 − 7,518.50 = 110,091.50; funds 34,650 + 2,610 + 27,825 + 7,305 + 7,518.50 = 79,908.50.
    expect(year).toMatchObject({ personal_burden: 11009150, fund_paid: 7990850, settlements: 2 });
    expect(year.ytd.assistance).toEqual({ base: 1761000, paid: 730500 });
    expect(year.ytd.reAssistance).toEqual({ base: 1030500, paid: 21350 });
    const warning = (await clerk('GET', `/api/warnings/${APPLICANT.psnNo}/2026`)).json;
    expect(warning).toMatchObject({ level: 'yellow', status: 'assisted' });
    expect(warning.actions.at(-1)).toMatchObject({
      from_status: 'new',
      to_status: 'assisted',
      actor: 'user:gx.review',
      note: `依申请救助（申请 ${applicationId}）已批准，补付 7518.50 元`,
    });
  });

  it('the application shows the category and each top-up with the trace a clerk can check', async () => {
    const detail = (await reviewer('GET', `/api/assistance-applications/${applicationId}`)).json;
    expect(detail).toMatchObject({
      status: 'approved',
      status_name: '已批准',
      certno: expect.stringMatching(/^\d{6}\*{8}\d{3}[\dX]$/),
      decided_by: 'user:gx.review',
      // Who registered and who decided, by the names the console shows.
      applied_by_name: '冠县医保局窗口',
      decided_by_name: '冠县医保局审核',
      reason: '经入户核实，符合因病致贫重病患者认定条件',
      // Decided at the fixed clock, 02:00 UTC: 10:00 in China.
      decided_at: '2026-06-15T10:00:00+08:00',
      top_up: '7518.50',
      category: { code: 'illness_impoverished', name: '因病致贫重病患者', begin: '2026-01-01', end: '2026-12-31' },
    });
    // Each top-up is paid by medical assistance and lowers the person's part by as much (4,870 and 2,648.50, above).
    expect(
      detail.top_ups.map((t: Record<string, string>) => [t.hifp_pay, t.maf_pay, t.fund_pay_sumamt, t.psn_part_amt]),
    ).toEqual([
      ['0.00', '4870.00', '4870.00', '-4870.00'],
      ['0.00', '2648.50', '2648.50', '-2648.50'],
    ]);
    const trace = detail.top_ups[1].trace as {
      layer: string;
      paid: string;
      text: string[];
      params: { unit: string; value: string }[];
    }[];
    expect(trace.filter((step) => step.layer === 're_assistance').map((step) => step.paid)).toEqual(['213.50']);
    // Ratios as four-place decimals: assistance at 50%, re-assistance at 70%.
    const ratios = trace.flatMap((step) => step.params.filter((p) => p.unit === 'bp').map((p) => p.value));
    expect(ratios).toEqual(expect.arrayContaining(['0.5000', '0.7000']));
    const reason = trace.at(-2);
    expect(reason?.text.join('\n')).toContain('认定标准 100000.00 元');
    expect(trace.at(-1)?.text.join('\n')).toContain(
      '原结算基金支付 35130.00，重新结算基金支付 37778.50，补付金额 2648.50',
    );
  });

  it('the next stay is settled with the new category, on the year moved by the top-ups', async () => {
    third = await stay(APPLICANT.psnNo, 10000);
    // Third stay, no deductible: basic 10,000 × 70% = 7,000; left 3,000. CI: cumulative 27,525 + 3,000 = 30,525 →
    // (30,525 − 11,000) × 60% = 11,715, less 9,915 = 1,800; left 1,200. Assistance: cumulative 17,610 + 1,200 = 18,810 →
    // (18,810 − 3,000) × 50% = 7,905, less 7,305 = 600; left 600. Re-assistance: 10,305 + 600 = 10,905 →
    // (10,905 − 10,000) × 70% = 633.50, less 213.50 = 420. Medical assistance in all 1,020; the person 180.
    expect(third.setlinfo).toMatchObject({ hifp_pay: 7000, hifmi_pay: 1800, maf_pay: 1020, psn_part_amt: 180 });
  });

  it('a topped-up stay cannot be cancelled by the hospital; nothing changes', async () => {
    const before = await counts(world.pool);
    const data = { psn_no: APPLICANT.psnNo, mdtrt_id: first.mdtrtId, setl_id: first.setlinfo.setl_id };
    const refused = await call(world, envelope('2305', { data }, { institution: GUANXIAN.code }), GUANXIAN);
    expect(refused.infcode).not.toBe(0);
    expect(refused.err_msg).toContain('已依申请救助补付');
    expect({ ...(await counts(world.pool)), message_log: before.message_log }).toEqual(before);
  });

  it('a stay settled while an approval waited is not waited for: the approval answers BUSY', async () => {
    // The hospital holds the third stay (as a settlement that may be waiting for the person-year would).
    const hospital = await world.pool.connect();
    await hospital.query('begin');
    const county = { fixmedins_code: GUANXIAN.code, name: '冠县人民医院', level: 'county', admdvs: '371525' } as const;
    await lockEncounter(hospital, county, APPLICANT.psnNo, third.mdtrtId);
    const approval = await world.pool.connect();
    await approval.query('begin');
    await expect(lockLateStays(approval, APPLICANT.psnNo, [third.mdtrtId])).rejects.toMatchObject({
      status: 409,
      code: 'BUSY',
      message: '该人员有结算正在办理，请稍后再审核',
    });
    await approval.query('rollback');
    approval.release();
    await hospital.query('rollback');
    hospital.release();
  });

  it('an approved person cannot apply again', async () => {
    const again = await clerk('POST', '/api/assistance-applications', { psn_no: APPLICANT.psnNo });
    expect(again).toMatchObject({
      status: 409,
      json: { code: 'APPLICATION_NOT_ELIGIBLE', message: '已认定为因病致贫重病患者，无需再申请' },
    });
  });
});

describe('refusals change nothing', () => {
  const written = async (): Promise<Record<string, number>> => {
    const all = await counts(world.pool);
    const [applications] = await rows('select count(*)::int as n from assistance_applications', []);
    return { ...all, applications: applications.n as number };
  };

  it('who may not apply: a target, a low burden, another county, another department, malformed requests', async () => {
    await stay(TARGET.psnNo, 200000);
    await stay(LOW.psnNo, 20000);
    const before = await written();
    const apply = (api: typeof clerk, body: unknown): ReturnType<typeof clerk> =>
      api('POST', '/api/assistance-applications', body);
    expect(await apply(clerk, { psn_no: TARGET.psnNo })).toMatchObject({
      status: 409,
      json: { code: 'APPLICATION_NOT_ELIGIBLE', message: '属于监测人口，已按其类别享受医疗救助，无需申请' },
    });
    // 20,000: basic (20,000 − 500) × 70% = 13,650; the person 6,350 (below CI's 11,000).
    expect(await apply(clerk, { psn_no: LOW.psnNo })).toMatchObject({
      status: 409,
      json: { message: '2026年度个人自付费用 6350.00 元，未超过依申请救助标准 100000.00 元' },
    });
    expect(await apply(clerk, { psn_no: LOW.psnNo, year: 2027 })).toMatchObject({
      status: 409,
      json: { message: '不能申请未来年度（2027年）的救助' },
    });
    expect(await apply(clerk, { psn_no: LOW.psnNo, year: 2010 })).toMatchObject({
      status: 409,
      json: { code: 'APPLICATION_NOT_OFFERED', message: '2010年度没有施行中的医保政策，不能受理申请' },
    });
    expect(await apply(bozhou, { psn_no: 'P002' })).toMatchObject({
      status: 409,
      json: { code: 'APPLICATION_NOT_OFFERED' },
    });
    expect(await apply(bozhou, { psn_no: APPLICANT.psnNo })).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    expect(await apply(clerk, { psn_no: 'G999' })).toMatchObject({ status: 404 });
    expect(await apply(rural, { psn_no: LOW.psnNo })).toMatchObject({
      status: 403,
      json: { message: '依申请救助由医疗保障经办机构办理' },
    });
    expect(await apply(clerk, { psn_no: LOW.psnNo, amount: 1 })).toMatchObject({
      status: 400,
      json: { code: 'SCHEMA' },
    });
    expect(await apply(clerk, { psn_no: LOW.psnNo, year: 'last' })).toMatchObject({ status: 400 });
    expect(await written()).toEqual(before);
  });

  it('a refusal needs a reason, records it, gives nothing; the person may apply again', async () => {
    // 120,000 fully self-paid: nothing in scope, the person pays it all, 120,000 > 100,000.
    const { setlinfo } = await stay(SELF_PAID.psnNo, 120000, 120000);
    expect(setlinfo).toMatchObject({ fund_pay_sumamt: 0, psn_part_amt: 120000 });
    const applied = await clerk('POST', '/api/assistance-applications', { psn_no: SELF_PAID.psnNo });
    expect(applied.status).toBe(201);
    const id = applied.json.application_id as number;
    const decide = (body: unknown): ReturnType<typeof clerk> =>
      reviewer('POST', `/api/assistance-applications/${id}/decision`, body);
    const before = await written();
    expect(await decide({ decision: 'refuse' })).toMatchObject({
      status: 400,
      json: { code: 'SCHEMA', message: expect.stringContaining('不予批准须写明理由') },
    });
    expect(await decide({ decision: 'maybe', reason: 'x' })).toMatchObject({ status: 400 });
    expect(
      await reviewer('POST', '/api/assistance-applications/99999/decision', { decision: 'approve' }),
    ).toMatchObject({ status: 404 });
    expect(await decide({ decision: 'refuse', reason: '家庭收入超过认定标准' })).toMatchObject({
      status: 200,
      json: { status: 'refused' },
    });
    expect(await decide({ decision: 'approve' })).toMatchObject({
      status: 409,
      json: { code: 'APPLICATION_STATE', message: `申请 ${id} 已不予批准，不能再审核` },
    });
    expect(await written()).toEqual(before);
    expect(await rows('select code from person_categories where psn_no = $1', [SELF_PAID.psnNo])).toEqual([]);
    const listed = (await reviewer('GET', '/api/assistance-applications?status=refused')).json;
    expect(listed.items).toMatchObject([
      { application_id: id, reason: '家庭收入超过认定标准', status_name: '不予批准' },
    ]);
    expect((await clerk('POST', '/api/assistance-applications', { psn_no: SELF_PAID.psnNo })).status).toBe(201);
  });
});

/**
 * Hand-down (下放) of Guanxian's warnings to their townships and taking them back (收回), on the real database: by
 * township, by ticked rows and by the ledger's filter; a township sees only what is handed down to it and cannot see
 * or act on another's; a batch or a warning taken back is gone from the township again; the feedback runs hand down
 * what they send but not what was taken back; the township's and the bureau's remarks, each written by its own side.
 *
 * Bills are fully self-paid, so the whole bill is the person's out-of-pocket amount (as in warnings.test.ts).
 * Guanxian's lines: targets blue > 30,000, yellow > 100,000; ordinary insured yellow > 100,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../jobs/scheduler.js';
import { PolicyRegistry } from '../policies.js';
import {
  call,
  certnoOf,
  createWorld,
  envelope,
  GUANXIAN,
  idNumber,
  seedGuanxian,
  signIn,
  type World,
} from '../test-support/world.js';

// 40,000 > 30,000: blue (a target).
const A = { psnNo: 'H001', certno: idNumber('371525', '1960-01-01', '111'), name: '冯秀英', township: '烟庄街道' };
// 120,000 > 100,000: yellow (ordinary).
const B = { psnNo: 'H002', certno: idNumber('371525', '1971-02-02', '221'), name: '蒋国强', township: '烟庄街道' };
// 150,000: yellow (ordinary).
const C = { psnNo: 'H003', certno: idNumber('371525', '1980-03-03', '331'), name: '沈玉兰', township: '店子镇' };
// 50,000 > 30,000: blue (a target).
const D = { psnNo: 'H004', certno: idNumber('371525', '1955-04-04', '441'), name: '韩建华', township: '店子镇' };
// Below every line until later in the test.
const E = { psnNo: 'H005', certno: idNumber('371525', '1990-05-05', '551'), name: '杨晓燕', township: '店子镇' };

type Api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => Promise<{ status: number; json: any }>;

let world: World;
let clerk: Api;
let yanzhuang: Api;
let dianzi: Api;
let rural: Api;
let viewer: Api;
let bozhou: Api;

function api(token: string): Api {
  return async (method, url, body) => {
    const response = await world.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: response.statusCode, json: response.json() };
  };
}

let stays = 0;
/** A fully self-paid stay of `yuan` at the county hospital. */
async function spend(psnNo: string, yuan: string): Promise<void> {
  const his = async (infno: string, input: Record<string, unknown>): Promise<Record<string, any>> => {
    const answer = await call(world, envelope(infno, input, { institution: GUANXIAN.code }), GUANXIAN);
    expect(answer.err_msg).toBe('');
    return answer.output;
  };
  const mdtrtinfo = {
    psn_no: psnNo,
    insutype: '390',
    begntime: '2026-06-10 08:00:00',
    mdtrt_cert_type: '02',
    mdtrt_cert_no: await certnoOf(world, psnNo),
    med_type: '21',
    ipt_no: `ZY${++stays}`,
  };
  const mdtrtId = (await his('2401', { mdtrtinfo, diseinfo: [] }))['result'].mdtrt_id as string;
  const dscginfo = { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 08:00:00' };
  await his('2402', { dscginfo, diseinfo: [] });
  const data = { psn_no: psnNo, mdtrt_id: mdtrtId, medfee_sumamt: yuan, fulamt_ownpay_amt: yuan, insutype: '390' };
  await his('2304', { data: { ...data, overlmt_selfpay: 0, preselfpay_amt: 0, mid_setl_flag: '0' } });
}

const names = (answer: { json: { items: { psn_no: string }[] } }): string[] =>
  answer.json.items.map((warning) => warning.psn_no);
const handovers = async (): Promise<number> =>
  (await world.pool.query<{ n: number }>('select count(*)::int as n from warning_handovers')).rows[0]!.n;

beforeAll(async () => {
  world = await createWorld('handover');
  await seedGuanxian(world, [{ ...A, category: 'monitored' }, B, C, { ...D, category: 'monitored' }, E]);
  const county = { role: 'operator', scope_admdvs: '371525' } as const;
  clerk = api(await signIn(world, { username: 'gx.clerk', display_name: '冠县医保局经办员', ...county }));
  yanzhuang = api(
    await signIn(world, { username: 'yanzhuang', display_name: '烟庄街道办事处', ...county, township: '烟庄街道' }),
  );
  dianzi = api(await signIn(world, { username: 'dianzi', display_name: '店子镇政府', ...county, township: '店子镇' }));
  rural = api(
    await signIn(world, {
      username: 'gx.rural',
      display_name: '冠县乡村振兴局',
      ...county,
      department: 'rural_revitalization',
    }),
  );
  viewer = api(
    await signIn(world, { username: 'gx.viewer', display_name: '冠县查询', role: 'read_only', scope_admdvs: '371525' }),
  );
  bozhou = api(
    await signIn(world, { username: 'qc.clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' }),
  );
  await spend(A.psnNo, '40000.00');
  await spend(B.psnNo, '120000.00');
  await spend(C.psnNo, '150000.00');
  await spend(D.psnNo, '50000.00');
  expect((await clerk('POST', '/api/screenings', {})).json.raised).toEqual({ blue: 2, yellow: 2, red: 0 });
});
afterAll(async () => {
  await world?.close();
});

describe('before anything is handed down', () => {
  it('the bureau sees all four, counted by level and township, all waiting to be handed down', async () => {
    expect((await clerk('GET', '/api/warnings?year=2026')).json.total).toBe(4);
    const counts = (await clerk('GET', '/api/warnings/counts?year=2026')).json;
    expect(counts).toEqual({
      year: 2026,
      current_year: 2026,
      total: 4,
      levels: { blue: 2, yellow: 2, red: 0 },
      pending: 4,
      pending_levels: { blue: 2, yellow: 2, red: 0 },
      townships: [
        { township: '店子镇', blue: 1, yellow: 1, red: 0, total: 2, pending: 2 },
        { township: '烟庄街道', blue: 1, yellow: 1, red: 0, total: 2, pending: 2 },
      ],
    });
  });

  it('a township sees none of its own yet; the department sees what is routed to it', async () => {
    expect((await yanzhuang('GET', '/api/warnings?year=2026')).json).toMatchObject({ total: 0, items: [] });
    expect((await yanzhuang('GET', `/api/warnings/${A.psnNo}/2026`)).status).toBe(404);
    expect((await yanzhuang('GET', '/api/warnings/counts')).json).toMatchObject({ total: 0, pending: 0 });
    expect((await yanzhuang('POST', `/api/warnings/${A.psnNo}/2026/actions`, { status: 'sent' })).status).toBe(404);
    expect((await rural('GET', '/api/warnings?year=2026')).json.total).toBe(4);
  });

  it('only the bureau’s operators hand down: townships, departments, read-only users and other counties are refused', async () => {
    const township = { basis: 'township', township: '烟庄街道' };
    expect(await yanzhuang('POST', '/api/warning-handovers', township)).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN', message: '预警的下放与收回由医保局经办人员办理' },
    });
    expect((await rural('POST', '/api/warning-handovers', township)).status).toBe(403);
    expect((await viewer('POST', '/api/warning-handovers', township)).status).toBe(403);
    expect((await yanzhuang('POST', '/api/warning-recalls', { psn_nos: [A.psnNo] })).status).toBe(403);
    // Another county's clerk finds nothing of Guanxian's to hand down.
    expect(await bozhou('POST', '/api/warning-handovers', township)).toMatchObject({
      status: 409,
      json: { code: 'WARNING_STATE', message: '没有符合条件的预警可下放' },
    });
    expect((await bozhou('POST', '/api/warning-handovers', { basis: 'selected', psn_nos: [A.psnNo] })).status).toBe(
      404,
    );
    // Malformed: a township hand-down without its township, a selection without rows.
    expect(await clerk('POST', '/api/warning-handovers', { basis: 'township' })).toMatchObject({
      status: 400,
      json: { message: 'body.township：按乡镇下放须指定乡镇（街道）' },
    });
    expect((await clerk('POST', '/api/warning-handovers', { basis: 'selected', psn_nos: [] })).status).toBe(400);
    expect(await handovers()).toBe(0);
  });
});

describe('handing down by township, ticked rows and the filter', () => {
  let township: number;

  it('by township: 烟庄街道 gets its two, recorded with who and when; the status is not touched', async () => {
    const made = await clerk('POST', '/api/warning-handovers', {
      basis: 'township',
      township: '烟庄街道',
      note: '请于两周内入户核实',
    });
    expect(made).toMatchObject({
      status: 201,
      json: {
        kind: 'down',
        kind_name: '下放',
        basis: 'township',
        basis_name: '按乡镇',
        criteria: '乡镇（街道）：烟庄街道',
        year: 2026,
        warnings: 2,
        outstanding: 2,
        townships: [{ township: '烟庄街道', warnings: 2, outstanding: 2 }],
        note: '请于两周内入户核实',
        actor_name: '冠县医保局经办员',
        at: '2026-06-15T10:00:00+08:00',
      },
    });
    township = made.json.handover_id as number;
    // B yellow before A blue: the ledger's order.
    expect(names(await yanzhuang('GET', '/api/warnings?year=2026'))).toEqual([B.psnNo, A.psnNo]);
    const detail = (await yanzhuang('GET', `/api/warnings/${A.psnNo}/2026`)).json;
    expect(detail).toMatchObject({ status: 'new', handed_down: true, handover_id: township, recalled: false });
    expect(detail.handovers).toEqual([
      {
        handover_id: township,
        kind: 'down',
        kind_name: '下放',
        basis_name: '按乡镇',
        actor_name: '冠县医保局经办员',
        note: '请于两周内入户核实',
        at: '2026-06-15T10:00:00+08:00',
      },
    ]);
    // 店子镇 is not theirs: neither seen nor acted on.
    expect((await yanzhuang('GET', `/api/warnings/${C.psnNo}/2026`)).status).toBe(404);
    expect((await yanzhuang('POST', `/api/warnings/${C.psnNo}/2026/actions`, { status: 'sent' })).status).toBe(404);
    expect((await dianzi('GET', '/api/warnings?year=2026')).json.total).toBe(0);
    // Again: nothing new to hand down.
    expect(await clerk('POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' })).toMatchObject({
      status: 409,
      json: { message: '所选预警均已下放，无需再次下放' },
    });
  });

  it('by ticked rows: C alone goes to 店子镇; a row not in the ledger refuses the whole batch', async () => {
    const before = await handovers();
    expect(
      await clerk('POST', '/api/warning-handovers', { basis: 'selected', psn_nos: [C.psnNo, 'NOBODY'] }),
    ).toMatchObject({ status: 404, json: { message: '查无 NOBODY 2026 年度的预警（或不在您的管辖范围）' } });
    expect(await handovers()).toBe(before);
    const made = await clerk('POST', '/api/warning-handovers', { basis: 'selected', psn_nos: [C.psnNo] });
    expect(made.json).toMatchObject({ basis_name: '按勾选', criteria: '勾选 1 条', warnings: 1 });
    expect(names(await dianzi('GET', '/api/warnings?year=2026'))).toEqual([C.psnNo]);
    expect((await dianzi('GET', `/api/warnings/${D.psnNo}/2026`)).status).toBe(404);
  });

  it('by the current filter: the blue ones not yet handed down — D only, A went with its township', async () => {
    const made = await clerk('POST', '/api/warning-handovers', { basis: 'filter', level: 'blue' });
    expect(made.json).toMatchObject({
      basis_name: '按筛选条件',
      criteria: '级别：蓝码',
      warnings: 1,
      townships: [{ township: '店子镇', warnings: 1 }],
    });
    expect(names(await dianzi('GET', '/api/warnings?year=2026'))).toEqual([C.psnNo, D.psnNo]);
    expect((await clerk('GET', '/api/warnings/counts')).json.pending).toBe(0);
    expect((await clerk('GET', '/api/warnings?handed_down=false')).json.total).toBe(0);
    expect((await clerk('GET', '/api/warnings?handed_down=true')).json.total).toBe(4);
    const list = (await clerk('GET', '/api/warning-handovers?year=2026')).json;
    expect(list.total).toBe(3);
    expect(list.items.map((b: { basis: string; warnings: number }) => [b.basis, b.warnings])).toEqual([
      ['filter', 1],
      ['selected', 1],
      ['township', 2],
    ]);
    // A township sees only its own part of the batches.
    const own = (await yanzhuang('GET', '/api/warning-handovers')).json;
    expect(own.items.map((b: { handover_id: number }) => b.handover_id)).toEqual([township]);
  });
});

describe('remarks: the township’s and the bureau’s, each by its own side', () => {
  const remark = (user: Api, psnNo: string, side: string, text: string) =>
    user('PUT', `/api/warnings/${psnNo}/2026/remarks/${side}`, { remark: text });

  it('each side writes its own; the other side, a department, a reader and another township are refused', async () => {
    expect(await remark(yanzhuang, A.psnNo, 'township', '已电话联系家属，本周入户')).toMatchObject({
      status: 200,
      json: {
        side: 'township',
        remark: '已电话联系家属，本周入户',
        by: '烟庄街道办事处',
        at: '2026-06-15T10:00:00+08:00',
      },
    });
    expect(await remark(yanzhuang, A.psnNo, 'bureau', '乡镇改写局备注')).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN', message: '局备注只能由医保局经办人员填写' },
    });
    expect(await remark(clerk, A.psnNo, 'township', '局里改写乡镇备注')).toMatchObject({
      status: 403,
      json: { message: '乡镇备注只能由乡镇（街道）用户填写' },
    });
    expect((await remark(rural, A.psnNo, 'township', '部门')).status).toBe(403);
    expect((await remark(rural, A.psnNo, 'bureau', '部门')).status).toBe(403);
    expect((await remark(viewer, A.psnNo, 'bureau', '只读')).status).toBe(403);
    expect((await remark(dianzi, A.psnNo, 'township', '别的乡镇')).status).toBe(404);
    expect(await remark(clerk, A.psnNo, 'bureau', '优先核实自付费用明细')).toMatchObject({
      status: 200,
      json: { side: 'bureau', by: '冠县医保局经办员' },
    });
    const detail = (await yanzhuang('GET', `/api/warnings/${A.psnNo}/2026`)).json;
    expect(detail).toMatchObject({
      township_remark: '已电话联系家属，本周入户',
      township_remark_by: '烟庄街道办事处',
      bureau_remark: '优先核实自付费用明细',
      bureau_remark_by: '冠县医保局经办员',
      bureau_remark_at: '2026-06-15T10:00:00+08:00',
    });
  });
});

describe('taking back (收回)', () => {
  it('a ticked warning taken back is gone from the township, which can no longer act on it or remark', async () => {
    const back = await clerk('POST', '/api/warning-recalls', { psn_nos: [A.psnNo], note: '户籍已迁出' });
    expect(back).toMatchObject({
      status: 201,
      json: { kind: 'recall', kind_name: '收回', basis_name: '按勾选', warnings: 1, outstanding: 0 },
    });
    expect(names(await yanzhuang('GET', '/api/warnings?year=2026'))).toEqual([B.psnNo]);
    expect((await yanzhuang('GET', `/api/warnings/${A.psnNo}/2026`)).status).toBe(404);
    expect((await yanzhuang('POST', `/api/warnings/${A.psnNo}/2026/actions`, { status: 'sent' })).status).toBe(404);
    expect(
      (await yanzhuang('PUT', `/api/warnings/${A.psnNo}/2026/remarks/township`, { remark: '收回后' })).status,
    ).toBe(404);
    const detail = (await clerk('GET', `/api/warnings/${A.psnNo}/2026`)).json;
    expect(detail).toMatchObject({ handed_down: false, handover_id: null, recalled: true, status: 'new' });
    expect(detail.handovers.map((h: { kind_name: string; basis_name: string }) => h.kind_name + h.basis_name)).toEqual([
      '下放按乡镇',
      '收回按勾选',
    ]);
    expect(await clerk('POST', '/api/warning-recalls', { psn_nos: [A.psnNo] })).toMatchObject({
      status: 409,
      json: { message: '所选预警均未下放，无需收回' },
    });
    // A (blue) is the one waiting again.
    expect((await clerk('GET', '/api/warnings/counts')).json).toMatchObject({
      pending: 1,
      pending_levels: { blue: 1, yellow: 0, red: 0 },
    });
  });

  it('a batch taken back takes back what it still has there (B), and cannot be taken back twice', async () => {
    const list = (await clerk('GET', '/api/warning-handovers?kind=down')).json;
    const township = list.items.find((b: { basis: string }) => b.basis === 'township');
    // A already came back: one of its two is still there.
    expect(township).toMatchObject({ warnings: 2, outstanding: 1 });
    const back = await clerk('POST', `/api/warning-handovers/${township.handover_id}/recall`, {});
    expect(back.json).toMatchObject({
      kind: 'recall',
      basis_name: '整批收回',
      criteria: `收回下放批次 ${township.handover_id}`,
      warnings: 1,
      townships: [{ township: '烟庄街道', warnings: 1 }],
    });
    expect((await yanzhuang('GET', '/api/warnings?year=2026')).json.total).toBe(0);
    expect((await clerk('POST', `/api/warning-handovers/${township.handover_id}/recall`, {})).status).toBe(409);
    expect((await clerk('POST', `/api/warning-handovers/${back.json.handover_id}/recall`, {})).json.message).toBe(
      `批次 ${back.json.handover_id} 是收回批次，不能再收回`,
    );
    expect((await yanzhuang('POST', `/api/warning-handovers/${township.handover_id}/recall`, {})).status).toBe(403);
    expect((await bozhou('POST', `/api/warning-handovers/${township.handover_id}/recall`, {})).status).toBe(404);
  });

  it('handed down again, both are back with the township, the remarks kept', async () => {
    const made = await clerk('POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' });
    expect(made.json.warnings).toBe(2);
    expect(names(await yanzhuang('GET', '/api/warnings?year=2026'))).toEqual([B.psnNo, A.psnNo]);
    expect((await yanzhuang('GET', `/api/warnings/${A.psnNo}/2026`)).json).toMatchObject({
      recalled: false,
      township_remark: '已电话联系家属，本周入户',
    });
  });
});

describe('the feedback runs and hand-down', () => {
  const policies = new PolicyRegistry();

  it('a feedback batch hands down what it sends, but not a warning the bureau took back', async () => {
    await clerk('POST', '/api/warning-recalls', { psn_nos: [D.psnNo] });
    await spend(E.psnNo, '110000.00'); // ordinary, 店子镇: yellow, not handed down
    await clerk('POST', '/api/screenings', {});
    // 2026-06-15 10:00 in China: blue (June's) and yellow feedback are due.
    await runDueJobs(world.pool, policies, new Date('2026-06-15T02:00:00Z'));
    const { rows } = await world.pool.query(
      'select psn_no, status, handover_id is not null as handed_down, recalled from warnings order by psn_no',
    );
    expect(rows).toEqual([
      { psn_no: A.psnNo, status: 'sent', handed_down: true, recalled: false },
      { psn_no: B.psnNo, status: 'sent', handed_down: true, recalled: false },
      { psn_no: C.psnNo, status: 'sent', handed_down: true, recalled: false },
      // Taken back: not in 店子镇's blue batch, still new, still with the bureau.
      { psn_no: D.psnNo, status: 'new', handed_down: false, recalled: true },
      { psn_no: E.psnNo, status: 'sent', handed_down: true, recalled: false },
    ]);
    const fed = (await dianzi('GET', `/api/warnings/${E.psnNo}/2026`)).json;
    expect(fed.handovers).toMatchObject([{ kind: 'down', basis_name: '随反馈批次', actor_name: '平台（定期反馈）' }]);
    const { rows: items } = await world.pool.query('select 1 from feedback_items where psn_no = $1', [D.psnNo]);
    expect(items).toEqual([]);
  });

  it('a higher level goes out again, even where it was taken back', async () => {
    expect(names(await dianzi('GET', '/api/warnings?year=2026'))).not.toContain(D.psnNo);
    await spend(D.psnNo, '60000.00'); // 50,000 + 60,000 = 110,000 > 100,000: yellow for a target
    await clerk('POST', '/api/screenings', {});
    expect((await world.pool.query('select level, recalled from warnings where psn_no = $1', [D.psnNo])).rows).toEqual([
      { level: 'yellow', recalled: false },
    ]);
    // The next yellow feedback (every two weeks: 2026-06-29) sends it and hands it down to 店子镇.
    await runDueJobs(world.pool, policies, new Date('2026-06-29T02:00:00Z'));
    expect(names(await dianzi('GET', '/api/warnings?year=2026'))).toContain(D.psnNo);
  });
});

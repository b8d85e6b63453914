/**
 * The 蓝黄红 warning of Guanxian (冠县《防止返贫致贫“蓝黄红”预警机制实施方案》, as the Liaocheng rural revitalization briefing,
 * 《聊城乡村振兴简报》2022年第13期「冠县落实落细医保帮扶政策」, reports it) on the real database: people driven across each threshold by
 * settlements (and back by cancellation), screening at the populations' cadences, the red crossing raised at once,
 * routing and scope, the follow-up workflow, feedback batches and their workbooks, and webhook retries.
 *
 * Every bill here is fully self-paid (全自费): nothing is in scope, so no layer pays and the whole bill adds to the
 * person's yearly out-of-pocket amount, which Guanxian measures. Thresholds (the Liaocheng briefing): targets
 * blue > 30,000, yellow > 100,000, red > 300,000; ordinary insured yellow > 100,000, red > 300,000.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyRegistry } from '../policies.js';
import {
  call,
  certnoOf,
  consoleApi,
  envelope,
  GUANXIAN,
  idNumber,
  NOW,
  seedGuanxian,
  signIn,
  createWorld,
  type World,
} from '../test-support/world.js';
import { dispatchWebhooks } from '../jobs/background.js';
import { runDueJobs } from '../jobs/scheduler.js';

const TARGET = { psnNo: 'G001', certno: idNumber('371525', '1962-03-04', '121'), name: '赵桂兰', township: '烟庄街道' };
const ORDINARY = {
  psnNo: 'G002',
  certno: idNumber('371525', '1970-08-08', '231'),
  name: '孙立新',
  township: '烟庄街道',
};
const DIANZI = { psnNo: 'G003', certno: idNumber('371525', '1985-11-11', '341'), name: '周海燕', township: '店子镇' };
const DIANZI_TARGET = {
  psnNo: 'G004',
  certno: idNumber('371525', '1958-02-02', '451'),
  name: '吴长顺',
  township: '店子镇',
};
const LATE = { psnNo: 'G005', certno: idNumber('371525', '1990-01-20', '561'), name: '郑晓东', township: '店子镇' };
const MASKED = /^\d{6}\*{8}\d{3}[\dX]$/;
const WEBHOOK_SECRET = 'guanxian-rural-revitalization-key';

let world: World;
let clerk: ReturnType<typeof consoleApi>;
let admin: ReturnType<typeof consoleApi>;
let yanzhuang: ReturnType<typeof consoleApi>;
let yanzhuangToken: string;
let rural: ReturnType<typeof consoleApi>;
let civil: ReturnType<typeof consoleApi>;
let bozhou: ReturnType<typeof consoleApi>;
const policies = new PolicyRegistry();

/** The receiver of red warnings: answers `answer` (503 while "failing"), or is not listening at all. */
const receiver = {
  server: null as Server | null,
  port: 0,
  answer: 200,
  received: [] as { headers: IncomingHttpHeaders; body: string }[],
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body });
        response.statusCode = this.answer;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  },
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  },
};

/**
 * A fully self-paid stay of `yuan` at the Guanxian county hospital, settled by its totals (an ordinary outpatient
 * visit could not plausibly cost this much: the policy refuses it); returns the settlement.
 */
async function spend(psnNo: string, yuan: string): Promise<{ mdtrtId: string; setlId: string }> {
  const his = async (infno: string, input: Record<string, unknown>): Promise<Record<string, any>> => {
    const answer = await call(world, envelope(infno, input, { institution: GUANXIAN.code }), GUANXIAN);
    expect(answer.err_msg).toBe('');
    return answer.output;
  };
  const admission = await his('2401', {
    mdtrtinfo: {
      psn_no: psnNo,
      insutype: '390',
      begntime: '2026-06-10 08:00:00',
      mdtrt_cert_type: '02',
      mdtrt_cert_no: await certnoOf(world, psnNo),
      med_type: '21',
      ipt_no: `ZY${psnNo}`,
    },
    diseinfo: [],
  });
  const mdtrtId = admission['result'].mdtrt_id as string;
  await his('2402', {
    dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 08:00:00' },
    diseinfo: [],
  });
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    medfee_sumamt: yuan,
    fulamt_ownpay_amt: yuan,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
    insutype: '390',
    mid_setl_flag: '0',
  };
  const settled = await his('2304', { data });
  // Nothing in scope: the funds pay nothing and the person the whole bill.
  expect(settled['setlinfo']).toMatchObject({ fund_pay_sumamt: 0, psn_part_amt: Number(yuan) });
  return { mdtrtId, setlId: settled['setlinfo'].setl_id as string };
}

async function cancel(psnNo: string, settlement: { mdtrtId: string; setlId: string }): Promise<void> {
  const data = { psn_no: psnNo, mdtrt_id: settlement.mdtrtId, setl_id: settlement.setlId };
  const cancelled = await call(world, envelope('2305', { data }, { institution: GUANXIAN.code }), GUANXIAN);
  expect(cancelled.err_msg).toBe('');
}

const screenAll = async (): Promise<any> => (await clerk('POST', '/api/screenings', {})).json;
const warningOf = async (psnNo: string): Promise<{ status: number; json: any }> =>
  clerk('GET', `/api/warnings/${psnNo}/2026`);

beforeAll(async () => {
  world = await createWorld('warnings');
  await seedGuanxian(world, [
    { ...TARGET, category: 'monitored' },
    ORDINARY,
    DIANZI,
    { ...DIANZI_TARGET, category: 'returned_to_poverty' },
    LATE,
  ]);
  const county = { role: 'operator', scope_admdvs: '371525' } as const;
  clerk = consoleApi(world, await signIn(world, { username: 'gx.clerk', display_name: '冠县医保局', ...county }));
  admin = consoleApi(
    world,
    await signIn(world, { username: 'admin', display_name: '管理员', role: 'administrator', scope_admdvs: null }),
  );
  yanzhuangToken = await signIn(world, {
    username: 'yanzhuang',
    display_name: '烟庄街道',
    ...county,
    township: '烟庄街道',
  });
  yanzhuang = consoleApi(world, yanzhuangToken);
  rural = consoleApi(
    world,
    await signIn(world, {
      username: 'gx.rural',
      display_name: '冠县乡村振兴局',
      ...county,
      department: 'rural_revitalization',
    }),
  );
  civil = consoleApi(
    world,
    await signIn(world, { username: 'gx.civil', display_name: '冠县民政局', ...county, department: 'civil_affairs' }),
  );
  bozhou = consoleApi(
    world,
    await signIn(world, { username: 'qc.clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' }),
  );
  await receiver.start();
  const endpoint = await admin('POST', '/api/webhook-endpoints', {
    name: '冠县乡村振兴局防返贫监测平台',
    url: `http://127.0.0.1:${receiver.port}/hooks/red`,
    secret: WEBHOOK_SECRET,
    department: 'rural_revitalization',
    admdvs: '371525',
  });
  expect(endpoint.status).toBe(201);
  expect(endpoint.json).not.toHaveProperty('secret');
});
afterAll(async () => {
  await receiver.stop();
  await world.close();
});

describe('an assistance target (监测对象) crosses blue, yellow and red', () => {
  it('30,000.00 is not above the blue line: no warning', async () => {
    await spend(TARGET.psnNo, '30000.00');
    await screenAll();
    expect((await warningOf(TARGET.psnNo)).status).toBe(404);
  });

  it('one fen more (30,000.01) is blue at the next screening, fed back monthly (next 1st: 2026-07-01)', async () => {
    await spend(TARGET.psnNo, '0.01');
    expect((await warningOf(TARGET.psnNo)).status).toBe(404); // blue waits for the screening
    const summary = await screenAll();
    expect(summary.raised).toEqual({ blue: 1, yellow: 0, red: 0 });
    const { json } = await warningOf(TARGET.psnNo);
    expect(json).toMatchObject({
      level: 'blue',
      level_name: '蓝码',
      population: '政策规定的帮扶对象',
      amount: '30000.01',
      township: '烟庄街道',
      department: 'rural_revitalization',
      department_name: '乡村振兴部门',
      status: 'new',
      feedback_due: '2026-07-01',
      // Screened at the fixed clock, 02:00 UTC: 10:00 in China.
      raised_at: '2026-06-15T10:00:00+08:00',
    });
    expect(json.certno).toMatch(MASKED);
    expect(json.history).toMatchObject([
      { from_level: 'none', to_level: 'blue', amount: '30000.01', cause: 'screening', at: '2026-06-15T10:00:00+08:00' },
    ]);
  });

  it('70,000 more (100,000.01) turns yellow at the next screening, fed back every two weeks (today, 2026-06-15)', async () => {
    await spend(TARGET.psnNo, '70000.00');
    expect((await warningOf(TARGET.psnNo)).json.level).toBe('blue');
    await screenAll();
    const { json } = await warningOf(TARGET.psnNo);
    expect(json).toMatchObject({ level: 'yellow', amount: '100000.01', feedback_due: '2026-06-15' });
    expect(json.history.map((h: { from_level: string; to_level: string }) => `${h.from_level}→${h.to_level}`)).toEqual([
      'none→blue',
      'blue→yellow',
    ]);
  });

  it('200,000 more (300,000.01) is red at once, by the settlement itself, with the webhook queued', async () => {
    const settlement = await spend(TARGET.psnNo, '200000.00');
    const { json } = await warningOf(TARGET.psnNo);
    expect(json).toMatchObject({ level: 'red', amount: '300000.01', feedback_due: '2026-06-15' });
    expect(json.history.at(-1)).toMatchObject({
      from_level: 'yellow',
      to_level: 'red',
      amount: '300000.01',
      cause: 'settlement',
      setl_id: settlement.setlId,
    });
    const { rows } = await world.pool.query("select psn_no from webhook_outbox where event = 'warning.red'");
    expect(rows).toEqual([{ psn_no: TARGET.psnNo }]);
  });
});

describe('an ordinary insured person: only yellow and red, and back down when settlements are cancelled', () => {
  let small: { mdtrtId: string; setlId: string };
  let big: { mdtrtId: string; setlId: string };

  it('50,000 raises nothing (no blue for ordinary insured), nor does exactly 100,000.00', async () => {
    await spend(ORDINARY.psnNo, '50000.00');
    await screenAll();
    expect((await warningOf(ORDINARY.psnNo)).status).toBe(404);
    await spend(ORDINARY.psnNo, '50000.00');
    await screenAll();
    expect((await warningOf(ORDINARY.psnNo)).status).toBe(404);
  });

  it('100,000.01 is yellow; 350,000.01 is red at once', async () => {
    small = await spend(ORDINARY.psnNo, '0.01');
    await screenAll();
    expect((await warningOf(ORDINARY.psnNo)).json).toMatchObject({ level: 'yellow', population: '普通参保群众' });
    big = await spend(ORDINARY.psnNo, '250000.00');
    expect((await warningOf(ORDINARY.psnNo)).json).toMatchObject({ level: 'red', amount: '350000.01' });
  });

  it('cancelling the 250,000 bill takes it back to yellow (100,000.01); cancelling the fen, to no level', async () => {
    await cancel(ORDINARY.psnNo, big);
    let { json } = await warningOf(ORDINARY.psnNo);
    expect(json).toMatchObject({ level: 'yellow', amount: '100000.01' });
    const { rows } = await world.pool.query<{ setl_id: string }>(
      "select setl_id from settlements where psn_no = $1 and kind = 'cancellation' and reverses = $2",
      [ORDINARY.psnNo, big.setlId],
    );
    expect(json.history.at(-1)).toMatchObject({
      from_level: 'red',
      to_level: 'yellow',
      amount: '100000.01',
      cause: 'cancellation',
      setl_id: rows[0]!.setl_id,
    });
    // A screening does not put back what the cancellation took away.
    await screenAll();
    expect((await warningOf(ORDINARY.psnNo)).json.level).toBe('yellow');
    await cancel(ORDINARY.psnNo, small);
    ({ json } = await warningOf(ORDINARY.psnNo));
    // 50,000 + 50,000: both cancelled bills (250,000 and 0.01) taken away again.
    expect(json).toMatchObject({ level: 'none', amount: '100000.00' });
    const list = await clerk('GET', '/api/warnings');
    expect(list.json.items.map((w: { psn_no: string }) => w.psn_no)).not.toContain(ORDINARY.psnNo);
    // Back above the line later in the year: yellow again.
    small = await spend(ORDINARY.psnNo, '0.01');
    await screenAll();
    expect((await warningOf(ORDINARY.psnNo)).json.level).toBe('yellow');
  });
});

describe('routing and scope', () => {
  beforeAll(async () => {
    await spend(DIANZI.psnNo, '120000.00'); // ordinary, 店子镇: yellow
    await spend(DIANZI_TARGET.psnNo, '40000.00'); // target, 店子镇: blue
    await screenAll();
    // A township sees only what the bureau has handed down (下放) to it: 烟庄街道's two, ahead of any feedback run.
    const handedDown = await clerk('POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' });
    expect(handedDown).toMatchObject({ status: 201, json: { warnings: 2, townships: [{ township: '烟庄街道' }] } });
  });

  it('the bureau and the rural revitalization bureau see the whole county, red first', async () => {
    const expected = [
      [TARGET.psnNo, 'red', '烟庄街道'],
      [DIANZI.psnNo, 'yellow', '店子镇'],
      [ORDINARY.psnNo, 'yellow', '烟庄街道'],
      [DIANZI_TARGET.psnNo, 'blue', '店子镇'],
    ];
    for (const user of [clerk, rural]) {
      const { json } = await user('GET', '/api/warnings?year=2026');
      expect(json.total).toBe(4);
      expect(
        json.items.map((w: { psn_no: string; level: string; township: string }) => [w.psn_no, w.level, w.township]),
      ).toEqual(expected);
      for (const item of json.items) expect(item.certno).toMatch(MASKED);
    }
    // The second page of one: the second of the four, with the count of all.
    const second = await clerk('GET', '/api/warnings?year=2026&page=2&size=1');
    expect(second.json).toMatchObject({ total: 4, page: 2, items: [{ psn_no: DIANZI.psnNo, level: 'yellow' }] });
    expect(second.json.items).toHaveLength(1);
  });

  it('a township sees its own people; civil affairs and another county see none', async () => {
    const mine = await yanzhuang('GET', '/api/warnings');
    expect(mine.json.items.map((w: { psn_no: string }) => w.psn_no)).toEqual([TARGET.psnNo, ORDINARY.psnNo]);
    expect((await yanzhuang('GET', `/api/warnings/${DIANZI.psnNo}/2026`)).status).toBe(404);
    expect((await civil('GET', '/api/warnings')).json.total).toBe(0);
    expect((await bozhou('GET', '/api/warnings')).json.total).toBe(0);
    expect((await bozhou('GET', `/api/warnings/${TARGET.psnNo}/2026`)).status).toBe(404);
  });

  it('the ledger exports as XLSX with masked IDs and amounts in yuan', async () => {
    const file = await yanzhuang('GET', '/api/warnings?format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toContain('年度自付医药费用（元）');
    const first = sheet.getRow(2).values as unknown[];
    expect(first.slice(1, 9)).toEqual([
      '冠县',
      '烟庄街道',
      TARGET.psnNo,
      TARGET.name,
      expect.stringMatching(MASKED),
      '政策规定的帮扶对象',
      '红码',
      300000.01,
    ]);
    expect(sheet.rowCount).toBe(3);
    const download = await world.app.inject({
      method: 'GET',
      url: '/api/warnings?format=xlsx&year=2026',
      headers: { authorization: `Bearer ${yanzhuangToken}` },
    });
    expect(download.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('预警台账-2026.xlsx')}`,
    );
  });
});

describe('the webhook for red warnings: a receiver that fails or is down loses nothing', () => {
  it('503, then connection refused, then delivered — every attempt recorded, the body signed', async () => {
    const { rows: queued } = await world.pool.query<{ n: number }>(
      'select count(*)::int as n from webhook_outbox where delivered_at is null',
    );
    // TARGET's red (300,000.01), ORDINARY's red (350,000.01) and its withdrawal when the 250,000 bill was cancelled.
    expect(queued[0]!.n).toBe(3);
    receiver.answer = 503;
    expect(await dispatchWebhooks(world.pool, { now: NOW })).toEqual({ delivered: 0, failed: 3 });
    // Not due again before 30 s have passed.
    expect(await dispatchWebhooks(world.pool, { now: new Date(NOW.getTime() + 29_000) })).toEqual({
      delivered: 0,
      failed: 0,
    });
    await receiver.stop();
    expect(await dispatchWebhooks(world.pool, { now: new Date(NOW.getTime() + 30_000), timeoutMs: 2000 })).toEqual({
      delivered: 0,
      failed: 3,
    });
    // The second failure waits 60 s more.
    await receiver.start();
    receiver.answer = 200;
    receiver.received = [];
    expect(await dispatchWebhooks(world.pool, { now: new Date(NOW.getTime() + 89_000) })).toEqual({
      delivered: 0,
      failed: 0,
    });
    expect(await dispatchWebhooks(world.pool, { now: new Date(NOW.getTime() + 90_000) })).toEqual({
      delivered: 3,
      failed: 0,
    });
    // Sent side by side; delivery IDs follow the order of events: the withdrawal after the red warning it withdraws.
    const ordinary = receiver.received
      .map((r) => JSON.parse(r.body) as Record<string, unknown>)
      .filter((body) => body['psn_no'] === ORDINARY.psnNo)
      .sort((a, b) => Number(a['delivery_id']) - Number(b['delivery_id']));
    expect(
      ordinary.map((body) => [body['event'], body['from_level'], body['level'], body['amount'], body['cause']]),
    ).toEqual([
      ['warning.red', 'yellow', 'red', '350000.01', 'settlement'],
      ['warning.red_withdrawn', 'red', 'yellow', '100000.01', 'cancellation'],
    ]);
    const target = receiver.received.find((r) => JSON.parse(r.body).psn_no === TARGET.psnNo)!;
    expect(target.headers['x-sanbao-event']).toBe('warning.red');
    const expectedSignature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(target.body).digest('hex')}`;
    expect(target.headers['x-sanbao-signature']).toBe(expectedSignature);
    expect(JSON.parse(target.body)).toMatchObject({
      event: 'warning.red',
      psn_name: TARGET.name,
      certno: expect.stringMatching(MASKED),
      year: 2026,
      level: 'red',
      level_name: '红码',
      from_level: 'yellow',
      amount: '300000.01',
      township: '烟庄街道',
      department: 'rural_revitalization',
      cause: 'settlement',
    });
    const deliveries = await admin('GET', '/api/webhook-deliveries');
    const record = deliveries.json.items.find((d: { psn_no: string }) => d.psn_no === TARGET.psnNo);
    expect(record.delivered_at).not.toBeNull();
    // Tried at the fixed clock (10:00 in China), 30 s later, and 90 s later, when it was delivered.
    expect(record.attempts_made.map((a: { at: string }) => a.at)).toEqual([
      '2026-06-15T10:00:00+08:00',
      '2026-06-15T10:00:30+08:00',
      '2026-06-15T10:01:30+08:00',
    ]);
    expect(record.delivered_at).toBe('2026-06-15T10:01:30+08:00');
    expect(record.attempts_made.map((a: { status_code: number | null }) => a.status_code)).toEqual([503, null, 200]);
    expect(record.attempts_made[1].error).toMatch(/fetch failed|ECONNREFUSED/);
    // Delivered once: nothing left to send.
    expect(await dispatchWebhooks(world.pool, { now: new Date(NOW.getTime() + 3_600_000) })).toEqual({
      delivered: 0,
      failed: 0,
    });
    expect((await clerk('GET', '/api/webhook-deliveries')).status).toBe(403);
  });
});

/** 02:00 UTC is 10:00 in China. */
const at = (date: string): Date => new Date(`${date}T02:00:00Z`);
const run = (report: { job: string; dueDate: string }): string => `${report.job}@${report.dueDate}`;
const jobsAt = async (date: string): Promise<{ job: string; dueDate: string; summary: Record<string, unknown> }[]> =>
  (await runDueJobs(world.pool, policies, at(date))) as {
    job: string;
    dueDate: string;
    summary: Record<string, unknown>;
  }[];

describe("the scheduler: screening at each population's cadence, feedback at each level's", () => {
  it("2026-06-15 (a Monday of an even week): both screenings, then blue (June's), yellow and red feedback", async () => {
    const reports = await jobsAt('2026-06-15');
    expect(reports.map(run)).toEqual([
      'screen:twice_weekly@2026-06-15',
      'screen:biweekly@2026-06-15',
      'feedback:blue:monthly@2026-06-01', // the month's run, caught up
      'feedback:yellow:biweekly@2026-06-15',
      'feedback:red:immediate@2026-06-15',
    ]);
    // Blue: G004 (店子镇); yellow: G002 (烟庄), G003 (店子镇); red: G001 (烟庄). Each township its own batch.
    expect(reports.slice(2).map((r) => r.summary)).toEqual([
      { batches: 1, warnings: 1, newWarnings: 1 },
      { batches: 2, warnings: 2, newWarnings: 2 },
      { batches: 1, warnings: 1, newWarnings: 1 },
    ]);
    const { rows } = await world.pool.query('select psn_no, status from warnings where year = 2026 order by psn_no');
    expect(rows).toEqual([
      { psn_no: 'G001', status: 'sent' },
      { psn_no: 'G002', status: 'sent' },
      { psn_no: 'G003', status: 'sent' },
      { psn_no: 'G004', status: 'sent' },
    ]);
    // The same moment again, on this instance or another: nothing runs twice.
    expect(await jobsAt('2026-06-15')).toEqual([]);
  });

  it('the ordinary insured are screened every two weeks: a crossing on the 16th waits for 2026-06-29', async () => {
    await spend(LATE.psnNo, '100000.01');
    expect((await jobsAt('2026-06-17')).map(run)).toEqual([]); // a Wednesday: nothing is due
    expect((await jobsAt('2026-06-18')).map(run)).toEqual(['screen:twice_weekly@2026-06-18']);
    expect((await jobsAt('2026-06-22')).map(run)).toEqual(['screen:twice_weekly@2026-06-22']);
    expect((await warningOf(LATE.psnNo)).status).toBe(404);
    const reports = await jobsAt('2026-06-29');
    expect(reports.map(run)).toEqual([
      'screen:twice_weekly@2026-06-29',
      'screen:biweekly@2026-06-29',
      'feedback:yellow:biweekly@2026-06-29',
    ]);
    expect(reports[1]!.summary.raised).toEqual({ blue: 0, yellow: 1, red: 0 });
    // 烟庄: G002 (sent before); 店子镇: G003 (sent before) and G005 (new).
    expect(reports[2]!.summary).toEqual({ batches: 2, warnings: 3, newWarnings: 1 });
    expect((await warningOf(LATE.psnNo)).json).toMatchObject({ level: 'yellow', status: 'sent' });
  });

  it("a township gets its own batches; the red batch's workbook is the ledger as it was sent", async () => {
    const batches = await yanzhuang('GET', '/api/warning-feedback');
    expect(batches.json.items.map((b: { level: string; township: string }) => `${b.level}/${b.township}`)).toEqual([
      'yellow/烟庄街道',
      'red/烟庄街道',
      'yellow/烟庄街道',
    ]);
    const red = batches.json.items[1] as { batch_id: number };
    // Made by the red feedback run of 2026-06-15 at 02:00 UTC, 10:00 in China.
    expect(red).toMatchObject({
      level_name: '红码',
      due_date: '2026-06-15',
      warnings: 1,
      new_warnings: 1,
      at: '2026-06-15T10:00:00+08:00',
    });
    expect(red.batch_id).toBeTypeOf('number');
    expect((await civil('GET', `/api/warning-feedback/${red.batch_id}/xlsx`)).status).toBe(404);
    const file = await yanzhuang('GET', `/api/warning-feedback/${red.batch_id}/xlsx`);
    expect(file.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.json as ArrayBuffer);
    const [ledger, about] = workbook.worksheets;
    expect(ledger!.name).toBe('红码台账');
    expect((ledger!.getRow(2).values as unknown[]).slice(1, 12)).toEqual([
      '是',
      TARGET.psnNo,
      TARGET.name,
      expect.stringMatching(MASKED),
      '男',
      2026,
      '政策规定的帮扶对象',
      '红码',
      300000.01,
      expect.stringMatching(/^2026-06-15 /),
      '新预警', // as it stood when the batch was made
    ]);
    expect(ledger!.rowCount).toBe(2);
    const facts = Object.fromEntries(
      about!
        .getSheetValues()
        .slice(2)
        .map((row) => [(row as unknown[])[1], (row as unknown[])[2]]),
    );
    expect(facts).toMatchObject({ '乡镇（街道）': '烟庄街道', 反馈部门: '乡村振兴部门', 预警人数: 1, 本期新增: 1 });
  });
});

describe('follow-up: sent → visited → monitored → closed, each step by whom and when', () => {
  const step = (user: ReturnType<typeof consoleApi>, psnNo: string, status: string, note?: string) =>
    user('POST', `/api/warnings/${psnNo}/2026/actions`, note === undefined ? { status } : { status, note });

  it('refuses skipped steps, a visit without findings, other townships and departments — changing nothing', async () => {
    const before = await world.pool.query('select count(*)::int as n from warning_actions');
    expect(await step(yanzhuang, TARGET.psnNo, 'monitored')).toMatchObject({
      status: 409,
      json: { code: 'WARNING_STATE', message: '预警当前为「已反馈」，只能转为「已入户走访」' },
    });
    expect(await step(yanzhuang, TARGET.psnNo, 'visited', '  ')).toMatchObject({
      status: 409,
      json: { message: '转为「已入户走访」须填写说明（走访情况）' },
    });
    expect((await step(yanzhuang, DIANZI.psnNo, 'visited', '走访')).status).toBe(404);
    expect((await step(civil, TARGET.psnNo, 'visited', '走访')).status).toBe(404);
    expect((await step(yanzhuang, TARGET.psnNo, 'done')).json.code).toBe('SCHEMA');
    const malformed = await world.app.inject({
      method: 'POST',
      url: `/api/warnings/${TARGET.psnNo}/2026/actions`,
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      payload: '{"status": ',
    });
    expect(malformed.json()).toMatchObject({ code: 'JSON_MALFORMED' });
    expect((await world.pool.query('select count(*)::int as n from warning_actions')).rows).toEqual(before.rows);
    expect((await warningOf(TARGET.psnNo)).json.status).toBe('sent');
  });

  it('the township records the visit, the department the monitoring and the closing', async () => {
    expect(
      await step(yanzhuang, TARGET.psnNo, 'visited', '家庭医生入户：术后康复中，家庭收入以务农为主'),
    ).toMatchObject({
      status: 201,
      json: {
        from_status: 'sent',
        status: 'visited',
        status_name: '已入户走访',
        actor: 'yanzhuang',
        at: '2026-06-15T10:00:00+08:00',
      },
    });
    expect((await step(rural, TARGET.psnNo, 'monitored')).status).toBe(201);
    expect((await step(rural, TARGET.psnNo, 'closed', '')).status).toBe(409);
    expect((await step(rural, TARGET.psnNo, 'closed', '已纳入防返贫监测，落实医疗救助')).status).toBe(201);
    expect(await step(rural, TARGET.psnNo, 'visited', '再次走访')).toMatchObject({
      status: 409,
      json: { message: '预警当前为「已办结」，已办结，不能再变更' },
    });
    const { json } = await warningOf(TARGET.psnNo);
    expect(json.status).toBe('closed');
    expect(json.next_statuses).toEqual([]);
    expect(
      json.actions.map((a: { to_status: string; actor: string; note: string }) => [a.to_status, a.actor, a.note]),
    ).toEqual([
      ['sent', 'system:feedback:immediate', expect.stringMatching(/^已反馈（反馈批次 \d+）$/)],
      ['visited', 'user:yanzhuang', '家庭医生入户：术后康复中，家庭收入以务农为主'],
      ['monitored', 'user:gx.rural', ''],
      ['closed', 'user:gx.rural', '已纳入防返贫监测，落实医疗救助'],
    ]);
    expect(json.feedback).toMatchObject([{ level: 'red', is_new: true }]);
  });

  it('a higher level starts the follow-up again: blue visited, then yellow is new and fed back', async () => {
    expect((await step(clerk, DIANZI_TARGET.psnNo, 'visited', '已走访，暂无困难')).status).toBe(201);
    await spend(DIANZI_TARGET.psnNo, '70000.00'); // 40,000 + 70,000 = 110,000 > 100,000: yellow
    const reports = await jobsAt('2026-07-02'); // a Thursday: targets are screened
    expect(reports.map(run)).toEqual(['screen:twice_weekly@2026-07-02', 'feedback:blue:monthly@2026-07-01']);
    expect(reports[1]!.summary).toEqual({ batches: 0, warnings: 0, newWarnings: 0 }); // no blue left
    const { json } = await warningOf(DIANZI_TARGET.psnNo);
    expect(json).toMatchObject({ level: 'yellow', status: 'new', feedback_due: '2026-07-13' });
    expect(json.actions.at(-1)).toMatchObject({
      from_status: 'visited',
      to_status: 'new',
      actor: 'system:level',
      note: '预警级别升为黄码，重新反馈',
    });
  });
});

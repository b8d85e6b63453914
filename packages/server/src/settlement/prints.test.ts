/**
 * Printing a settlement's one-stop sheet (POST/GET /api/settlements/:psnNo/:setlId/prints): each printed copy is
 * recorded — the first the original, every later one a reprint (补打) — by the bureau's counter only, within scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import { consoleApi, createWorld, envelope, registerVisit, signIn, type World } from '../test-support/world.js';

let world: World;
const as: Record<string, ReturnType<typeof consoleApi>> = {};
/** Two settlements of P002 (古井镇, 谯城区): one printed in turn, one printed five times at once. */
let setlId: string;
let busyId: string;

/** A chronic-disease outpatient visit (门诊慢特病, med_type 14) of P002 at the county hospital, settled by its total. */
async function chronic(medfee: number, begntime: string): Promise<string> {
  const mdtrtId = await registerVisit(world, 'P002', { begntime });
  const data = {
    psn_no: 'P002',
    mdtrt_id: mdtrtId,
    med_type: '14',
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  return (await accepted(world, envelope('2207', { data }))).output['setlinfo'].setl_id as string;
}

/** The prints recorded of a settlement and the print audit rows, as the database holds them. */
async function recorded(id: string): Promise<{ prints: number; audits: number }> {
  const prints = await world.pool.query<{ n: number }>(
    'select count(*)::int as n from settlement_prints where psn_no = $1 and setl_id = $2',
    ['P002', id],
  );
  const audits = await world.pool.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action in ('settlement.print', 'settlement.reprint') and detail->>'setl_id' = $1",
    [id],
  );
  return { prints: prints.rows[0]!.n, audits: audits.rows[0]!.n };
}

beforeAll(async () => {
  world = await createWorld('settlement_prints');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  for (const user of [
    { username: 'clerk', display_name: '谯城经办张敏', role: 'operator', scope_admdvs: '341602' },
    { username: 'admin', display_name: '市局管理员', role: 'administrator', scope_admdvs: null },
    { username: 'reviewer', display_name: '谯城审核', role: 'reviewer', scope_admdvs: '341602' },
    { username: 'viewer', display_name: '市局查询', role: 'read_only', scope_admdvs: '341600' },
    { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' },
    { username: 'gujing', display_name: '古井镇经办', role: 'operator', scope_admdvs: '341602', township: '古井镇' },
    {
      username: 'civil',
      display_name: '谯城区民政局',
      role: 'operator',
      scope_admdvs: '341602',
      department: 'civil_affairs',
    },
  ] as const) {
    as[user.username] = consoleApi(world, await signIn(world, user));
  }
  setlId = await chronic(1000, '2026-06-15 08:00:00');
  busyId = await chronic(500, '2026-06-15 08:30:00');
});
afterAll(async () => {
  await world.close();
});

const CHINA_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

describe('printing a settlement sheet', () => {
  it('records the first copy as the original and the next as reprint 2, by the operator’s display name', async () => {
    const first = await as['clerk']!('POST', `/api/settlements/P002/${setlId}/prints`);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      copy: 1,
      reprint: false,
      printed_by: 'clerk',
      printed_by_name: '谯城经办张敏',
      printed_at: expect.stringMatching(CHINA_TIME),
    });
    const second = await as['clerk']!('POST', `/api/settlements/P002/${setlId}/prints`);
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({ copy: 2, reprint: true, printed_by: 'clerk', printed_by_name: '谯城经办张敏' });

    // Listed in order, to any signed-in user of the scope (a read-only user of the city too).
    const listed = await as['viewer']!('GET', `/api/settlements/P002/${setlId}/prints`);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([first.json, second.json]);
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });

  it('audits the first print as settlement.print and the reprint as settlement.reprint, as the user', async () => {
    const { rows } = await world.pool.query<{ actor: string; action: string; detail: unknown }>(
      "select actor, action, detail from audit_log where detail->>'setl_id' = $1 and action like 'settlement.%' order by audit_id",
      [setlId],
    );
    expect(rows).toEqual([
      { actor: 'user:clerk', action: 'settlement.print', detail: { psn_no: 'P002', setl_id: setlId, copy: 1 } },
      { actor: 'user:clerk', action: 'settlement.reprint', detail: { psn_no: 'P002', setl_id: setlId, copy: 2 } },
    ]);
  });

  it('gives five prints sent at once five distinct consecutive copies', async () => {
    const printers = ['clerk', 'admin', 'clerk', 'admin', 'clerk'];
    const answers = await Promise.all(
      printers.map((user) => as[user]!('POST', `/api/settlements/P002/${busyId}/prints`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const copies = answers.map((answer) => answer.json.copy as number).sort((a, b) => a - b);
    expect(copies).toEqual([1, 2, 3, 4, 5]);
    // Only copy 1 is the original.
    const originals = answers.filter((answer) => answer.json.reprint === false);
    expect(originals.map((answer) => answer.json.copy as number)).toEqual([1]);
    const listed = await as['admin']!('GET', `/api/settlements/P002/${busyId}/prints`);
    expect(listed.json.items.map((item: { copy: number }) => item.copy)).toEqual([1, 2, 3, 4, 5]);
    expect(await recorded(busyId)).toEqual({ prints: 5, audits: 5 });
    // The other settlement's copies are its own.
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });

  it('refuses a reviewer and a read-only user, recording nothing', async () => {
    for (const user of ['reviewer', 'viewer']) {
      const answer = await as[user]!('POST', `/api/settlements/P002/${setlId}/prints`);
      expect(answer, user).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    }
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });

  it('refuses a township user and a department user of the county, recording nothing', async () => {
    // 古井镇 is P002's own township: in scope, but not the bureau's counter.
    for (const user of ['gujing', 'civil']) {
      const answer = await as[user]!('POST', `/api/settlements/P002/${setlId}/prints`);
      expect(answer, user).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
      expect(answer.json.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });

  it('answers 404 to an operator of another county, who neither prints nor reads the prints', async () => {
    const printed = await as['guoyang']!('POST', `/api/settlements/P002/${setlId}/prints`);
    expect(printed).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    const listed = await as['guoyang']!('GET', `/api/settlements/P002/${setlId}/prints`);
    expect(listed).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });

  it('answers 404 to an unknown settlement, and to a settlement named under another person', async () => {
    const before = Number((await world.pool.query('select count(*) from settlement_prints')).rows[0].count);
    expect(await as['clerk']!('POST', '/api/settlements/P002/ST202606159999999999/prints')).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    expect(await as['clerk']!('GET', '/api/settlements/P002/ST202606159999999999/prints')).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    expect(await as['clerk']!('POST', `/api/settlements/P001/${setlId}/prints`)).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    expect(Number((await world.pool.query('select count(*) from settlement_prints')).rows[0].count)).toBe(before);
  });

  it('refuses a caller who is not signed in', async () => {
    const response = await world.app.inject({ method: 'POST', url: `/api/settlements/P002/${setlId}/prints` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(await recorded(setlId)).toEqual({ prints: 2, audits: 2 });
  });
});

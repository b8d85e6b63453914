/**
 * Every boundary between users, tried by the user who must not cross it: a township sees only its township, a
 * department certifies only its own categories and sends only its own ledger, the clerk who registers an application
 * never decides it, and a spell is registered once with sane dates. On the real database; each refusal changes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  consoleApi,
  counts,
  createWorld,
  envelope,
  GUANXIAN,
  idNumber,
  registerVisit,
  seedGuanxian,
  signIn,
  type World,
} from '../test-support/world.js';

let world: World;
type Api = ReturnType<typeof consoleApi>;
const as: Record<string, Api> = {};

const YANZHUANG = {
  psnNo: 'R101',
  certno: idNumber('371525', '1961-01-01', '113'),
  name: '孔令华',
  township: '烟庄街道',
};
const DIANZI = { psnNo: 'R102', certno: idNumber('371525', '1962-02-02', '225'), name: '曹秀兰', township: '店子镇' };
let dianziSettlement = '';

beforeAll(async () => {
  world = await createWorld('roles');
  await seedGuanxian(world, [YANZHUANG, DIANZI]);
  const county = { scope_admdvs: '371525' } as const;
  const users = [
    { username: 'gx.clerk', display_name: '冠县医保局经办', role: 'operator', ...county },
    { username: 'gx.review', display_name: '冠县医保局审核', role: 'reviewer', ...county },
    { username: 'yanzhuang', display_name: '烟庄街道', role: 'operator', ...county, township: '烟庄街道' },
    {
      username: 'gx.rural',
      display_name: '冠县乡村振兴局',
      role: 'operator',
      ...county,
      department: 'rural_revitalization',
    },
    { username: 'gx.civil', display_name: '冠县民政局', role: 'operator', ...county, department: 'civil_affairs' },
  ] as const;
  for (const user of users) as[user.username] = consoleApi(world, await signIn(world, user));
  // A settlement of the 店子镇 resident, made by the county hospital.
  const mdtrtId = await registerVisit(world, DIANZI.psnNo, { institution: GUANXIAN });
  const data = {
    psn_no: DIANZI.psnNo,
    mdtrt_id: mdtrtId,
    med_type: '11',
    medfee_sumamt: 100,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  const settled = await call(world, envelope('2207', { data }, { institution: GUANXIAN.code }), GUANXIAN);
  expect(settled.err_msg).toBe('');
  dianziSettlement = settled.output['setlinfo'].setl_id as string;
});
afterAll(async () => {
  await world.close();
});

const api = (user: string): Api => as[user] as Api;

describe('a township user sees only its township', () => {
  it('lists only its township’s persons, and cannot open another’s person or settlement', async () => {
    const listed = await api('yanzhuang')('GET', '/api/persons');
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((row: { psn_no: string }) => row.psn_no)).toEqual([YANZHUANG.psnNo]);
    expect(listed.json.total).toBe(1);
    // By name or number, the other township's resident is not found.
    expect((await api('yanzhuang')('GET', `/api/persons?q=${encodeURIComponent(DIANZI.name)}`)).json.total).toBe(0);
    expect((await api('yanzhuang')('GET', `/api/persons/${DIANZI.psnNo}`)).status).toBe(404);
    const settlements = await api('yanzhuang')('GET', `/api/settlements?psn_no=${DIANZI.psnNo}`);
    expect(settlements.json.items).toEqual([]);
    expect((await api('yanzhuang')('GET', `/api/settlements/${DIANZI.psnNo}/${dianziSettlement}`)).status).toBe(404);
    // The county's clerk sees both, and the settlement.
    expect((await api('gx.clerk')('GET', '/api/persons')).json.total).toBe(2);
    expect((await api('gx.clerk')('GET', `/api/settlements/${DIANZI.psnNo}/${dianziSettlement}`)).status).toBe(200);
  });

  it('cannot certify categories, decide applications or upload a ledger', async () => {
    const before = await counts(world.pool);
    expect(
      await api('yanzhuang')('POST', `/api/persons/${YANZHUANG.psnNo}/categories`, {
        code: 'subsistence_allowance',
        begin: '2026-05-01',
      }),
    ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect(
      await api('yanzhuang')('POST', '/api/assistance-applications/1/decision', { decision: 'approve' }),
    ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    const upload = await world.app.inject({
      method: 'POST',
      url: '/api/ledger-imports?department=civil_affairs&region=371525&date=2026-06-15&mode=atomic',
      headers: { authorization: (await bearer('yanzhuang')) ?? '', 'content-type': 'text/csv' },
      payload: Buffer.from('身份证号码,姓名\n', 'utf8'),
    });
    expect(upload.statusCode).toBe(403);
    expect(await counts(world.pool)).toEqual(before);
  });
});

/** The bearer header of a signed-in user (a fresh session of the same user). */
async function bearer(username: string): Promise<string> {
  const response = await world.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username, password: `${username}-password` },
  });
  return `Bearer ${response.json<{ token: string }>().token}`;
}

describe('a department certifies only its own categories', () => {
  it('the rural-revitalization user cannot certify 特困 (civil affairs), nor claim to be civil affairs', async () => {
    const before = await counts(world.pool);
    const extreme = await api('gx.rural')('POST', `/api/persons/${DIANZI.psnNo}/categories`, {
      code: 'extreme_poverty',
      begin: '2026-05-01',
    });
    expect(extreme).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect(extreme.json.message).toContain('民政部门');
    const claimed = await api('gx.rural')('POST', `/api/persons/${DIANZI.psnNo}/categories`, {
      code: 'monitored',
      begin: '2026-05-01',
      source_dept: 'civil_affairs',
    });
    expect(claimed).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    // The bureau's clerk certifies none of the departments' categories either.
    expect(
      await api('gx.clerk')('POST', `/api/persons/${DIANZI.psnNo}/categories`, {
        code: 'subsistence_allowance',
        begin: '2026-05-01',
      }),
    ).toMatchObject({ status: 403 });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('its own category is recorded with its department, from the user, once', async () => {
    const first = await api('gx.rural')('POST', `/api/persons/${DIANZI.psnNo}/categories`, {
      code: 'monitored',
      begin: '2026-05-01',
    });
    expect(first).toMatchObject({ status: 201, json: { source_dept: 'rural_revitalization', name: '监测人口' } });
    const before = await counts(world.pool);
    // The same spell again, or one overlapping it, is refused.
    for (const spell of [
      { code: 'monitored', begin: '2026-05-01' },
      { code: 'monitored', begin: '2026-06-01', end: '2026-12-31' },
      { code: 'monitored', begin: '2025-01-01', end: '2026-05-01' },
    ])
      expect(await api('gx.rural')('POST', `/api/persons/${DIANZI.psnNo}/categories`, spell)).toMatchObject({
        status: 409,
        json: { code: 'DUPLICATE' },
      });
    expect(await counts(world.pool)).toEqual(before);
  });

  it('absurd dates are refused: 1900, 9999, or a start more than a year ahead', async () => {
    const before = await counts(world.pool);
    for (const [spell, code] of [
      [{ code: 'returned_to_poverty', begin: '1900-01-01', end: '9999-12-31' }, 'SCHEMA'],
      [{ code: 'returned_to_poverty', begin: '2026-01-01', end: '9999-12-31' }, 'SCHEMA'],
      [{ code: 'returned_to_poverty', begin: '2029-01-01' }, 'DATE_ORDER'],
    ] as const)
      expect(await api('gx.rural')('POST', `/api/persons/${YANZHUANG.psnNo}/categories`, spell)).toMatchObject({
        status: 400,
        json: { code },
      });
    expect(await counts(world.pool)).toEqual(before);
    // The table refuses them too, whoever writes.
    await expect(
      world.pool.query(
        "insert into person_categories (psn_no, code, begin_date, end_date, source_dept) values ($1, 'monitored', '1900-01-01', '9999-12-31', 'rural_revitalization')",
        [YANZHUANG.psnNo],
      ),
    ).rejects.toThrow(/person_categories_dates_sane/);
  });

  it('a ledger comes only from its own department’s users, for their region', async () => {
    const before = await counts(world.pool);
    const send = async (user: string, query: string): Promise<number> =>
      (
        await world.app.inject({
          method: 'POST',
          url: `/api/ledger-imports?${query}&date=2026-06-15&mode=atomic`,
          headers: { authorization: await bearer(user), 'content-type': 'text/csv' },
          payload: Buffer.from(
            `身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码,乡镇（街道）\n${DIANZI.certno},${DIANZI.name},特困人员,2026-02-01,,371525,店子镇\n`,
            'utf8',
          ),
        })
      ).statusCode;
    expect(await send('gx.rural', 'department=civil_affairs&region=371525')).toBe(403);
    expect(await send('gx.clerk', 'department=civil_affairs&region=371525')).toBe(403);
    expect(await send('gx.civil', 'department=civil_affairs&region=341602')).toBe(403);
    expect(await counts(world.pool)).toEqual(before);
    expect(await send('gx.civil', 'department=civil_affairs&region=371525')).toBe(201);
  });
});

describe('electronic vouchers are issued only for persons in the issuer’s scope, by those who register', () => {
  it('a reviewer, another township or another county cannot issue one; nothing is stored', async () => {
    const vouchers = async (): Promise<number> =>
      Number((await world.pool.query('select count(*) from vouchers')).rows[0].count);
    const before = await vouchers();
    expect(await api('gx.review')('POST', `/api/persons/${DIANZI.psnNo}/vouchers`)).toMatchObject({ status: 403 });
    expect(await api('yanzhuang')('POST', `/api/persons/${DIANZI.psnNo}/vouchers`)).toMatchObject({ status: 404 });
    const bozhou = consoleApi(
      world,
      await signIn(world, {
        username: 'qc.voucher',
        display_name: '谯城经办',
        role: 'operator',
        scope_admdvs: '341602',
      }),
    );
    expect(await bozhou('POST', `/api/persons/${DIANZI.psnNo}/vouchers`)).toMatchObject({ status: 404 });
    expect(await vouchers()).toBe(before);
    // The township's own resident: issued.
    expect(await api('yanzhuang')('POST', `/api/persons/${YANZHUANG.psnNo}/vouchers`)).toMatchObject({ status: 201 });
    expect(await vouchers()).toBe(before + 1);
  });
});

describe('the clerk registers, the reviewer decides', () => {
  it('nobody but a bureau reviewer decides an application', async () => {
    for (const user of ['gx.clerk', 'gx.rural', 'gx.civil', 'yanzhuang'])
      expect(
        await api(user)('POST', '/api/assistance-applications/1/decision', { decision: 'approve' }),
        user,
      ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    // The reviewer reaches the application (there is none: 404), past every role check.
    expect(
      await api('gx.review')('POST', '/api/assistance-applications/1/decision', { decision: 'approve' }),
    ).toMatchObject({ status: 404 });
  });

  it('a reviewer registers nothing: no person, no application', async () => {
    const before = await counts(world.pool);
    expect(
      await api('gx.review')('POST', '/api/persons', {
        certno: idNumber('371525', '1970-03-03', '337'),
        psn_name: '审核员',
        admdvs: '371525',
      }),
    ).toMatchObject({ status: 403 });
    expect(await api('gx.review')('POST', '/api/assistance-applications', { psn_no: DIANZI.psnNo })).toMatchObject({
      status: 403,
    });
    expect(await counts(world.pool)).toEqual(before);
  });
});

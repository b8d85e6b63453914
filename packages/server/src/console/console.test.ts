/** The console API: login, roles, region scope, masked ID numbers, validated writes that change nothing when refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  counts,
  createWorld,
  envelope,
  idNumber,
  PEOPLE,
  type World,
  registerVisit,
  signIn,
} from '../test-support/world.js';

let world: World;
const tokens: Record<string, string> = {};

async function api(
  method: 'GET' | 'POST',
  url: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const response = await world.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  return { status: response.statusCode, json: response.json() };
}

beforeAll(async () => {
  world = await createWorld('console');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  for (const user of [
    { username: 'admin', display_name: '管理员', role: 'administrator', scope_admdvs: null },
    { username: 'clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' },
    { username: 'viewer', display_name: '市局查询', role: 'read_only', scope_admdvs: '341600' },
    { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' },
    {
      username: 'rural',
      display_name: '谯城区乡村振兴局',
      role: 'operator',
      scope_admdvs: '341602',
      department: 'rural_revitalization',
    },
  ] as const) {
    tokens[user.username] = await signIn(world, user);
  }
});
afterAll(async () => {
  await world.close();
});

describe('login and roles', () => {
  it('refuses a wrong password and calls without a token', async () => {
    expect(await api('POST', '/api/login', undefined, { username: 'clerk', password: 'nope' })).toMatchObject({
      status: 401,
      json: { code: 'LOGIN_FAILED' },
    });
    expect(await api('GET', '/api/persons')).toMatchObject({ status: 401, json: { code: 'AUTH_REQUIRED' } });
    expect(await api('GET', '/api/persons', 'forged')).toMatchObject({ status: 401, json: { code: 'AUTH_FAILED' } });
    expect((await api('GET', '/api/me', tokens['viewer'])).json).toMatchObject({
      username: 'viewer',
      role: 'read_only',
      role_name: '只读',
    });
  });

  it('lets only administrators create users, within their scope', async () => {
    const newUser = {
      username: 'newbie',
      display_name: '新人',
      role: 'read_only',
      scope_admdvs: '341602',
      password: 'long-enough',
    };
    expect(await api('POST', '/api/users', tokens['clerk'], newUser)).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN' },
    });
    expect(await api('POST', '/api/users', tokens['admin'], { ...newUser, password: 'short' })).toMatchObject({
      status: 400,
      json: { code: 'SCHEMA' },
    });
    expect(await api('POST', '/api/users', tokens['admin'], newUser)).toMatchObject({
      status: 201,
      json: { username: 'newbie', role_name: '只读' },
    });
    expect(await api('POST', '/api/users', tokens['admin'], newUser)).toMatchObject({
      status: 409,
      json: { code: 'DUPLICATE' },
    });
  });
});

describe('region scope and masked ID numbers', () => {
  it('shows a county its own people only, with masked ID numbers', async () => {
    const city = await api('GET', '/api/persons', tokens['viewer']);
    expect(city.json.total).toBe(3);
    expect(city.json.items[0]).toMatchObject({
      psn_no: 'P001',
      certno: `${PEOPLE.dibao.certno.slice(0, 6)}********${PEOPLE.dibao.certno.slice(-4)}`,
      categories: [{ code: 'subsistence_allowance', name: '低保对象' }],
    });
    expect(JSON.stringify(city.json)).not.toContain(PEOPLE.dibao.certno);
    const guoyang = await api('GET', '/api/persons', tokens['guoyang']);
    expect(guoyang.json.total).toBe(0);
    expect(await api('GET', '/api/persons/P001', tokens['guoyang'])).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    const detail = await api('GET', '/api/persons/P001', tokens['clerk']);
    expect(detail.json).toMatchObject({
      psn_no: 'P001',
      certno: expect.stringMatching(/^\d{6}\*{8}\w{4}$/),
      enrollments: [{ year: 2026 }],
    });
  });

  it('scopes by the region tree at any depth: a city sees a zone under its county, another county does not', async () => {
    // 341600 (city) → 341602 (county) → 341671 (a development zone under the county): two levels below the city.
    await world.pool.query(
      "insert into regions (admdvs, name, parent, policy_id) values ('341671', '谯城经济开发区', '341602', 'anhui/bozhou')",
    );
    const created = await api('POST', '/api/persons', tokens['clerk'], {
      certno: idNumber('341602', '1985-07-09', '515'),
      psn_name: '孙立',
      admdvs: '341671',
    });
    expect(created.status).toBe(201);
    const psnNo = created.json.psn_no as string;
    expect((await api('GET', `/api/persons/${psnNo}`, tokens['viewer'])).status).toBe(200);
    expect((await api('GET', `/api/persons/${psnNo}`, tokens['clerk'])).status).toBe(200);
    expect((await api('GET', `/api/persons/${psnNo}`, tokens['guoyang'])).status).toBe(404);
    expect((await api('GET', `/api/persons?q=${encodeURIComponent('孙立')}`, tokens['guoyang'])).json.total).toBe(0);
  });

  it('lists settlements with masked ID numbers and shows their trace', async () => {
    const mdtrtId = await registerVisit(world, 'P001');
    const settled = await call(
      world,
      envelope('2207', {
        data: {
          psn_no: 'P001',
          mdtrt_id: mdtrtId,
          med_type: '14',
          medfee_sumamt: 1000,
          fulamt_ownpay_amt: 0,
          overlmt_selfpay: 0,
          preselfpay_amt: 0,
        },
      }),
    );
    const list = await api('GET', '/api/settlements?psn_no=P001', tokens['viewer']);
    // Amounts are yuan text with two places, times China time with their offset; the list carries its sums.
    expect(list.json).toMatchObject({ total: 1, sums: { medfee_sumamt: '1000.00' } });
    expect(list.json.items[0]).toMatchObject({
      setl_id: settled.output['setlinfo'].setl_id,
      certno: expect.stringMatching(/\*{8}/),
      medfee_sumamt: '1000.00',
      setl_time: '2026-06-15T10:00:00+08:00', // the clock: 2026-06-15T02:00:00Z
    });
    const parts = list.json.items[0] as Record<string, string>;
    // The parts add up to the total, in yuan text as in fen.
    const fen = (text: string | undefined): number => Math.round(Number(text) * 100);
    expect(fen(parts['fund_pay_sumamt']) + fen(parts['psn_part_amt']) + fen(parts['hosp_part_amt'])).toBe(100_000);
    expect(fen(parts['hifp_pay']) + fen(parts['hifmi_pay']) + fen(parts['maf_pay']) + fen(parts['oth_pay'])).toBe(
      fen(parts['fund_pay_sumamt']),
    );
    // A filter narrows the user's scope, never widens it: another county's user naming this county sees nothing.
    expect((await api('GET', '/api/settlements?admdvs=341602', tokens['guoyang'])).json).toMatchObject({
      total: 0,
      items: [],
    });
    expect((await api('GET', '/api/settlements?admdvs=341602', tokens['viewer'])).json.total).toBe(1);
    expect((await api('GET', '/api/settlements?admdvs=341621', tokens['viewer'])).json.total).toBe(0);
    expect((await api('GET', '/api/settlements?psn_no=P001', tokens['guoyang'])).json).toMatchObject({
      total: 0,
      sums: { medfee_sumamt: '0.00' },
      items: [],
    });
    const detail = await api(
      'GET',
      `/api/settlements/P001/${String(settled.output['setlinfo'].setl_id)}`,
      tokens['viewer'],
    );
    expect(detail.json.trace.map((step: { layer: string }) => step.layer)).toEqual([
      'scope',
      'category',
      'basic',
      'critical_illness',
      'assistance',
      're_assistance',
      'total',
    ]);
    expect(detail.json.setldetail[0]).toMatchObject({
      fund_pay_type: '390100',
      setl_proc_info: expect.stringContaining('门诊慢特病'),
    });
    expect(detail.json.trace[2].text[0]).toContain('年度累计');
    expect(JSON.stringify(detail.json)).not.toContain(PEOPLE.dibao.certno);
  });
});

describe('operators register persons and categories; bad input changes nothing', () => {
  it('registers a person, reading birth date and gender from the ID number', async () => {
    const certno = idNumber('341602', '1990-02-03', '222');
    const created = await api('POST', '/api/persons', tokens['clerk'], {
      certno,
      psn_name: '赵敏',
      admdvs: '341602',
      township: '古井镇',
    });
    expect(created).toMatchObject({
      status: 201,
      json: { brdy: '1990-02-03', gend: '2', certno: expect.stringMatching(/\*{8}/) },
    });
    expect(
      await api('POST', '/api/persons', tokens['clerk'], { certno, psn_name: '赵敏', admdvs: '341602' }),
    ).toMatchObject({ status: 409, json: { code: 'DUPLICATE' } });
    const psnNo = created.json.psn_no as string;
    expect(
      await api('POST', `/api/persons/${psnNo}/categories`, tokens['rural'], {
        code: 'monitored',
        begin: '2026-03-01',
      }),
    ).toMatchObject({ status: 201, json: { name: '监测人口', source_dept: 'rural_revitalization' } });
  });

  it('refuses bad ID numbers, out-of-scope regions, unknown codes, dates out of order and read-only users', async () => {
    const before = await counts(world.pool);
    const good = idNumber('341602', '1991-01-01', '333');
    const bad = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
    expect(
      await api('POST', '/api/persons', tokens['clerk'], { certno: bad, psn_name: '钱', admdvs: '341602' }),
    ).toMatchObject({ status: 400, json: { code: 'ID_CHECKSUM' } });
    expect(
      await api('POST', '/api/persons', tokens['clerk'], { certno: good, psn_name: '钱', admdvs: '341621' }),
    ).toMatchObject({ status: 403, json: { code: 'OUT_OF_SCOPE' } });
    expect(
      await api('POST', '/api/persons', tokens['viewer'], { certno: good, psn_name: '钱', admdvs: '341602' }),
    ).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect(
      await api('POST', '/api/persons/P002/categories', tokens['clerk'], {
        code: 'rich',
        begin: '2026-01-01',
        source_dept: '民政',
      }),
    ).toMatchObject({ status: 400, json: { code: 'SCHEMA' } });
    expect(
      await api('POST', '/api/persons/P002/categories', tokens['clerk'], {
        code: 'monitored',
        begin: '2026-05-01',
        end: '2026-04-01',
        source_dept: '民政',
      }),
    ).toMatchObject({ status: 400, json: { message: expect.stringContaining('结束日期早于开始日期') } });
    expect(
      await api('POST', '/api/persons/P002/categories', tokens['guoyang'], {
        code: 'monitored',
        begin: '2026-05-01',
        source_dept: '民政',
      }),
    ).toMatchObject({ status: 404 });
    expect(await counts(world.pool)).toEqual(before);
  });
});

/**
 * 系统管理: regions with their policies, institutions with HIS secrets issued once and rotated (each proven by a real
 * HIS call), every write audited; a county administrator kept inside the county; operators, reviewers, township and
 * department administrators refused; bad text refused with nothing written.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import { call, createWorld, envelope, registerVisit, signIn, type World } from '../test-support/world.js';

let world: World;
const tokens: Record<string, string> = {};

type Method = 'GET' | 'POST' | 'PATCH';
async function api(
  who: string,
  method: Method,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
  const response = await world.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, json: response.json(), text: response.body };
}

/** What a write could change: rows of the managed tables, the secrets as stored, and the audit log. */
async function snapshot(): Promise<unknown> {
  const { rows } = await world.pool.query(
    `select (select json_agg(r order by admdvs) from regions r) as regions,
            (select json_agg(i order by fixmedins_code) from institutions i) as institutions,
            (select count(*) from audit_log) as audits`,
  );
  return rows[0];
}

async function expectRefusedUnchanged(
  who: string,
  method: Method,
  url: string,
  body: unknown,
  status: number,
  code: string,
): Promise<string> {
  const before = await snapshot();
  const answer = await api(who, method, url, body);
  expect({ status: answer.status, code: answer.json.code }, String(answer.json.message)).toEqual({ status, code });
  expect(await snapshot()).toEqual(before);
  return answer.json.message as string;
}

/** A HIS sign-in (9001) as the institution: the reply's err_code, or '' when accepted. */
async function hisSignIn(code: string, secret: string): Promise<{ status: number; err_code: string }> {
  const reply = await call(world, envelope('9001', { signIn: { opter_no: '001' } }, { institution: code }), {
    code,
    secret,
  });
  return { status: reply.status, err_code: reply.infcode === 0 ? '' : reply.err_code };
}

beforeAll(async () => {
  world = await createWorld('admin');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  for (const user of [
    { username: 'admin', display_name: '市局管理员', role: 'administrator', scope_admdvs: null },
    { username: 'qiaocheng', display_name: '谯城区管理员', role: 'administrator', scope_admdvs: '341602' },
    { username: 'guoyang', display_name: '涡阳县管理员', role: 'administrator', scope_admdvs: '341621' },
    { username: 'clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' },
    { username: 'checker', display_name: '谯城审核', role: 'reviewer', scope_admdvs: '341602' },
    {
      username: 'gujing',
      display_name: '古井镇管理员',
      role: 'administrator',
      scope_admdvs: '341602',
      township: '古井镇',
    },
    {
      username: 'rural',
      display_name: '乡村振兴局管理员',
      role: 'administrator',
      scope_admdvs: '341602',
      department: 'rural_revitalization',
    },
  ] as const) {
    tokens[user.username] = await signIn(world, user);
  }
});
afterAll(async () => {
  await world?.close();
});

describe('regions', () => {
  it('creates a region under the city with a known policy, changes it, and audits both', async () => {
    const created = await api('admin', 'POST', '/api/regions', {
      admdvs: '341623',
      name: '利辛县',
      parent: '341600',
      policy_id: 'anhui/bozhou',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      admdvs: '341623',
      name: '利辛县',
      parent: '341600',
      parent_name: '亳州市',
      policy_id: 'anhui/bozhou',
      policy_name: '亳州市城乡居民医保',
      institutions: 0,
      users: 0,
    });
    const changed = await api('admin', 'PATCH', '/api/regions/341623', {
      name: '利辛县（新）',
      policy_id: 'anhui/huaibei',
    });
    expect(changed.json).toMatchObject({
      name: '利辛县（新）',
      policy_id: 'anhui/huaibei',
      policy_name: '淮北市城乡居民医保',
    });
    const { rows } = await world.pool.query('select name, policy_id from regions where admdvs = $1', ['341623']);
    expect(rows).toEqual([{ name: '利辛县（新）', policy_id: 'anhui/huaibei' }]);
    const audits = await world.pool.query(
      "select actor, action, detail from audit_log where action like 'region.%' order by audit_id",
    );
    expect(audits.rows).toEqual([
      {
        actor: 'user:admin',
        action: 'region.create',
        detail: { admdvs: '341623', name: '利辛县', parent: '341600', policy_id: 'anhui/bozhou' },
      },
      {
        actor: 'user:admin',
        action: 'region.update',
        detail: {
          admdvs: '341623',
          name: '利辛县（新）',
          previous_name: '利辛县',
          policy_id: 'anhui/huaibei',
          previous_policy_id: 'anhui/bozhou',
        },
      },
    ]);
    const listed = await api('admin', 'GET', '/api/admin/regions');
    expect(listed.json.items.map((region: { admdvs: string }) => region.admdvs)).toEqual([
      '341600',
      '341602',
      '341621',
      '341623',
    ]);
    // The seeded county has the world's two institutions.
    expect(listed.json.items[1]).toMatchObject({
      admdvs: '341602',
      institutions: 2,
      policy_name: '亳州市城乡居民医保',
    });
  });

  it('refuses an unknown policy, a file path, a missing parent and a taken code, writing nothing', async () => {
    const region = { admdvs: '341699', name: '测试区', parent: '341600', policy_id: 'anhui/nowhere' };
    expect(await expectRefusedUnchanged('admin', 'POST', '/api/regions', region, 400, 'CODE_UNKNOWN')).toContain(
      'anhui/bozhou（亳州市城乡居民医保）',
    );
    // A path on the server is never a policy an administrator may point a region at.
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/regions',
      { ...region, policy_id: fileURLToPath(new URL('../../../../policies/anhui/bozhou.yaml', import.meta.url)) },
      400,
      'CODE_UNKNOWN',
    );
    await expectRefusedUnchanged(
      'admin',
      'PATCH',
      '/api/regions/341602',
      { policy_id: '../policies/anhui.yaml' },
      400,
      'CODE_UNKNOWN',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/regions',
      { ...region, policy_id: 'anhui/bozhou', parent: '341688' },
      400,
      'REGION_UNKNOWN',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/regions',
      { ...region, admdvs: '341621', policy_id: 'anhui/bozhou' },
      409,
      'DUPLICATE',
    );
    await expectRefusedUnchanged('admin', 'POST', '/api/regions', { ...region, admdvs: '34160' }, 400, 'SCHEMA');
    await expectRefusedUnchanged('admin', 'PATCH', '/api/regions/341602', {}, 400, 'SCHEMA');
  });
});

describe('institutions and their HIS secrets', () => {
  let secret = '';

  it('creates an institution and answers its secret once, which authenticates a real HIS call', async () => {
    const created = await api('admin', 'POST', '/api/institutions', {
      fixmedins_code: 'H34160200099',
      name: '谯城区第二人民医院',
      level: 'county',
      admdvs: '341602',
      lat: 33.85,
      lon: 115.78,
    });
    expect(created.status).toBe(201);
    expect(created.json.institution).toEqual({
      fixmedins_code: 'H34160200099',
      name: '谯城区第二人民医院',
      level: 'county',
      level_name: '二级和县级',
      admdvs: '341602',
      region_name: '谯城区',
      lat: 33.85,
      lon: 115.78,
      active: true,
      has_secret: true,
      secret_issued_at: expect.stringMatching(/\+08:00$/),
    });
    secret = created.json.credential.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created.json.credential.notice).toContain('密钥只显示一次');
    // Stored only as a salted HMAC-SM3: the secret is in no column, no audit row and no later answer.
    const stored = await world.pool.query(
      "select row_to_json(i)::text as row from institutions i where fixmedins_code = 'H34160200099'",
    );
    expect(stored.rows[0].row).not.toContain(secret);
    expect(stored.rows[0].row).toMatch(/"secret_hmac_sm3":"[0-9a-f]{32}:[0-9a-f]{64}"/);
    const audits = await world.pool.query<{ detail: string }>(
      "select detail::text as detail from audit_log where action like 'institution.%'",
    );
    expect(audits.rows.map((row) => row.detail).join()).not.toContain(secret);
    expect((await api('admin', 'GET', '/api/admin/institutions?q=H34160200099')).text).not.toContain(secret);
    expect((await api('admin', 'GET', '/api/institutions')).text).not.toContain(secret);

    // The HIS signs in and registers a visit with the new credential.
    await accepted(world, envelope('9001', { signIn: { opter_no: '001' } }, { institution: 'H34160200099' }), {
      code: 'H34160200099',
      secret,
    });
    const mdtrtId = await registerVisit(world, 'P002', { institution: { code: 'H34160200099', secret } });
    const visit = await world.pool.query('select fixmedins_code from encounters where mdtrt_id = $1', [mdtrtId]);
    expect(visit.rows).toEqual([{ fixmedins_code: 'H34160200099' }]);
    expect(await hisSignIn('H34160200099', `${secret}x`)).toEqual({ status: 401, err_code: 'AUTH_FAILED' });
  });

  it('rotates the secret: the old one fails at once, the new one works', async () => {
    const before = await world.pool.query<{ secret_issued_at: Date }>(
      "select secret_issued_at from institutions where fixmedins_code = 'H34160200099'",
    );
    const rotated = await api('admin', 'POST', '/api/institutions/H34160200099/credentials');
    expect(rotated.status).toBe(201);
    const fresh = rotated.json.secret as string;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fresh).not.toBe(secret);
    expect(await hisSignIn('H34160200099', secret)).toEqual({ status: 401, err_code: 'AUTH_FAILED' });
    expect(await hisSignIn('H34160200099', fresh)).toEqual({ status: 200, err_code: '' });
    const after = await world.pool.query<{ secret_issued_at: Date }>(
      "select secret_issued_at from institutions where fixmedins_code = 'H34160200099'",
    );
    expect(after.rows[0]!.secret_issued_at.getTime()).toBeGreaterThanOrEqual(
      before.rows[0]!.secret_issued_at.getTime(),
    );
    const audit = await world.pool.query(
      "select actor, detail from audit_log where action = 'institution.credentials' order by audit_id desc limit 1",
    );
    expect(audit.rows[0]).toEqual({
      actor: 'user:admin',
      detail: { fixmedins_code: 'H34160200099', name: '谯城区第二人民医院' },
    });
    expect(JSON.stringify(audit.rows[0])).not.toContain(fresh);
    secret = fresh;
  });

  it('changes name, level and location, and a deactivated institution cannot call until reactivated', async () => {
    const changed = await api('admin', 'PATCH', '/api/institutions/H34160200099', {
      name: '谯城区第二医院',
      level: 'city',
      lat: null,
      lon: null,
      active: false,
    });
    expect(changed.json).toMatchObject({
      name: '谯城区第二医院',
      level: 'city',
      level_name: '市属三级',
      lat: null,
      lon: null,
      active: false,
    });
    expect(await hisSignIn('H34160200099', secret)).toEqual({ status: 401, err_code: 'AUTH_FAILED' });
    await api('admin', 'PATCH', '/api/institutions/H34160200099', { active: true });
    expect(await hisSignIn('H34160200099', secret)).toEqual({ status: 200, err_code: '' });
    const audit = await world.pool.query<{ detail: unknown }>(
      "select detail from audit_log where action = 'institution.update' order by audit_id",
    );
    expect(audit.rows.map((row) => row.detail)).toEqual([
      {
        fixmedins_code: 'H34160200099',
        name: '谯城区第二医院',
        previous_name: '谯城区第二人民医院',
        level: 'city',
        previous_level: 'county',
        lat: null,
        lon: null,
        active: false,
      },
      { fixmedins_code: 'H34160200099', active: true },
    ]);
  });

  it('refuses a taken code with 409, control characters, absurd lengths and bad coordinates with 400, writing nothing', async () => {
    const institution = { fixmedins_code: 'H34160200098', name: '测试医院', level: 'township', admdvs: '341602' };
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, fixmedins_code: 'H34160200099' },
      409,
      'DUPLICATE',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, name: '测试\u0000医院' },
      400,
      'TEXT_CONTROL',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, name: '测试\u001b[31m医院' },
      400,
      'TEXT_CONTROL',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, name: '测试\n医院' },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged('admin', 'POST', '/api/institutions', { ...institution, name: '   ' }, 400, 'SCHEMA');
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, name: '院'.repeat(5000) },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, fixmedins_code: `H${'1'.repeat(2000)}` },
      400,
      'SCHEMA',
    );
    // What the HIS could never send as its code (H and eleven digits).
    for (const code of ['34160200098', 'h34160200098', 'H3416020009', 'H34160200098 ', 'H3416020009X'])
      await expectRefusedUnchanged(
        'admin',
        'POST',
        '/api/institutions',
        { ...institution, fixmedins_code: code },
        400,
        'SCHEMA',
      );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, level: 'hospital' },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, lat: 91, lon: 115 },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged('admin', 'POST', '/api/institutions', { ...institution, lat: 33.8 }, 400, 'SCHEMA');
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, secret: 'mine' },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/institutions',
      { ...institution, admdvs: '341688' },
      400,
      'REGION_UNKNOWN',
    );
    await expectRefusedUnchanged(
      'admin',
      'PATCH',
      '/api/institutions/H34160200099',
      { name: 'a\u0007b' },
      400,
      'TEXT_CONTROL',
    );
    await expectRefusedUnchanged('admin', 'PATCH', '/api/institutions/H34160200099', { lon: 115 }, 400, 'SCHEMA');
    await expectRefusedUnchanged('admin', 'PATCH', '/api/institutions/H34160200099', {}, 400, 'SCHEMA');
    await expectRefusedUnchanged(
      'admin',
      'POST',
      '/api/regions',
      { admdvs: '341698', name: 'x'.repeat(41), parent: '341600', policy_id: 'anhui/bozhou' },
      400,
      'SCHEMA',
    );
    await expectRefusedUnchanged(
      'admin',
      'PATCH',
      '/api/regions/341602',
      { name: '谯城\u0000区' },
      400,
      'TEXT_CONTROL',
    );
    await expectRefusedUnchanged('admin', 'GET', '/api/audit-log?actor=a%00b', undefined, 400, 'TEXT_CONTROL');
    await expectRefusedUnchanged('admin', 'GET', `/api/users?q=${'x'.repeat(500)}`, undefined, 400, 'SCHEMA');
    // A body past the platform's limit is refused before anything reads it.
    const huge = await api('admin', 'POST', '/api/institutions', { ...institution, name: 'x'.repeat(300_000) });
    expect(huge).toMatchObject({ status: 413, json: { code: 'BODY_TOO_LARGE' } });
  });
});

describe('a county administrator', () => {
  it('manages inside the county and is refused outside it (OUT_OF_SCOPE when creating, 404 when changing)', async () => {
    const inside = await api('qiaocheng', 'POST', '/api/institutions', {
      fixmedins_code: 'H34160210077',
      name: '十八里镇卫生院',
      level: 'township',
      admdvs: '341602',
    });
    expect(inside.status).toBe(201);
    expect(inside.json.institution).toMatchObject({ lat: null, lon: null, level_name: '乡镇/一级及以下' });
    const outside = await api('admin', 'POST', '/api/institutions', {
      fixmedins_code: 'H34162100001',
      name: '涡阳县人民医院',
      level: 'county',
      admdvs: '341621',
    });
    expect(outside.status).toBe(201);
    const guoyangSecret = outside.json.credential.secret as string;

    const institution = { fixmedins_code: 'H34162100002', name: '涡阳县中医院', level: 'county', admdvs: '341621' };
    await expectRefusedUnchanged('qiaocheng', 'POST', '/api/institutions', institution, 403, 'OUT_OF_SCOPE');
    await expectRefusedUnchanged(
      'qiaocheng',
      'PATCH',
      '/api/institutions/H34162100001',
      { active: false },
      404,
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      'qiaocheng',
      'POST',
      '/api/institutions/H34162100001/credentials',
      undefined,
      404,
      'NOT_FOUND',
    );
    // The other county's hospital still signs in with its secret.
    expect(await hisSignIn('H34162100001', guoyangSecret)).toEqual({ status: 200, err_code: '' });

    const region = { admdvs: '341697', name: '测试区', policy_id: 'anhui/bozhou' };
    await expectRefusedUnchanged(
      'qiaocheng',
      'POST',
      '/api/regions',
      { ...region, parent: '341621' },
      403,
      'OUT_OF_SCOPE',
    );
    await expectRefusedUnchanged(
      'qiaocheng',
      'POST',
      '/api/regions',
      { ...region, parent: '341600' },
      403,
      'OUT_OF_SCOPE',
    );
    await expectRefusedUnchanged('qiaocheng', 'POST', '/api/regions', { ...region, parent: null }, 403, 'OUT_OF_SCOPE');
    await expectRefusedUnchanged('qiaocheng', 'PATCH', '/api/regions/341621', { name: '别处' }, 404, 'NOT_FOUND');
    await expectRefusedUnchanged('qiaocheng', 'PATCH', '/api/regions/341600', { policy_id: 'anhui' }, 404, 'NOT_FOUND');

    // Its lists hold only its county.
    const institutions = await api('qiaocheng', 'GET', '/api/admin/institutions?size=200');
    const regions: string[] = institutions.json.items.map((item: { admdvs: string }) => item.admdvs);
    expect(new Set(regions)).toEqual(new Set(['341602']));
    expect(institutions.json.total).toBe(4);
    expect(
      (await api('qiaocheng', 'GET', '/api/admin/regions')).json.items.map((r: { admdvs: string }) => r.admdvs),
    ).toEqual(['341602']);
    const users = await api('qiaocheng', 'GET', '/api/users?size=200');
    const names = users.json.items.map((user: { username: string }) => user.username);
    expect(names).not.toContain('admin');
    expect(names).not.toContain('guoyang');
    expect(names).toContain('clerk');
    const audit = await api('qiaocheng', 'GET', '/api/audit-log?size=200');
    const actors = new Set((audit.json.items as { actor: string }[]).map((row) => row.actor));
    expect(actors.has('user:qiaocheng')).toBe(true);
    expect(actors.has('user:admin')).toBe(false);
  });
});

describe('who may not manage', () => {
  it('refuses operators and reviewers (403), and township and department administrators (403)', async () => {
    const writes: [Method, string, unknown][] = [
      ['POST', '/api/regions', { admdvs: '341696', name: '测试区', parent: '341602', policy_id: 'anhui/bozhou' }],
      ['PATCH', '/api/regions/341602', { name: '改名' }],
      [
        'POST',
        '/api/institutions',
        { fixmedins_code: 'H34160200096', name: '测试', level: 'county', admdvs: '341602' },
      ],
      ['PATCH', '/api/institutions/H34160200001', { active: false }],
      ['POST', '/api/institutions/H34160200001/credentials', undefined],
      ['GET', '/api/users', undefined],
      ['GET', '/api/audit-log', undefined],
      ['GET', '/api/admin/regions', undefined],
      ['GET', '/api/admin/institutions', undefined],
      ['GET', '/api/admin/choices', undefined],
    ];
    for (const who of ['clerk', 'checker', 'gujing', 'rural'])
      for (const [method, url, body] of writes) {
        const message = await expectRefusedUnchanged(who, method, url, body, 403, 'FORBIDDEN');
        expect(message).toMatch(/管理员|系统管理/);
      }
    // The county hospital's secret still works: nothing was rotated or deactivated.
    expect(await hisSignIn('H34160200001', 'county-secret')).toEqual({ status: 200, err_code: '' });
  });
});

describe('users and the audit log', () => {
  it('lists users with Chinese names of role, scope and department, filtered by role and region', async () => {
    const created = await api('admin', 'POST', '/api/users', {
      username: 'newclerk',
      display_name: '新经办',
      role: 'operator',
      scope_admdvs: '341621',
      password: 'a-long-password',
    });
    expect(created.status).toBe(201);
    const operators = await api('admin', 'GET', '/api/users?role=operator');
    expect(operators.json.items.map((user: { username: string }) => user.username)).toEqual(['clerk', 'newclerk']);
    const inGuoyang = await api('admin', 'GET', '/api/users?region=341621');
    expect(inGuoyang.json).toMatchObject({ total: 2 });
    expect(inGuoyang.json.items).toEqual([
      expect.objectContaining({ username: 'guoyang', role_name: '管理员', scope_name: '涡阳县', active: true }),
      expect.objectContaining({ username: 'newclerk', role_name: '经办人员', last_login_at: null }),
    ]);
    // Signed in when the test began: the login set it (the trigger on sessions).
    expect(inGuoyang.json.items[0].last_login_at).toMatch(/\+08:00$/);
    const rural = await api('admin', 'GET', '/api/users?q=rural');
    expect(rural.json.items).toEqual([
      expect.objectContaining({ department: 'rural_revitalization', department_name: '乡村振兴部门' }),
    ]);
    const all = await api('admin', 'GET', '/api/users?size=2&page=1');
    expect(all.json).toMatchObject({ total: 8, page: 1, size: 2 });
    // Unscoped users first: the city administrator, shown as the whole city.
    expect(all.json.items[0]).toMatchObject({ username: 'admin', scope_name: '全部区划' });
  });

  it('finds the actions by actor, action prefix and dates, newest first, in Chinese', async () => {
    const institutions = await api('admin', 'GET', '/api/audit-log?actor=admin&action=institution.');
    const actions = institutions.json.items.map((row: { action: string }) => row.action);
    // admin: create H34160200099, rotate it, two changes, create H34162100001 — newest first.
    expect(actions).toEqual([
      'institution.create',
      'institution.update',
      'institution.update',
      'institution.credentials',
      'institution.create',
    ]);
    expect(institutions.json.total).toBe(5);
    expect(institutions.json.items[3]).toMatchObject({
      actor: 'user:admin',
      actor_name: '市局管理员',
      action_name: '重置机构密钥',
      outcome: 'ok',
      outcome_name: '成功',
      detail: { fixmedins_code: 'H34160200099' },
    });
    const ids = institutions.json.items.map((row: { audit_id: string }) => Number(row.audit_id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // By the stored actor too, and another user's actions are not among them.
    expect((await api('admin', 'GET', '/api/audit-log?actor=user:qiaocheng&action=institution.')).json.total).toBe(1);
    // Dates are China days: today holds them all, yesterday none.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    expect(
      (await api('admin', 'GET', `/api/audit-log?actor=admin&action=institution.&from=${today}&to=${today}`)).json
        .total,
    ).toBe(5);
    expect((await api('admin', 'GET', `/api/audit-log?actor=admin&from=${yesterday}&to=${yesterday}`)).json.total).toBe(
      0,
    );
    // A LIKE wildcard in the prefix is a literal character, not "anything".
    expect((await api('admin', 'GET', '/api/audit-log?action=%25')).json.total).toBe(0);
    expect((await api('admin', 'GET', '/api/audit-log?action=_nstitution')).json.total).toBe(0);
    expect(await api('admin', 'GET', `/api/audit-log?from=${today}&to=${yesterday}`)).toMatchObject({
      status: 400,
      json: { code: 'SCHEMA' },
    });
  });

  it('offers the forms their choices by Chinese names', async () => {
    const choices = await api('admin', 'GET', '/api/admin/choices');
    expect(choices.json.policies).toEqual(
      expect.arrayContaining([
        { code: 'anhui/bozhou', name: '亳州市城乡居民医保' },
        { code: 'shandong/liaocheng/guanxian', name: expect.stringContaining('冠县') },
      ]),
    );
    expect(choices.json.levels).toEqual([
      { code: 'township', name: '乡镇/一级及以下' },
      { code: 'county', name: '二级和县级' },
      { code: 'city', name: '市属三级' },
      { code: 'province', name: '省属三级' },
    ]);
    expect(choices.json.roles.map((role: { name: string }) => role.name)).toEqual([
      '管理员',
      '经办人员',
      '审核人员',
      '只读',
    ]);
    expect(choices.json.departments).toContainEqual({ code: 'civil_affairs', name: '民政部门' });
  });
});

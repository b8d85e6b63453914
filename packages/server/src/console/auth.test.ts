/**
 * Sign-in that cannot be flooded or brute-forced: console lockouts and rate limits, sessions that end, strong
 * passwords, user management within scope; HIS credentials locked after failures, revoked at once, stored as a
 * salted HMAC-SM3 (legacy sha256 rows re-hashed at their first sign-in).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticate as authenticateInstitution, hashSecret, setInstitutionSecret } from '../his/credentials.js';
import { chinaClock, configureAuth, type AuthSettings } from '../security/ratelimit.js';
import { call, COUNTY, createWorld, envelope, signIn, TOWNSHIP, type World } from '../test-support/world.js';
import { createUser, type User } from './auth.js';

let world: World;
const restore: Partial<AuthSettings>[] = [];

/** Settings for one test, put back after it. */
function configure(changes: Partial<AuthSettings>): void {
  restore.push(configureAuth(changes));
}

/** The auth clock, moved by tests: real time plus `offset`. */
let offset = 0;

beforeAll(async () => {
  world = await createWorld('auth');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
});
afterEach(() => {
  for (const previous of restore.splice(0).reverse()) configureAuth(previous);
  offset = 0;
});
afterAll(async () => {
  await world.close();
});

interface Reply {
  status: number;
  json: any;
}

/** Status and code of a reply, to set replies side by side. */
const outcome = (reply: Reply): string => `${reply.status} ${String(reply.json.code)}`;

async function request(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  options: { token?: string; body?: unknown; address?: string } = {},
): Promise<Reply> {
  const response = await world.app.inject({
    method,
    url,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.address ? { remoteAddress: options.address } : {}),
    ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
  });
  return { status: response.statusCode, json: response.json() };
}

function loginAs(username: string, password: string, address: string): Promise<Reply> {
  return request('POST', '/api/login', { body: { username, password }, address });
}

async function auditCount(actor: string, action: string): Promise<number> {
  const { rows } = await world.pool.query<{ n: number }>(
    'select count(*)::int as n from audit_log where actor = $1 and action = $2',
    [actor, action],
  );
  return rows[0]!.n;
}

const operator = (username: string): User => ({
  username,
  display_name: username,
  role: 'operator',
  scope_admdvs: '341602',
});

describe('console login lockout', () => {
  it('refuses the right password after 5 wrong ones until the lock ends, and audits the lock once', async () => {
    configure({ now: () => Date.now() + offset });
    await createUser(world.pool, operator('locked.clerk'), 'right-password-1');
    const address = '10.0.1.1';
    for (let attempt = 1; attempt <= 4; attempt++)
      expect(await loginAs('locked.clerk', `wrong-${attempt}`, address)).toMatchObject({
        status: 401,
        json: { code: 'LOGIN_FAILED', message: '用户名或密码错误' },
      });
    const fifth = await loginAs('locked.clerk', 'wrong-5', address);
    expect(fifth).toMatchObject({ status: 423, json: { code: 'ACCOUNT_LOCKED' } });
    const { rows } = await world.pool.query<{ locked_until: Date }>(
      "select locked_until from auth_failures where realm = 'console' and subject = 'locked.clerk'",
    );
    const until = rows[0]!.locked_until;
    expect(until.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const right = await loginAs('locked.clerk', 'right-password-1', address);
    expect(right).toMatchObject({
      status: 423,
      json: { code: 'ACCOUNT_LOCKED', message: `账户已锁定，请于 ${chinaClock(until)} 后重试` },
    });
    expect(right.json.token).toBeUndefined();
    // Still locked a minute before the end, from another address too.
    offset = until.getTime() - Date.now() - 60_000;
    expect(await loginAs('locked.clerk', 'right-password-1', '10.0.1.2')).toMatchObject({ status: 423 });
    expect(await auditCount('user:locked.clerk', 'login.locked')).toBe(1);
    // After the lock: the right password signs in, and the failures are forgotten.
    offset = until.getTime() - Date.now() + 1000;
    const after = await loginAs('locked.clerk', 'right-password-1', '10.0.1.3');
    expect(after.status).toBe(200);
    expect(typeof after.json.token).toBe('string');
    const left = await world.pool.query("select 1 from auth_failures where subject = 'locked.clerk'");
    expect(left.rowCount).toBe(0);
  });

  it('locks an unknown username the same way, answering exactly as for a known one', async () => {
    const address = '10.0.2.1';
    const known: Reply[] = [];
    const unknown: Reply[] = [];
    await createUser(world.pool, operator('known.clerk'), 'right-password-2');
    for (let attempt = 1; attempt <= 5; attempt++) {
      known.push(await loginAs('known.clerk', `wrong-${attempt}`, address));
      unknown.push(await loginAs('nobody.here', `wrong-${attempt}`, address));
    }
    expect(unknown.map(outcome)).toEqual(known.map(outcome));
    expect(unknown.at(-1)).toMatchObject({ status: 423, json: { code: 'ACCOUNT_LOCKED' } });
    expect(await loginAs('nobody.here', 'anything', '10.0.2.2')).toMatchObject({
      status: 423,
      json: { code: 'ACCOUNT_LOCKED' },
    });
    expect(await auditCount('user:nobody.here', 'login.locked')).toBe(1);
  });

  it('limits the attempts of one address per minute, before any password is checked, and audits the trip once', async () => {
    await createUser(world.pool, operator('busy.clerk'), 'right-password-3');
    const address = '10.0.3.1';
    // 20 attempts with as many made-up usernames (so that no username lock interferes).
    for (let attempt = 1; attempt <= 20; attempt++)
      expect((await loginAs(`guess${attempt}`, 'wrong', address)).json.code).toBe('LOGIN_FAILED');
    expect(await loginAs('busy.clerk', 'right-password-3', address)).toMatchObject({
      status: 429,
      json: { code: 'RATE_LIMITED' },
    });
    expect((await loginAs('guess21', 'wrong', address)).json.message).toMatch(
      /^登录尝试过于频繁，请于 \d\d:\d\d 后重试$/,
    );
    expect(await auditCount('address:10.0.3.1', 'login.rate_limited')).toBe(1);
    // The refused attempts were not counted against the username.
    const guessed = await world.pool.query("select 1 from auth_failures where subject in ('busy.clerk', 'guess21')");
    expect(guessed.rowCount).toBe(0);
    // Another address is not limited; a minute later this one is not either.
    expect((await loginAs('busy.clerk', 'right-password-3', '10.0.3.2')).status).toBe(200);
    configure({ now: () => Date.now() + 61_000 });
    expect((await loginAs('busy.clerk', 'right-password-3', address)).status).toBe(200);
  });

  it('refuses logins beyond the hashing queue with LOGIN_BUSY', async () => {
    configure({ hashConcurrency: 1, hashQueue: 0 });
    const replies = await Promise.all([1, 2, 3, 4].map((n) => loginAs(`crowd${n}`, 'wrong-password', `10.0.4.${n}`)));
    const codes = replies.map((reply) => String(reply.json.code));
    expect(codes).toContain('LOGIN_FAILED');
    expect(codes).toContain('LOGIN_BUSY');
    expect(replies.find((reply) => reply.json.code === 'LOGIN_BUSY')).toMatchObject({
      status: 429,
      json: { message: '登录请求过多，请稍后再试' },
    });
    // A busy refusal is not a failure of the username.
    const busy = replies.map((reply, n) => (reply.json.code === 'LOGIN_BUSY' ? `crowd${n + 1}` : '')).filter(Boolean);
    const counted = await world.pool.query('select 1 from auth_failures where subject = any($1)', [busy]);
    expect(counted.rowCount).toBe(0);
  });
});

describe('console sessions', () => {
  it('ends the session on logout', async () => {
    const token = await signIn(world, operator('leaving.clerk'));
    expect((await request('GET', '/api/me', { token })).status).toBe(200);
    expect(await request('POST', '/api/logout', { token })).toMatchObject({ status: 200 });
    expect(await request('GET', '/api/me', { token })).toMatchObject({ status: 401, json: { code: 'AUTH_FAILED' } });
    expect(await request('POST', '/api/logout', { token })).toMatchObject({ status: 401 });
  });

  it('changes a password with the old one, and ends the other sessions', async () => {
    await createUser(world.pool, operator('changer'), 'first-password');
    const first = (await loginAs('changer', 'first-password', '10.0.5.1')).json.token as string;
    const second = (await loginAs('changer', 'first-password', '10.0.5.1')).json.token as string;
    const change = (body: unknown): Promise<Reply> => request('POST', '/api/me/password', { token: first, body });
    expect(await change({ old_password: 'not-it', new_password: 'second-password' })).toMatchObject({
      status: 403,
      json: { code: 'PASSWORD_WRONG' },
    });
    expect(await change({ old_password: 'first-password', new_password: 'short' })).toMatchObject({
      status: 400,
      json: { code: 'PASSWORD_WEAK', message: '密码强度不足：密码至少 8 位' },
    });
    expect(await change({ old_password: 'first-password', new_password: 'second-password' })).toMatchObject({
      status: 200,
    });
    expect((await request('GET', '/api/me', { token: first })).status).toBe(200);
    expect(await request('GET', '/api/me', { token: second })).toMatchObject({
      status: 401,
      json: { code: 'AUTH_FAILED' },
    });
    expect((await loginAs('changer', 'first-password', '10.0.5.2')).status).toBe(401);
    expect((await loginAs('changer', 'second-password', '10.0.5.2')).status).toBe(200);
    expect(await auditCount('user:changer', 'user.password')).toBe(1);
  });

  it('does not revive old tokens when a deactivated user is reactivated', async () => {
    const admin = await signIn(world, {
      username: 'root',
      display_name: '管理员',
      role: 'administrator',
      scope_admdvs: null,
    });
    const token = await signIn(world, operator('paused.clerk'));
    const patch = (body: unknown): Promise<Reply> =>
      request('PATCH', '/api/users/paused.clerk', { token: admin, body });
    expect(await patch({ active: false })).toMatchObject({ status: 200, json: { active: false } });
    expect(await request('GET', '/api/me', { token })).toMatchObject({ status: 401 });
    expect((await loginAs('paused.clerk', 'paused.clerk-password', '10.0.6.1')).json.code).toBe('LOGIN_FAILED');
    expect(await patch({ active: true })).toMatchObject({ status: 200, json: { active: true } });
    expect(await request('GET', '/api/me', { token })).toMatchObject({ status: 401, json: { code: 'AUTH_FAILED' } });
    const fresh = await loginAs('paused.clerk', 'paused.clerk-password', '10.0.6.1');
    expect((await request('GET', '/api/me', { token: fresh.json.token })).status).toBe(200);
    expect(await patch({ active: false, extra: 1 })).toMatchObject({ status: 400, json: { code: 'SCHEMA' } });
    expect(await request('PATCH', '/api/users/root', { token: admin, body: { active: false } })).toMatchObject({
      status: 409,
      json: { code: 'SELF_DEACTIVATION' },
    });
  });

  it('resets a password: the old one and the old sessions fail, and the lock is lifted', async () => {
    const admin = await signIn(world, {
      username: 'resetter',
      display_name: '管理员',
      role: 'administrator',
      scope_admdvs: '341602',
    });
    const token = await signIn(world, operator('forgetful'));
    for (let attempt = 1; attempt <= 5; attempt++) await loginAs('forgetful', `guess-${attempt}`, '10.0.7.1');
    expect((await loginAs('forgetful', 'forgetful-password', '10.0.7.2')).status).toBe(423);
    expect(
      await request('PATCH', '/api/users/forgetful', { token: admin, body: { password: 'brand-new-pass' } }),
    ).toMatchObject({ status: 200 });
    expect((await request('GET', '/api/me', { token })).status).toBe(401);
    expect((await loginAs('forgetful', 'forgetful-password', '10.0.7.2')).status).toBe(401);
    expect((await loginAs('forgetful', 'brand-new-pass', '10.0.7.2')).status).toBe(200);
  });
});

describe('password strength and who manages users', () => {
  it('refuses weak administrator passwords, saying what is missing', async () => {
    const admin = await signIn(world, {
      username: 'chief',
      display_name: '管理员',
      role: 'administrator',
      scope_admdvs: null,
    });
    const create = (username: string, password: string): Promise<Reply> =>
      request('POST', '/api/users', {
        token: admin,
        body: { username, display_name: '新管理员', role: 'administrator', scope_admdvs: null, password },
      });
    expect(await create('newadmin', 'only-letters-here')).toMatchObject({
      status: 400,
      json: { code: 'PASSWORD_WEAK', message: '密码强度不足：须包含数字' },
    });
    expect(await create('newadmin', 'abcd1234')).toMatchObject({
      status: 400,
      json: { code: 'PASSWORD_WEAK', message: '密码强度不足：管理员密码至少 12 位' },
    });
    expect(await create('admin2026abcd', 'admin2026abcd')).toMatchObject({
      status: 400,
      json: { code: 'PASSWORD_WEAK', message: '密码强度不足：不能与用户名相同' },
    });
    expect(await create('newadmin', 'letters-and-2026')).toMatchObject({ status: 201 });
    expect(
      await request('PATCH', '/api/users/newadmin', { token: admin, body: { password: '123456789012' } }),
    ).toMatchObject({ status: 400, json: { code: 'PASSWORD_WEAK', message: '密码强度不足：须包含字母' } });
    // An operator's 8 characters are enough.
    expect(
      await request('POST', '/api/users', {
        token: admin,
        body: {
          username: 'newclerk',
          display_name: '新经办',
          role: 'operator',
          scope_admdvs: '341602',
          password: 'eight888',
        },
      }),
    ).toMatchObject({ status: 201 });
  });

  it('lets only administrators change users, within their scope', async () => {
    const township = await signIn(world, { ...operator('gujing'), township: '古井镇' });
    const clerk = await signIn(world, operator('plain.clerk'));
    const countyAdmin = await signIn(world, {
      username: 'county.admin',
      display_name: '谯城管理员',
      role: 'administrator',
      scope_admdvs: '341602',
    });
    await createUser(world.pool, { ...operator('guoyang.clerk'), scope_admdvs: '341621' }, 'guoyang-password');
    await createUser(
      world.pool,
      { username: 'city.admin', display_name: '市管理员', role: 'administrator', scope_admdvs: null },
      'city-admin-2026',
    );
    for (const token of [township, clerk])
      expect(await request('PATCH', '/api/users/plain.clerk', { token, body: { active: false } })).toMatchObject({
        status: 403,
        json: { code: 'FORBIDDEN' },
      });
    for (const username of ['guoyang.clerk', 'city.admin', 'no.such.user'])
      expect(
        await request('PATCH', `/api/users/${username}`, { token: countyAdmin, body: { active: false } }),
      ).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await request('PATCH', '/api/users/gujing', { token: countyAdmin, body: { active: false } })).toMatchObject({
      status: 200,
      json: { username: 'gujing', active: false },
    });
    const { rows } = await world.pool.query<{ active: boolean }>(
      "select active from users where username in ('plain.clerk', 'guoyang.clerk', 'city.admin')",
    );
    expect(rows.every((row) => row.active)).toBe(true);
    expect(await auditCount('user:county.admin', 'user.update')).toBe(1);
  });
});

describe('HIS credentials', () => {
  const signInInput = { signIn: { opter_no: '001' } };
  const as = (institution: { code: string; secret: string }) =>
    call(world, envelope('9001', signInInput, { institution: institution.code }), institution);

  it('locks an institution code after 10 wrong secrets: the right one is then refused with AUTH_LOCKED', async () => {
    configure({ now: () => Date.now() + offset });
    for (let attempt = 1; attempt <= 9; attempt++)
      expect(await as({ code: TOWNSHIP.code, secret: `wrong-${attempt}` })).toMatchObject({
        status: 401,
        err_code: 'AUTH_FAILED',
      });
    expect(await as({ code: TOWNSHIP.code, secret: 'wrong-10' })).toMatchObject({ err_code: 'AUTH_LOCKED' });
    const locked = await as(TOWNSHIP);
    expect(locked).toMatchObject({ status: 401, infcode: -1, err_code: 'AUTH_LOCKED' });
    expect(locked.err_msg).toMatch(/请于 \d\d:\d\d 后重试/);
    expect(await auditCount(`his:${TOWNSHIP.code}`, 'his.locked')).toBe(1);
    // Another institution is not affected.
    expect((await as(COUNTY)).infcode).toBe(0);
    offset = 15 * 60_000 + 1000;
    expect(await as(TOWNSHIP)).toMatchObject({ status: 200, infcode: 0 });
    const left = await world.pool.query("select 1 from auth_failures where realm = 'his'");
    expect(left.rowCount).toBe(0);
  });

  it('a lock keeps a guesser out but not the hospital: its own address still signs in with the right secret', async () => {
    const hospital = '10.1.1.10';
    const stranger = '10.6.6.6';
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: COUNTY.secret }, hospital),
    ).resolves.toMatchObject({ fixmedins_code: COUNTY.code });
    for (let attempt = 1; attempt <= 9; attempt++)
      await expect(
        authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: `guess-${attempt}` }, stranger),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: 'guess-10' }, stranger),
    ).rejects.toMatchObject({ code: 'AUTH_LOCKED' });
    // The guesser, even with the right secret, and any other new address are locked out …
    for (const address of [stranger, '10.7.7.7'])
      await expect(
        authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: COUNTY.secret }, address),
      ).rejects.toMatchObject({ code: 'AUTH_LOCKED' });
    // … the hospital's own address is not; a wrong secret from it still fails.
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: COUNTY.secret }, hospital),
    ).resolves.toMatchObject({ fixmedins_code: COUNTY.code });
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: 'guess-11' }, hospital),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^AUTH_(FAILED|LOCKED)$/) });
    await world.pool.query("delete from auth_failures where realm = 'his'");
  });

  it('refuses a code with control characters or absurd lengths without asking the database', async () => {
    for (const caller of [
      { fixmedinsCode: 'H3416\u0000', secret: 'x' },
      { fixmedinsCode: 'H'.repeat(31), secret: 'x' },
      { fixmedinsCode: COUNTY.code, secret: 'x'.repeat(257) },
    ])
      await expect(authenticateInstitution(world.pool, caller, '10.2.2.2')).rejects.toMatchObject({
        code: 'AUTH_FAILED',
      });
  });

  it('refuses a deactivated institution, or a rotated secret, on the very next call', async () => {
    expect((await as(COUNTY)).infcode).toBe(0);
    await world.pool.query('update institutions set active = false where fixmedins_code = $1', [COUNTY.code]);
    expect(await as(COUNTY)).toMatchObject({ status: 401, err_code: 'AUTH_FAILED' });
    await world.pool.query('update institutions set active = true where fixmedins_code = $1', [COUNTY.code]);
    expect((await as(COUNTY)).infcode).toBe(0);
    expect(await setInstitutionSecret(world.pool, COUNTY.code, 'rotated-secret')).toBe(true);
    expect(await as(COUNTY)).toMatchObject({ status: 401, err_code: 'AUTH_FAILED' });
    expect((await as({ code: COUNTY.code, secret: 'rotated-secret' })).infcode).toBe(0);
    await setInstitutionSecret(world.pool, COUNTY.code, COUNTY.secret);
    expect((await as(COUNTY)).infcode).toBe(0);
    expect(await setInstitutionSecret(world.pool, 'H00000000000', 'x')).toBe(false);
  });

  it('signs a legacy sha256 row in and re-hashes it to HMAC-SM3', async () => {
    const legacy = { code: 'H34160200009', secret: 'legacy-secret' };
    await world.pool.query(
      "insert into institutions (fixmedins_code, name, level, admdvs, secret_sha256) values ($1, '旧凭证医院', 'county', '341602', $2)",
      [legacy.code, hashSecret(legacy.secret)],
    );
    expect(await as({ ...legacy, secret: 'not-it' })).toMatchObject({ err_code: 'AUTH_FAILED' });
    const stored = async (): Promise<{ secret_sha256: string | null; secret_hmac_sm3: string | null }> =>
      (
        await world.pool.query<{ secret_sha256: string | null; secret_hmac_sm3: string | null }>(
          'select secret_sha256, secret_hmac_sm3 from institutions where fixmedins_code = $1',
          [legacy.code],
        )
      ).rows[0]!;
    expect(await stored()).toEqual({ secret_sha256: hashSecret(legacy.secret), secret_hmac_sm3: null });
    expect((await as(legacy)).infcode).toBe(0);
    const rehashed = await stored();
    expect(rehashed.secret_sha256).toBeNull();
    expect(rehashed.secret_hmac_sm3).toMatch(/^[0-9a-f]{32}:[0-9a-f]{64}$/);
    expect((await as(legacy)).infcode).toBe(0);
    expect(await as({ ...legacy, secret: 'not-it' })).toMatchObject({ err_code: 'AUTH_FAILED' });
  });

  it('never stores a secret or a password itself, and salts every one', async () => {
    await setInstitutionSecret(world.pool, TOWNSHIP.code, COUNTY.secret);
    const { rows } = await world.pool.query<{ row: string; secret_hmac_sm3: string }>(
      'select row_to_json(i)::text as row, secret_hmac_sm3 from institutions i where fixmedins_code = any($1)',
      [[COUNTY.code, TOWNSHIP.code]],
    );
    expect(rows).toHaveLength(2);
    for (const { row } of rows) {
      for (const secret of [COUNTY.secret, TOWNSHIP.secret, 'legacy-secret', hashSecret(COUNTY.secret)])
        expect(row).not.toContain(secret);
    }
    // The same secret, two salts: two different stored values.
    expect(rows[0]!.secret_hmac_sm3).not.toBe(rows[1]!.secret_hmac_sm3);
    const users = await world.pool.query<{ row: string }>('select row_to_json(u)::text as row from users u');
    for (const { row } of users.rows) expect(row).not.toMatch(/-password"|right-password|brand-new-pass/);
    await setInstitutionSecret(world.pool, TOWNSHIP.code, TOWNSHIP.secret);
  });

  it('limits the failures of one client address, and audits the trip once', async () => {
    configure({ hisFailuresPerAddress: 5 });
    const address = '10.0.9.1';
    for (let attempt = 1; attempt <= 5; attempt++)
      await expect(
        authenticateInstitution(world.pool, { fixmedinsCode: `HX${attempt}`, secret: 'x' }, address),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: COUNTY.secret }, address),
    ).rejects.toMatchObject({ code: 'AUTH_LOCKED' });
    await expect(
      authenticateInstitution(world.pool, { fixmedinsCode: COUNTY.code, secret: COUNTY.secret }, '10.0.9.2'),
    ).resolves.toMatchObject({ fixmedins_code: COUNTY.code });
    expect(await auditCount(`address:${address}`, 'his.rate_limited')).toBe(1);
    // Unknown codes were not recorded: a flood of made-up codes cannot fill the table.
    const recorded = await world.pool.query("select 1 from auth_failures where realm = 'his' and subject like 'HX%'");
    expect(recorded.rowCount).toBe(0);
  });
});

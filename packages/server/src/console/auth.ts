/**
 * Console users and sessions: scrypt passwords, bearer tokens (the roles and their checks are roles.ts).
 *
 * Login cannot be flooded or brute-forced: a client address has a limit of attempts per minute, a username (known or
 * not) is locked after consecutive failures, both checked before any hashing; the scrypt hash of a password a client
 * sent runs off the event loop at the lowest CPU priority (security/hasher.ts), one at a time with a short queue, and
 * a request beyond the queue is refused without hashing. An unknown username costs what a wrong password of a known
 * one costs: the same query, hash and failure record. Passwords being stored (new users, changes, resets) are hashed
 * with crypto.scrypt on libuv's pool.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import {
  addressCounter,
  authSettings,
  chinaClock,
  clearFailures,
  Gate,
  type GatePass,
  isLocked,
  recordFailure,
} from '../security/ratelimit.js';
import { Hasher } from '../security/hasher.js';
import { ApiError } from './errors.js';
import type { Role, User } from './roles.js';

// Re-exported: the routes, the route kit, the platform, the demo and the tests import roles and users from here.
export { requireReviewer, requireRole, ROLE_NAMES, type Role, type User } from './roles.js';

export const SESSION_HOURS = 12;

/** scrypt (N = 16384, r = 8, p = 1), 32 bytes: computed on libuv's thread pool, never on the event loop. */
function scryptHex(password: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, (error, key) => (error ? reject(error) : resolve(key.toString('hex'))));
  });
}

/** Hashes of passwords a client sent (login, password change): one at a time, a short queue, then LOGIN_BUSY. */
const hashing = new Gate(() => ({ concurrency: authSettings.hashConcurrency, queue: authSettings.hashQueue }));
const hasher = new Hasher(() => authSettings.hashConcurrency);

function enterHashing(): GatePass {
  const pass = hashing.tryEnter();
  if (!pass) throw new ApiError('LOGIN_BUSY', '登录请求过多，请稍后再试');
  return pass;
}

/** What an unknown username's password is checked against: the same work as a real one, never a match. */
const NOBODY = { salt: randomBytes(16).toString('hex'), hash: randomBytes(32).toString('hex') };

async function passwordMatches(password: string, salt: string, hash: string): Promise<boolean> {
  const given = Buffer.from(await hasher.scrypt(password, salt), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function sealPassword(password: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: await scryptHex(password, salt) };
}

export async function createUser(pool: Pool, user: User, password: string): Promise<void> {
  const { salt, hash } = await sealPassword(password);
  await pool.query(
    'insert into users (username, display_name, role, scope_admdvs, township, department, password_salt, password_hash) values ($1, $2, $3, $4, $5, $6, $7, $8)',
    [
      user.username,
      user.display_name,
      user.role,
      user.scope_admdvs,
      user.township ?? null,
      user.department ?? null,
      salt,
      hash,
    ],
  );
}

/**
 * What a password must have; empty when strong enough. Everyone: 8 to 128 characters. Administrators: at least 12,
 * letters and digits, not the username.
 */
export function passwordProblems(password: string, user: { username: string; role: Role }): string[] {
  const problems: string[] = [];
  const administrator = user.role === 'administrator';
  const least = administrator ? 12 : 8;
  if ([...password].length < least) problems.push(`${administrator ? '管理员' : ''}密码至少 ${least} 位`);
  if ([...password].length > 128) problems.push('密码不能超过 128 位');
  if (administrator && !/[A-Za-z]/.test(password)) problems.push('须包含字母');
  if (administrator && !/\d/.test(password)) problems.push('须包含数字');
  if (administrator && password.toLowerCase() === user.username.toLowerCase()) problems.push('不能与用户名相同');
  return problems;
}

export function requireStrongPassword(password: string, user: { username: string; role: Role }): void {
  const problems = passwordProblems(password, user);
  if (problems.length > 0) throw new ApiError('PASSWORD_WEAK', `密码强度不足：${problems.join('；')}`);
}

function lockedError(until: Date): ApiError {
  return new ApiError('ACCOUNT_LOCKED', `账户已锁定，请于 ${chinaClock(until)} 后重试`);
}

/** A failed password of `username`: counted; the failure that locks it is audited, once. */
async function failed(pool: Pool, username: string, address: string): Promise<ApiError> {
  const failure = await recordFailure(pool, 'console', username, authSettings.loginFailures, authSettings.loginLockMs);
  if (failure.justLocked && failure.lockedUntil) {
    await audit(
      pool,
      `user:${username}`,
      'login.locked',
      { username, address, failures: failure.failures, locked_until: failure.lockedUntil.toISOString() },
      'ACCOUNT_LOCKED',
    );
  }
  return isLocked(failure.lockedUntil)
    ? lockedError(failure.lockedUntil)
    : new ApiError('LOGIN_FAILED', '用户名或密码错误');
}

/** The per-address limit of login attempts; the attempt that trips it is audited, once per window. */
async function countAttempt(pool: Pool, address: string): Promise<void> {
  const hit = addressCounter(pool, 'login').hit(address, authSettings.loginPerAddress);
  if (!hit.over) return;
  if (hit.tripped)
    await audit(
      pool,
      `address:${address}`,
      'login.rate_limited',
      { address, limit: authSettings.loginPerAddress, until: hit.resetsAt.toISOString() },
      'RATE_LIMITED',
    );
  throw new ApiError('RATE_LIMITED', `登录尝试过于频繁，请于 ${chinaClock(hit.resetsAt)} 后重试`);
}

type StoredUser = User & {
  password_salt: string | null;
  password_hash: string | null;
  active: boolean | null;
  locked_until: Date | null;
  failures: number | null;
};

/** The user (or nobody) behind a username, with the username's lock: one query. */
async function userForLogin(pool: Pool, username: string): Promise<StoredUser> {
  const { rows } = await pool.query<StoredUser>(
    `select u.username, u.display_name, u.role, u.scope_admdvs, u.township, u.department, u.password_salt, u.password_hash,
            u.active, f.locked_until, f.failures
       from (select $1::text as name) q
       left join users u on u.username = q.name
       left join auth_failures f on f.realm = 'console' and f.subject = q.name`,
    [username],
  );
  return rows[0]!;
}

function publicUser(found: User): User {
  return {
    username: found.username,
    display_name: found.display_name,
    role: found.role,
    scope_admdvs: found.scope_admdvs,
    township: found.township ?? null,
    department: found.department ?? null,
  };
}

export async function login(
  pool: Pool,
  username: string,
  password: string,
  address = 'unknown',
): Promise<{ token: string; user: User; expiresAt: Date }> {
  await countAttempt(pool, address);
  const pass = enterHashing();
  let found: StoredUser;
  let matches: boolean;
  try {
    found = await userForLogin(pool, username);
    if (isLocked(found.locked_until)) throw lockedError(found.locked_until);
    const salt = found.password_salt ?? NOBODY.salt;
    const hash = found.password_hash ?? NOBODY.hash;
    matches = await pass.run(() => passwordMatches(password, salt, hash));
  } finally {
    pass.leave();
  }
  if (!matches || !found.username || !found.active) throw await failed(pool, username, address);
  if (found.failures) await clearFailures(pool, 'console', username);
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
  await pool.query('insert into sessions (token_sha256, username, expires_at) values ($1, $2, $3)', [
    tokenDigest(token),
    username,
    expiresAt,
  ]);
  return { token, user: publicUser(found), expiresAt };
}

function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) throw new ApiError('AUTH_REQUIRED', '请先登录（Authorization: Bearer 令牌）');
  return header.slice(7);
}

/** The user behind `Authorization: Bearer <token>`, or a 401. */
export async function authenticate(pool: Pool, request: FastifyRequest): Promise<User> {
  const { rows } = await pool.query<User>(
    `select u.username, u.display_name, u.role, u.scope_admdvs, u.township, u.department from sessions s join users u using (username)
      where s.token_sha256 = $1 and s.expires_at > now() and u.active`,
    [tokenDigest(bearer(request))],
  );
  const user = rows[0];
  if (!user) throw new ApiError('AUTH_FAILED', '登录已失效，请重新登录');
  return user;
}

/** Ends the session of the request's token (the token fails from now on). */
export async function logout(pool: Pool, request: FastifyRequest): Promise<User> {
  const user = await authenticate(pool, request);
  await pool.query('delete from sessions where token_sha256 = $1', [tokenDigest(bearer(request))]);
  return user;
}

/**
 * A user's own password change: the old password is checked like a login (the username's lock, the hashing gate,
 * a wrong one counts as a failure); the new one must be strong; every other session of the user ends.
 */
export async function changePassword(
  pool: Pool,
  request: FastifyRequest,
  oldPassword: string,
  newPassword: string,
): Promise<User> {
  const me = await authenticate(pool, request);
  requireStrongPassword(newPassword, me);
  if (newPassword === oldPassword) throw new ApiError('PASSWORD_WEAK', '密码强度不足：新密码不能与原密码相同');
  const pass = enterHashing();
  let matches: boolean;
  try {
    const found = await userForLogin(pool, me.username);
    if (isLocked(found.locked_until)) throw lockedError(found.locked_until);
    matches = await pass.run(() => passwordMatches(oldPassword, found.password_salt ?? '', found.password_hash ?? ''));
  } finally {
    pass.leave();
  }
  if (!matches) {
    const refusal = await failed(pool, me.username, request.ip);
    if (refusal.code === 'LOGIN_FAILED') throw new ApiError('PASSWORD_WRONG', '原密码错误');
    throw refusal;
  }
  await clearFailures(pool, 'console', me.username);
  const { salt, hash } = await sealPassword(newPassword);
  // One statement: the new password and the end of the other sessions happen together or not at all.
  await pool.query(
    `with changed as (update users set password_salt = $2, password_hash = $3 where username = $1 returning username)
     delete from sessions where username in (select username from changed) and token_sha256 <> $4`,
    [me.username, salt, hash, tokenDigest(bearer(request))],
  );
  return me;
}

/**
 * An administrator's change to a user: (de)activation and a new password each end all the user's sessions, so that
 * reactivating a user does not bring old tokens back; a new password also lifts the username's lock.
 */
export async function updateUser(
  pool: Pool,
  username: string,
  change: { active?: boolean | undefined; password?: string | undefined },
): Promise<void> {
  const sealed = change.password === undefined ? undefined : await sealPassword(change.password);
  // One statement: the change and the end of the user's sessions happen together or not at all.
  await pool.query(
    `with changed as (
       update users set active = coalesce($2, active), password_salt = coalesce($3, password_salt),
                        password_hash = coalesce($4, password_hash)
        where username = $1 returning username)
     delete from sessions where username in (select username from changed)`,
    [username, change.active ?? null, sealed?.salt ?? null, sealed?.hash ?? null],
  );
  if (sealed) await clearFailures(pool, 'console', username);
}

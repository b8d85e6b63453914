/** Console users and sessions: scrypt passwords, bearer tokens, roles, region scope. */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Pool } from '../db/pool.js';
import { ApiError } from './errors.js';

export type Role = 'administrator' | 'operator' | 'read_only';

export interface User {
  username: string;
  display_name: string;
  role: Role;
  scope_admdvs: string | null;
  /** A township user (乡镇): within the county, only that township's warnings. */
  township?: string | null;
  /** A department user (乡村振兴、民政 …): only the warnings routed to that department. */
  department?: string | null;
}

export const ROLE_NAMES: Record<Role, string> = { administrator: '管理员', operator: '经办人员', read_only: '只读' };
const SESSION_HOURS = 12;

function hashPassword(password: string, salt: string): string {
  return scryptSync(password, salt, 32).toString('hex');
}

export async function createUser(pool: Pool, user: User, password: string): Promise<void> {
  const salt = randomBytes(16).toString('hex');
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
      hashPassword(password, salt),
    ],
  );
}

export async function login(
  pool: Pool,
  username: string,
  password: string,
): Promise<{ token: string; user: User; expiresAt: Date }> {
  const { rows } = await pool.query<User & { password_salt: string; password_hash: string; active: boolean }>(
    'select username, display_name, role, scope_admdvs, township, department, password_salt, password_hash, active from users where username = $1',
    [username],
  );
  const found = rows[0];
  const given = Buffer.from(hashPassword(password, found?.password_salt ?? 'none'), 'hex');
  const expected = Buffer.from(found?.password_hash ?? '0'.repeat(64), 'hex');
  if (!found || !found.active || !timingSafeEqual(given, expected))
    throw new ApiError(401, 'LOGIN_FAILED', '用户名或密码错误');
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
  await pool.query('insert into sessions (token_sha256, username, expires_at) values ($1, $2, $3)', [
    createHash('sha256').update(token).digest('hex'),
    username,
    expiresAt,
  ]);
  return {
    token,
    user: {
      username: found.username,
      display_name: found.display_name,
      role: found.role,
      scope_admdvs: found.scope_admdvs,
      township: found.township ?? null,
      department: found.department ?? null,
    },
    expiresAt,
  };
}

/** The user behind `Authorization: Bearer <token>`, or a 401. */
export async function authenticate(pool: Pool, request: FastifyRequest): Promise<User> {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer '))
    throw new ApiError(401, 'AUTH_REQUIRED', '请先登录（Authorization: Bearer 令牌）');
  const { rows } = await pool.query<User>(
    `select u.username, u.display_name, u.role, u.scope_admdvs, u.township, u.department from sessions s join users u using (username)
      where s.token_sha256 = $1 and s.expires_at > now() and u.active`,
    [createHash('sha256').update(header.slice(7)).digest('hex')],
  );
  const user = rows[0];
  if (!user) throw new ApiError(401, 'AUTH_FAILED', '登录已失效，请重新登录');
  return user;
}

const RANK: Record<Role, number> = { read_only: 0, operator: 1, administrator: 2 };

export function requireRole(user: User, role: Role): void {
  if (RANK[user.role] < RANK[role]) throw new ApiError(403, 'FORBIDDEN', `需要「${ROLE_NAMES[role]}」权限`);
}

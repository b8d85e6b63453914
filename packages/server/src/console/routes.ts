/**
 * The console's account routes: log in and out, one's own user and password, the users an administrator manages,
 * and the institutions of one's region. Persons and settlements have their rooms (persons/, settlement/).
 */
import { DEPARTMENT_CODES, DEPARTMENTS, type Department } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Pool } from '../db/pool.js';
import { authSettings } from '../security/ratelimit.js';
import {
  changePassword,
  createUser,
  login,
  logout,
  requireStrongPassword,
  ROLE_NAMES,
  SESSION_HOURS,
  updateUser,
  type User,
} from './auth.js';
import { ApiError } from './errors.js';
import { declareRoute } from './kit.js';
import { institutionsIn, managedUser, regionName, regionsIn, regionWithin, usernameTaken } from './queries.js';
import { chinaTime, ChinaTime } from './units.js';

const tag = '登录与用户';
const ROLES = ['administrator', 'operator', 'reviewer', 'read_only'] as const;
const Region = z
  .string()
  .regex(/^\d{6}$/, { message: '应为 6 位行政区划代码' })
  .describe('管辖区划（6 位；空为全市）');

const UserAnswer = z.object({
  username: z.string(),
  display_name: z.string().describe('姓名'),
  role: z.enum(ROLES).describe('角色'),
  role_name: z.string().describe('角色名称'),
  scope_admdvs: z.string().nullable().describe('管辖区划（空为不限）'),
  township: z.string().nullable().describe('乡镇（街道）用户所属乡镇'),
  department: z.string().nullable().describe('部门用户所属部门'),
  department_name: z.string().nullable().describe('部门名称'),
  scope_name: z.string().describe('管辖区划名称（全市为「全部区划」）'),
});
const Message = z.object({ message: z.string().describe('中文提示') });

async function present(pool: Pool, user: User): Promise<z.input<typeof UserAnswer>> {
  return {
    ...user,
    role_name: ROLE_NAMES[user.role],
    township: user.township ?? null,
    department: user.department ?? null,
    department_name: user.department ? (DEPARTMENTS[user.department as Department]?.name ?? user.department) : null,
    scope_name: user.scope_admdvs ? ((await regionName(pool, user.scope_admdvs)) ?? user.scope_admdvs) : '全部区划',
  };
}

/** Managing users: an administrator not limited to a township or a department. */
function requireUserManager(me: User): void {
  if (me.township || me.department) throw new ApiError('FORBIDDEN', '乡镇或部门用户不能管理用户');
}

export function registerConsoleRoutes(app: FastifyInstance, pool: Pool): void {
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/login',
    tag,
    summary: `登录，取得令牌（${SESSION_HOURS} 小时有效）`,
    description: `同一用户名连续 ${authSettings.loginFailures} 次密码错误锁定 ${authSettings.loginLockMs / 60_000} 分钟（423 ACCOUNT_LOCKED）；同一地址每分钟最多尝试 ${authSettings.loginPerAddress} 次（429 RATE_LIMITED）；同时校验的登录过多时 429 LOGIN_BUSY。`,
    access: 'public',
    body: z.object({
      username: z.string().min(1).max(64).describe('用户名'),
      password: z.string().min(1).max(1024).describe('密码'),
    }),
    response: z.object({
      token: z.string().describe('令牌：此后请求的 Authorization: Bearer <令牌>'),
      expires_at: ChinaTime.describe('失效时间'),
      user: UserAnswer,
    }),
    handler: async ({ body, request }) => {
      const session = await login(pool, body.username, body.password, request.ip);
      return {
        token: session.token,
        expires_at: chinaTime(session.expiresAt),
        user: await present(pool, session.user),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/logout',
    tag,
    summary: '退出登录（令牌随即失效）',
    access: 'signed_in',
    response: Message,
    handler: async ({ request, audit }) => {
      await logout(pool, request);
      await audit('logout', {});
      return { message: '已退出登录' };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/me',
    tag,
    summary: '当前用户',
    access: 'signed_in',
    response: UserAnswer,
    handler: ({ me }) => present(pool, me),
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/me/password',
    tag,
    summary: '修改本人密码（须原密码；其他登录随即失效）',
    access: 'signed_in',
    body: z
      .object({
        old_password: z.string().min(1).max(1024).describe('原密码'),
        new_password: z.string().min(1).max(1024).describe('新密码'),
      })
      .strict(),
    response: Message,
    handler: async ({ me, body, request, audit }) => {
      await changePassword(pool, request, body.old_password, body.new_password);
      await audit('user.password', { username: me.username });
      return { message: '密码已修改，其他登录已失效' };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/regions',
    tag: '区划',
    summary: '医保区划（管辖范围内，含上下级关系）',
    access: 'signed_in',
    response: z.object({
      items: z.array(
        z.object({
          admdvs: z.string().describe('区划代码'),
          name: z.string().describe('区划名称'),
          parent: z.string().nullable().describe('上级区划'),
        }),
      ),
    }),
    handler: async ({ me }) => ({ items: await regionsIn(pool, me.scope_admdvs) }),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/institutions',
    tag: '定点医药机构',
    summary: '定点医疗机构（管辖范围内，含位置）',
    access: 'signed_in',
    response: z.object({
      items: z.array(
        z.object({
          fixmedins_code: z.string().describe('定点医药机构编号'),
          name: z.string(),
          level: z.string().describe('机构级别'),
          admdvs: z.string().describe('所在区划'),
          lat: z.number().nullable().describe('纬度'),
          lon: z.number().nullable().describe('经度'),
          active: z.boolean().describe('是否在协议期内'),
        }),
      ),
    }),
    handler: async ({ me }) => ({ items: await institutionsIn(pool, me.scope_admdvs) }),
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/users',
    tag,
    summary: '创建用户（管理员，限管辖范围）',
    access: 'administrator',
    body: z
      .object({
        username: z
          .string()
          .regex(/^[a-z0-9_.-]{3,32}$/, { message: '用户名为 3–32 位小写字母、数字或 _ . -' })
          .describe('用户名'),
        display_name: z.string().min(1).max(50).describe('姓名'),
        role: z.enum(ROLES).describe('角色'),
        scope_admdvs: Region.nullable(),
        township: z.string().min(1).max(40).nullable().default(null).describe('乡镇（街道）用户所属乡镇'),
        department: z.enum(DEPARTMENT_CODES).nullable().default(null).describe('部门用户所属部门'),
        password: z.string().min(8, { message: '密码至少 8 位' }).describe('初始密码'),
      })
      .strict(),
    status: 201,
    response: UserAnswer.omit({ display_name: true, department_name: true, scope_name: true }),
    handler: async ({ me, body, audit }) => {
      requireUserManager(me);
      requireStrongPassword(body.password, body);
      if (me.scope_admdvs !== null && !(await regionWithin(pool, me.scope_admdvs, body.scope_admdvs)))
        throw new ApiError('OUT_OF_SCOPE', '不能创建超出自己管辖范围的用户');
      if (body.township !== null && body.scope_admdvs === null)
        throw new ApiError('SCHEMA', 'body.township：乡镇用户须同时指定所属县（scope_admdvs）');
      if (await usernameTaken(pool, body.username)) throw new ApiError('DUPLICATE', `用户名 ${body.username} 已存在`);
      const created = {
        username: body.username,
        role: body.role,
        scope_admdvs: body.scope_admdvs,
        township: body.township,
        department: body.department,
      };
      await createUser(pool, { ...created, display_name: body.display_name }, body.password);
      await audit('user.create', created);
      return { ...created, role_name: ROLE_NAMES[body.role] };
    },
  });

  declareRoute(app, pool, {
    method: 'PATCH',
    url: '/api/users/:username',
    tag,
    summary: '启用、停用用户或重置密码（管理员，限管辖范围）；停用与重置密码使该用户的登录全部失效',
    access: 'administrator',
    params: z.object({ username: z.string().max(64) }),
    body: z
      .object({
        active: z.boolean().optional().describe('启用（true）或停用（false）'),
        password: z.string().max(1024).optional().describe('新密码'),
      })
      .strict()
      .refine((change) => change.active !== undefined || change.password !== undefined, {
        message: '须提供 active 或 password',
      }),
    response: z.object({
      username: z.string(),
      role: z.enum(ROLES),
      role_name: z.string(),
      scope_admdvs: z.string().nullable(),
      active: z.boolean(),
    }),
    handler: async ({ me, params, body, audit }) => {
      requireUserManager(me);
      const target = await managedUser(pool, me.scope_admdvs, params.username);
      if (!target) throw new ApiError('NOT_FOUND', `查无用户 ${params.username}（或不在您的管辖范围）`);
      if (body.active === false && target.username === me.username)
        throw new ApiError('SELF_DEACTIVATION', '不能停用自己的账户');
      if (body.password !== undefined) requireStrongPassword(body.password, target);
      await updateUser(pool, target.username, body);
      await audit('user.update', {
        username: target.username,
        ...(body.active === undefined ? {} : { active: body.active }),
        ...(body.password === undefined ? {} : { password_reset: true }),
      });
      return { ...target, role_name: ROLE_NAMES[target.role], active: body.active ?? target.active };
    },
  });
}

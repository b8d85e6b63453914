/**
 * 系统管理's lists: the users an administrator manages, the audit log, and the choices the screen's forms offer
 * (policies, levels, roles, departments, audit actions) by their Chinese names. Creating and changing users is
 * console/routes.ts (POST /api/users, PATCH /api/users/:username).
 */
import { departmentName, DEPARTMENTS, ERROR_CODES, LEVEL_NAMES, type ErrorCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLE_NAMES, type Role } from '../console/auth.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, paging, region } from '../console/parse.js';
import { chinaTime, chinaTimeOrNull, ChinaTime } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { actionName, ACTION_GROUPS, actorName } from './names.js';
import { auditLog, usersForAdmin } from './list-queries.js';
import { knownPolicies } from './policy-choices.js';
import { requireBureauAdministrator, tag } from './shapes.js';

const ROLES = Object.keys(ROLE_NAMES) as [Role, ...Role[]];
const Choice = z.object({ code: z.string().describe('代码'), name: z.string().describe('名称') });

function outcomeName(outcome: string): string {
  if (outcome === 'ok') return '成功';
  return outcome in ERROR_CODES ? `拒绝：${ERROR_CODES[outcome as ErrorCode]}` : outcome;
}

export function registerAdminListRoutes(app: FastifyInstance, pool: Pool, policies: PolicyRegistry): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/admin/choices',
    tag,
    summary: '系统管理表单的选项：政策、机构级别、角色、部门、审计操作（均有中文名称）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    response: z.object({
      policies: z.array(Choice).describe('可选政策'),
      levels: z.array(Choice).describe('机构级别'),
      roles: z.array(Choice).describe('角色'),
      departments: z.array(Choice).describe('部门'),
      actions: z.array(Choice).describe('审计操作（代码为前缀：以 . 结尾的是一类操作）'),
    }),
    handler: async () => ({
      policies: (await knownPolicies(pool, policies)).map((policy) => ({ code: policy.id, name: policy.name })),
      levels: Object.entries(LEVEL_NAMES).map(([code, name]) => ({ code, name })),
      roles: ROLES.map((code) => ({ code, name: ROLE_NAMES[code] })),
      departments: Object.entries(DEPARTMENTS).map(([code, department]) => ({ code, name: department.name })),
      actions: ACTION_GROUPS,
    }),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/users',
    tag,
    summary: '用户列表（管理员，限管辖范围；分页）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    query: z.object({
      ...paging(200),
      role: z.enum(ROLES).optional().describe('角色'),
      region: region.optional().describe('管辖区划（含下级区划的用户）'),
      active: z.enum(['true', 'false']).optional().describe('true 启用，false 已停用'),
      q: z.string().trim().max(50).optional().describe('用户名或姓名（部分）'),
    }),
    response: z.object({
      total: z.number().int().describe('符合条件的用户数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(
        z.object({
          username: z.string(),
          display_name: z.string().describe('姓名'),
          role: z.enum(ROLES).describe('角色'),
          role_name: z.string().describe('角色名称'),
          scope_admdvs: z.string().nullable().describe('管辖区划（空为不限）'),
          scope_name: z.string().describe('管辖区划名称（不限为「全部区划」）'),
          township: z.string().nullable().describe('乡镇（街道）用户所属乡镇'),
          department: z.string().nullable().describe('部门用户所属部门'),
          department_name: z.string().nullable().describe('部门名称'),
          active: z.boolean().describe('是否启用'),
          last_login_at: ChinaTime.nullable().describe('最近登录时间（从未登录或本功能之前登录的为空）'),
          created_at: ChinaTime.describe('创建时间'),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await usersForAdmin(
        pool,
        me.scope_admdvs,
        {
          role: query.role,
          region: query.region,
          active: query.active === undefined ? undefined : query.active === 'true',
          q: query.q || undefined,
        },
        query.page,
        query.size,
      );
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          ...row,
          role: row.role as Role,
          role_name: ROLE_NAMES[row.role as Role] ?? row.role,
          scope_name: row.scope_admdvs ? (row.scope_name ?? row.scope_admdvs) : '全部区划',
          department_name: row.department ? departmentName(row.department) : null,
          last_login_at: chinaTimeOrNull(row.last_login_at),
          created_at: chinaTime(row.created_at),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/audit-log',
    tag,
    summary: '审计日志（管理员；新的在前；限管辖范围内的用户与机构所为；分页）',
    description:
      '详情按保存时原样给出：保存时已截短、去除控制字符，身份证号已替换为其索引摘要。不限区划的管理员可见全部记录。',
    access: 'administrator',
    guard: requireBureauAdministrator,
    query: z
      .object({
        ...paging(200),
        actor: z
          .string()
          .trim()
          .max(100)
          .optional()
          .describe('操作人：用户名、机构编号或保存的操作人（如 user:admin）'),
        action: z.string().trim().max(100).optional().describe('操作代码前缀（如 institution. 或 user.create）'),
        from: isoDate.optional().describe('起始日期（北京时间，含）'),
        to: isoDate.optional().describe('截止日期（北京时间，含）'),
      })
      .refine((query) => !query.from || !query.to || query.from <= query.to, {
        message: '起始日期不能晚于截止日期',
        path: ['from'],
      }),
    response: z.object({
      total: z.number().int().describe('符合条件的记录数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(
        z.object({
          audit_id: z.string().describe('记录号'),
          at: ChinaTime.describe('时间'),
          actor: z.string().describe('操作人（保存的形式：user:用户名、his:机构编号、cli:系统账户、address:地址）'),
          actor_name: z.string().describe('操作人（中文）'),
          action: z.string().describe('操作代码'),
          action_name: z.string().describe('操作名称'),
          outcome: z.string().describe('结果代码：ok 或拒绝的错误代码'),
          outcome_name: z.string().describe('结果'),
          detail: z.record(z.string(), z.unknown()).describe('详情（按保存时原样）'),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await auditLog(
        pool,
        me.scope_admdvs,
        { actor: query.actor || undefined, action: query.action || undefined, from: query.from, to: query.to },
        query.page,
        query.size,
      );
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          audit_id: row.audit_id,
          at: chinaTime(row.at),
          actor: row.actor,
          actor_name: actorName(row.actor, row.actor_display),
          action: row.action,
          action_name: actionName(row.action),
          outcome: row.outcome,
          outcome_name: outcomeName(row.outcome),
          detail: row.detail ?? {},
        })),
      };
    },
  });
}

/**
 * 系统管理 (administrators): regions and the policy each settles with; institutions and their HIS credentials
 * (institution-routes.ts); users and the audit log (list-routes.ts). An administrator with a scope manages only inside
 * it; a township's or a department's administrator manages nothing here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { registerInstitutionRoutes } from './institution-routes.js';
import { registerAdminListRoutes } from './list-routes.js';
import { knownPolicies } from './policy-choices.js';
import { insertRegion, regionInScope, regionsForAdmin, updateRegion } from './queries.js';
import { Admdvs, nameField, PolicyId, RegionAnswer, requireBureauAdministrator, tag } from './shapes.js';

async function requireKnownPolicy(pool: Pool, policies: PolicyRegistry, id: string): Promise<void> {
  const known = await knownPolicies(pool, policies);
  if (!known.some((policy) => policy.id === id))
    throw new ApiError(
      'CODE_UNKNOWN',
      `body.policy_id：没有编号为 ${id.slice(0, 60)} 的政策；可用：${known.map((policy) => `${policy.id}（${policy.name}）`).join('、')}`,
    );
}

function policyName(policies: PolicyRegistry, id: string): string {
  try {
    return policies.get(id).name;
  } catch {
    return id;
  }
}

export function registerAdminRoutes(app: FastifyInstance, pool: Pool, policies: PolicyRegistry): void {
  const present = (row: Omit<z.input<typeof RegionAnswer>, 'policy_name'>): z.input<typeof RegionAnswer> => ({
    ...row,
    policy_name: policyName(policies, row.policy_id),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/admin/regions',
    tag,
    summary: '区划与所用政策（管理员，限管辖范围）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    response: z.object({ items: z.array(RegionAnswer) }),
    handler: async ({ me }) => ({ items: (await regionsForAdmin(pool, me.scope_admdvs)).map(present) }),
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/regions',
    tag,
    summary: '新增区划（管理员；上级区划须在管辖范围内，顶级区划只能由不限区划的管理员新增）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    body: z
      .object({
        admdvs: Admdvs,
        name: nameField(40, '区划名称').describe('区划名称'),
        parent: Admdvs.nullable().describe('上级区划（空为顶级区划，如地市）'),
        policy_id: PolicyId,
      })
      .strict(),
    status: 201,
    response: RegionAnswer,
    handler: async ({ me, body, audit }) => {
      if (body.parent === null && me.scope_admdvs !== null)
        throw new ApiError('OUT_OF_SCOPE', '只有不限区划的管理员可以新增顶级区划');
      if (body.parent !== null && !(await regionInScope(pool, me.scope_admdvs, body.parent))) {
        if (me.scope_admdvs === null)
          throw new ApiError('REGION_UNKNOWN', `body.parent：上级区划 ${body.parent} 不存在`);
        throw new ApiError('OUT_OF_SCOPE', `上级区划 ${body.parent} 不存在或不在您的管辖范围`);
      }
      await requireKnownPolicy(pool, policies, body.policy_id);
      if (!(await insertRegion(pool, body))) throw new ApiError('DUPLICATE', `区划 ${body.admdvs} 已存在`);
      await audit('region.create', body);
      return present((await regionInScope(pool, me.scope_admdvs, body.admdvs))!);
    },
  });

  declareRoute(app, pool, {
    method: 'PATCH',
    url: '/api/regions/:admdvs',
    tag,
    summary: '修改区划名称或所用政策（管理员，限管辖范围；新政策自下一笔结算起适用）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    params: z.object({ admdvs: Admdvs }),
    body: z
      .object({
        name: nameField(40, '区划名称').optional().describe('区划名称'),
        policy_id: PolicyId.optional(),
      })
      .strict()
      .refine((change) => change.name !== undefined || change.policy_id !== undefined, {
        message: '须提供 name 或 policy_id',
      }),
    response: RegionAnswer,
    handler: async ({ me, params, body, audit }) => {
      const region = await regionInScope(pool, me.scope_admdvs, params.admdvs);
      // Outside the scope is answered as none, so that a scope cannot be probed.
      if (!region) throw new ApiError('NOT_FOUND', `查无区划 ${params.admdvs}（或不在您的管辖范围）`);
      if (body.policy_id !== undefined) await requireKnownPolicy(pool, policies, body.policy_id);
      await updateRegion(pool, region.admdvs, body);
      await audit('region.update', {
        admdvs: region.admdvs,
        ...(body.name === undefined ? {} : { name: body.name, previous_name: region.name }),
        ...(body.policy_id === undefined ? {} : { policy_id: body.policy_id, previous_policy_id: region.policy_id }),
      });
      return present((await regionInScope(pool, me.scope_admdvs, region.admdvs))!);
    },
  });

  registerInstitutionRoutes(app, pool);
  registerAdminListRoutes(app, pool, policies);
}

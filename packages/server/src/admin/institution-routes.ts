/**
 * 定点医疗机构 in 系统管理: register an institution, change it, and issue its HIS secret. A secret is random, answered
 * once in the reply that creates it, and stored only as a salted HMAC-SM3 (his/credentials.ts); issuing a new one
 * makes the old one fail at the next call.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { paging } from '../console/parse.js';
import { chinaTime } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { sealSecret } from '../his/credentials.js';
import { clearFailures } from '../security/ratelimit.js';
import {
  insertInstitution,
  institutionInScope,
  institutionsForAdmin,
  regionInScope,
  replaceInstitutionSecret,
  updateInstitution,
} from './queries.js';
import {
  Admdvs,
  FixmedinsCode,
  InstitutionAnswer,
  Latitude,
  Level,
  locationOf,
  Longitude,
  nameField,
  presentInstitution,
  requireBureauAdministrator,
  SECRET_NOTICE,
  SecretAnswer,
  tag,
} from './shapes.js';

/** A new HIS secret: 24 random bytes, 32 characters of base64url (the HIS sends it in HTTP Basic). */
function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

const Code = z.object({ code: FixmedinsCode });

export function registerInstitutionRoutes(app: FastifyInstance, pool: Pool): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/admin/institutions',
    tag,
    summary: '定点医疗机构与 HIS 凭证状态（管理员，限管辖范围；分页）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    query: z.object({
      ...paging(200),
      admdvs: Admdvs.optional().describe('所在区划（含下级）'),
      level: Level.optional(),
      active: z.enum(['true', 'false']).optional().describe('true 在协议期内，false 已停用'),
      q: z.string().trim().max(50).optional().describe('机构编号或名称（部分）'),
    }),
    response: z.object({
      total: z.number().int().describe('符合条件的机构数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(InstitutionAnswer),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await institutionsForAdmin(
        pool,
        me.scope_admdvs,
        {
          admdvs: query.admdvs,
          level: query.level,
          active: query.active === undefined ? undefined : query.active === 'true',
          q: query.q || undefined,
        },
        query.page,
        query.size,
      );
      return { total, page: query.page, size: query.size, items: rows.map(presentInstitution) };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/institutions',
    tag,
    summary: '新增定点医疗机构并发放 HIS 密钥（管理员，限管辖范围；密钥只在本应答中出现一次）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    body: z
      .object({
        fixmedins_code: FixmedinsCode,
        name: nameField(100, '机构名称').describe('机构名称'),
        level: Level,
        admdvs: Admdvs.describe('所在区划'),
        lat: Latitude.nullable().optional(),
        lon: Longitude.nullable().optional(),
        active: z.boolean().default(true).describe('是否在协议期内'),
      })
      .strict(),
    status: 201,
    response: z.object({ institution: InstitutionAnswer, credential: SecretAnswer }),
    handler: async ({ me, body, audit }) => {
      const location = locationOf(body) ?? null;
      if (!(await regionInScope(pool, me.scope_admdvs, body.admdvs))) {
        if (me.scope_admdvs === null) throw new ApiError('REGION_UNKNOWN', `body.admdvs：区划 ${body.admdvs} 不存在`);
        throw new ApiError('OUT_OF_SCOPE', `区划 ${body.admdvs} 不存在或不在您的管辖范围`);
      }
      const secret = newSecret();
      const created = {
        fixmedins_code: body.fixmedins_code,
        name: body.name,
        level: body.level,
        admdvs: body.admdvs,
        lat: location?.lat ?? null,
        lon: location?.lon ?? null,
        active: body.active,
      };
      if (!(await insertInstitution(pool, created, sealSecret(secret))))
        throw new ApiError('DUPLICATE', `定点医疗机构编号 ${body.fixmedins_code} 已存在`);
      // The audit row says a secret was issued, never what it is.
      await audit('institution.create', { ...created, secret_issued: true });
      const institution = (await institutionInScope(pool, me.scope_admdvs, body.fixmedins_code))!;
      return {
        institution: presentInstitution(institution),
        credential: {
          fixmedins_code: institution.fixmedins_code,
          secret,
          issued_at: chinaTime(institution.secret_issued_at!),
          notice: SECRET_NOTICE,
        },
      };
    },
  });

  declareRoute(app, pool, {
    method: 'PATCH',
    url: '/api/institutions/:code',
    tag,
    summary: '修改定点医疗机构：名称、级别、位置、启用或停用（管理员，限管辖范围；停用后 HIS 凭证随即失效）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    params: Code,
    body: z
      .object({
        name: nameField(100, '机构名称').optional().describe('机构名称'),
        level: Level.optional(),
        lat: Latitude.nullable().optional(),
        lon: Longitude.nullable().optional(),
        active: z.boolean().optional().describe('启用（true）或停用（false）'),
      })
      .strict()
      .refine((change) => Object.values(change).some((value) => value !== undefined), {
        message: '须提供要修改的项（name、level、lat 与 lon、active）',
      }),
    response: InstitutionAnswer,
    handler: async ({ me, params, body, audit }) => {
      const location = locationOf(body);
      const found = await institutionInScope(pool, me.scope_admdvs, params.code);
      if (!found) throw new ApiError('NOT_FOUND', `查无定点医疗机构 ${params.code}（或不在您的管辖范围）`);
      await updateInstitution(pool, found.fixmedins_code, { ...body, location });
      await audit('institution.update', {
        fixmedins_code: found.fixmedins_code,
        ...(body.name === undefined ? {} : { name: body.name, previous_name: found.name }),
        ...(body.level === undefined ? {} : { level: body.level, previous_level: found.level }),
        ...(location === undefined ? {} : { lat: location?.lat ?? null, lon: location?.lon ?? null }),
        ...(body.active === undefined ? {} : { active: body.active }),
      });
      return presentInstitution((await institutionInScope(pool, me.scope_admdvs, found.fixmedins_code))!);
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/institutions/:code/credentials',
    tag,
    summary: '重置定点医疗机构的 HIS 密钥（管理员，限管辖范围；原密钥随即失效，新密钥只在本应答中出现一次）',
    access: 'administrator',
    guard: requireBureauAdministrator,
    params: Code,
    status: 201,
    response: SecretAnswer,
    handler: async ({ me, params, audit }) => {
      const found = await institutionInScope(pool, me.scope_admdvs, params.code);
      if (!found) throw new ApiError('NOT_FOUND', `查无定点医疗机构 ${params.code}（或不在您的管辖范围）`);
      const secret = newSecret();
      const issuedAt = await replaceInstitutionSecret(pool, found.fixmedins_code, sealSecret(secret));
      // Failures counted against the old secret say nothing about the new one: the hospital starts unlocked.
      await clearFailures(pool, 'his', found.fixmedins_code);
      await audit('institution.credentials', { fixmedins_code: found.fixmedins_code, name: found.name });
      return { fixmedins_code: found.fixmedins_code, secret, issued_at: chinaTime(issuedAt), notice: SECRET_NOTICE };
    },
  });
}

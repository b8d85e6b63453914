/**
 * 系统管理's shared pieces: who may manage (a bureau administrator, never a township's or a department's), the
 * request fields with their Chinese messages, and the answers of regions and institutions.
 */
import { LEVEL_NAMES, type InstitutionLevel } from '@sanbao/core';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { region } from '../console/parse.js';
import { chinaTimeOrNull, ChinaTime } from '../console/units.js';
import type { InstitutionRow } from './queries.js';

export const tag = '系统管理';

/** Managing regions, institutions and users: an administrator not limited to a township or a department. */
export function requireBureauAdministrator(me: User): void {
  if (me.township || me.department) throw new ApiError('FORBIDDEN', '乡镇或部门的管理员不能进行系统管理');
}

/** A name as a person types it: not blank, one line, at most `max` characters, trimmed. */
export function nameField(max: number, what: string): z.ZodType<string> {
  return z
    .string()
    .trim()
    .min(1, { message: `${what}不能为空` })
    .max(max)
    .refine((text) => !/[\t\r\n]/.test(text), { message: `${what}不能含换行或制表符` });
}

export const Admdvs = region.describe('医保区划代码（6 位）');

/** A built-in policy's id (anhui/bozhou) or one a region already uses: never a path chosen over HTTP. */
export const PolicyId = z.string().min(1).max(200).describe('政策编号（内置政策，或区划已在使用的政策）');

/** The national code of a designated medical institution: H and eleven digits (the HIS sends it in every message). */
export const FixmedinsCode = z
  .string()
  .regex(/^H\d{11}$/, { message: '应为 H 加 11 位数字的定点医疗机构编号（如 H34160200001）' })
  .describe('定点医疗机构编号（H 加 11 位数字）');

export const LEVELS = Object.keys(LEVEL_NAMES) as [InstitutionLevel, ...InstitutionLevel[]];
export const Level = z
  .enum(LEVELS)
  .describe('机构级别：township 乡镇/一级及以下，county 二级和县级，city 市属三级，province 省属三级');

/** China's extent, with a margin: a point outside it is a typing error. */
export const Latitude = z.number().min(3).max(54).describe('纬度（3～54）');
export const Longitude = z.number().min(73).max(136).describe('经度（73～136）');

/** Both coordinates or neither: lat and lon given together (null clears them). */
export function locationOf(body: {
  lat?: number | null | undefined;
  lon?: number | null | undefined;
}): { lat: number; lon: number } | null | undefined {
  if (body.lat === undefined && body.lon === undefined) return undefined;
  if (body.lat === null && body.lon === null) return null;
  if (typeof body.lat === 'number' && typeof body.lon === 'number') return { lat: body.lat, lon: body.lon };
  throw new ApiError('SCHEMA', 'body.lat、body.lon：经纬度须同时填写或同时留空');
}

export const RegionAnswer = z.object({
  admdvs: z.string().describe('区划代码'),
  name: z.string().describe('区划名称'),
  parent: z.string().nullable().describe('上级区划'),
  parent_name: z.string().nullable().describe('上级区划名称'),
  policy_id: z.string().describe('所用政策编号'),
  policy_name: z.string().describe('所用政策名称'),
  institutions: z.number().int().describe('定点医疗机构数'),
  users: z.number().int().describe('管辖范围为该区划的用户数'),
});

export const InstitutionAnswer = z.object({
  fixmedins_code: z.string().describe('定点医疗机构编号'),
  name: z.string().describe('机构名称'),
  level: Level,
  level_name: z.string().describe('级别名称'),
  admdvs: z.string().describe('所在区划'),
  region_name: z.string().describe('所在区划名称'),
  lat: z.number().nullable().describe('纬度'),
  lon: z.number().nullable().describe('经度'),
  active: z.boolean().describe('是否在协议期内（停用后 HIS 凭证随即失效）'),
  has_secret: z.boolean().describe('是否已发放 HIS 密钥'),
  secret_issued_at: ChinaTime.nullable().describe('密钥发放或重置时间（本功能之前设置的为空）'),
});

export function presentInstitution(row: InstitutionRow): z.input<typeof InstitutionAnswer> {
  return {
    ...row,
    level: row.level as InstitutionLevel,
    level_name: LEVEL_NAMES[row.level as InstitutionLevel] ?? row.level,
    secret_issued_at: chinaTimeOrNull(row.secret_issued_at),
  };
}

/** The answer that carries a new HIS secret: shown once, never stored in clear, never answered again. */
export const SecretAnswer = z.object({
  fixmedins_code: z.string().describe('定点医疗机构编号'),
  secret: z.string().describe('HIS 密钥：只在此应答中出现一次，平台只保存其加盐 HMAC-SM3，无法再次查看'),
  issued_at: ChinaTime.describe('发放时间'),
  notice: z.string().describe('提示'),
});

export const SECRET_NOTICE = '密钥只显示一次，请立即复制并交给医院 HIS 维护人员；关闭后无法再次查看，遗失只能重置。';

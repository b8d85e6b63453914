/**
 * Registering in the console: persons by operators (birth date and gender read from the ID number), category spells
 * certified by the department that owns the category, and electronic vouchers.
 */
import {
  CATEGORY_CODES,
  CATEGORY_NAMES,
  DEPARTMENT_CODES,
  DEPARTMENTS,
  departmentName,
  ID_PROBLEMS,
  maskIdNumber,
  parseIdNumber,
  type CategoryCode,
  type Department,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, region } from '../console/parse.js';
import { requirePersonInScope, requireRegionInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, IsoDay } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { issueVoucher, VOUCHER_MINUTES } from '../security/vouchers.js';
import { chinaDate } from '../time.js';
import { PsnNo, tag } from './answers.js';
import { insertConsolePerson, insertSpell } from './queries.js';

/** A category spell's dates stay within this span: a 1900 or 9999 date is a typing error, not a certification. */
const SPELL_EARLIEST = '1990-01-01';
const SPELL_LATEST = '2100-12-31';

function ownerOf(code: CategoryCode): Department {
  return DEPARTMENT_CODES.find((department) =>
    (DEPARTMENTS[department].categories as readonly CategoryCode[]).includes(code),
  ) as Department;
}

export function registerPersonWriteRoutes(app: FastifyInstance, pool: Pool): void {
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/persons',
    tag,
    summary: '登记参保人员（经办人员；出生日期与性别取自身份证号）',
    access: 'operator',
    body: z
      .object({
        certno: z.string().max(18).describe('身份证号（18 位）'),
        psn_name: z.string().min(1).max(50).describe('姓名'),
        admdvs: region.describe('参保地区划（6 位）'),
        township: z.string().max(50).default('').describe('乡镇（街道）'),
      })
      .strict(),
    status: 201,
    response: z.object({
      psn_no: PsnNo,
      certno: z.string().describe('身份证号（脱敏）'),
      gend: z.string(),
      brdy: IsoDay,
    }),
    handler: async ({ me, body, audit }) => {
      const id = parseIdNumber(body.certno);
      if (!id.ok) {
        const { code, message } = ID_PROBLEMS[id.problem];
        throw new ApiError(code, `body.certno：${message}`);
      }
      await requireRegionInScope(pool, me, body.admdvs);
      const certno = body.certno.toUpperCase();
      const psnNo = `P${body.admdvs}${Date.now().toString().slice(-8)}${Math.floor(Math.random() * 10)}`;
      const inserted = await insertConsolePerson(pool, {
        psnNo,
        certno,
        name: body.psn_name,
        gender: id.info.gender,
        birthDate: id.info.birthDate,
        admdvs: body.admdvs,
        township: body.township,
      });
      if (!inserted) throw new ApiError('DUPLICATE', '该身份证号码已登记');
      // Not even the masked number: beside the birth date it read from it, it would be the whole number again.
      await audit('person.create', { psn_no: psnNo, admdvs: body.admdvs });
      return { psn_no: psnNo, certno: maskIdNumber(certno), gend: id.info.gender, brdy: id.info.birthDate };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/persons/:psnNo/categories',
    tag,
    summary: '登记人员身份类别（认定部门的经办人员；认定部门取自登录用户）',
    access: 'operator',
    params: z.object({ psnNo: PsnNo }),
    body: z
      .object({
        code: z.enum(CATEGORY_CODES as [CategoryCode, ...CategoryCode[]]).describe('类别代码'),
        begin: isoDate
          .refine((date) => date >= SPELL_EARLIEST, { message: `开始日期不能早于 ${SPELL_EARLIEST}` })
          .describe('开始日期'),
        end: isoDate
          .refine((date) => date <= SPELL_LATEST, { message: `结束日期不能晚于 ${SPELL_LATEST}` })
          .nullable()
          .default(null)
          .describe('结束日期（空为至今）'),
        // The department is the user's: a body naming another is refused, not believed.
        source_dept: z.string().max(50).optional().describe('认定部门（可省略；须与登录用户一致）'),
      })
      .strict()
      .refine((spell) => spell.end === null || spell.end >= spell.begin, {
        message: '结束日期早于开始日期',
        path: ['end'],
      }),
    status: 201,
    response: z.object({
      spell_id: z.number().int(),
      code: z.string(),
      name: z.string(),
      begin: IsoDay,
      end: IsoDay.nullable(),
      source_dept: z.string(),
    }),
    handler: async ({ me, params, body, audit }) => {
      const psnNo = params.psnNo;
      await requirePersonInScope(pool, me, psnNo);
      // Categories are certified by the department that owns them; the bureau's own users certify the bureau's.
      if (me.township) throw new ApiError('FORBIDDEN', '乡镇（街道）用户不能认定人员类别');
      const department: Department = (me.department as Department | null | undefined) ?? 'medical_security';
      const code = body.code;
      if (!(DEPARTMENTS[department].categories as readonly CategoryCode[]).includes(code))
        throw new ApiError(
          'FORBIDDEN',
          `「${CATEGORY_NAMES[code]}」由${departmentName(ownerOf(code))}认定，${departmentName(department)}的用户不能登记`,
        );
      if (body.source_dept !== undefined && body.source_dept !== department)
        throw new ApiError('FORBIDDEN', `认定部门取自登录用户（${departmentName(department)}），不能代其他部门登记`);
      if (body.begin > chinaDate(new Date(Date.now() + 366 * 86_400_000)))
        throw new ApiError('DATE_ORDER', `开始日期 ${body.begin} 晚于一年以后`);
      const spellId = await insertSpell(
        pool,
        { psnNo, code, begin: body.begin, end: body.end, department },
        (existing) =>
          `该人员已有「${CATEGORY_NAMES[code]}」${existing.begin_date} 至 ${existing.end_date ?? '今'}，与所登记的时段重叠`,
      );
      const recorded = { code, begin: body.begin, end: body.end, source_dept: department };
      await audit('category.add', { psn_no: psnNo, ...recorded });
      return { spell_id: spellId, ...recorded, name: CATEGORY_NAMES[code] };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/persons/:psn_no/vouchers',
    tag,
    summary: `签发医保电子凭证（${VOUCHER_MINUTES} 分钟内有效，仅显示一次）`,
    description: '凭证即人员在窗口出示、HIS 以 mdtrt_cert_type 01 上传的 mdtrt_cert_no；平台只保存其摘要。',
    access: 'operator',
    params: z.object({ psn_no: PsnNo }),
    status: 201,
    response: z.object({
      mdtrt_cert_type: z.literal('01').describe('就诊凭证类型：01 医保电子凭证'),
      mdtrt_cert_no: z.string().describe('凭证令牌（仅此一次显示）'),
      expires_at: ChinaTime.describe('失效时间'),
    }),
    handler: async ({ me, params, audit }) => {
      await requirePersonInScope(pool, me, params.psn_no);
      const voucher = await issueVoucher(pool, params.psn_no, `user:${me.username}`);
      await audit('voucher.issue', { psn_no: params.psn_no });
      return { mdtrt_cert_type: '01' as const, mdtrt_cert_no: voucher.token, expires_at: chinaTime(voucher.expiresAt) };
    },
  });
}

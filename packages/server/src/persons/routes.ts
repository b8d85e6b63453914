/**
 * Persons in the console: search and a person's page within the user's scope (ID numbers masked in every answer).
 * Registration, category spells and vouchers: register-routes.ts.
 */
import { CATEGORY_NAMES, departmentName, type CategoryCode, type Department } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { paging } from '../console/parse.js';
import { chinaTime, ChinaTime, IsoDay, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import { Category, Person, PsnNo, tag } from './answers.js';
import { personDetail, searchPersons } from './queries.js';
import { registerPersonWriteRoutes } from './register-routes.js';

export function registerPersonRoutes(app: FastifyInstance, pool: Pool): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/persons',
    tag,
    summary: '参保人员查询（姓名、人员编号或身份证号；身份证号脱敏）',
    access: 'signed_in',
    query: z.object({ ...paging(200), q: z.string().max(50).optional().describe('姓名（部分）、人员编号或身份证号') }),
    response: z.object({
      total: z.number().int().describe('符合条件的人数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(Person.extend({ categories: z.array(Category).describe('当前有效的人员类别') })),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await searchPersons(pool, me, query.q, query.page, query.size);
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          ...row,
          certno: maskedCertno(row.certno),
          categories: (row.categories ?? []).map((code) => ({
            code,
            name: CATEGORY_NAMES[code as CategoryCode] ?? code,
          })),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/persons/:psnNo',
    tag,
    summary: '人员详情：身份类别、参保缴费、年度累计、结算',
    access: 'signed_in',
    params: z.object({ psnNo: PsnNo }),
    response: Person.extend({
      supplementary: z.boolean().describe('是否参加补充保险'),
      categories: z.array(
        Category.extend({
          spell_id: z.number().int(),
          begin_date: IsoDay,
          end_date: IsoDay.nullable(),
          source_dept: z.string().describe('认定部门代码'),
          source_dept_name: z.string().describe('认定部门'),
        }),
      ),
      enrollments: z.array(
        z.object({
          year: z.number().int(),
          insutype: z.string().describe('险种'),
          begin_date: IsoDay,
          end_date: IsoDay.nullable(),
          contribution: Yuan.describe('个人缴费标准（元）'),
          subsidy: Yuan.describe('资助金额（元）'),
          subsidy_category: z.string().nullable().describe('资助所依类别'),
        }),
      ),
      years: z.array(
        z.object({
          year: z.number().int(),
          settlements: z.number().int().describe('结算次数'),
          admissions: z.number().int().describe('住院次数'),
          medfee: Yuan.describe('医疗费用总额（元）'),
          fund_paid: Yuan.describe('基金支付（元）'),
          personal_burden: Yuan.describe('个人负担（元）'),
          in_scope_burden: Yuan.describe('其中政策范围内个人负担（元）'),
        }),
      ),
      settlements: z.array(
        z.object({
          setl_id: z.string(),
          kind: z.string().describe('settlement 结算、cancellation 冲销、top_up 补付'),
          reverses: z.string().nullable(),
          reversed_by: z.string().nullable(),
          mdtrt_id: z.string(),
          fixmedins_code: z.string(),
          setl_time: ChinaTime,
          med_type: z.string(),
          category: z.string(),
          medfee_sumamt: Yuan,
          hifp_pay: Yuan,
          hifmi_pay: Yuan,
          maf_pay: Yuan,
          oth_pay: Yuan,
          fund_pay_sumamt: Yuan,
          psn_part_amt: Yuan,
        }),
      ),
    }),
    handler: async ({ me, params }) => {
      const found = await personDetail(pool, me, params.psnNo);
      if (!found) throw new ApiError('NOT_FOUND', `查无人员 ${params.psnNo}（或不在您的管辖范围）`);
      return {
        ...found.person,
        certno: maskedCertno(found.person.certno),
        categories: found.categories.map((spell) => ({
          ...spell,
          name: CATEGORY_NAMES[spell.code] ?? spell.code,
          source_dept_name: departmentName(spell.source_dept as Department),
        })),
        enrollments: found.enrollments.map((row) => ({
          ...row,
          contribution: yuan(row.contribution),
          subsidy: yuan(row.subsidy),
        })),
        years: found.years.map((row) => ({
          year: row.year,
          settlements: row.settlements,
          admissions: row.ytd?.admissions ?? 0,
          medfee: yuan(row.ytd?.medfee ?? 0),
          fund_paid: yuan(row.fund_paid),
          personal_burden: yuan(row.personal_burden),
          in_scope_burden: yuan(row.in_scope_burden),
        })),
        settlements: found.settlements.map((row) => ({
          ...row,
          setl_time: chinaTime(row.setl_time),
          medfee_sumamt: yuan(row.medfee_sumamt),
          hifp_pay: yuan(row.hifp_pay),
          hifmi_pay: yuan(row.hifmi_pay),
          maf_pay: yuan(row.maf_pay),
          oth_pay: yuan(row.oth_pay),
          fund_pay_sumamt: yuan(row.fund_pay_sumamt),
          psn_part_amt: yuan(row.psn_part_amt),
        })),
      };
    },
  });
  registerPersonWriteRoutes(app, pool);
}

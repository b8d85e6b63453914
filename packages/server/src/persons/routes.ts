/**
 * Persons in the console: search and a person's page within the user's scope (ID numbers masked in every answer;
 * the page's answer in detail-answer.ts).
 * Registration, category spells and vouchers: register-routes.ts.
 */
import { CATEGORY_NAMES, type CategoryCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { paging } from '../console/parse.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import { Category, Person, PsnNo, tag } from './answers.js';
import { PersonDetail, presentPersonDetail } from './detail-answer.js';
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
    summary: '人员详情：身份类别、参保缴费、年度累计、结算、预警、依申请救助',
    access: 'signed_in',
    params: z.object({ psnNo: PsnNo }),
    response: PersonDetail,
    handler: async ({ me, params }) => {
      const found = await personDetail(pool, me, params.psnNo);
      if (!found) throw new ApiError('NOT_FOUND', `查无人员 ${params.psnNo}（或不在您的管辖范围）`);
      return presentPersonDetail(found);
    },
  });
  registerPersonWriteRoutes(app, pool);
}

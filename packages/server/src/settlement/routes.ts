/**
 * Settlements in the console: a filtered page with its count and sums, and one settlement with each fund's payment
 * and the explanation of every yuan (the trace: each rule, each parameter with its value and source document).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { declareRoute } from '../console/kit.js';
import { isoDate, paging, region } from '../console/parse.js';
import { Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { Detail, Listed, listed, settlementDetail } from './detail.js';
import { registerSettlementPrintRoutes } from './print-routes.js';
import { LISTED_SUMS, listSettlements } from './queries.js';

const tag = '结算';

export function registerSettlementRoutes(app: FastifyInstance, pool: Pool, pdfFont?: string): void {
  registerSettlementPrintRoutes(app, pool, pdfFont);
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/settlements',
    tag,
    summary: '结算查询（按人员、机构、日期、医疗类别、县区；含合计；身份证号脱敏）',
    access: 'signed_in',
    query: z.object({
      ...paging(200),
      psn_no: z.string().max(30).optional().describe('人员编号'),
      fixmedins_code: z.string().max(30).optional().describe('定点医疗机构编号'),
      med_type: z.string().max(10).optional().describe('医疗类别'),
      admdvs: region.optional().describe('参保地区划（含下级）'),
      from: isoDate.optional().describe('结算日期起'),
      to: isoDate.optional().describe('结算日期止（含）'),
    }),
    response: z.object({
      total: z.number().int().describe('符合条件的结算记录数'),
      page: z.number().int(),
      size: z.number().int(),
      sums: z
        .object({
          medfee_sumamt: Yuan,
          hifp_pay: Yuan.describe('基本医保统筹基金支出合计'),
          hifmi_pay: Yuan.describe('大病保险支出合计'),
          maf_pay: Yuan.describe('医疗救助支出合计'),
          fund_pay_sumamt: Yuan,
          psn_part_amt: Yuan,
        })
        .describe('符合条件的全部记录的合计（元；冲销记录为负数）'),
      person_times: z
        .object({
          settlements: z.number().int().describe('结算人次（结算笔数减冲销笔数）'),
          hifp_pay: z.number().int().describe('基本医保支付人次'),
          hifmi_pay: z.number().int().describe('大病保险支付人次'),
          maf_pay: z.number().int().describe('医疗救助支付人次'),
        })
        .describe('各基金支付人次：该基金有支付的结算笔数减其冲销笔数'),
      items: z.array(Listed),
    }),
    handler: async ({ me, query }) => {
      const { total, sums, personTimes, rows } = await listSettlements(
        pool,
        me,
        {
          psnNo: query.psn_no,
          fixmedinsCode: query.fixmedins_code,
          medType: query.med_type,
          admdvs: query.admdvs,
          from: query.from,
          to: query.to,
        },
        query.page,
        query.size,
      );
      return {
        total,
        page: query.page,
        size: query.size,
        sums: Object.fromEntries(LISTED_SUMS.map((name) => [name, yuan(sums[name])])) as Record<
          (typeof LISTED_SUMS)[number],
          string
        >,
        person_times: personTimes,
        items: rows.map(listed),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/settlements/:psnNo/:setlId',
    tag,
    summary: '结算详情：各基金支付与每一元的来历（结算过程），及打印一站式结算单所需的就诊、机构、人员与相关记录',
    access: 'signed_in',
    params: z.object({ psnNo: z.string().max(30), setlId: z.string().max(40) }),
    response: Detail,
    handler: ({ me, params }) => settlementDetail(pool, me, params.psnNo, params.setlId),
  });
}

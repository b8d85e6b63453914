/**
 * Settlements in the console: a filtered page with its count and sums, and one settlement with each fund's payment
 * and the explanation of every yuan (the trace: each rule, each parameter with its value and source document).
 */
import {
  CATEGORY_NAMES,
  expandTrace,
  processInfo,
  SETTLEMENT_AMOUNT_NAMES,
  SETTLEMENT_AMOUNTS,
  type CategoryCode,
  type SettlementAmount,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, paging, region } from '../console/parse.js';
import { chinaTime, ChinaTime, Ratio, ratio, Yuan, yuan } from '../console/units.js';
import { hintsOf, traceAnswer, TraceStepAnswer } from './trace-answer.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import { registerSettlementPrintRoutes } from './print-routes.js';
import {
  findSettlement,
  LISTED_SUMS,
  listSettlements,
  manualOf,
  settlementHistory,
  type SettlementListRow,
} from './queries.js';
import { SheetParts, sheetParts } from './detail-answer.js';

const tag = '结算';

const Amounts = z.object(
  Object.fromEntries(
    SETTLEMENT_AMOUNTS.map((name) => [name, Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES[name]}（元）`)]),
  ) as Record<SettlementAmount, typeof Yuan>,
);

const Listed = Amounts.extend({
  setl_id: z.string().describe('结算ID'),
  kind: z.string().describe('settlement 结算、cancellation 冲销、top_up 补付'),
  psn_no: z.string(),
  psn_name: z.string(),
  certno: z.string().describe('身份证号（脱敏）'),
  mdtrt_id: z.string().describe('就诊ID'),
  fixmedins_code: z.string(),
  fixmedins_name: z.string().describe('定点医疗机构'),
  setl_time: ChinaTime.describe('结算时间'),
  med_type: z.string().describe('医疗类别'),
  category: z.string().describe('结算时的人员类别代码'),
  category_name: z.string().describe('结算时的人员类别'),
});

function listed(row: SettlementListRow): z.input<typeof Listed> {
  return {
    ...row,
    ...(Object.fromEntries(SETTLEMENT_AMOUNTS.map((name) => [name, yuan(row[name])])) as Record<
      SettlementAmount,
      string
    >),
    certno: maskedCertno(row.certno),
    setl_time: chinaTime(row.setl_time),
    category_name: CATEGORY_NAMES[row.category as CategoryCode] ?? '普通参保人员',
  };
}

/** A yuan number of the stored national document (two decimals, exact as decimal) as the API's text. */
const yuanOfNumber = (value: number): string => yuan(Math.round(value * 100));

export function registerSettlementRoutes(app: FastifyInstance, pool: Pool): void {
  registerSettlementPrintRoutes(app, pool);
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
    response: Listed.extend({
      reverses: z.string().nullable().describe('冲销的原结算ID'),
      reversed_by: z.string().nullable().describe('冲销本结算的结算ID'),
      tops_up: z.string().nullable().describe('补付的原结算ID'),
      year: z.number().int(),
      admdvs: z.string().describe('参保地区划'),
      policy_id: z.string().describe('结算所依政策'),
      pool_prop_selfpay: Ratio.describe('基本医保统筹基金支付比例'),
      setldetail: z.array(
        z.object({
          fund_pay_type: z.string().describe('基金支付类型'),
          fund_pay_type_name: z.string(),
          inscp_scp_amt: Yuan.describe('符合政策范围金额（元）'),
          crt_payb_lmt_amt: Yuan.describe('本次可支付限额金额（元）'),
          fund_payamt: Yuan.describe('基金支付金额（元）'),
          setl_proc_info: z.string().describe('结算过程信息'),
        }),
      ),
      trace: z.array(TraceStepAnswer).describe('结算过程：逐层的规则、参数及其依据、计算数'),
      hints: z.array(z.string()).describe('提示：各层年度限额余额、累计起付线（不含本次）等'),
      ...SheetParts,
      manual: z
        .object({
          clerk_name: z.string().describe('经办人'),
          note: z.string().describe('备注'),
          cancel_reason: z.string().nullable().describe('撤销原因'),
        })
        .nullable()
        .describe('零星报销（医保经办机构窗口办理）的经办信息；医疗机构直接结算的为空'),
    }),
    handler: async ({ me, params }) => {
      const row = await findSettlement(pool, me, params.psnNo, params.setlId);
      if (!row) throw new ApiError('NOT_FOUND', `查无结算 ${params.setlId}（或不在您的管辖范围）`);
      const [history, manual] = await Promise.all([
        settlementHistory(pool, row.psn_no, row.mdtrt_id, row.setl_id),
        manualOf(pool, row.psn_no, row.setl_id),
      ]);
      // Stored compactly; the explanation is rendered here, as the HIS received it.
      const trace = expandTrace(row.trace);
      return {
        ...row,
        ...listed(row),
        pool_prop_selfpay: ratio(row.pool_prop_selfpay),
        setldetail: row.setldetail.map((detail) => ({
          ...detail,
          inscp_scp_amt: yuanOfNumber(detail.inscp_scp_amt),
          crt_payb_lmt_amt: yuanOfNumber(detail.crt_payb_lmt_amt),
          fund_payamt: yuanOfNumber(detail.fund_payamt),
          setl_proc_info: processInfo(trace, detail.fund_pay_type),
        })),
        trace: traceAnswer(trace),
        hints: hintsOf(trace),
        ...sheetParts(row, history),
        manual,
      };
    },
  });
}

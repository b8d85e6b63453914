/**
 * 零星报销 in the console: a clerk's pre-settlement and confirmation of a bill paid in full, the list, and a
 * reviewer's reversal with its reason. The settlement itself is shown, printed and explained as any other
 * (/api/settlements/…).
 */
import { SETTLEMENT_AMOUNT_NAMES, SETTLEMENT_AMOUNTS, type SettlementAmount } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireReviewer, type User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, paging } from '../console/parse.js';
import { chinaTime, ChinaTime, Yuan, yuan, YuanInput } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { hintsOf, traceAnswer, TraceStepAnswer } from '../settlement/trace-answer.js';
import { listManual } from './queries.js';
import { confirmManual, previewManual, reverseManual, type ManualDeps, type ManualRequest } from './service.js';

const tag = '零星报销';

/** 先行自付比例 as a percentage with at most two decimals ("10", "12.5"), read into basis points. */
const Percent = z
  .union([z.string(), z.number()])
  .transform((value, context) => {
    const text = String(value).trim();
    const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
    const bp = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
    if (bp >= 0 && bp <= 10_000) return bp;
    context.addIssue({ code: 'custom', message: '应为 0–100 的百分比，至多两位小数' });
    return z.NEVER;
  })
  .describe('乙类先行自付比例（%）');

const Line = z
  .object({
    name: z.string().trim().min(1).max(50).describe('项目名称（如发票所列）'),
    grade: z.enum(['01', '02', '03']).describe('收费项目等级：01 甲类、02 乙类、03 丙类'),
    amount: YuanInput.describe('金额（元）'),
    selfpay_percent: Percent.optional(),
  })
  .strict();

const Body = z
  .object({
    request_key: z.uuid({ message: '应为 UUID' }).describe('请求编号：同一编号只结算一次（重复提交返回原结算）'),
    psn_no: z.string().min(1).max(30).describe('人员编号'),
    fixmedins_code: z.string().min(1).max(30).describe('就诊的定点医疗机构'),
    med_type: z.string().min(2).max(6).describe('医疗类别'),
    begin_date: isoDate.describe('入院（就诊）日期'),
    end_date: isoDate.nullable().default(null).describe('出院日期（住院必填）'),
    diagnoses: z.array(z.string().trim().min(1).max(50)).max(20).default([]).describe('诊断'),
    note: z.string().trim().max(200).default('').describe('备注（如未能直接结算的原因）'),
    bill: z
      .discriminatedUnion('mode', [
        z
          .object({
            mode: z.literal('totals'),
            medfee_sumamt: YuanInput.describe('医疗费总额（元）'),
            fulamt_ownpay_amt: YuanInput.describe('全自费金额（元）'),
            overlmt_selfpay: YuanInput.describe('超限价自费（元）'),
            preselfpay_amt: YuanInput.describe('先行自付金额（元）'),
          })
          .strict(),
        z.object({ mode: z.literal('lines'), lines: z.array(Line).max(500) }).strict(),
      ])
      .describe('费用：按总额（totals）或按明细（lines）'),
  })
  .strict();

function request(body: z.output<typeof Body>): ManualRequest {
  const bill = body.bill;
  return {
    requestKey: body.request_key,
    psnNo: body.psn_no,
    fixmedinsCode: body.fixmedins_code,
    medType: body.med_type,
    begin: body.begin_date,
    end: body.end_date,
    diagnoses: body.diagnoses,
    note: body.note,
    bill:
      bill.mode === 'totals'
        ? {
            mode: 'totals',
            medfee: bill.medfee_sumamt,
            fullOwnPay: bill.fulamt_ownpay_amt,
            overLimit: bill.overlmt_selfpay,
            preSelfPay: bill.preselfpay_amt,
          }
        : {
            mode: 'lines',
            lines: bill.lines.map((line) => ({
              name: line.name,
              grade: line.grade,
              fee: line.amount,
              preSelfPayRatio: line.grade === '02' ? (line.selfpay_percent ?? 0) : 0,
            })),
          },
  };
}

const Amounts = z.object(
  Object.fromEntries(
    SETTLEMENT_AMOUNTS.map((name) => [name, Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES[name]}（元）`)]),
  ) as Record<SettlementAmount, typeof Yuan>,
);

/** The counter's clerk: an operator of the bureau, not of a township's office or another department. */
function requireCounter(me: User): void {
  if (me.township || (me.department && me.department !== 'medical_security'))
    throw new ApiError('FORBIDDEN', '零星报销由医疗保障经办机构办理');
}

export function registerManualRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  const deps: ManualDeps = { pool, policies, clock };

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/manual-settlements/preview',
    tag,
    summary: '零星报销预结算：按同一结算规则计算各基金支付与每一元的来历（不保存）',
    access: 'operator',
    guard: requireCounter,
    body: Body,
    response: Amounts.extend({
      category: z.string().describe('结算时的人员类别代码'),
      trace: z.array(TraceStepAnswer).describe('结算过程'),
      hints: z.array(z.string()).describe('提示：各层年度限额余额、累计起付线（不含本次）等'),
    }),
    handler: async ({ me, body }) => {
      const result = await previewManual(deps, me, request(body));
      const s = result.settlement;
      return {
        ...(Object.fromEntries(SETTLEMENT_AMOUNTS.map((name) => [name, yuan(s[name])])) as Record<
          SettlementAmount,
          string
        >),
        category: s.category,
        trace: traceAnswer(result.trace ?? []),
        hints: hintsOf(result.trace ?? []),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/manual-settlements',
    tag,
    summary: '零星报销确认结算：保存结算并记账（经办人为当前用户）；同一请求编号重复提交返回原结算',
    description: '新结算 201；同一请求编号的重复提交 200（replay 为 true，未再次结算）。',
    access: 'operator',
    guard: requireCounter,
    body: Body,
    response: z.object({
      psn_no: z.string(),
      setl_id: z.string().describe('结算ID'),
      replay: z.boolean().describe('是否为重复提交（未再次结算）'),
    }),
    handler: async ({ me, body, audit, reply }) => {
      const confirmed = await confirmManual(deps, me, request(body));
      if (!confirmed.replay) {
        void reply.status(201);
        await audit('manual.settle', { psn_no: body.psn_no, setl_id: confirmed.setlId });
      }
      return { psn_no: body.psn_no, setl_id: confirmed.setlId, replay: confirmed.replay };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/manual-settlements',
    tag,
    summary: '零星报销记录（管辖范围内；可按是否已撤销筛选）',
    access: 'signed_in',
    query: z.object({ ...paging(200), cancelled: z.enum(['true', 'false']).optional().describe('是否已撤销') }),
    response: z.object({
      total: z.number().int(),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(
        z.object({
          psn_no: z.string(),
          psn_name: z.string(),
          setl_id: z.string(),
          setl_time: ChinaTime,
          fixmedins_name: z.string(),
          med_type: z.string(),
          medfee_sumamt: Yuan,
          hifp_pay: Yuan,
          hifmi_pay: Yuan,
          maf_pay: Yuan,
          psn_part_amt: Yuan,
          clerk_name: z.string().describe('经办人'),
          note: z.string(),
          cancellation_id: z.string().nullable().describe('撤销结算ID'),
          cancelled_by_name: z.string().nullable().describe('撤销人'),
          cancel_reason: z.string().nullable().describe('撤销原因'),
          cancelled_at: ChinaTime.nullable(),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const filter = { cancelled: query.cancelled === undefined ? undefined : query.cancelled === 'true' };
      const { total, rows } = await listManual(pool, me, filter, query.page, query.size);
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          ...row,
          setl_time: chinaTime(row.setl_time),
          cancelled_at: row.cancelled_at ? chinaTime(row.cancelled_at) : null,
          medfee_sumamt: yuan(row.medfee_sumamt),
          hifp_pay: yuan(row.hifp_pay),
          hifmi_pay: yuan(row.hifmi_pay),
          maf_pay: yuan(row.maf_pay),
          psn_part_amt: yuan(row.psn_part_amt),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/manual-settlements/:psnNo/:setlId/cancellation',
    tag,
    summary: '撤销零星报销（审核人员；须说明原因）：冲销结算，各基金支付与年度累计随之退回',
    access: 'signed_in',
    guard: requireReviewer,
    params: z.object({ psnNo: z.string().max(30), setlId: z.string().max(40) }),
    body: z.object({ reason: z.string().trim().min(2, { message: '请填写撤销原因' }).max(200) }).strict(),
    status: 201,
    response: z.object({ cancellation_id: z.string().describe('冲销结算ID') }),
    handler: async ({ me, params, body, audit }) => {
      const { cancellationId } = await reverseManual(deps, me, params.psnNo, params.setlId, body.reason);
      await audit('manual.cancel', { psn_no: params.psnNo, setl_id: params.setlId, reason: body.reason });
      return { cancellation_id: cancellationId };
    },
  });
}

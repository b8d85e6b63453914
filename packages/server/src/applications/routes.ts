/**
 * Assistance on application over the console API: register an application, list and read them (with the top-ups an
 * approval paid and their traces), and decide. The bureau's operators register and reviewers decide (not the same
 * person for one application); other departments' users read. IDs are masked.
 */
import { CATEGORY_NAMES, expandTrace, yearOf } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireReviewer, type User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { paging, year } from '../console/parse.js';
import { requirePersonInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, chinaTimeOrNull, IsoDay, Yuan, yuan, yuanOrNull } from '../console/units.js';
import { inTransaction, type Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { chinaDate } from '../time.js';
import { applicationInScope, findApplication, listApplications, type ApplicationRow } from './queries.js';
import { apply, approve, lockPending, refuse, APPLICATION_STATUSES, type ApplicationStatus } from './service.js';
import { traceAnswer, TraceStepAnswer } from '../settlement/trace-answer.js';

const tag = '依申请医疗救助';
const STATUS_CODES = Object.keys(APPLICATION_STATUSES) as [ApplicationStatus, ...ApplicationStatus[]];
const Status = z.enum(STATUS_CODES).describe('pending 待审核、approved 已批准、refused 不予批准');
const Id = z.object({ id: z.coerce.number().int().min(1).describe('申请编号') });

const Application = z.object({
  application_id: z.number().int().describe('申请编号'),
  psn_no: z.string().describe('人员编号'),
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号（脱敏）'),
  admdvs: z.string().describe('参保地区划'),
  township: z.string().describe('乡镇（街道）'),
  year: z.number().int().describe('年度'),
  status: Status,
  status_name: z.string().describe('状态名称'),
  burden: Yuan.describe('申请时的年度个人自付费用（元）'),
  qualifying: Yuan.describe('依申请救助认定标准（元）'),
  note: z.string().describe('申请说明'),
  applied_by: z.string().describe('登记人（user:用户名）'),
  applied_by_name: z.string().describe('登记人名称'),
  applied_at: ChinaTime.describe('登记时间'),
  decided_by: z.string().nullable().describe('审核人（user:用户名）'),
  decided_by_name: z.string().nullable().describe('审核人名称'),
  decided_at: ChinaTime.nullable().describe('审核时间'),
  reason: z.string().nullable().describe('审核理由'),
  top_up: Yuan.nullable().describe('批准后补付合计（元）'),
});

function present(row: ApplicationRow): z.input<typeof Application> {
  return {
    ...row,
    certno: maskedCertno(row.certno),
    status_name: APPLICATION_STATUSES[row.status],
    burden: yuan(row.burden),
    qualifying: yuan(row.qualifying),
    applied_at: chinaTime(row.applied_at),
    decided_at: chinaTimeOrNull(row.decided_at),
    top_up: yuanOrNull(row.top_up),
  };
}

/** Applications are the medical security bureau's business: other departments' users only read them. */
function requireBureauOperator(me: User): void {
  if (me.department && me.department !== 'medical_security')
    throw new ApiError('FORBIDDEN', '依申请救助由医疗保障经办机构办理');
}

export function registerApplicationRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/assistance-applications',
    tag,
    summary: '登记依申请救助（普通参保群众年度自付费用超过认定标准）',
    access: 'operator',
    guard: requireBureauOperator,
    body: z
      .object({
        psn_no: z.string().min(1).max(40).describe('人员编号'),
        year: year.optional().describe('年度（默认今年）'),
        note: z.string().max(2000).default('').describe('申请说明'),
      })
      .strict(),
    status: 201,
    response: z.object({
      application_id: z.number().int().describe('申请编号'),
      psn_no: z.string().describe('人员编号'),
      year: z.number().int().describe('年度'),
      status: Status,
      status_name: z.string().describe('状态名称'),
      burden: Yuan.describe('年度个人自付费用（元）'),
      qualifying: Yuan.describe('依申请救助认定标准（元）'),
    }),
    handler: async ({ me, body }) => {
      const now = clock();
      const forYear = body.year ?? yearOf(chinaDate(now));
      await requirePersonInScope(pool, me, body.psn_no);
      const created = await inTransaction(pool, (client) =>
        apply(client, policies, {
          psnNo: body.psn_no,
          year: forYear,
          note: body.note.trim(),
          actor: `user:${me.username}`,
          now,
        }),
      );
      return {
        application_id: created.applicationId,
        psn_no: body.psn_no,
        year: forYear,
        status: 'pending' as const,
        status_name: APPLICATION_STATUSES.pending,
        burden: yuan(created.burden),
        qualifying: yuan(created.qualifying),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/assistance-applications',
    tag,
    summary: '依申请救助（按状态、年度筛选）',
    access: 'signed_in',
    query: z.object({ status: Status.optional(), year: year.optional().describe('年度'), ...paging(500) }).strict(),
    response: z.object({
      total: z.number().int().describe('符合条件的申请数'),
      page: z.number().int(),
      items: z.array(Application),
    }),
    handler: async ({ me, query }) => {
      const filter = { status: query.status, year: query.year };
      const { total, rows } = await listApplications(pool, me, filter, query.page, query.size);
      return { total, page: query.page, items: rows.map(present) };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/assistance-applications/:id',
    tag,
    summary: '一件申请：审核结果、认定类别、补付结算及其计算过程',
    access: 'signed_in',
    params: Id,
    response: Application.extend({
      spell_id: z.number().int().nullable().describe('批准所认定的类别记录'),
      category: z
        .object({
          code: z.string().describe('类别代码'),
          name: z.string().describe('类别名称'),
          begin: IsoDay.describe('开始日期'),
          end: IsoDay.nullable().describe('结束日期'),
        })
        .nullable()
        .describe('批准所认定的人员类别'),
      top_ups: z
        .array(
          z.object({
            setl_id: z.string().describe('补付结算ID'),
            tops_up: z.string().describe('补付的原结算ID'),
            mdtrt_id: z.string().describe('就诊ID'),
            fixmedins_code: z.string().describe('定点医疗机构编号'),
            hifp_pay: Yuan.describe('基本医疗保险统筹基金支出（元）'),
            hifmi_pay: Yuan.describe('大病保险支出（元）'),
            maf_pay: Yuan.describe('医疗救助基金支出（元）'),
            oth_pay: Yuan.describe('其他支出（元）'),
            fund_pay_sumamt: Yuan.describe('基金支付总额（元）'),
            psn_part_amt: Yuan.describe('个人负担总金额（元，补付为负）'),
            trace: z.array(TraceStepAnswer).describe('重新结算的过程：逐层的规则、参数及其依据、计算数'),
          }),
        )
        .describe('批准后的补付结算'),
    }),
    handler: async ({ me, params }) => {
      const found = await findApplication(pool, me, params.id);
      if (!found) throw new ApiError('NOT_FOUND', `查无申请 ${params.id}（或不在您的管辖范围）`);
      const { application, category, topUps } = found;
      return {
        ...present(application),
        spell_id: application.spell_id,
        category: category
          ? {
              code: category.code,
              name: CATEGORY_NAMES[category.code],
              begin: category.begin_date,
              end: category.end_date,
            }
          : null,
        top_ups: topUps.map(({ trace, ...topUp }) => ({
          ...topUp,
          hifp_pay: yuan(topUp.hifp_pay),
          hifmi_pay: yuan(topUp.hifmi_pay),
          maf_pay: yuan(topUp.maf_pay),
          oth_pay: yuan(topUp.oth_pay),
          fund_pay_sumamt: yuan(topUp.fund_pay_sumamt),
          psn_part_amt: yuan(topUp.psn_part_amt),
          trace: traceAnswer(expandTrace(trace)),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/assistance-applications/:id/decision',
    tag,
    summary: '审核：批准（认定类别、重新结算、补付）或不予批准（须写明理由）',
    description: '限医疗保障经办机构的审核人员，且不能审核本人登记的申请。',
    // The reviewer role is not a rank above the operator's but beside it: a guard, not a minimum role.
    access: 'signed_in',
    guard: requireReviewer,
    params: Id,
    body: z
      .object({
        decision: z.enum(['approve', 'refuse']).describe('approve 批准、refuse 不予批准'),
        reason: z.string().max(2000).default('').describe('理由（不予批准时必填）'),
      })
      .strict()
      .refine((value) => value.decision === 'approve' || value.reason.trim() !== '', {
        message: '不予批准须写明理由',
        path: ['reason'],
      }),
    response: z.object({
      application_id: z.number().int().describe('申请编号'),
      status: Status,
      status_name: z.string().describe('状态名称'),
      top_up: Yuan.optional().describe('批准时：补付合计（元）'),
      top_ups: z
        .array(
          z.object({
            setl_id: z.string().describe('补付结算ID'),
            tops_up: z.string().describe('补付的原结算ID'),
            amount: Yuan.describe('补付金额（元）'),
          }),
        )
        .optional()
        .describe('批准时：每次补付'),
    }),
    handler: async ({ me, params: { id }, body }) => {
      const now = clock();
      const actor = `user:${me.username}`;
      return inTransaction(pool, async (client) => {
        if (!(await applicationInScope(client, me, id)))
          throw new ApiError('NOT_FOUND', `查无申请 ${id}（或不在您的管辖范围）`);
        const application = await lockPending(client, id, actor);
        const decision = { reason: body.reason.trim(), actor, now };
        if (body.decision === 'refuse') {
          await refuse(client, application, decision);
          return { application_id: id, status: 'refused' as const, status_name: APPLICATION_STATUSES.refused };
        }
        const approval = await approve(client, policies, application, decision);
        return {
          application_id: id,
          status: 'approved' as const,
          status_name: APPLICATION_STATUSES.approved,
          top_up: yuan(approval.topUp),
          top_ups: approval.topUps.map((entry) => ({
            setl_id: entry.setlId,
            tops_up: entry.topsUp,
            amount: yuan(entry.amount),
          })),
        };
      });
    },
  });
}

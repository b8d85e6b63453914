/**
 * The warning ledger (预警台账) over the console API: the list and its workbook, one person-year's history and the
 * follow-up steps. Screening on demand, the feedback batches and the webhook receivers are in feedback-routes.ts;
 * hand-down, recall and the counts in handover-routes.ts, the remarks in remark-routes.ts. Township users see only
 * their township's warnings handed down to it, department users those routed to them; ID numbers are always masked.
 */
import {
  departmentName,
  nextStatuses,
  refuseTransition,
  WARNING_LEVEL_NAMES,
  WARNING_STATUSES,
  yearOf,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { paging, year } from '../console/parse.js';
import { chinaTime, ChinaTime, chinaTimeOrNull, IsoDay, Yuan, yuan } from '../console/units.js';
import { inTransaction, type Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { chinaDate, chinaDateTime } from '../time.js';
import { workbookXlsx } from '../xlsx.js';
import { recordStep } from './actions.js';
import { registerFeedbackRoutes } from './feedback-routes.js';
import { HANDOVER_BASIS_NAMES, HANDOVER_KIND_NAMES } from './handover.js';
import { remarksOf, warningHandovers } from './handover-queries.js';
import { registerHandoverRoutes } from './handover-routes.js';
import { registerRemarkRoutes } from './remark-routes.js';
import { findWarning, warningHistory, warningLedger, warningPage, type WarningRow } from './queries.js';
import { actorName, Level, present, Status, tag, Warning } from './shapes.js';

const WarningParams = z.object({ psn_no: z.string().max(40).describe('人员编号'), year: year.describe('年度') });

export function registerWarningRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warnings',
    tag,
    summary: '预警台账（蓝黄红码；按级别、状态、乡镇筛选；format=xlsx 导出）',
    access: 'signed_in',
    query: z
      .object({
        year: year.optional().describe('年度（默认今年）'),
        level: Level.optional().describe('预警级别（默认全部有级别的预警）'),
        status: Status.optional(),
        township: z.string().max(40).optional().describe('乡镇（街道）'),
        handed_down: z.enum(['true', 'false']).optional().describe('true 只看已下放的，false 只看未下放的'),
        format: z.enum(['json', 'xlsx']).default('json').describe('json 或 xlsx（工作簿，金额为元）'),
        ...paging(500),
      })
      .strict(),
    files: [XLSX],
    response: z.object({
      total: z.number().int().describe('符合条件的预警数'),
      page: z.number().int(),
      items: z.array(Warning),
    }),
    handler: async ({ me, query }) => {
      const filter = {
        year: query.year ?? yearOf(chinaDate(clock())),
        level: query.level,
        status: query.status,
        township: query.township,
        handedDown: query.handed_down === undefined ? undefined : query.handed_down === 'true',
      };
      if (query.format === 'xlsx') {
        const rows = await warningLedger(pool, me, filter);
        return new FileAnswer(`预警台账-${filter.year}.xlsx`, XLSX, await ledgerWorkbook(rows));
      }
      const { total, rows } = await warningPage(pool, me, filter, query.page, query.size);
      return { total, page: query.page, items: rows.map(present) };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warnings/:psn_no/:year',
    tag,
    summary: '一人一年的预警：级别变化（及引起变化的金额）、跟进记录、反馈批次、下放与收回、乡镇备注与局备注',
    access: 'signed_in',
    params: WarningParams,
    response: Warning.extend({
      next_statuses: z
        .array(z.object({ status: Status, name: z.string().describe('状态名称') }))
        .describe('可登记的下一步跟进状态'),
      history: z
        .array(
          z.object({
            from_level: Level.describe('原级别'),
            to_level: Level.describe('新级别'),
            amount: Yuan.describe('引起变化的年度自付医药费用（元）'),
            cause: z.string().describe('screening 筛查、settlement 结算、cancellation 冲销'),
            setl_id: z.string().nullable().describe('引起变化的结算ID'),
            at: ChinaTime.describe('变化时间'),
          }),
        )
        .describe('级别变化，先后为序'),
      actions: z
        .array(
          z.object({
            from_status: Status.describe('原状态'),
            to_status: Status.describe('新状态'),
            actor: z.string().describe('登记人（user:用户名，或 system:平台作业）'),
            actor_name: z.string().describe('登记人名称'),
            note: z.string().describe('说明'),
            at: ChinaTime.describe('登记时间'),
          }),
        )
        .describe('跟进记录，先后为序'),
      feedback: z
        .array(
          z.object({
            batch_id: z.number().int().describe('反馈批次'),
            level: Level,
            due_date: IsoDay.describe('反馈日期'),
            is_new: z.boolean().describe('是否为该批次新增'),
            at: ChinaTime.describe('生成时间'),
          }),
        )
        .describe('所在的反馈批次'),
      handovers: z
        .array(
          z.object({
            handover_id: z.number().int().describe('批次'),
            kind: z.enum(['down', 'recall']).describe('down 下放、recall 收回'),
            kind_name: z.string().describe('下放或收回'),
            basis_name: z.string().describe('方式'),
            actor_name: z.string().describe('办理人'),
            note: z.string().describe('说明'),
            at: ChinaTime.describe('办理时间'),
          }),
        )
        .describe('下放与收回，先后为序'),
      township_remark_by: z.string().nullable().describe('乡镇备注的填写人'),
      township_remark_at: ChinaTime.nullable().describe('乡镇备注的填写时间'),
      bureau_remark_by: z.string().nullable().describe('局备注的填写人'),
      bureau_remark_at: ChinaTime.nullable().describe('局备注的填写时间'),
    }),
    handler: async ({ me, params }) => {
      const warning = await findWarning(pool, me, params.psn_no, params.year);
      const [history, handovers, remarks] = await Promise.all([
        warningHistory(pool, params.psn_no, params.year),
        warningHandovers(pool, params.psn_no, params.year),
        remarksOf(pool, params.psn_no, params.year),
      ]);
      return {
        ...remarks,
        township_remark_at: chinaTimeOrNull(remarks.township_remark_at),
        bureau_remark_at: chinaTimeOrNull(remarks.bureau_remark_at),
        handovers: handovers.map((handover) => ({
          ...handover,
          kind_name: HANDOVER_KIND_NAMES[handover.kind],
          basis_name: HANDOVER_BASIS_NAMES[handover.basis],
          actor_name: actorName(handover.actor, handover.actor_name),
          at: chinaTime(handover.at),
        })),
        ...present(warning),
        next_statuses: nextStatuses(warning.status).map((status) => ({ status, name: WARNING_STATUSES[status] })),
        history: history.levels.map((change) => ({ ...change, amount: yuan(change.amount), at: chinaTime(change.at) })),
        actions: history.actions.map((action) => ({
          ...action,
          actor_name: actorName(action.actor, action.actor_name),
          at: chinaTime(action.at),
        })),
        feedback: history.feedback.map((batch) => ({ ...batch, at: chinaTime(batch.at) })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/warnings/:psn_no/:year/actions',
    tag,
    summary: '登记跟进：已反馈 → 已入户走访 → 已纳入监测 / 已救助帮扶 → 已办结',
    access: 'operator',
    params: WarningParams,
    body: z
      .object({
        status: Status.describe('新的跟进状态'),
        note: z.string().max(2000).default('').describe('说明（走访情况等；部分状态必填）'),
      })
      .strict(),
    status: 201,
    response: z.object({
      psn_no: z.string().describe('人员编号'),
      year: z.number().int().describe('年度'),
      from_status: Status.describe('原状态'),
      status: Status.describe('新状态'),
      status_name: z.string().describe('新状态名称'),
      actor: z.string().describe('登记人用户名'),
      at: ChinaTime.describe('登记时间'),
    }),
    handler: async ({ me, params, body }) => {
      const at = clock();
      const actor = `user:${me.username}`;
      // The step and its audit row are one write: the warning is locked from reading its status to recording the step.
      const done = await inTransaction(pool, async (client) => {
        const warning = await findWarning(client, me, params.psn_no, params.year, true);
        const refusal = refuseTransition(warning.status, body.status, body.note);
        if (refusal) throw new ApiError('WARNING_STATE', refusal);
        const step = { psnNo: params.psn_no, year: params.year, from: warning.status, to: body.status };
        await recordStep(client, { ...step, actor, note: body.note.trim(), at });
        await audit(client, actor, 'warning.action', {
          psn_no: params.psn_no,
          year: params.year,
          from: warning.status,
          to: body.status,
        });
        return warning;
      });
      return {
        psn_no: params.psn_no,
        year: params.year,
        from_status: done.status,
        status: body.status,
        status_name: WARNING_STATUSES[body.status],
        actor: me.username,
        at: chinaTime(at),
      };
    },
  });

  registerFeedbackRoutes(app, pool, policies, clock);
  registerHandoverRoutes(app, pool, clock);
  registerRemarkRoutes(app, pool, clock);
}

function ledgerWorkbook(rows: readonly WarningRow[]): Promise<Buffer> {
  return workbookXlsx([
    {
      name: '预警台账',
      columns: [
        { header: '县（市、区）', width: 12 },
        { header: '乡镇（街道）', width: 14 },
        { header: '人员编号', width: 22, text: true },
        { header: '姓名', width: 10 },
        { header: '身份证号码', width: 22, text: true },
        { header: '人群', width: 18 },
        { header: '预警级别', width: 10 },
        { header: '年度自付医药费用（元）', width: 22, money: true },
        { header: '反馈部门', width: 14 },
        { header: '反馈时限', width: 12 },
        { header: '跟进状态', width: 12 },
        { header: '首次预警时间', width: 20 },
        { header: '下放状态', width: 10 },
        { header: '乡镇备注', width: 30 },
        { header: '局备注', width: 30 },
      ],
      rows: rows.map((row) => [
        row.county,
        row.township,
        row.psn_no,
        row.psn_name,
        maskedCertno(row.certno),
        row.population,
        WARNING_LEVEL_NAMES[row.level],
        Number(row.amount),
        departmentName(row.department),
        row.feedback_due,
        WARNING_STATUSES[row.status],
        chinaDateTime(row.raised_at),
        row.handover_id !== null ? '已下放' : row.recalled ? '已收回' : '未下放',
        row.township_remark,
        row.bureau_remark,
      ]),
    },
  ]);
}

/**
 * The warning ledger (预警台账) over the console API: the list and its workbook, one person-year's history and the
 * follow-up steps. Screening on demand, the feedback batches and the webhook receivers are in feedback-routes.ts.
 * Township and department users see only their own warnings; ID numbers are always masked.
 */
import {
  departmentName,
  nextStatuses,
  refuseTransition,
  WARNING_LEVEL_NAMES,
  WARNING_STATUS_CODES,
  WARNING_STATUSES,
  yearOf,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { paging, year } from '../console/parse.js';
import { chinaTime, ChinaTime, IsoDay, Yuan, yuan } from '../console/units.js';
import { inTransaction, type Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { chinaDate, chinaDateTime } from '../time.js';
import { workbookXlsx } from '../xlsx.js';
import { recordStep } from './actions.js';
import { registerFeedbackRoutes } from './feedback-routes.js';
import { findWarning, warningHistory, warningLedger, warningPage, type WarningRow } from './queries.js';

const tag = '因病返贫致贫预警';
const Level = z.enum(['none', 'blue', 'yellow', 'red']).describe('预警级别：none 无、blue 蓝码、yellow 黄码、red 红码');
const Status = z.enum(WARNING_STATUS_CODES).describe('跟进状态');
const WarningParams = z.object({ psn_no: z.string().max(40).describe('人员编号'), year: year.describe('年度') });

const Warning = z.object({
  psn_no: z.string().describe('人员编号'),
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号（脱敏）'),
  year: z.number().int().describe('年度'),
  level: Level,
  level_name: z.string().describe('预警级别名称'),
  population: z.string().describe('人群（帮扶对象或普通参保群众）'),
  amount: Yuan.describe('级别最近一次变化时的年度自付医药费用（元）'),
  admdvs: z.string().describe('县（市、区）区划'),
  county: z.string().describe('县（市、区）'),
  township: z.string().describe('乡镇（街道）'),
  department: z.string().describe('反馈部门代码'),
  department_name: z.string().describe('反馈部门'),
  status: Status,
  status_name: z.string().describe('跟进状态名称'),
  feedback_due: IsoDay.describe('反馈时限'),
  raised_at: ChinaTime.describe('首次预警时间'),
  level_at: ChinaTime.describe('级别最近一次变化的时间'),
});

function present(row: WarningRow): z.input<typeof Warning> {
  return {
    ...row,
    certno: maskedCertno(row.certno),
    amount: yuan(row.amount),
    level_name: WARNING_LEVEL_NAMES[row.level],
    status_name: WARNING_STATUSES[row.status],
    department_name: departmentName(row.department),
    raised_at: chinaTime(row.raised_at),
    level_at: chinaTime(row.level_at),
  };
}

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
    summary: '一人一年的预警：级别变化（及引起变化的金额）、跟进记录、反馈批次',
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
    }),
    handler: async ({ me, params }) => {
      const warning = await findWarning(pool, me, params.psn_no, params.year);
      const history = await warningHistory(pool, params.psn_no, params.year);
      return {
        ...present(warning),
        next_statuses: nextStatuses(warning.status).map((status) => ({ status, name: WARNING_STATUSES[status] })),
        history: history.levels.map((change) => ({ ...change, amount: yuan(change.amount), at: chinaTime(change.at) })),
        actions: history.actions.map((action) => ({ ...action, at: chinaTime(action.at) })),
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
      ]),
    },
  ]);
}

/**
 * How warnings are raised and reach townships and departments, over the console API: screening on demand, the
 * feedback batches and their workbooks, and the receivers of red warnings (webhooks) with their deliveries. Batches
 * are scoped as warnings are (region, township, department); receivers by region.
 */
import { CADENCE_NAMES, DEPARTMENT_CODES, departmentName, WARNING_LEVEL_NAMES, type Cadence } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { paging, region } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, chinaTimeOrNull, IsoDay } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { chinaDate } from '../time.js';
import { batchWorkbook } from './feedback.js';
import { feedbackBatch, feedbackBatches, insertWebhookEndpoint, webhookDeliveries } from './queries.js';
import { screen } from './screening.js';

const tag = '因病返贫致贫预警';
const Level = z.enum(['none', 'blue', 'yellow', 'red']).describe('预警级别：none 无、blue 蓝码、yellow 黄码、red 红码');
const Count = z.number().int();

export function registerFeedbackRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/screenings',
    tag,
    summary: '立即筛查（默认全部人群；可限区划、人群的筛查频次）',
    access: 'operator',
    body: z
      .object({
        region: region.optional().describe('区划（含下级；默认本人管辖范围）'),
        cadence: z
          .enum(Object.keys(CADENCE_NAMES) as [Cadence, ...Cadence[]])
          .optional()
          .describe('只筛查按此频次筛查的人群（默认全部人群）'),
      })
      .strict(),
    response: z.object({
      date: IsoDay.describe('筛查日期'),
      year: Count.describe('年度'),
      cadence: z.string().nullable().describe('筛查频次（空为全部人群）'),
      candidates: Count.describe('超过最低预警线、逐一判断的人数'),
      raised: z.object({ blue: Count, yellow: Count, red: Count }).describe('本次筛查升至各级别的人数'),
      townships: z
        .array(
          z.object({
            admdvs: z.string().describe('县（市、区）区划'),
            county: z.string().describe('县（市、区）'),
            township: z.string().describe('乡镇（街道）'),
            blue: Count.describe('蓝码人数'),
            yellow: Count.describe('黄码人数'),
            red: Count.describe('红码人数'),
          }),
        )
        .describe('筛查后各乡镇（街道）的预警人数'),
      milliseconds: Count.describe('用时（毫秒）'),
    }),
    handler: async ({ me, body, audit }) => {
      const area = body.region ?? me.scope_admdvs ?? undefined;
      if (area !== undefined) await requireRegionInScope(pool, me, area);
      const now = clock();
      const summary = await screen(pool, policies, { date: chinaDate(now), now, cadence: body.cadence, region: area });
      await audit('warning.screen', { region: area ?? null, cadence: body.cadence ?? null, raised: summary.raised });
      return summary;
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warning-feedback',
    tag,
    summary: '反馈批次（按乡镇、部门、级别）',
    access: 'signed_in',
    query: z.object({ level: Level.optional(), ...paging(500) }).strict(),
    response: z.object({
      total: Count.describe('批次数'),
      page: Count,
      items: z.array(
        z.object({
          batch_id: Count.describe('反馈批次'),
          level: Level,
          level_name: z.string().describe('预警级别名称'),
          admdvs: z.string().describe('县（市、区）区划'),
          county: z.string().describe('县（市、区）'),
          township: z.string().describe('乡镇（街道）'),
          department: z.string().describe('反馈部门代码'),
          department_name: z.string().describe('反馈部门'),
          due_date: IsoDay.describe('反馈日期'),
          warnings: Count.describe('预警人数'),
          new_warnings: Count.describe('本期新增人数'),
          at: ChinaTime.describe('生成时间'),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await feedbackBatches(pool, me, query.level, query.page, query.size);
      return {
        total,
        page: query.page,
        items: rows.map((row) => ({
          ...row,
          // bigint, read as a number by the pool (BatchRow says text).
          batch_id: Number(row.batch_id),
          level_name: WARNING_LEVEL_NAMES[row.level],
          department_name: departmentName(row.department),
          at: chinaTime(row.at),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warning-feedback/:batch_id/xlsx',
    tag,
    summary: '反馈批次的预警台账（XLSX）',
    access: 'signed_in',
    params: z.object({ batch_id: z.coerce.number().int().min(1).describe('反馈批次') }),
    files: [XLSX],
    handler: async ({ me, params }) => {
      const batch = await feedbackBatch(pool, me, params.batch_id);
      if (!batch) throw new ApiError('NOT_FOUND', `查无反馈批次 ${params.batch_id}（或不在您的管辖范围）`);
      return new FileAnswer(
        `${batch.county}${batch.township}-${WARNING_LEVEL_NAMES[batch.level]}台账-${batch.due_date}.xlsx`,
        XLSX,
        await batchWorkbook(pool, batch),
      );
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/webhook-endpoints',
    tag,
    summary: '登记红码推送接收地址（管理员）',
    access: 'administrator',
    body: z
      .object({
        name: z.string().min(1).max(100).describe('接收方名称'),
        url: z.url({ protocol: /^https?$/, error: '应为 http(s):// 开头的地址' }).describe('接收地址'),
        secret: z
          .string()
          .min(16, { message: '签名密钥至少 16 位' })
          .max(200)
          .describe('签名密钥（HMAC-SHA256；接收方持有同一密钥）'),
        department: z.enum(DEPARTMENT_CODES).nullable().default(null).describe('只接收路由到此部门的预警（空为全部）'),
        admdvs: region.nullable().default(null).describe('只接收此县（市、区）的预警（空为全部；须在管辖范围内）'),
        township: z.string().min(1).max(40).nullable().default(null).describe('只接收此乡镇（街道）的预警'),
      })
      .strict(),
    status: 201,
    // The secret is not answered: it stays with the receiver and the platform.
    response: z.object({
      endpoint_id: Count.describe('接收地址编号'),
      name: z.string().describe('接收方名称'),
      url: z.string().describe('接收地址'),
      department: z.string().nullable().describe('部门代码'),
      admdvs: z.string().nullable().describe('县（市、区）区划'),
      township: z.string().nullable().describe('乡镇（街道）'),
    }),
    handler: async ({ me, body, audit }) => {
      if (body.admdvs !== null) await requireRegionInScope(pool, me, body.admdvs);
      else if (me.scope_admdvs !== null) throw new ApiError('OUT_OF_SCOPE', '请指定您管辖范围内的区划（admdvs）');
      const endpointId = await insertWebhookEndpoint(pool, body);
      await audit('webhook.create', { endpoint_id: endpointId, url: body.url });
      return {
        endpoint_id: endpointId,
        name: body.name,
        url: body.url,
        department: body.department,
        admdvs: body.admdvs,
        township: body.township,
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/webhook-deliveries',
    tag,
    summary: '红码推送记录（每次尝试的结果；管理员）',
    access: 'administrator',
    query: z
      .object({
        pending: z.enum(['true', 'false']).optional().describe('true 只看未送达的，false 只看已送达的'),
        ...paging(500),
      })
      .strict(),
    response: z.object({
      page: Count,
      items: z.array(
        z.object({
          delivery_id: Count.describe('推送编号'),
          endpoint_id: Count.describe('接收地址编号'),
          endpoint: z.string().describe('接收方名称'),
          url: z.string().describe('接收地址'),
          event: z.string().describe('事件：warning.red 红码、warning.red_withdrawn 红码撤回'),
          psn_no: z.string().describe('人员编号'),
          year: Count.describe('年度'),
          attempts: Count.describe('已尝试次数'),
          created_at: ChinaTime.describe('事件时间'),
          next_attempt_at: ChinaTime.describe('下次尝试时间'),
          delivered_at: ChinaTime.nullable().describe('送达时间（空为未送达）'),
          last_error: z.string().nullable().describe('最近一次失败的原因'),
          attempts_made: z
            .array(
              z.object({
                attempt: Count.describe('第几次'),
                at: ChinaTime.describe('尝试时间'),
                status_code: Count.nullable().describe('接收方的 HTTP 状态码（空为未连通）'),
                error: z.string().nullable().describe('失败原因'),
                duration_ms: Count.describe('用时（毫秒）'),
              }),
            )
            .describe('每次尝试'),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const pending = query.pending === undefined ? undefined : query.pending === 'true';
      const rows = await webhookDeliveries(pool, me.scope_admdvs, pending, query.page, query.size);
      return {
        page: query.page,
        items: rows.map((row) => ({
          ...row,
          created_at: chinaTime(row.created_at),
          next_attempt_at: chinaTime(row.next_attempt_at),
          delivered_at: chinaTimeOrNull(row.delivered_at),
          attempts_made: row.attempts_made.map((attempt) => ({ ...attempt, at: chinaTime(attempt.at) })),
        })),
      };
    },
  });
}

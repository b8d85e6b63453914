/**
 * The warning ledger (预警台账) over the console API: the list and one person-year's history, the follow-up steps,
 * screening on demand, the feedback batches and their workbooks, and the webhook receivers with their deliveries.
 * Township and department users see only their own warnings; ID numbers are always masked.
 */
import {
  CADENCE_NAMES,
  DEPARTMENT_CODES,
  departmentName,
  nextStatuses,
  refuseTransition,
  WARNING_LEVEL_NAMES,
  WARNING_STATUS_CODES,
  WARNING_STATUSES,
  yearOf,
  type Cadence,
  type WarningLevel,
  type WarningStatus,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { authenticate, requireRole, type User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { paging, parse, region, year } from '../console/parse.js';
import { inScope, requireRegionInScope, warningInScope, warningScopeValues } from '../console/scope.js';
import { chinaDate, chinaDateTime } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { sendXlsx, workbookXlsx } from '../xlsx.js';
import { recordStep } from './actions.js';
import { batchWorkbook, type BatchRow } from './feedback.js';
import { screen } from './screening.js';

const levels = z.enum(['none', 'blue', 'yellow', 'red']);
const page = paging(500);

interface WarningRow {
  psn_no: string;
  psn_name: string;
  /** Sealed (persons.certno_sm4): shown masked. */
  certno: string;
  year: number;
  level: WarningLevel;
  population: string;
  amount: string;
  admdvs: string;
  county: string;
  township: string;
  department: string;
  status: WarningStatus;
  feedback_due: string;
  raised_at: Date;
  level_at: Date;
}

function present(row: WarningRow): Record<string, unknown> {
  return {
    ...row,
    certno: maskedCertno(row.certno),
    amount: Number(row.amount),
    level_name: WARNING_LEVEL_NAMES[row.level],
    status_name: WARNING_STATUSES[row.status],
    department_name: departmentName(row.department),
  };
}

const WARNING_COLUMNS = `w.psn_no, p.psn_name, p.certno_sm4 as certno, w.year, w.level, w.population, w.amount, w.admdvs, r.name as county, w.township,
  w.department, w.status, to_char(w.feedback_due, 'YYYY-MM-DD') as feedback_due, w.raised_at, w.level_at`;
const WARNING_FROM = 'warnings w join persons p on p.psn_no = w.psn_no join regions r on r.admdvs = w.admdvs';

export function registerWarningRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  const tags = ['因病返贫致贫预警'];
  const security = [{ console: [] }];

  app.get(
    '/api/warnings',
    { schema: { tags, summary: '预警台账（蓝黄红码；按级别、状态、乡镇筛选；format=xlsx 导出）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const query = parse(
        z
          .object({
            year: year.default(yearOf(chinaDate(clock()))),
            level: levels.optional(),
            status: z.enum(WARNING_STATUS_CODES).optional(),
            township: z.string().max(40).optional(),
            format: z.enum(['json', 'xlsx']).default('json'),
            ...page,
          })
          .strict(),
        request.query,
        'query',
      );
      const where = `${warningInScope(1)} and w.year = $4 and (case when $5::text is null then w.level <> 'none' else w.level = $5 end)
        and ($6::text is null or w.status = $6) and ($7::text is null or w.township = $7)`;
      const values = [
        ...warningScopeValues(me),
        query.year,
        query.level ?? null,
        query.status ?? null,
        query.township ?? null,
      ];
      const order = 'order by warning_rank(w.level) desc, w.amount desc, w.psn_no';
      if (query.format === 'xlsx') {
        const { rows } = await pool.query<WarningRow>(
          `select ${WARNING_COLUMNS} from ${WARNING_FROM} where ${where} ${order}`,
          values,
        );
        return sendXlsx(reply, `预警台账-${query.year}`, await ledgerWorkbook(rows));
      }
      const [total, { rows }] = await Promise.all([
        pool.query<{ n: number }>(`select count(*)::int as n from ${WARNING_FROM} where ${where}`, values),
        pool.query<WarningRow>(
          `select ${WARNING_COLUMNS} from ${WARNING_FROM} where ${where} ${order} limit ${query.size} offset ${(query.page - 1) * query.size}`,
          values,
        ),
      ]);
      return { total: total.rows[0]?.n ?? 0, page: query.page, items: rows.map(present) };
    },
  );

  app.get(
    '/api/warnings/:psn_no/:year',
    { schema: { tags, summary: '一人一年的预警：级别变化（及引起变化的金额）、跟进记录、反馈批次', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      const params = parse(z.object({ psn_no: z.string().max(40), year }), request.params, 'params');
      const warning = await findWarning(pool, me, params.psn_no, params.year);
      const key = [params.psn_no, params.year];
      const [history, actions, batches] = await Promise.all([
        pool.query(
          `select from_level, to_level, amount::float8 as amount, cause, setl_id, at from warning_levels
            where psn_no = $1 and year = $2 order by change_id`,
          key,
        ),
        pool.query(
          `select from_status, to_status, actor, note, at from warning_actions where psn_no = $1 and year = $2 order by action_id`,
          key,
        ),
        pool.query(
          `select b.batch_id, b.level, to_char(b.due_date, 'YYYY-MM-DD') as due_date, i.is_new, b.at
             from feedback_items i join feedback_batches b using (batch_id) where i.psn_no = $1 and i.year = $2 order by b.batch_id`,
          key,
        ),
      ]);
      return {
        ...present(warning),
        next_statuses: nextStatuses(warning.status).map((status) => ({ status, name: WARNING_STATUSES[status] })),
        history: history.rows,
        actions: actions.rows,
        feedback: batches.rows,
      };
    },
  );

  app.post(
    '/api/warnings/:psn_no/:year/actions',
    { schema: { tags, summary: '登记跟进：已反馈 → 已入户走访 → 已纳入监测 / 已救助帮扶 → 已办结', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'operator');
      const params = parse(z.object({ psn_no: z.string().max(40), year }), request.params, 'params');
      const body = parse(
        z.object({ status: z.enum(WARNING_STATUS_CODES), note: z.string().max(2000).default('') }).strict(),
        request.body,
        'body',
      );
      const at = clock();
      const done = await inTransaction(pool, async (client) => {
        const warning = await findWarning(client, me, params.psn_no, params.year, true);
        const refusal = refuseTransition(warning.status, body.status, body.note);
        if (refusal) throw new ApiError('WARNING_STATE', refusal);
        await recordStep(client, {
          psnNo: params.psn_no,
          year: params.year,
          from: warning.status,
          to: body.status,
          actor: `user:${me.username}`,
          note: body.note.trim(),
          at,
        });
        await audit(client, `user:${me.username}`, 'warning.action', {
          psn_no: params.psn_no,
          year: params.year,
          from: warning.status,
          to: body.status,
        });
        return warning;
      });
      return reply.status(201).send({
        psn_no: params.psn_no,
        year: params.year,
        from_status: done.status,
        status: body.status,
        status_name: WARNING_STATUSES[body.status],
        actor: me.username,
        at: at.toISOString(),
      });
    },
  );

  app.post(
    '/api/screenings',
    { schema: { tags, summary: '立即筛查（默认全部人群；可限区划、人群的筛查频次）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'operator');
      const body = parse(
        z
          .object({
            region: region.optional(),
            cadence: z.enum(Object.keys(CADENCE_NAMES) as [Cadence, ...Cadence[]]).optional(),
          })
          .strict(),
        request.body ?? {},
        'body',
      );
      const area = body.region ?? me.scope_admdvs ?? undefined;
      if (area !== undefined) await requireRegionInScope(pool, me, area);
      const now = clock();
      const summary = await screen(pool, policies, {
        date: chinaDate(now),
        now,
        cadence: body.cadence,
        region: area,
      });
      await audit(pool, `user:${me.username}`, 'warning.screen', {
        region: area ?? null,
        cadence: body.cadence ?? null,
        raised: summary.raised,
      });
      return summary;
    },
  );

  app.get(
    '/api/warning-feedback',
    { schema: { tags, summary: '反馈批次（按乡镇、部门、级别）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      const query = parse(z.object({ level: levels.optional(), ...page }).strict(), request.query, 'query');
      const { rows } = await pool.query<BatchRow>(
        `select ${BATCH_COLUMNS} from feedback_batches w join regions r on r.admdvs = w.admdvs
          where ${warningInScope(1)} and ($4::text is null or w.level = $4)
          order by w.batch_id desc limit ${query.size} offset ${(query.page - 1) * query.size}`,
        [...warningScopeValues(me), query.level ?? null],
      );
      return { page: query.page, items: rows.map((row) => ({ ...row, level_name: WARNING_LEVEL_NAMES[row.level] })) };
    },
  );

  app.get(
    '/api/warning-feedback/:batch_id/xlsx',
    { schema: { tags, summary: '反馈批次的预警台账（XLSX）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const params = parse(z.object({ batch_id: z.coerce.number().int().min(1) }), request.params, 'params');
      const { rows } = await pool.query<BatchRow>(
        `select ${BATCH_COLUMNS} from feedback_batches w join regions r on r.admdvs = w.admdvs
          where w.batch_id = $4 and ${warningInScope(1)}`,
        [...warningScopeValues(me), params.batch_id],
      );
      const batch = rows[0];
      if (!batch) throw new ApiError('NOT_FOUND', `查无反馈批次 ${params.batch_id}（或不在您的管辖范围）`);
      return sendXlsx(
        reply,
        `${batch.county}${batch.township}-${WARNING_LEVEL_NAMES[batch.level]}台账-${batch.due_date}`,
        await batchWorkbook(pool, batch),
      );
    },
  );

  app.post(
    '/api/webhook-endpoints',
    { schema: { tags, summary: '登记红码推送接收地址（管理员）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'administrator');
      const body = parse(
        z
          .object({
            name: z.string().min(1).max(100),
            url: z.url({ protocol: /^https?$/, error: '应为 http(s):// 开头的地址' }),
            secret: z.string().min(16, { message: '签名密钥至少 16 位' }).max(200),
            department: z.enum(DEPARTMENT_CODES).nullable().default(null),
            admdvs: region.nullable().default(null),
            township: z.string().min(1).max(40).nullable().default(null),
          })
          .strict(),
        request.body,
        'body',
      );
      if (body.admdvs !== null) await requireRegionInScope(pool, me, body.admdvs);
      else if (me.scope_admdvs !== null) throw new ApiError('OUT_OF_SCOPE', '请指定您管辖范围内的区划（admdvs）');
      const { rows } = await pool.query<{ endpoint_id: string }>(
        `insert into webhook_endpoints (name, url, secret, department, admdvs, township) values ($1, $2, $3, $4, $5, $6)
         returning endpoint_id`,
        [body.name, body.url, body.secret, body.department, body.admdvs, body.township],
      );
      const endpointId = rows[0]!.endpoint_id;
      await audit(pool, `user:${me.username}`, 'webhook.create', { endpoint_id: endpointId, url: body.url });
      return reply.status(201).send({
        endpoint_id: endpointId,
        name: body.name,
        url: body.url,
        department: body.department,
        admdvs: body.admdvs,
        township: body.township,
      });
    },
  );

  app.get(
    '/api/webhook-deliveries',
    { schema: { tags, summary: '红码推送记录（每次尝试的结果；管理员）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'administrator');
      const query = parse(
        z.object({ pending: z.enum(['true', 'false']).optional(), ...page }).strict(),
        request.query,
        'query',
      );
      const { rows } = await pool.query(
        `select o.delivery_id, o.endpoint_id, e.name as endpoint, e.url, o.event, o.psn_no, o.year, o.attempts, o.created_at,
                o.next_attempt_at, o.delivered_at, o.last_error,
                (select coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code,
                                                            'error', a.error, 'duration_ms', a.duration_ms) order by a.attempt), '[]')
                   from webhook_attempts a where a.delivery_id = o.delivery_id) as attempts_made
           from webhook_outbox o join webhook_endpoints e using (endpoint_id)
          where ${inScope('e.admdvs', 1)} and ($2::boolean is null or (o.delivered_at is null) = $2)
          order by o.delivery_id desc limit ${query.size} offset ${(query.page - 1) * query.size}`,
        [me.scope_admdvs, query.pending === undefined ? null : query.pending === 'true'],
      );
      return { page: query.page, items: rows };
    },
  );
}

const BATCH_COLUMNS = `w.batch_id, w.level, w.admdvs, r.name as county, w.township, w.department,
  to_char(w.due_date, 'YYYY-MM-DD') as due_date, w.warnings, w.new_warnings, w.at`;

async function findWarning(
  db: Pool | PoolClient,
  user: User,
  psnNo: string,
  year: number,
  lock = false,
): Promise<WarningRow> {
  const { rows } = await db.query<WarningRow>(
    `select ${WARNING_COLUMNS} from ${WARNING_FROM} where w.psn_no = $4 and w.year = $5 and ${warningInScope(1)}
     ${lock ? 'for update of w' : ''}`,
    [...warningScopeValues(user), psnNo, year],
  );
  const warning = rows[0];
  if (!warning) throw new ApiError('NOT_FOUND', `查无 ${psnNo} ${year} 年度的预警（或不在您的管辖范围）`);
  return warning;
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

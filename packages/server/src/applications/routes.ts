/**
 * Assistance on application over the console API: register an application, list and read them (with the top-ups an
 * approval paid and their traces), and decide. The bureau's operators register and decide (not the same person for
 * one application); other departments' users read. IDs are masked.
 */
import {
  CATEGORY_NAMES,
  expandTrace,
  toYuanNumber,
  traceToJson,
  yearOf,
  type CategoryCode,
  type StoredTrace,
} from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, requireReviewer, requireRole, type User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { paging, parse, year } from '../console/parse.js';
import { inScope, requirePersonInScope } from '../console/scope.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { apply, approve, lockPending, refuse, APPLICATION_STATUSES, type ApplicationStatus } from './service.js';

const STATUS_CODES = Object.keys(APPLICATION_STATUSES) as [ApplicationStatus, ...ApplicationStatus[]];

interface ApplicationRow {
  application_id: number;
  psn_no: string;
  psn_name: string;
  /** Sealed (persons.certno_sm4): shown masked. */
  certno: string;
  admdvs: string;
  township: string;
  year: number;
  status: ApplicationStatus;
  burden: number;
  qualifying: number;
  note: string;
  applied_by: string;
  applied_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
  top_up: number | null;
}

const COLUMNS = `a.application_id, a.psn_no, p.psn_name, p.certno_sm4 as certno, p.admdvs, p.township, a.year, a.status, a.burden, a.qualifying, a.note,
  a.applied_by, a.applied_at, a.decided_by, a.decided_at, a.reason, a.top_up`;
const FROM = 'assistance_applications a join persons p using (psn_no)';
/** The user's region, and a township user's township; parameters $1 and $2. */
const IN_SCOPE = `${inScope('p.admdvs', 1)} and ($2::text is null or p.township = $2)`;

function present(row: ApplicationRow): Record<string, unknown> {
  return {
    ...row,
    certno: maskedCertno(row.certno),
    status_name: APPLICATION_STATUSES[row.status],
    burden: toYuanNumber(row.burden),
    qualifying: toYuanNumber(row.qualifying),
    top_up: row.top_up === null ? null : toYuanNumber(row.top_up),
  };
}

/** Applications are the medical security bureau's business: other departments' users only read them. */
function requireBureauOperator(me: User): void {
  requireRole(me, 'operator');
  if (me.department && me.department !== 'medical_security')
    throw new ApiError('FORBIDDEN', '依申请救助由医疗保障经办机构办理');
}

export function registerApplicationRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  const tags = ['依申请医疗救助'];
  const security = [{ console: [] }];

  app.post(
    '/api/assistance-applications',
    { schema: { tags, summary: '登记依申请救助（普通参保群众年度自付费用超过认定标准）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      requireBureauOperator(me);
      const now = clock();
      const body = parse(
        z
          .object({
            psn_no: z.string().min(1).max(40),
            year: year.default(yearOf(chinaDate(now))),
            note: z.string().max(2000).default(''),
          })
          .strict(),
        request.body,
        'body',
      );
      await requirePersonInScope(pool, me, body.psn_no);
      const created = await inTransaction(pool, (client) =>
        apply(client, policies, {
          psnNo: body.psn_no,
          year: body.year,
          note: body.note.trim(),
          actor: `user:${me.username}`,
          now,
        }),
      );
      return reply.status(201).send({
        application_id: created.applicationId,
        psn_no: body.psn_no,
        year: body.year,
        status: 'pending',
        status_name: APPLICATION_STATUSES.pending,
        burden: toYuanNumber(created.burden),
        qualifying: toYuanNumber(created.qualifying),
      });
    },
  );

  app.get(
    '/api/assistance-applications',
    { schema: { tags, summary: '依申请救助（按状态、年度筛选）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      const query = parse(
        z
          .object({
            status: z.enum(STATUS_CODES).optional(),
            year: year.optional(),
            ...paging(500),
          })
          .strict(),
        request.query,
        'query',
      );
      const where = `${IN_SCOPE} and ($3::text is null or a.status = $3) and ($4::int is null or a.year = $4)`;
      const values = [me.scope_admdvs, me.township ?? null, query.status ?? null, query.year ?? null];
      const [total, { rows }] = await Promise.all([
        pool.query<{ n: number }>(`select count(*)::int as n from ${FROM} where ${where}`, values),
        pool.query<ApplicationRow>(
          `select ${COLUMNS} from ${FROM} where ${where} order by a.application_id desc
           limit ${query.size} offset ${(query.page - 1) * query.size}`,
          values,
        ),
      ]);
      return { total: total.rows[0]?.n ?? 0, page: query.page, items: rows.map(present) };
    },
  );

  app.get(
    '/api/assistance-applications/:id',
    { schema: { tags, summary: '一件申请：审核结果、认定类别、补付结算及其计算过程', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      const { id } = parse(z.object({ id: z.coerce.number().int().min(1) }), request.params, 'params');
      const { rows } = await pool.query<ApplicationRow & { spell_id: number | null }>(
        `select ${COLUMNS}, a.spell_id from ${FROM} where a.application_id = $3 and ${IN_SCOPE}`,
        [me.scope_admdvs, me.township ?? null, id],
      );
      const row = rows[0];
      if (!row) throw new ApiError('NOT_FOUND', `查无申请 ${id}（或不在您的管辖范围）`);
      const [spell, topUps] = await Promise.all([
        pool.query<{ code: CategoryCode; begin_date: string; end_date: string | null }>(
          'select code, begin_date, end_date from person_categories where psn_no = $1 and spell_id = $2',
          [row.psn_no, row.spell_id],
        ),
        pool.query<{
          setl_id: string;
          tops_up: string;
          mdtrt_id: string;
          fixmedins_code: string;
          hifp_pay: number;
          hifmi_pay: number;
          maf_pay: number;
          oth_pay: number;
          fund_pay_sumamt: number;
          psn_part_amt: number;
          trace: StoredTrace;
        }>(
          `select setl_id, tops_up, mdtrt_id, fixmedins_code, hifp_pay, hifmi_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, trace
             from settlements where psn_no = $1 and application_id = $2 and kind = 'top_up' order by setl_id`,
          [row.psn_no, id],
        ),
      ]);
      const category = spell.rows[0];
      return {
        ...present(row),
        category: category
          ? {
              code: category.code,
              name: CATEGORY_NAMES[category.code],
              begin: category.begin_date,
              end: category.end_date,
            }
          : null,
        top_ups: topUps.rows.map(({ trace, ...topUp }) => ({
          ...topUp,
          hifp_pay: toYuanNumber(topUp.hifp_pay),
          hifmi_pay: toYuanNumber(topUp.hifmi_pay),
          maf_pay: toYuanNumber(topUp.maf_pay),
          oth_pay: toYuanNumber(topUp.oth_pay),
          fund_pay_sumamt: toYuanNumber(topUp.fund_pay_sumamt),
          psn_part_amt: toYuanNumber(topUp.psn_part_amt),
          trace: traceToJson(expandTrace(trace)),
        })),
      };
    },
  );

  app.post(
    '/api/assistance-applications/:id/decision',
    { schema: { tags, summary: '审核：批准（认定类别、重新结算、补付）或不予批准（须写明理由）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      requireReviewer(me);
      const { id } = parse(z.object({ id: z.coerce.number().int().min(1) }), request.params, 'params');
      const body = parse(
        z
          .object({ decision: z.enum(['approve', 'refuse']), reason: z.string().max(2000).default('') })
          .strict()
          .refine((value) => value.decision === 'approve' || value.reason.trim() !== '', {
            message: '不予批准须写明理由',
            path: ['reason'],
          }),
        request.body,
        'body',
      );
      const now = clock();
      const actor = `user:${me.username}`;
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(`select 1 from ${FROM} where a.application_id = $3 and ${IN_SCOPE}`, [
          me.scope_admdvs,
          me.township ?? null,
          id,
        ]);
        if (!rowCount) throw new ApiError('NOT_FOUND', `查无申请 ${id}（或不在您的管辖范围）`);
        const application = await lockPending(client, id, actor);
        const request = { reason: body.reason.trim(), actor, now };
        if (body.decision === 'refuse') {
          await refuse(client, application, request);
          return { application_id: id, status: 'refused', status_name: APPLICATION_STATUSES.refused };
        }
        const approval = await approve(client, policies, application, request);
        return {
          application_id: id,
          status: 'approved',
          status_name: APPLICATION_STATUSES.approved,
          top_up: toYuanNumber(approval.topUp),
          top_ups: approval.topUps.map((entry) => ({
            setl_id: entry.setlId,
            tops_up: entry.topsUp,
            amount: toYuanNumber(entry.amount),
          })),
        };
      });
    },
  );
}

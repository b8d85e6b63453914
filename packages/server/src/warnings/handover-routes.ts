/**
 * Handing warnings down to their townships (下放) and taking them back (收回) over the console API — by township, by
 * ticked rows or by the ledger's filter, a batch or ticked warnings back — with the batches and who made them; the
 * ledger's counts by level and township. Hand-down and recall are the bureau's operators'.
 */
import { yearOf } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { User } from '../console/auth.js';
import { declareRoute } from '../console/kit.js';
import { paging, year } from '../console/parse.js';
import { chinaTime, ChinaTime } from '../console/units.js';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { chinaDate } from '../time.js';
import {
  criteriaText,
  handDown,
  HANDOVER_BASIS_NAMES,
  HANDOVER_KIND_NAMES,
  recallBatch,
  recallSelected,
  requireBureau,
  type HandDownChoice,
} from './handover.js';
import { handoverPage, ledgerCounts, type HandoverRow } from './handover-queries.js';
import { actorName, Level, Status, tag } from './shapes.js';

const Count = z.number().int();
const Kind = z.enum(['down', 'recall']).describe('down 下放、recall 收回');
const Basis = z
  .enum(['township', 'selected', 'filter', 'feedback', 'batch', 'migration'])
  .describe(
    'township 按乡镇、selected 按勾选、filter 按筛选条件、feedback 随反馈批次、batch 整批收回、migration 升级前已可见',
  );
const PsnNos = z.array(z.string().min(1).max(40)).min(1).max(500).describe('勾选的人员编号');
const Note = z.string().max(500).default('').describe('说明');

const Handover = z.object({
  handover_id: Count.describe('批次'),
  kind: Kind,
  kind_name: z.string().describe('下放或收回'),
  basis: Basis,
  basis_name: z.string().describe('方式'),
  criteria: z.string().describe('选取条件'),
  year: Count.describe('年度'),
  warnings: Count.describe('本批预警数（您管辖范围内的）'),
  outstanding: Count.describe('其中仍由本批下放在乡镇的'),
  townships: z
    .array(z.object({ township: z.string().describe('乡镇（街道）'), warnings: Count, outstanding: Count }))
    .describe('各乡镇（街道）的预警数'),
  note: z.string().describe('说明'),
  actor_name: z.string().describe('办理人'),
  at: ChinaTime.describe('办理时间'),
});

function presentHandover(row: HandoverRow): z.input<typeof Handover> {
  return {
    ...row,
    kind_name: HANDOVER_KIND_NAMES[row.kind],
    basis_name: HANDOVER_BASIS_NAMES[row.basis],
    criteria: criteriaText(row.basis, row.criteria),
    actor_name: actorName(row.actor, row.actor_name),
    at: chinaTime(row.at),
  };
}

async function made(client: PoolClient, me: User, handoverId: number): Promise<z.input<typeof Handover>> {
  const { rows } = await handoverPage(client, me, { handoverId }, 1, 1);
  return presentHandover(rows[0]!);
}

export function registerHandoverRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  const thisYear = (): number => yearOf(chinaDate(clock()));

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warnings/counts',
    tag,
    summary: '预警台账的人数：按级别、按乡镇（街道），及未下放的人数（筛选条件同台账，不分级别）',
    access: 'signed_in',
    query: z
      .object({
        year: year.optional().describe('年度（默认今年）'),
        status: Status.optional(),
        township: z.string().max(40).optional().describe('乡镇（街道）'),
        handed_down: z.enum(['true', 'false']).optional().describe('true 只计已下放的，false 只计未下放的'),
      })
      .strict(),
    response: z.object({
      year: Count.describe('年度'),
      current_year: Count.describe('今年（平台的日期）'),
      total: Count.describe('预警人数'),
      levels: z.object({ blue: Count, yellow: Count, red: Count }).describe('各级别人数'),
      pending: Count.describe('未下放的人数'),
      pending_levels: z.object({ blue: Count, yellow: Count, red: Count }).describe('各级别未下放的人数'),
      townships: z
        .array(
          z.object({
            township: z.string().describe('乡镇（街道）'),
            blue: Count,
            yellow: Count,
            red: Count,
            total: Count.describe('合计'),
            pending: Count.describe('未下放'),
          }),
        )
        .describe('各乡镇（街道）'),
    }),
    handler: async ({ me, query }) => {
      const forYear = query.year ?? thisYear();
      const handedDown = query.handed_down === undefined ? undefined : query.handed_down === 'true';
      const rows = await ledgerCounts(pool, me, { ...query, year: forYear, handedDown });
      const levels = { blue: 0, yellow: 0, red: 0 };
      const pendingLevels = { blue: 0, yellow: 0, red: 0 };
      const townships = new Map<
        string,
        { township: string; blue: number; yellow: number; red: number; total: number; pending: number }
      >();
      for (const row of rows) {
        if (row.level === 'none') continue;
        levels[row.level] += row.warnings;
        pendingLevels[row.level] += row.pending;
        const entry = townships.get(row.township) ?? {
          township: row.township,
          blue: 0,
          yellow: 0,
          red: 0,
          total: 0,
          pending: 0,
        };
        entry[row.level] += row.warnings;
        entry.total += row.warnings;
        entry.pending += row.pending;
        townships.set(row.township, entry);
      }
      const all = [...townships.values()];
      return {
        year: forYear,
        current_year: thisYear(),
        total: levels.blue + levels.yellow + levels.red,
        levels,
        pending: all.reduce((sum, entry) => sum + entry.pending, 0),
        pending_levels: pendingLevels,
        townships: all,
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/warning-handovers',
    tag,
    summary: '下放预警至所在乡镇（街道）：按乡镇、按勾选或按当前筛选条件（已下放的不重复下放）',
    description: '限医保局经办人员。乡镇用户只看得到下放给本乡镇的预警；跟进状态不因下放而改变。',
    access: 'operator',
    guard: requireBureau,
    body: z
      .object({
        basis: z
          .enum(['township', 'selected', 'filter'])
          .describe('township 按乡镇、selected 按勾选、filter 按筛选条件'),
        year: year.optional().describe('年度（默认今年）'),
        township: z.string().min(1).max(40).optional().describe('乡镇（街道）：按乡镇时必填，按筛选条件时可选'),
        level: Level.optional().describe('预警级别（可选）'),
        status: Status.optional().describe('跟进状态（按筛选条件时可选）'),
        handed_down: z.enum(['true', 'false']).optional().describe('下放状态（按筛选条件时可选）'),
        psn_nos: PsnNos.optional().describe('勾选的人员编号：按勾选时必填'),
        note: Note,
      })
      .strict()
      .refine((body) => body.basis !== 'township' || body.township !== undefined, {
        message: '按乡镇下放须指定乡镇（街道）',
        path: ['township'],
      })
      .refine((body) => body.basis !== 'selected' || body.psn_nos !== undefined, {
        message: '按勾选下放须列出人员编号',
        path: ['psn_nos'],
      }),
    status: 201,
    response: Handover,
    handler: async ({ me, body }) => {
      const forYear = body.year ?? thisYear();
      const choice: HandDownChoice =
        body.basis === 'selected'
          ? { basis: 'selected', year: forYear, psnNos: body.psn_nos ?? [] }
          : body.basis === 'township'
            ? { basis: 'township', year: forYear, township: body.township ?? '', level: body.level }
            : {
                basis: 'filter',
                filter: {
                  year: forYear,
                  level: body.level,
                  status: body.status,
                  township: body.township,
                  handedDown: body.handed_down === undefined ? undefined : body.handed_down === 'true',
                },
              };
      const actor = `user:${me.username}`;
      return inTransaction(pool, async (client) => {
        const handoverId = await handDown(client, choice, { me, actor, at: clock(), note: body.note.trim() });
        const batch = await made(client, me, handoverId);
        await audit(client, actor, 'warning.hand_down', {
          handover_id: handoverId,
          basis: body.basis,
          warnings: batch.warnings,
        });
        return batch;
      });
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/warning-handovers',
    tag,
    summary: '下放与收回的批次（新的在前；只计您管辖范围内的预警）',
    access: 'signed_in',
    query: z.object({ year: year.optional().describe('年度'), kind: Kind.optional(), ...paging(200) }).strict(),
    response: z.object({ total: Count.describe('批次数'), page: Count, items: z.array(Handover) }),
    handler: async ({ me, query }) => {
      const { total, rows } = await handoverPage(pool, me, query, query.page, query.size);
      return { total, page: query.page, items: rows.map(presentHandover) };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/warning-handovers/:handover_id/recall',
    tag,
    summary: '整批收回：本批下放、仍在乡镇的预警全部收回',
    access: 'operator',
    guard: requireBureau,
    params: z.object({ handover_id: z.coerce.number().int().min(1).describe('下放批次') }),
    body: z.object({ note: Note }).strict(),
    status: 201,
    response: Handover,
    handler: async ({ me, params, body }) => {
      const actor = `user:${me.username}`;
      return inTransaction(pool, async (client) => {
        const by = { me, actor, at: clock(), note: body.note.trim() };
        const handoverId = await recallBatch(client, params.handover_id, by);
        const batch = await made(client, me, handoverId);
        await audit(client, actor, 'warning.recall', {
          handover_id: handoverId,
          of: params.handover_id,
          warnings: batch.warnings,
        });
        return batch;
      });
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/warning-recalls',
    tag,
    summary: '收回勾选的预警（未下放的不计）',
    access: 'operator',
    guard: requireBureau,
    body: z.object({ year: year.optional().describe('年度（默认今年）'), psn_nos: PsnNos, note: Note }).strict(),
    status: 201,
    response: Handover,
    handler: async ({ me, body }) => {
      const actor = `user:${me.username}`;
      return inTransaction(pool, async (client) => {
        const by = { me, actor, at: clock(), note: body.note.trim() };
        const handoverId = await recallSelected(client, body.year ?? thisYear(), body.psn_nos, by);
        const batch = await made(client, me, handoverId);
        await audit(client, actor, 'warning.recall', { handover_id: handoverId, warnings: batch.warnings });
        return batch;
      });
    },
  });
}

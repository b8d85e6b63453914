/**
 * The history of ledger imports for the console, page by page: each import's counts (with the rows a confirmed
 * preview held for a clerk), and its before/after snapshot — every spell it created, changed or ended, as it was and
 * as it left it — and its held rows. A department's user sees only their department's imports.
 */
import { departmentName } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { paging } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, IsoDay } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { SpellChange, spellChange } from './preview-shapes.js';
import { importChanges, importHistory, importOf } from './queries.js';
import { DepartmentCode } from './shapes.js';

const tag = '部门台账';
const Count = z.number().int();

/** Township offices keep no ledgers. */
function noTownship(me: User): void {
  if (me.township) throw new ApiError('FORBIDDEN', '乡镇（街道）用户不能查看台账导入记录');
}

const HistoryItem = z.object({
  import_id: Count.describe('导入记录编号'),
  department: z.string().describe('报送部门代码'),
  department_name: z.string().describe('报送部门'),
  region: z.string().describe('台账所属区划'),
  ledger_date: IsoDay.describe('台账日期'),
  file_name: z.string().describe('文件名'),
  mode: z.string().describe('atomic 整体导入、partial 仅导入正确行'),
  status: z.string().describe('imported 已导入、refused 未导入'),
  total_rows: Count.describe('数据行数'),
  good_rows: Count.describe('导入的行数'),
  bad_rows: Count.describe('错误行数'),
  rows_held: Count.describe('待核查未导入的行数'),
  persons_created: Count.describe('新登记人员数'),
  spells_created: Count.describe('新增人员类别数'),
  spells_changed: Count.describe('变更人员类别数'),
  spells_ended: Count.describe('终止人员类别数'),
  resettlements: Count.describe('需重新结算的结算记录数'),
  snapshot_rows: Count.describe('快照中的人员类别数（导入前后）'),
  refusal_message: z.string().nullable().describe('未导入时的中文说明'),
  actor: z.string().describe('导入人'),
  at: ChinaTime.describe('导入时间'),
});

export function registerLedgerHistoryRoutes(app: FastifyInstance, pool: Pool): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-imports/history',
    tag,
    summary: '台账导入记录（分页；部门用户只见本部门）',
    access: 'signed_in',
    guard: noTownship,
    query: z
      .object({
        department: DepartmentCode.optional(),
        status: z.enum(['imported', 'refused']).optional().describe('imported 已导入、refused 未导入'),
        ...paging(100),
      })
      .strict(),
    response: z.object({
      total: Count.describe('导入记录数'),
      page: Count,
      size: Count,
      items: z.array(HistoryItem),
    }),
    handler: async ({ me, query }) => {
      const { total, rows } = await importHistory(
        pool,
        { scope: me.scope_admdvs, department: me.department ?? query.department ?? null, status: query.status ?? null },
        query.page,
        query.size,
      );
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          ...row,
          department: row.source_dept,
          department_name: departmentName(row.source_dept),
          at: chinaTime(row.at),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-imports/:importId/changes',
    tag,
    summary: '导入前后快照：新增、变更、终止的人员类别及待核查未导入的行（分页）',
    access: 'signed_in',
    guard: noTownship,
    params: z.object({ importId: z.coerce.number().int().positive().describe('导入记录编号') }),
    query: z
      .object({
        change: z
          .enum(['created', 'changed', 'ended', 'held'])
          .default('created')
          .describe('created 新增、changed 变更、ended 终止（未列入台账）、held 待核查'),
        ...paging(200),
      })
      .strict(),
    response: z.object({
      import_id: Count.describe('导入记录编号'),
      counts: z
        .object({ created: Count, changed: Count, ended: Count, held: Count })
        .describe('新增、变更、终止、待核查的数量'),
      total: Count.describe('本类条数'),
      page: Count,
      size: Count,
      items: z.array(SpellChange),
    }),
    handler: async ({ me, params, query }) => {
      const imported = await importOf(pool, params.importId);
      if (!imported || (me.department && me.department !== imported.source_dept))
        throw new ApiError('NOT_FOUND', `查无导入记录 ${params.importId}`);
      await requireRegionInScope(pool, me, imported.region).catch(() => {
        throw new ApiError('NOT_FOUND', `查无导入记录 ${params.importId}`);
      });
      const { counts, total, rows } = await importChanges(pool, params.importId, query.change, query.page, query.size);
      return {
        import_id: params.importId,
        counts: {
          created: counts['created'] ?? 0,
          changed: counts['changed'] ?? 0,
          ended: counts['ended'] ?? 0,
          held: counts['held'] ?? 0,
        },
        total,
        page: query.page,
        size: query.size,
        items: rows.map(spellChange),
      };
    },
  });
}

/**
 * The ledger exchange over the console API: the departments and their categories, templates to download, the
 * upload (import-routes.ts) and its preview (preview-routes.ts), the record of every import (and its history with
 * snapshots: history-routes.ts), the XLSX report of a file's bad rows and the settlements an import left to be made
 * again.
 */
import { CATEGORY_NAMES, DEPARTMENT_CODES, DEPARTMENTS, type CategoryCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { requireRegionInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, IsoDay } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { resettlementsOf } from './import.js';
import { registerLedgerHistoryRoutes } from './history-routes.js';
import { registerLedgerImportRoute } from './import-routes.js';
import { registerLedgerPreviewRoutes } from './preview-routes.js';
import { importOf, importProblems, importsIn } from './queries.js';
import { DepartmentCode, resettlementAnswer, ResettlementAnswer } from './shapes.js';
import { errorReportXlsx, templateCsv, templateXlsx } from './workbooks.js';

// Re-exported: the body limit belongs to the upload, declared beside it.
export { LEDGER_BODY_LIMIT } from './import-routes.js';

const tag = '部门台账';

const ImportId = z.object({ importId: z.coerce.number().int().positive().describe('导入记录编号') });

/** An import of the user's scope, or the refusal the route gave before: not found, or out of scope. */
async function importInScope(pool: Pool, me: User, importId: number): Promise<{ region: string; header: string[] }> {
  const imported = await importOf(pool, importId);
  if (!imported) throw new ApiError('NOT_FOUND', `查无导入记录 ${importId}`);
  await requireRegionInScope(pool, me, imported.region);
  return imported;
}

export function registerLedgerRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-departments',
    tag,
    summary: '报送部门及其认定的人员类别',
    access: 'signed_in',
    response: z.array(
      z.object({
        code: z.string().describe('部门代码'),
        name: z.string().describe('部门名称'),
        categories: z
          .array(z.object({ code: z.string().describe('类别代码'), name: z.string().describe('类别名称') }))
          .describe('该部门认定的人员类别'),
      }),
    ),
    handler: () =>
      Promise.resolve(
        DEPARTMENT_CODES.map((code) => ({
          code,
          name: DEPARTMENTS[code].name,
          categories: (DEPARTMENTS[code].categories as readonly CategoryCode[]).map((category) => ({
            code: category,
            name: CATEGORY_NAMES[category],
          })),
        })),
      ),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-templates/:department',
    tag,
    summary: '下载台账模板（?format=xlsx 或 csv）',
    access: 'signed_in',
    params: z.object({ department: DepartmentCode }),
    query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx').describe('文件格式（默认 xlsx）') }),
    files: [XLSX, 'text/csv'],
    handler: async ({ params, query }) => {
      const name = `${DEPARTMENTS[params.department].name}台账模板.${query.format}`;
      return query.format === 'xlsx'
        ? new FileAnswer(name, XLSX, await templateXlsx(params.department))
        : new FileAnswer(name, 'text/csv; charset=utf-8', templateCsv());
    },
  });

  registerLedgerImportRoute(app, pool, clock);
  registerLedgerPreviewRoutes(app, pool, clock);
  registerLedgerHistoryRoutes(app, pool);

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-imports',
    tag,
    summary: '台账导入记录（管辖范围内，最近 200 次）',
    access: 'signed_in',
    response: z.array(
      z.object({
        import_id: z.number().int().describe('导入记录编号'),
        source_dept: z.string().describe('报送部门代码'),
        region: z.string().describe('台账所属区划'),
        ledger_date: IsoDay.describe('台账日期'),
        file_name: z.string().describe('文件名'),
        mode: z.string().describe('atomic 整体导入、partial 仅导入正确行'),
        status: z.string().describe('imported 已导入、refused 未导入'),
        total_rows: z.number().int().describe('数据行数'),
        good_rows: z.number().int().describe('正确行数'),
        bad_rows: z.number().int().describe('错误行数'),
        persons_created: z.number().int().describe('新登记人员数'),
        spells_created: z.number().int().describe('新增人员类别数'),
        spells_changed: z.number().int().describe('变更人员类别数'),
        spells_ended: z.number().int().describe('终止人员类别数'),
        resettlements: z.number().int().describe('需重新结算的结算记录数'),
        confirmed_end: z.number().int().nullable().describe('确认终止的人员类别数量'),
        refusal_code: z.string().nullable().describe('未导入时的错误代码'),
        refusal_message: z.string().nullable().describe('未导入时的中文说明'),
        actor: z.string().describe('导入人'),
        at: ChinaTime.describe('导入时间'),
      }),
    ),
    handler: async ({ me }) =>
      (await importsIn(pool, me.scope_admdvs)).map((row) => ({ ...row, at: chinaTime(row.at) })),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-imports/:importId/errors.xlsx',
    tag,
    summary: '下载错误行报告（XLSX）',
    access: 'signed_in',
    params: ImportId,
    files: [XLSX],
    handler: async ({ me, params }) => {
      const imported = await importInScope(pool, me, params.importId);
      const problems = await importProblems(pool, params.importId);
      const report = await errorReportXlsx(
        imported.header,
        problems.map((row) => ({ rowNo: row.row_no, codes: row.codes, reasons: row.reasons, cells: row.cells })),
      );
      return new FileAnswer(`台账导入${params.importId}错误行.xlsx`, XLSX, report);
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-imports/:importId/resettlements',
    tag,
    summary: '导入后需重新结算的结算记录（类别终止日之后按该类别结算的）',
    access: 'signed_in',
    params: ImportId,
    response: z.object({
      import_id: z.number().int().describe('导入记录编号'),
      total: z.number().int().describe('需重新结算的记录数'),
      items: z.array(ResettlementAnswer),
    }),
    handler: async ({ me, params }) => {
      await importInScope(pool, me, params.importId);
      const rows = await resettlementsOf(pool, params.importId);
      return { import_id: params.importId, total: rows.length, items: rows.map(resettlementAnswer) };
    },
  });
}

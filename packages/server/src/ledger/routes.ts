/**
 * The ledger exchange over the console API: templates to download, file upload (the body is the file itself), the
 * record of every import and the XLSX report of a file's bad rows.
 */
import { CATEGORY_NAMES, DEPARTMENT_CODES, DEPARTMENTS, type CategoryCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../his/protocol.js';
import { authenticate, requireRole } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { isoDate, parse, region } from '../console/parse.js';
import { inScope, requireRegionInScope } from '../console/scope.js';
import { importLedger, type ImportResult } from './import.js';
import { sendXlsx, XLSX_TYPE } from '../xlsx.js';
import { errorReportXlsx, templateCsv, templateXlsx } from './workbooks.js';

export const LEDGER_BODY_LIMIT = 512 * 1024 * 1024;

const department = z.enum(DEPARTMENT_CODES as [string, ...string[]], { message: '未知的报送部门' });

function summary(result: ImportResult): Record<string, unknown> {
  return {
    import_id: result.importId,
    status: result.status,
    total_rows: result.totalRows,
    good_rows: result.goodRows,
    bad_rows: result.badRows,
    persons_created: result.personsCreated,
    spells_created: result.spellsCreated,
    spells_changed: result.spellsChanged,
    spells_ended: result.spellsEnded,
    ...(result.fileProblem ? { file_problem: result.fileProblem } : {}),
    problems: result.problems
      .slice(0, 100)
      .map((problem) => ({ row: problem.rowNo, codes: problem.codes, reasons: problem.reasons })),
    ...(result.badRows > 0 ? { error_report: `/api/ledger-imports/${result.importId}/errors.xlsx` } : {}),
  };
}

export function registerLedgerRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  const tags = ['部门台账'];
  const security = [{ console: [] }];

  app.get(
    '/api/ledger-departments',
    { schema: { tags, summary: '报送部门及其认定的人员类别', security } },
    async (request) => {
      await authenticate(pool, request);
      return DEPARTMENT_CODES.map((code) => ({
        code,
        name: DEPARTMENTS[code].name,
        categories: (DEPARTMENTS[code].categories as readonly CategoryCode[]).map((category) => ({
          code: category,
          name: CATEGORY_NAMES[category],
        })),
      }));
    },
  );

  app.get(
    '/api/ledger-templates/:department',
    { schema: { tags, summary: '下载台账模板（?format=xlsx 或 csv）', security } },
    async (request, reply) => {
      await authenticate(pool, request);
      const { department: dept } = parse(z.object({ department }), request.params, 'path');
      const { format } = parse(z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }), request.query, 'query');
      const name = encodeURIComponent(`${DEPARTMENTS[dept as keyof typeof DEPARTMENTS].name}台账模板.${format}`);
      return reply
        .header('content-type', format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${name}`)
        .send(format === 'xlsx' ? await templateXlsx(dept as keyof typeof DEPARTMENTS) : templateCsv());
    },
  );

  // The upload takes the file as the body (XLSX or CSV), not JSON; only these routes accept such bodies.
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      ['text/csv', 'application/octet-stream', XLSX_TYPE],
      { parseAs: 'buffer', bodyLimit: LEDGER_BODY_LIMIT },
      (_request, body, next) => next(null, body),
    );
    scope.post(
      '/api/ledger-imports',
      {
        schema: {
          tags,
          summary: '导入部门台账（请求体为 XLSX 或 CSV 文件）',
          description:
            'mode=atomic：任何一行有误则整个文件不导入；mode=partial：导入正确行，错误行可下载报告。同一文件重复导入不产生变化。',
          security,
        },
        bodyLimit: LEDGER_BODY_LIMIT,
      },
      async (request, reply) => {
        const me = await authenticate(pool, request);
        requireRole(me, 'operator');
        const query = parse(
          z
            .object({
              department,
              region,
              date: isoDate.default(chinaDate(clock())),
              mode: z.enum(['atomic', 'partial'], { message: '应为 atomic（整体导入）或 partial（仅导入正确行）' }),
              file_name: z.string().min(1).max(200).default('台账'),
            })
            .strict(),
          request.query,
          'query',
        );
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new ApiError(
            400,
            'LEDGER_EMPTY',
            '请求体应为台账文件（XLSX 或 CSV），Content-Type 为 text/csv 或 xlsx',
          );
        }
        if (query.date > chinaDate(clock())) throw new ApiError(400, 'DATE_ORDER', `台账日期 ${query.date} 晚于今天`);
        await requireRegionInScope(pool, me, query.region);
        const result = await importLedger(pool, request.body, {
          department: query.department as keyof typeof DEPARTMENTS,
          region: query.region,
          ledgerDate: query.date,
          mode: query.mode,
          fileName: query.file_name,
          actor: `user:${me.username}`,
        });
        await audit(
          pool,
          `user:${me.username}`,
          'ledger.import',
          { import_id: result.importId, ...query, rows: result.totalRows, bad_rows: result.badRows },
          result.status === 'refused' ? 'refused' : 'ok',
        );
        if (result.status === 'refused') {
          const message = result.fileProblem
            ? result.fileProblem.message
            : result.goodRows === 0
              ? `文件没有可导入的正确行（${result.badRows} 行有误），未导入`
              : `文件有 ${result.badRows} 行有误，按整体导入方式未导入任何数据`;
          return reply
            .status(422)
            .send({ code: result.fileProblem?.code ?? 'LEDGER_REFUSED', message, import: summary(result) });
        }
        return reply.status(result.status === 'imported' ? 201 : 200).send(summary(result));
      },
    );
    done();
  });

  app.get('/api/ledger-imports', { schema: { tags, summary: '台账导入记录', security } }, async (request) => {
    const me = await authenticate(pool, request);
    const { rows } = await pool.query<Record<string, unknown>>(
      `select import_id, source_dept, region, to_char(ledger_date, 'YYYY-MM-DD') as ledger_date, file_name, mode, status,
              total_rows, good_rows, bad_rows, persons_created, spells_created, spells_changed, spells_ended, actor, at
         from ledger_imports i
        where ${inScope('i.region', 1)}
        order by import_id desc limit 200`,
      [me.scope_admdvs],
    );
    return rows;
  });

  app.get(
    '/api/ledger-imports/:importId/errors.xlsx',
    { schema: { tags, summary: '下载错误行报告（XLSX）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const { importId } = parse(z.object({ importId: z.coerce.number().int().positive() }), request.params, 'path');
      const found = await pool.query<{ header: string[]; region: string }>(
        'select header, region from ledger_imports where import_id = $1',
        [importId],
      );
      const imported = found.rows[0];
      if (!imported) throw new ApiError(404, 'NOT_FOUND', `查无导入记录 ${importId}`);
      await requireRegionInScope(pool, me, imported.region);
      const problems = await pool.query<{ row_no: number; codes: string[]; reasons: string; cells: string[] }>(
        'select row_no, codes, reasons, cells from ledger_import_problems where import_id = $1 order by row_no',
        [importId],
      );
      const report = await errorReportXlsx(
        imported.header,
        problems.rows.map((row) => ({ rowNo: row.row_no, codes: row.codes, reasons: row.reasons, cells: row.cells })),
      );
      return sendXlsx(reply, `台账导入${importId}错误行`, report);
    },
  );
}

/**
 * The ledger exchange over the console API: templates to download, file upload (the body is the file itself, or a
 * browser form holding it), the record of every import, the XLSX report of a file's bad rows and the settlements an
 * import left to be made again.
 */
import { CATEGORY_NAMES, DEPARTMENT_CODES, DEPARTMENTS, departmentName, type CategoryCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import { authenticate, requireRole } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { isoDate, parse, region } from '../console/parse.js';
import { inScope, requireRegionInScope } from '../console/scope.js';
import { importLedger, MASS_END, resettlementsOf, type ImportResult, type Resettlement } from './import.js';
import { formFile, MultipartError } from './multipart.js';
import { hasControlCharacters, withoutControlCharacters } from './read.js';
import { sendXlsx, XLSX_TYPE } from '../xlsx.js';
import { errorReportXlsx, templateCsv, templateXlsx } from './workbooks.js';

export const LEDGER_BODY_LIMIT = 512 * 1024 * 1024;

const department = z.enum(DEPARTMENT_CODES as [string, ...string[]], { message: '未知的报送部门' });

/**
 * Content types a ledger may come with: the file's own (XLSX, CSV and the names browsers and Excel give CSV files),
 * the generic ones, or none; the bytes decide what the file is. A browser form is `multipart/form-data`.
 */
const LEDGER_TYPES = new Set([
  XLSX_TYPE,
  'text/csv',
  'text/plain',
  'text/comma-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
  'binary/octet-stream',
]);

const FORMAT_MESSAGE =
  '请上传 XLSX 或 CSV 格式的台账文件（请求体为文件本身，或浏览器表单 multipart/form-data 中的一个文件）';

function resettlementJson(row: Resettlement): Record<string, unknown> {
  return {
    psn_no: row.psnNo,
    psn_name: row.psnName,
    setl_id: row.setlId,
    mdtrt_id: row.mdtrtId,
    fixmedins_code: row.fixmedinsCode,
    setl_time: row.setlTime,
    category: row.category,
    category_name: CATEGORY_NAMES[row.category] ?? row.category,
    spell_end: row.spellEnd,
    reason: `需重新结算：${CATEGORY_NAMES[row.category] ?? row.category}已于 ${row.spellEnd} 终止，本笔按该类别结算`,
  };
}

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
    ...(result.massEnd ? { spells_to_end: result.massEnd.ending, spells_running: result.massEnd.running } : {}),
    resettlements_needed: result.resettlements.length,
    resettlements: result.resettlements.slice(0, 200).map(resettlementJson),
    ...(result.resettlements.length > 0
      ? { resettlement_list: `/api/ledger-imports/${result.importId}/resettlements` }
      : {}),
  };
}

/** The ledger's bytes from the body as it came, and the file's name when a form sent one. */
function ledgerFile(body: unknown, contentType: string | undefined): { bytes: Buffer; fileName: string | null } {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (media === 'multipart/form-data') {
    if (bytes.length === 0) throw new ApiError('LEDGER_EMPTY', `表单中没有台账文件，${FORMAT_MESSAGE}`);
    try {
      const file = formFile(bytes, contentType!);
      return { bytes: file.bytes, fileName: file.fileName };
    } catch (error) {
      if (error instanceof MultipartError) throw new ApiError(error.code, error.message);
      throw error;
    }
  }
  if (media !== '' && !LEDGER_TYPES.has(media)) {
    throw new ApiError('LEDGER_FORMAT', `不支持的内容类型 ${media}，${FORMAT_MESSAGE}`);
  }
  return { bytes, fileName: null };
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

  // The upload takes the file as the body (XLSX or CSV, with whatever type the client gives it, or a browser form),
  // not JSON: in this scope every body is read as bytes, within the ledger's body limit, and the handler decides.
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LEDGER_BODY_LIMIT }, (_request, body, next) =>
      next(null, body),
    );
    // A Content-Type header that is not a media type at all; other errors go to the application's handler.
    scope.setErrorHandler((error: Error & { code?: string }, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reply.status(415).send({ code: 'LEDGER_FORMAT', message: `内容类型无法识别，${FORMAT_MESSAGE}` });
      }
      throw error;
    });
    scope.post(
      '/api/ledger-imports',
      {
        schema: {
          tags,
          summary: '导入部门台账（请求体为 XLSX 或 CSV 文件，或含一个文件的表单）',
          description:
            'mode=atomic：任何一行有误则整个文件不导入；mode=partial：导入正确行，错误行可下载报告。同一文件重复导入不产生变化。' +
            `将终止本部门在该区划有效人员类别的 ${MASS_END.percent}% 以上（且不少于 ${MASS_END.minimum} 个）时不导入（409 LEDGER_MASS_END），` +
            '须以 confirm_end=<将终止的数量> 确认。终止日之后按该类别结算的记录列为需重新结算。' +
            '文件格式按内容识别；multipart/form-data 表单中的一个文件即为台账。',
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
              file_name: z
                .string()
                .min(1)
                .max(200)
                .refine((name) => !hasControlCharacters(name), { message: '不能含有控制字符' })
                .optional(),
              confirm_end: z.coerce
                .number({ message: '应为确认终止的人员类别数量（整数）' })
                .int({ message: '应为确认终止的人员类别数量（整数）' })
                .min(0, { message: '应为确认终止的人员类别数量（整数）' })
                .optional(),
            })
            .strict(),
          request.query,
          'query',
        );
        const file = ledgerFile(request.body, request.headers['content-type']);
        if (file.bytes.length === 0) {
          throw new ApiError('LEDGER_EMPTY', `请求体中没有台账文件，${FORMAT_MESSAGE}`);
        }
        if (query.date > chinaDate(clock())) throw new ApiError('DATE_ORDER', `台账日期 ${query.date} 晚于今天`);
        // A ledger is the certifying department's word: only that department's users send it, for their region.
        if (me.township)
          throw new ApiError(
            'FORBIDDEN',
            `乡镇（街道）用户不能上传台账，台账须由报送部门（${departmentName(query.department)}）的用户上传`,
          );
        if (me.department !== query.department)
          throw new ApiError(
            'FORBIDDEN',
            `${departmentName(query.department)}的台账须由该部门的用户上传${me.department ? `，您属于${departmentName(me.department)}` : ''}`,
          );
        await requireRegionInScope(pool, me, query.region);
        const fileName = query.file_name ?? (withoutControlCharacters(file.fileName ?? '').slice(0, 200) || '台账');
        const result = await importLedger(pool, file.bytes, {
          department: query.department as keyof typeof DEPARTMENTS,
          region: query.region,
          ledgerDate: query.date,
          mode: query.mode,
          fileName,
          actor: `user:${me.username}`,
          confirmEnd: query.confirm_end,
        });
        await audit(
          pool,
          `user:${me.username}`,
          'ledger.import',
          {
            import_id: result.importId,
            ...query,
            file_name: fileName,
            rows: result.totalRows,
            bad_rows: result.badRows,
            spells_ended: result.spellsEnded,
            resettlements: result.resettlements.length,
          },
          result.status === 'refused' ? 'refused' : 'ok',
        );
        if (result.status === 'refused') {
          if (result.massEnd) {
            const { ending } = result.massEnd;
            return reply.status(409).send({
              code: 'LEDGER_MASS_END',
              message: `${result.fileProblem!.message}（在请求地址中加上 confirm_end=${ending}）`,
              spells_to_end: ending,
              spells_running: result.massEnd.running,
              import: summary(result),
            });
          }
          const message = result.fileProblem
            ? result.fileProblem.message
            : result.goodRows === 0
              ? `文件没有可导入的正确行（${result.badRows} 行有误），未导入`
              : `文件有 ${result.badRows} 行有误，按整体导入方式未导入任何数据`;
          return reply
            .status(result.fileProblem?.code === 'LEDGER_FORMAT' ? 415 : 422)
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
              total_rows, good_rows, bad_rows, persons_created, spells_created, spells_changed, spells_ended, resettlements,
              confirmed_end, refusal_code, refusal_message, actor, at
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
      if (!imported) throw new ApiError('NOT_FOUND', `查无导入记录 ${importId}`);
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

  app.get(
    '/api/ledger-imports/:importId/resettlements',
    { schema: { tags, summary: '导入后需重新结算的结算记录（类别终止日之后按该类别结算的）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      const { importId } = parse(z.object({ importId: z.coerce.number().int().positive() }), request.params, 'path');
      const found = await pool.query<{ region: string }>('select region from ledger_imports where import_id = $1', [
        importId,
      ]);
      const imported = found.rows[0];
      if (!imported) throw new ApiError('NOT_FOUND', `查无导入记录 ${importId}`);
      await requireRegionInScope(pool, me, imported.region);
      const rows = await resettlementsOf(pool, importId);
      return { import_id: importId, total: rows.length, items: rows.map(resettlementJson) };
    },
  );
}

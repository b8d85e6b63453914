/**
 * The upload of a department's ledger over the console API: the body is the file itself, or a browser form holding
 * it; the answer tells what the import did (shapes.ts).
 */
import { departmentName, type Department } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute, XLSX } from '../console/kit.js';
import { isoDate, region } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import { importLedger, MASS_END } from './import.js';
import { formFile, MultipartError } from './multipart.js';
import { hasControlCharacters, withoutControlCharacters } from './read.js';
import { DepartmentCode, ImportAnswer, importAnswer, RefusedImport } from './shapes.js';

export const LEDGER_BODY_LIMIT = 512 * 1024 * 1024;

/**
 * Content types a ledger may come with: the file's own (XLSX, CSV and the names browsers and Excel give CSV files),
 * the generic ones, or none; the bytes decide what the file is. A browser form is `multipart/form-data`.
 */
const LEDGER_TYPES = [
  XLSX,
  'text/csv',
  'text/plain',
  'text/comma-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
  'binary/octet-stream',
] as const;
const LEDGER_TYPE_SET = new Set<string>(LEDGER_TYPES);

export const FORMAT_MESSAGE =
  '请上传 XLSX 或 CSV 格式的台账文件（请求体为文件本身，或浏览器表单 multipart/form-data 中的一个文件）';

/** The ledger's bytes from the body as it came, and the file's name when a form sent one. */
export function ledgerFile(body: unknown, contentType: string | undefined): { bytes: Buffer; fileName: string | null } {
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
  if (media !== '' && !LEDGER_TYPE_SET.has(media)) {
    throw new ApiError('LEDGER_FORMAT', `不支持的内容类型 ${media}，${FORMAT_MESSAGE}`);
  }
  return { bytes, fileName: null };
}

/** What an upload says of its ledger (the import's and the preview's query). */
export const LEDGER_UPLOAD_FIELDS = {
  department: DepartmentCode,
  region: region.describe('台账所属区划（6 位）'),
  // Defaulted in the handler: today is the request's day, not a date fixed in the document.
  date: isoDate.optional().describe('台账日期（默认今天）'),
  mode: z
    .enum(['atomic', 'partial'], { message: '应为 atomic（整体导入）或 partial（仅导入正确行）' })
    .describe('atomic 整体导入、partial 仅导入正确行'),
  file_name: z
    .string()
    .min(1)
    .max(200)
    .refine((name) => !hasControlCharacters(name), { message: '不能含有控制字符' })
    .optional()
    .describe('文件名（默认取表单中的文件名）'),
};

const CONFIRM_MESSAGE = { message: '应为确认终止的人员类别数量（整数）' };

/** The number of spells the operator confirms an import may end (when it would end too many). */
export const ConfirmEnd = z.coerce
  .number(CONFIRM_MESSAGE)
  .int(CONFIRM_MESSAGE)
  .min(0, CONFIRM_MESSAGE)
  .optional()
  .describe('确认终止的人员类别数量（终止过多时须与将终止的数量一致）');

/**
 * Declares routes that take a ledger file as the body (XLSX or CSV, with whatever type the client gives it, or a
 * browser form), not JSON: in this scope every body is read as bytes, within the ledger's body limit, and the
 * handler decides (ledgerFile).
 */
export function withLedgerBody(app: FastifyInstance, declare: (scope: FastifyInstance) => void): void {
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
    declare(scope);
    done();
  });
}

/** The content types a ledger upload declares (the document lists them). */
export const LEDGER_UPLOAD = {
  contentTypes: [...LEDGER_TYPES, 'multipart/form-data'],
  description: '台账文件本身（XLSX 或 CSV），或含一个台账文件的浏览器表单',
} as const;

/**
 * A ledger is the certifying department's word: only that department's users send it (or preview it), for a region
 * of their scope; the ledger's date is not after today. Returns the ledger's date.
 */
export async function requireLedgerSender(
  pool: Pool,
  me: User,
  query: { department: Department; region: string; date?: string | undefined },
  today: string,
): Promise<string> {
  const ledgerDate = query.date ?? today;
  if (ledgerDate > today) throw new ApiError('DATE_ORDER', `台账日期 ${ledgerDate} 晚于今天`);
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
  return ledgerDate;
}

/** The file's name: the one the query gives, or the form's, without control characters. */
export function ledgerFileName(asked: string | undefined, fromForm: string | null): string {
  return asked ?? (withoutControlCharacters(fromForm ?? '').slice(0, 200) || '台账');
}

export function registerLedgerImportRoute(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  withLedgerBody(app, (scope) => {
    declareRoute(scope, pool, {
      method: 'POST',
      url: '/api/ledger-imports',
      tag: '部门台账',
      summary: '导入部门台账（请求体为 XLSX 或 CSV 文件，或含一个文件的表单）',
      description:
        'mode=atomic：任何一行有误则整个文件不导入；mode=partial：导入正确行，错误行可下载报告。同一文件重复导入不产生变化（200，status 为 duplicate），新导入为 201。' +
        `将终止本部门在该区划有效人员类别的 ${MASS_END.percent}% 以上（且不少于 ${MASS_END.minimum} 个）时不导入（409 LEDGER_MASS_END），` +
        '须以 confirm_end=<将终止的数量> 确认。终止日之后按该类别结算的记录列为需重新结算。' +
        '文件格式按内容识别；multipart/form-data 表单中的一个文件即为台账。' +
        '未导入时应答错误代码、中文说明与本次导入的记录（import）。',
      access: 'operator',
      query: z
        .object({
          ...LEDGER_UPLOAD_FIELDS,
          confirm_end: ConfirmEnd,
        })
        .strict(),
      upload: LEDGER_UPLOAD,
      // Either object; said so for the document, where a bare union has no type of its own.
      response: z.union([ImportAnswer, RefusedImport]).meta({ type: 'object' }),
      handler: async ({ me, query, body, request, reply }) => {
        const file = ledgerFile(body, request.headers['content-type']);
        if (file.bytes.length === 0) {
          throw new ApiError('LEDGER_EMPTY', `请求体中没有台账文件，${FORMAT_MESSAGE}`);
        }
        const ledgerDate = await requireLedgerSender(pool, me, query, chinaDate(clock()));
        const fileName = ledgerFileName(query.file_name, file.fileName);
        const result = await importLedger(pool, file.bytes, {
          department: query.department,
          region: query.region,
          ledgerDate,
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
            date: ledgerDate,
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
            reply.status(409);
            return {
              code: 'LEDGER_MASS_END',
              message: `${result.fileProblem!.message}（在请求地址中加上 confirm_end=${ending}）`,
              spells_to_end: ending,
              spells_running: result.massEnd.running,
              import: importAnswer(result),
            };
          }
          const message = result.fileProblem
            ? result.fileProblem.message
            : result.goodRows === 0
              ? `文件没有可导入的正确行（${result.badRows} 行有误），未导入`
              : `文件有 ${result.badRows} 行有误，按整体导入方式未导入任何数据`;
          reply.status(result.fileProblem?.code === 'LEDGER_FORMAT' ? 415 : 422);
          return { code: result.fileProblem?.code ?? 'LEDGER_REFUSED', message, import: importAnswer(result) };
        }
        reply.status(result.status === 'imported' ? 201 : 200);
        return importAnswer(result);
      },
    });
  });
}

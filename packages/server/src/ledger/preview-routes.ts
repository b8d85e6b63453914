/**
 * The preview of a ledger upload over the console API: upload (the same body and checks as an import), look at what
 * it would do — 新增, 变更, 取消, 待核查, 错误 — page by page or as a workbook, and confirm it (confirm.ts). A
 * preview is its department's: another department's user, or one outside its region, finds none.
 */
import { departmentName } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, RefusalAnswer, XLSX } from '../console/kit.js';
import { paging } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import { confirmPreview } from './confirm.js';
import {
  ConfirmEnd,
  FORMAT_MESSAGE,
  LEDGER_UPLOAD,
  LEDGER_UPLOAD_FIELDS,
  ledgerFile,
  ledgerFileName,
  requireLedgerSender,
  withLedgerBody,
} from './import-routes.js';
import { PREVIEW_HOURS, previewLedger } from './preview.js';
import { Problem, PreviewAnswer, previewAnswer, SpellChange, spellChange } from './preview-shapes.js';
import { previewItems, previewOf, previewProblems, type PreviewRow } from './queries.js';
import { ImportAnswer, importAnswer } from './shapes.js';
import { previewXlsx } from './workbooks.js';
import { maskIdNumbers } from '../security/identity.js';

const tag = '部门台账';
const PreviewId = z.object({ previewId: z.coerce.number().int().positive().describe('预览编号') });
const KINDS = { new: '新增', changed: '变更', ended: '取消', held: '待核查' } as const;

/** The preview, when it is the user's department's and in the user's region; otherwise not found, as if none. */
async function previewFor(pool: Pool, me: User, previewId: number): Promise<PreviewRow> {
  const preview = await previewOf(pool, previewId);
  if (!preview || preview.source_dept !== me.department) throw new ApiError('NOT_FOUND', `查无预览 ${previewId}`);
  try {
    await requireRegionInScope(pool, me, preview.region);
  } catch {
    throw new ApiError('NOT_FOUND', `查无预览 ${previewId}`);
  }
  return preview;
}

export function registerLedgerPreviewRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  withLedgerBody(app, (scope) =>
    declareRoute(scope, pool, {
      method: 'POST',
      url: '/api/ledger-previews',
      tag,
      summary: '预览部门台账（与导入相同的校验，只比对不写入；确认后导入）',
      description:
        `请求与导入（POST /api/ledger-imports）相同。应答新增、变更、取消、待核查与错误的数量，预览保留 ${PREVIEW_HOURS} 小时，` +
        '期间可分页查看、导出并确认导入（POST /api/ledger-previews/{previewId}/confirm，不再上传文件）。' +
        '待核查：台账所报类别与其他部门在台账日期有效的认定相矛盾（如“稳定脱贫人口”与“低保对象”），确认时不导入，留待核实。' +
        '整个文件有问题（无表头、空文件、格式不符）时应答 422 或 415。',
      access: 'operator',
      query: z.object(LEDGER_UPLOAD_FIELDS).strict(),
      upload: LEDGER_UPLOAD,
      status: 201,
      response: z.union([PreviewAnswer, RefusalAnswer]).meta({ type: 'object' }),
      handler: async ({ me, query, body, request, reply, audit }) => {
        const file = ledgerFile(body, request.headers['content-type']);
        if (file.bytes.length === 0) throw new ApiError('LEDGER_EMPTY', `请求体中没有台账文件，${FORMAT_MESSAGE}`);
        const now = clock();
        const ledgerDate = await requireLedgerSender(pool, me, query, chinaDate(now));
        const fileName = ledgerFileName(query.file_name, file.fileName);
        const outcome = await previewLedger(
          pool,
          file.bytes,
          {
            department: query.department,
            region: query.region,
            ledgerDate,
            mode: query.mode,
            fileName,
            actor: `user:${me.username}`,
          },
          now,
        );
        if ('refused' in outcome) {
          await audit('ledger.preview', { ...query, date: ledgerDate, refused: outcome.refused.code });
          reply.status(outcome.refused.code === 'LEDGER_FORMAT' ? 415 : 422);
          return outcome.refused;
        }
        await audit('ledger.preview', {
          ...query,
          date: ledgerDate,
          file_name: fileName,
          preview_id: outcome.previewId,
        });
        return previewAnswer((await previewOf(pool, outcome.previewId))!, now);
      },
    }),
  );

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-previews/:previewId',
    tag,
    summary: '台账预览的数量与状态',
    access: 'operator',
    params: PreviewId,
    response: PreviewAnswer,
    handler: async ({ me, params }) => previewAnswer(await previewFor(pool, me, params.previewId), clock()),
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-previews/:previewId/items',
    tag,
    summary: '台账预览的新增、变更、取消或待核查（分页）',
    access: 'operator',
    params: PreviewId,
    query: z
      .object({
        kind: z.enum(['new', 'changed', 'ended', 'held']).describe('new 新增、changed 变更、ended 取消、held 待核查'),
        ...paging(200),
      })
      .strict(),
    response: z.object({
      total: z.number().int().describe('条数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(SpellChange),
    }),
    handler: async ({ me, params, query }) => {
      await previewFor(pool, me, params.previewId);
      const { total, rows } = await previewItems(pool, params.previewId, query.kind, query.page, query.size);
      return { total, page: query.page, size: query.size, items: rows.map(spellChange) };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-previews/:previewId/problems',
    tag,
    summary: '台账预览的错误行（分页）',
    access: 'operator',
    params: PreviewId,
    query: z.object(paging(200)).strict(),
    response: z.object({
      header: z.array(z.string()).describe('文件的表头'),
      total: z.number().int().describe('错误行数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(Problem),
    }),
    handler: async ({ me, params, query }) => {
      const preview = await previewFor(pool, me, params.previewId);
      const { total, rows } = await previewProblems(pool, params.previewId, query.page, query.size);
      return {
        header: preview.header,
        total,
        page: query.page,
        size: query.size,
        items: rows.map((row) => ({
          row: row.row_no,
          codes: row.codes,
          reasons: row.reasons,
          cells: row.cells.map(maskIdNumbers),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/ledger-previews/:previewId/export.xlsx',
    tag,
    summary: '导出台账预览（XLSX：概况、新增、变更、取消、待核查、错误）',
    access: 'operator',
    params: PreviewId,
    files: [XLSX],
    handler: async ({ me, params }) => {
      const preview = await previewFor(pool, me, params.previewId);
      const answer = previewAnswer(preview, clock());
      const kinds = await Promise.all(
        (Object.keys(KINDS) as (keyof typeof KINDS)[]).map(async (kind) => ({
          name: KINDS[kind],
          held: kind === 'held',
          rows: (await previewItems(pool, preview.preview_id, kind, 1, null)).rows.map(spellChange),
        })),
      );
      const problems = (await previewProblems(pool, preview.preview_id, 1, null)).rows;
      const workbook = await previewXlsx({
        summary: [
          ['报送部门', departmentName(preview.source_dept)],
          ['区划', preview.region_name],
          ['台账日期', preview.ledger_date],
          ['文件名', preview.file_name],
          ['导入方式', preview.mode === 'atomic' ? '整体导入' : '部分导入'],
          ['数据行数', answer.total_rows],
          ['新增人员类别', answer.spells_new],
          ['其中新登记人员', answer.persons_new],
          ['变更人员类别', answer.spells_changed],
          ['取消人员类别', answer.spells_ended],
          ['待核查行数', answer.rows_held],
          ['错误行数', answer.bad_rows],
          ['无变化行数', answer.rows_unchanged],
          ['状态', answer.blocked ?? '可确认导入'],
        ],
        kinds: kinds.map((kind) => ({ ...kind, rows: kind.rows.map((row) => ({ ...row, row: row.row ?? null })) })),
        header: preview.header,
        problems: problems.map((row) => ({
          rowNo: row.row_no,
          codes: row.codes,
          reasons: row.reasons,
          cells: row.cells,
        })),
      });
      return new FileAnswer(`台账预览${preview.preview_id}.xlsx`, XLSX, workbook);
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/ledger-previews/:previewId/confirm',
    tag,
    summary: '确认导入台账预览（按预览所见导入，不再上传文件）',
    description:
      '登记信息在预览之后有变化（其他导入、类别或人员登记）使导入结果与预览不同时不导入（409 STATE），请重新预览。' +
      '将终止过多的有效类别时须注明 confirm_end（409 LEDGER_MASS_END）。待核查的行不导入，随导入记录列出。',
    access: 'operator',
    params: PreviewId,
    body: z.object({ confirm_end: ConfirmEnd }).strict(),
    status: 201,
    response: z
      .union([
        ImportAnswer.extend({ rows_held: z.number().int().describe('待核查未导入的行数') }),
        RefusalAnswer.extend({
          spells_to_end: z.number().int().optional().describe('将终止的人员类别数（LEDGER_MASS_END）'),
          spells_running: z.number().int().optional().describe('本部门在该区划有效的人员类别数'),
        }),
      ])
      .meta({ type: 'object' }),
    handler: async ({ me, params, body, reply, audit }) => {
      await previewFor(pool, me, params.previewId);
      const outcome = await confirmPreview(pool, params.previewId, {
        actor: `user:${me.username}`,
        confirmEnd: body.confirm_end,
        now: clock(),
      });
      if ('massEnd' in outcome) {
        const { ending, running } = outcome.massEnd;
        reply.status(409);
        return {
          code: 'LEDGER_MASS_END',
          message: `本次导入将终止 ${running} 个有效人员类别中的 ${ending} 个，请核对台账是否完整；确需终止的，请注明将终止的数量（${ending}）后确认`,
          spells_to_end: ending,
          spells_running: running,
        };
      }
      if ('refused' in outcome) {
        reply.status(422);
        return outcome.refused;
      }
      const result = outcome.imported;
      await audit('ledger.import', {
        import_id: result.importId,
        preview_id: params.previewId,
        rows: result.totalRows,
        bad_rows: result.badRows,
        rows_held: result.rowsHeld,
        spells_ended: result.spellsEnded,
      });
      return { ...importAnswer(result), rows_held: result.rowsHeld };
    },
  });
}

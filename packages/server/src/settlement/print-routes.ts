/**
 * Printing a settlement's one-stop sheet: each copy is recorded before it is printed, so the sheet can say whether
 * it is the original or a reprint (补打, with its number) and the settlement's page lists who printed which copy.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer } from '../console/kit.js';
import type { User } from '../console/roles.js';
import { chinaTime, ChinaTime } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { printsOf, recordPrint, type PrintRow } from './prints.js';
import { settlementDetail } from './detail.js';
import { findSettlement } from './queries.js';
import { renderSheetPdf, requirePdfFont, sheetOf } from './sheet-pdf.js';

const tag = '结算';
const Params = z.object({ psnNo: z.string().max(30), setlId: z.string().max(40) });
const Print = z.object({
  copy: z.number().int().describe('第几份（1 为首次打印，大于 1 为补打）'),
  reprint: z.boolean().describe('是否补打'),
  printed_by: z.string().describe('打印人用户名'),
  printed_by_name: z.string().describe('打印人（经办人）'),
  printed_at: ChinaTime.describe('打印时间'),
});

const present = (row: PrintRow): z.input<typeof Print> => ({
  ...row,
  reprint: row.copy > 1,
  printed_at: chinaTime(row.printed_at),
});

/** Sheets are printed at the bureau's counter: not by a township's office or another department. */
function requireCounter(me: User): void {
  if (me.township || (me.department && me.department !== 'medical_security'))
    throw new ApiError('FORBIDDEN', '结算单由医疗保障经办机构打印');
}

export function registerSettlementPrintRoutes(app: FastifyInstance, pool: Pool, pdfFont?: string): void {
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/settlements/:psnNo/:setlId/prints',
    tag,
    summary: '打印结算单：登记一份打印（首次打印或补打），返回份数、打印人与时间',
    access: 'operator',
    guard: requireCounter,
    params: Params,
    status: 201,
    response: Print,
    handler: async ({ me, params, audit }) => {
      const settlement = await findSettlement(pool, me, params.psnNo, params.setlId);
      if (!settlement) throw new ApiError('NOT_FOUND', `查无结算 ${params.setlId}（或不在您的管辖范围）`);
      const print = await recordPrint(pool, settlement.psn_no, settlement.setl_id, me.username);
      await audit(print.copy > 1 ? 'settlement.reprint' : 'settlement.print', {
        psn_no: settlement.psn_no,
        setl_id: settlement.setl_id,
        copy: print.copy,
      });
      return present(print);
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/settlements/:psnNo/:setlId/prints',
    tag,
    summary: '结算单打印记录（首次打印与各次补打）',
    access: 'signed_in',
    params: Params,
    response: z.object({ items: z.array(Print) }),
    handler: async ({ me, params }) => {
      const settlement = await findSettlement(pool, me, params.psnNo, params.setlId);
      if (!settlement) throw new ApiError('NOT_FOUND', `查无结算 ${params.setlId}（或不在您的管辖范围）`);
      return { items: (await printsOf(pool, settlement.psn_no, settlement.setl_id)).map(present) };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/settlements/:psnNo/:setlId/sheet.pdf',
    tag,
    summary: '下载结算单 PDF（A4 一页）：与打印相同，登记一份打印（首次打印或补打）',
    access: 'operator',
    guard: requireCounter,
    params: Params,
    files: ['application/pdf'],
    handler: async ({ me, params, audit }) => {
      requirePdfFont(pdfFont);
      const detail = await settlementDetail(pool, me, params.psnNo, params.setlId);
      const print = await recordPrint(pool, detail.psn_no, detail.setl_id, me.username);
      await audit(print.copy > 1 ? 'settlement.reprint' : 'settlement.print', {
        psn_no: detail.psn_no,
        setl_id: detail.setl_id,
        copy: print.copy,
        format: 'pdf',
      });
      const pdf = await renderSheetPdf(sheetOf(detail, print.printed_by_name, print.printed_at, print.copy), pdfFont);
      return new FileAnswer(`结算单-${detail.setl_id}.pdf`, 'application/pdf', pdf);
    },
  });
}

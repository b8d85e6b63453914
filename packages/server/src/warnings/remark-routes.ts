/**
 * The two remarks of a warning over the console API: the township's (乡镇备注), written only by its township's users
 * while the warning is handed down to them, and the bureau's (局备注), written only by the bureau's operators; each
 * with who wrote it and when.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { year } from '../console/parse.js';
import { chinaTime, ChinaTime } from '../console/units.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { remarksOf, writeRemark } from './handover-queries.js';
import { findWarning } from './queries.js';
import { tag } from './shapes.js';

/** Only a township's users write its remark, only the bureau's the bureau's; departments neither. */
function requireSide(me: User, side: 'township' | 'bureau'): void {
  if (side === 'township' && !me.township) throw new ApiError('FORBIDDEN', '乡镇备注只能由乡镇（街道）用户填写');
  if (side === 'bureau' && (me.township || me.department))
    throw new ApiError('FORBIDDEN', '局备注只能由医保局经办人员填写');
}

export function registerRemarkRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  declareRoute(app, pool, {
    method: 'PUT',
    url: '/api/warnings/:psn_no/:year/remarks/:side',
    tag,
    summary: '填写备注：乡镇备注（乡镇用户）或局备注（医保局经办人员），各自只能写自己一方的',
    access: 'operator',
    params: z.object({
      psn_no: z.string().max(40).describe('人员编号'),
      year: year.describe('年度'),
      side: z.enum(['township', 'bureau']).describe('township 乡镇备注、bureau 局备注'),
    }),
    body: z.object({ remark: z.string().max(1000).describe('备注（空为清除）') }).strict(),
    response: z.object({
      side: z.enum(['township', 'bureau']).describe('township 乡镇备注、bureau 局备注'),
      remark: z.string().describe('备注'),
      by: z.string().nullable().describe('填写人'),
      at: ChinaTime.nullable().describe('填写时间'),
    }),
    handler: async ({ me, params, body }) => {
      requireSide(me, params.side);
      const actor = `user:${me.username}`;
      await inTransaction(pool, async (client) => {
        await findWarning(client, me, params.psn_no, params.year, true);
        const remark = { psnNo: params.psn_no, year: params.year, text: body.remark.trim(), actor, at: clock() };
        await writeRemark(client, params.side, remark);
        await audit(client, actor, 'warning.remark', { psn_no: params.psn_no, year: params.year, side: params.side });
      });
      const remarks = await remarksOf(pool, params.psn_no, params.year);
      const side = params.side === 'township' ? 'township_remark' : 'bureau_remark';
      const at = remarks[`${side}_at`];
      return { side: params.side, remark: remarks[side], by: remarks[`${side}_by`], at: at ? chinaTime(at) : null };
    },
  });
}

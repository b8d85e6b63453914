/**
 * Electronic vouchers (医保电子凭证): an operator issues one for a person in their scope — the token the person shows
 * at the counter and the HIS sends as mdtrt_cert_no with mdtrt_cert_type 01. Shown once; only its digest is kept.
 */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import { issueVoucher, VOUCHER_MINUTES } from '../security/vouchers.js';
import { authenticate, requireRole } from './auth.js';
import { requirePersonInScope } from './scope.js';

export function registerVoucherRoutes(app: FastifyInstance, pool: Pool): void {
  app.post<{ Params: { psn_no: string } }>(
    '/api/persons/:psn_no/vouchers',
    {
      schema: {
        tags: ['管理接口'],
        summary: `签发医保电子凭证（${VOUCHER_MINUTES} 分钟内有效，仅显示一次）`,
        security: [{ console: [] }],
        params: { type: 'object', properties: { psn_no: { type: 'string', maxLength: 30 } } },
      },
    },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'operator');
      await requirePersonInScope(pool, me, request.params.psn_no);
      const voucher = await issueVoucher(pool, request.params.psn_no, `user:${me.username}`);
      await audit(pool, `user:${me.username}`, 'voucher.issue', { psn_no: request.params.psn_no });
      return reply.status(201).send({
        mdtrt_cert_type: '01',
        mdtrt_cert_no: voucher.token,
        expires_at: voucher.expiresAt.toISOString(),
      });
    },
  );
}

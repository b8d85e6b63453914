/**
 * POST /fsi/api/rsfComIfsService/callService: authenticate the institution, validate the envelope, and run the
 * transaction once per msgid (once.ts): the message log row and everything the transaction writes commit together,
 * and a replayed msgid gets the stored reply without anything being written again. A refusal writes nothing but an
 * audit line.
 */
import {
  findControlCharacter,
  MAX_NESTING,
  nestsDeeperThan,
  formatPath,
  SanbaoError,
  withoutControlCharacters,
} from '@sanbao/core';
import { audit, countRefusal } from '../audit.js';
import { isDatabaseUnavailable, type Pool } from '../db/pool.js';
import type { Handler, Institution } from './context.js';
import { authenticate, readCredential } from './credentials.js';
import { describeField } from './fields.js';
import { runOnce, type EndpointDeps } from './once.js';
import { envelopeSchema, errorReply, expandJsonText, issueCode, type Envelope, type Reply } from './protocol.js';
import { REFUSALS, Refusal } from '../refusal.js';
import {
  cancelAdmission,
  changeAdmission,
  cancelDischarge,
  cancelRegistration,
  admit,
  discharge,
  register,
  visitInfo,
} from './transactions/encounters.js';
import {
  uploadInpatientFees,
  uploadOutpatientFees,
  withdrawInpatientFees,
  withdrawOutpatientFees,
} from './transactions/fees.js';
import { personInfo, signIn, signOut } from './transactions/person.js';
import { reconcileTotals } from './transactions/reconciliation.js';
import { reconcileDetail } from './transactions/reconciliation-detail.js';
import {
  cancel,
  preSettleInpatient,
  preSettleOutpatient,
  reverse,
  settleInpatient,
  settleOutpatient,
  settlementQuery,
} from './transactions/settlement.js';
import { uploadSettlementList } from './transactions/settlement-list.js';

export const TRANSACTIONS: Record<string, { name: string; handler: Handler }> = {
  '9001': { name: '签到', handler: signIn },
  '9002': { name: '签退', handler: signOut },
  '1101': { name: '人员信息获取', handler: personInfo },
  '2201': { name: '门诊挂号', handler: register },
  '2202': { name: '门诊挂号撤销', handler: cancelRegistration },
  '2203': { name: '门诊就诊信息上传', handler: visitInfo },
  '2204': { name: '门诊费用明细信息上传', handler: uploadOutpatientFees },
  '2205': { name: '门诊费用明细信息撤销', handler: withdrawOutpatientFees },
  '2206': { name: '门诊预结算', handler: preSettleOutpatient },
  '2207': { name: '门诊结算', handler: settleOutpatient },
  '2208': { name: '门诊结算撤销', handler: cancel },
  '2301': { name: '住院费用明细上传', handler: uploadInpatientFees },
  '2302': { name: '住院费用明细撤销', handler: withdrawInpatientFees },
  '2303': { name: '住院预结算', handler: preSettleInpatient },
  '2304': { name: '住院结算', handler: settleInpatient },
  '2305': { name: '住院结算撤销', handler: cancel },
  '2401': { name: '入院办理', handler: admit },
  '2402': { name: '出院办理', handler: discharge },
  '2403': { name: '住院信息变更', handler: changeAdmission },
  '2404': { name: '入院办理撤销', handler: cancelAdmission },
  '2405': { name: '出院办理撤销', handler: cancelDischarge },
  '2601': { name: '冲正交易', handler: reverse },
  '4101': { name: '医疗保障基金结算清单信息上传', handler: uploadSettlementList },
  '4101A': { name: '医疗保障基金结算清单信息上传', handler: uploadSettlementList },
  '5203': { name: '结算信息查询', handler: settlementQuery },
  '3201': { name: '医药机构费用结算对总账', handler: reconcileTotals },
  '3202': { name: '医药机构费用结算对明细账', handler: reconcileDetail },
};
// NT's 2203A is the same transaction as 2203.
TRANSACTIONS['2203A'] = { name: '门诊就诊信息上传', handler: visitInfo };

export interface CallOutcome {
  reply: Reply;
  /**
   * HTTP status: 200 for every reply the interface defines (infcode says the outcome), 401 for bad credentials, 503
   * while the database cannot be reached (nothing was done; the HIS may retry with the same msgid).
   */
  status: 200 | 401 | 503;
}

const UNAUTHENTICATED = new Set<string>(['AUTH_REQUIRED', 'AUTH_FAILED', 'AUTH_LOCKED']);

export async function callService(
  deps: EndpointDeps,
  body: unknown,
  authorization: string | undefined,
  /** The client's address: failures are limited per address, and a lock spares addresses the institution uses. */
  address?: string,
): Promise<CallOutcome> {
  const received = deps.clock();
  let envelope: Envelope | undefined;
  let institution: Institution | undefined;
  try {
    institution = await authenticate(deps.pool, readCredential(authorization), address);
    const message = expandJsonText(body);
    // Before anything walks the message: a message nested thousands deep would overflow the walks' stacks.
    if (nestsDeeperThan(message)) throw new Refusal('SCHEMA', `报文嵌套层级超过 ${MAX_NESTING} 层，不予受理`);
    const control = findControlCharacter(message);
    if (control)
      throw new Refusal(
        'TEXT_CONTROL',
        `报文 ${withoutControlCharacters(formatPath(control.path)) || '（根）'}：含有控制字符 ${control.character}，请去除后重发`,
      );
    const parsed = envelopeSchema.safeParse(message, { reportInput: true });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = formatPath((issue?.path ?? []) as (string | number)[]);
      throw new Refusal(
        issue ? issueCode(issue) : 'SCHEMA',
        `报文${path ? ` ${path}` : ''}：${issue ? describeField(issue) : '格式错误'}`,
      );
    }
    envelope = parsed.data;
    if (envelope.fixmedins_code !== institution.fixmedins_code)
      throw new Refusal('INSTITUTION_MISMATCH', REFUSALS.INSTITUTION_MISMATCH);
    const transaction = TRANSACTIONS[envelope.infno];
    if (!transaction) throw new Refusal('INFNO_UNKNOWN', `不支持的交易编号 ${envelope.infno}`);
    return { status: 200, reply: await runOnce(deps, institution, envelope, transaction.handler, received) };
  } catch (error) {
    if (isDatabaseUnavailable(error))
      return {
        status: 503,
        reply: errorReply(
          'SERVICE_UNAVAILABLE',
          `${REFUSALS.SERVICE_UNAVAILABLE}（交易未处理，可用原报文ID重发）`,
          received,
        ),
      };
    const refusal = asRefusal(error);
    const actor = institution?.fixmedins_code ?? readCredential(authorization)?.fixmedinsCode ?? 'anonymous';
    if (UNAUTHENTICATED.has(refusal.code)) await countRefusal(deps.pool, 'his', refusal.code);
    else await auditRefusal(deps.pool, actor, envelope, refusal);
    return {
      status: UNAUTHENTICATED.has(refusal.code) ? 401 : 200,
      reply: errorReply(refusal.code, refusal.message, received),
    };
  }
}

function asRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof SanbaoError) return new Refusal(error.code, error.problems.map((p) => p.message).join('；'));
  throw error;
}

async function auditRefusal(
  pool: Pool,
  actor: string,
  envelope: Envelope | undefined,
  refusal: Refusal,
): Promise<void> {
  await audit(
    pool,
    `his:${actor}`,
    `callService ${envelope?.infno ?? '?'}`,
    { msgid: envelope?.msgid ?? null, message: refusal.message },
    refusal.code,
  ).catch(() => undefined);
}

/**
 * POST /fsi/api/rsfComIfsService/callService: authenticate the institution, validate the envelope, and run the
 * transaction once per msgid: the message log row and everything the transaction writes commit together, and a
 * replayed msgid gets the stored reply without anything being written again. A refusal writes nothing but an
 * audit line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { formatPath, describeIssue, SanbaoError } from '@sanbao/core';
import { audit } from '../audit.js';
import { sendTogether, type Pool, type PoolClient } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import type { Handler, HandlerResult, HisContext, Institution } from './context.js';
import {
  chinaStamp,
  envelopeSchema,
  HIS_ERRORS,
  HisError,
  issueCode,
  type Envelope,
  type HisErrorCode,
  type Reply,
} from './protocol.js';
import {
  cancelAdmission,
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
import { personInfo, signIn } from './transactions/person.js';
import {
  cancel,
  preSettleInpatient,
  preSettleOutpatient,
  reverse,
  settleInpatient,
  settleOutpatient,
} from './transactions/settlement.js';

export const TRANSACTIONS: Record<string, { name: string; handler: Handler }> = {
  '9001': { name: '签到', handler: signIn },
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
  '2404': { name: '入院办理撤销', handler: cancelAdmission },
  '2405': { name: '出院办理撤销', handler: cancelDischarge },
  '2601': { name: '冲正交易', handler: reverse },
};
// NT's 2203A is the same transaction as 2203.
TRANSACTIONS['2203A'] = { name: '门诊就诊信息上传', handler: visitInfo };

export interface EndpointDeps {
  pool: Pool;
  policies: PolicyRegistry;
  clock: () => Date;
}

export interface Caller {
  fixmedinsCode: string;
  secret: string;
}

/** Reads `Authorization: Basic base64(fixmedins_code:secret)`. */
export function readCredential(header: string | undefined): Caller | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { fixmedinsCode: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface Credential {
  institution: Institution;
  secretSha256: string;
  active: boolean;
  loadedAt: number;
}

/** Institutions' credentials per database, kept for a minute: a changed or revoked one takes effect within it. */
const credentialCache = new WeakMap<Pool, Map<string, Credential>>();
const CREDENTIAL_TTL_MS = 60_000;

async function credentialOf(pool: Pool, code: string): Promise<Credential | undefined> {
  let credentials = credentialCache.get(pool);
  if (!credentials) {
    credentials = new Map();
    credentialCache.set(pool, credentials);
  }
  const cached = credentials.get(code);
  if (cached && Date.now() - cached.loadedAt < CREDENTIAL_TTL_MS) return cached;
  const { rows } = await pool.query<Institution & { secret_sha256: string; active: boolean }>(
    'select fixmedins_code, name, level, admdvs, secret_sha256, active from institutions where fixmedins_code = $1',
    [code],
  );
  const found = rows[0];
  if (!found) return undefined;
  const credential = {
    institution: { fixmedins_code: found.fixmedins_code, name: found.name, level: found.level, admdvs: found.admdvs },
    secretSha256: found.secret_sha256,
    active: found.active,
    loadedAt: Date.now(),
  };
  credentials.set(code, credential);
  return credential;
}

async function authenticate(pool: Pool, caller: Caller | undefined): Promise<Institution> {
  if (!caller) throw new HisError('AUTH_REQUIRED', HIS_ERRORS.AUTH_REQUIRED);
  const credential = await credentialOf(pool, caller.fixmedinsCode);
  const given = Buffer.from(hashSecret(caller.secret), 'hex');
  const expected = Buffer.from(credential?.secretSha256 ?? '0'.repeat(64), 'hex');
  if (!credential || !credential.active || !timingSafeEqual(given, expected))
    throw new HisError('AUTH_FAILED', HIS_ERRORS.AUTH_FAILED);
  return credential.institution;
}

let reference = Math.floor(Math.random() * 1e9);
/** The receiver's serial number of inf_refmsgid: 10 digits, unique within this process's run. */
function nextReference(): string {
  reference = (reference + 1) % 1e10;
  return String(reference).padStart(10, '0');
}

function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function errorReply(code: HisErrorCode, message: string, received: Date, refmsgid = ''): Reply {
  return {
    infcode: -1,
    inf_refmsgid: refmsgid,
    refmsg_time: chinaStamp(received),
    respond_time: chinaStamp(new Date()),
    err_msg: `[${code}] ${message}`,
    err_code: code,
    warn_msg: '',
    output: {},
  };
}

export interface CallOutcome {
  reply: Reply;
  /** HTTP status: 200 for every reply the interface defines (infcode says the outcome), 401 for bad credentials. */
  status: 200 | 401;
}

export async function callService(
  deps: EndpointDeps,
  body: unknown,
  authorization: string | undefined,
): Promise<CallOutcome> {
  const received = deps.clock();
  let envelope: Envelope | undefined;
  let institution: Institution | undefined;
  try {
    institution = await authenticate(deps.pool, readCredential(authorization));
    const parsed = envelopeSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = formatPath((issue?.path ?? []) as (string | number)[]);
      throw new HisError(
        issue ? issueCode(issue) : 'SCHEMA',
        `报文${path ? ` ${path}` : ''}：${issue ? describeIssue(issue) : '格式错误'}`,
      );
    }
    envelope = parsed.data;
    if (envelope.fixmedins_code !== institution.fixmedins_code)
      throw new HisError('INSTITUTION_MISMATCH', HIS_ERRORS.INSTITUTION_MISMATCH);
    const transaction = TRANSACTIONS[envelope.infno];
    if (!transaction) throw new HisError('INFNO_UNKNOWN', `不支持的交易编号 ${envelope.infno}`);
    return { status: 200, reply: await runOnce(deps, institution, envelope, transaction.handler, received) };
  } catch (error) {
    const refusal = asRefusal(error);
    await auditRefusal(
      deps.pool,
      institution?.fixmedins_code ?? readCredential(authorization)?.fixmedinsCode ?? 'anonymous',
      envelope,
      refusal,
    );
    const status = refusal.code === 'AUTH_REQUIRED' || refusal.code === 'AUTH_FAILED' ? 401 : 200;
    return { status, reply: errorReply(refusal.code, refusal.message, received) };
  }
}

function asRefusal(error: unknown): HisError {
  if (error instanceof HisError) return error;
  if (error instanceof SanbaoError) return new HisError(error.code, error.problems.map((p) => p.message).join('；'));
  throw error;
}

async function runOnce(
  deps: EndpointDeps,
  institution: Institution,
  envelope: Envelope,
  handler: Handler,
  received: Date,
): Promise<Reply> {
  const client = await deps.pool.connect();
  try {
    // Waits are the cost of a settlement. Begin and the look-up of the msgid leave in one write with the handler's
    // first queries (issued before its first await); its write leaves with the message-log row and commit. The row
    // is written once, at the end: its primary key decides between concurrent duplicates.
    const today = chinaDate(received);
    const context: HisContext = { client, institution, envelope, now: received, today, policies: deps.policies };
    const [opening, seen, handling] = sendTogether(
      client,
      () =>
        [
          client.query('begin'),
          client.query({
            name: 'message-seen',
            text: 'select 1 from message_log where fixmedins_code = $1 and msgid = $2',
            values: [institution.fixmedins_code, envelope.msgid],
          }),
          handler(context),
        ] as const,
    );
    // Awaited below; these only keep an early failure from going unhandled meanwhile.
    opening.catch(() => undefined);
    seen.catch(() => undefined);
    let result: HandlerResult | undefined;
    let failure: unknown;
    try {
      result = await handling;
    } catch (error) {
      failure = error;
    }
    await opening;
    const replayed = Boolean((await seen).rowCount);
    if (replayed || failure !== undefined || !result) {
      await client.query('rollback');
      // A message seen before gets its stored reply, whatever this attempt ran into.
      if (replayed) return await storedReply(client, institution, envelope);
      throw failure;
    }
    const reply: Reply = {
      infcode: 0,
      inf_refmsgid: `${institution.admdvs}${chinaStamp(received).slice(0, 14)}${nextReference()}`,
      refmsg_time: chinaStamp(received),
      respond_time: chinaStamp(deps.clock()),
      err_msg: '',
      err_code: '',
      warn_msg: result.warn ?? '',
      output: result.output,
    };
    const deferred = result.deferred ?? [];
    const [writing, logging, committing] = sendTogether(
      client,
      () =>
        [
          Promise.all(deferred.map((write) => client.query(write))),
          client.query({
            name: 'message-log',
            text: 'insert into message_log (fixmedins_code, msgid, infno, psn_no, request, reply) values ($1, $2, $3, $4, $5, $6)',
            values: [
              institution.fixmedins_code,
              envelope.msgid,
              envelope.infno,
              result.psnNo ?? null,
              JSON.stringify(envelope),
              JSON.stringify(reply),
            ],
          }),
          // After a failed statement the server turns this commit into a rollback: nothing is half-written.
          client.query('commit'),
        ] as const,
    );
    writing.catch(() => undefined);
    logging.catch(() => undefined);
    try {
      await writing;
      await logging;
      await committing;
    } catch (error) {
      await committing.catch(() => undefined);
      await client.query('rollback');
      // A concurrent call with the same msgid committed first: everything done here is undone; its reply stands.
      if ((error as { code?: string }).code === '23505') return await storedReply(client, institution, envelope);
      throw error;
    }
    return reply;
  } finally {
    client.release();
  }
}

async function storedReply(client: PoolClient, institution: Institution, envelope: Envelope): Promise<Reply> {
  const { rows } = await client.query<{ infno: string; reply: Reply | null }>(
    'select infno, reply from message_log where fixmedins_code = $1 and msgid = $2',
    [institution.fixmedins_code, envelope.msgid],
  );
  const stored = rows[0];
  if (!stored?.reply) throw new HisError('MSGID_REUSED', `报文ID ${envelope.msgid} 正在处理中`);
  if (stored.infno !== envelope.infno)
    throw new HisError('MSGID_REUSED', `报文ID ${envelope.msgid} 已用于交易 ${stored.infno}`);
  return stored.reply;
}

async function auditRefusal(
  pool: Pool,
  actor: string,
  envelope: Envelope | undefined,
  refusal: HisError,
): Promise<void> {
  await audit(
    pool,
    `his:${actor}`,
    `callService ${envelope?.infno ?? '?'}`,
    { msgid: envelope?.msgid ?? null, message: refusal.message },
    refusal.code,
  ).catch(() => undefined);
}

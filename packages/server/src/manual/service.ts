/**
 * 零星报销 (manual settlement): a bill a person paid in full at a hospital that could not settle it directly, settled
 * at the bureau's counter by the same settlement service the HIS uses — the stay or visit recorded with its dates and
 * diagnoses, the bill as totals or as lines (each line split by its grade as a HIS line is), the settlement stored and
 * posted like any other. A pre-settlement runs the same work in a transaction that is rolled back. The clerk's screen
 * names each request with a key: the same key settles once (a repeat answers the settlement made), another bill under
 * it is refused. A reviewer reverses it with a reason: an ordinary cancellation, recorded beside it.
 */
import { createHash } from 'node:crypto';
import {
  MED_TYPES,
  MICRO_PER_FEN,
  formatMicro,
  splitFeeLine,
  type Bp,
  type ChargeGrade,
  type Fen,
  type SettleResult,
} from '@sanbao/core';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { inRolledBackTransaction, inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { insertEncounter, recordDischarge } from '../encounters/repository.js';
import type { PolicyRegistry } from '../policies.js';
import { cancelSettlement } from '../settlement/cancel.js';
import { settleEncounter, type SettlementContext } from '../settlement/service.js';
import { chinaDate } from '../time.js';
import { activeInstitution, lockManual, manualByKey, personVisible, recordManual, recordReversal } from './queries.js';

export interface ManualLine {
  name: string;
  grade: ChargeGrade;
  fee: Fen;
  /** 乙类 先行自付比例 (0 for 甲类 and 丙类). */
  preSelfPayRatio: Bp;
}

export type ManualBill =
  | { mode: 'totals'; medfee: Fen; fullOwnPay: Fen; overLimit: Fen; preSelfPay: Fen }
  | { mode: 'lines'; lines: ManualLine[] };

export interface ManualRequest {
  requestKey: string;
  psnNo: string;
  fixmedinsCode: string;
  medType: string;
  /** yyyy-MM-dd: admission or visit, and discharge (inpatient). */
  begin: string;
  end: string | null;
  diagnoses: string[];
  note: string;
  bill: ManualBill;
}

export interface ManualDeps {
  pool: Pool;
  policies: PolicyRegistry;
  clock: () => Date;
}

export interface Confirmed {
  setlId: string;
  /** A repeat of a request already settled: nothing was done again. */
  replay: boolean;
}

/** The request's fingerprint: a key reused for another bill is refused, not settled under the first one's name. */
function fingerprint(request: ManualRequest): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...request, requestKey: undefined }))
    .digest('hex');
}

/** The stay's or visit's ID: from the request key, so one request is one encounter. */
const encounterId = (key: string): string => `LX${key.replaceAll('-', '').slice(0, 26).toUpperCase()}`;

function check(request: ManualRequest, today: string): void {
  const kind = MED_TYPES[request.medType];
  if (!kind) throw new ApiError('CODE_UNKNOWN', `body.med_type：未知的医疗类别 ${request.medType}`);
  if (request.begin > today) throw new ApiError('SCHEMA', 'body.begin_date：就诊日期不能晚于今天');
  if (kind.encounter === 'inpatient') {
    if (!request.end) throw new ApiError('SCHEMA', 'body.end_date：住院须填写出院日期');
    if (request.end < request.begin) throw new ApiError('SCHEMA', 'body.end_date：出院日期不能早于入院日期');
    if (request.end > today) throw new ApiError('SCHEMA', 'body.end_date：出院日期不能晚于今天');
  }
  if (request.bill.mode === 'lines' && request.bill.lines.length === 0)
    throw new ApiError('NOTHING_TO_SETTLE', 'body.bill.lines：至少填写一条费用明细');
}

/** Writes the encounter (and its lines), settles it; the caller's transaction commits or rolls back. */
async function settleIn(
  client: PoolClient,
  deps: ManualDeps,
  me: User,
  request: ManualRequest,
  commit: boolean,
): Promise<{ result: SettleResult; setlId: string | null }> {
  const now = deps.clock();
  const today = chinaDate(now);
  check(request, today);
  if (!(await personVisible(client, me, request.psnNo)))
    throw new ApiError('NOT_FOUND', `查无人员 ${request.psnNo}（或不在您的管辖范围）`);
  const institution = await activeInstitution(client, request.fixmedinsCode);
  if (!institution) throw new ApiError('NOT_FOUND', `查无定点医疗机构 ${request.fixmedinsCode}`);
  if (!institution.active) throw new ApiError('STATE', `${institution.name}已不在协议期内，不能办理零星报销`);
  const mdtrtId = encounterId(request.requestKey);
  const inpatient = MED_TYPES[request.medType]?.encounter === 'inpatient';
  await insertEncounter(client, {
    psnNo: request.psnNo,
    mdtrtId,
    fixmedinsCode: institution.fixmedins_code,
    medType: request.medType,
    insutype: '390',
    begntime: `${request.begin} 00:00:00`,
    diagnoses: request.diagnoses,
    chronicScheme: null,
    iptOtpNo: null,
    msgid: mdtrtId,
    certType: '02',
  });
  if (inpatient && request.end)
    await recordDischarge(client, request.psnNo, mdtrtId, `${request.end} 00:00:00`, request.diagnoses);
  if (request.bill.mode === 'lines')
    await insertLines(client, request.psnNo, mdtrtId, request.begin, request.bill.lines);
  const context: SettlementContext = { client, institution, requestId: mdtrtId, now, today, policies: deps.policies };
  const totals = request.bill.mode === 'totals' ? request.bill : {};
  const { output, result, deferred } = await settleEncounter(context, {
    psnNo: request.psnNo,
    mdtrtId,
    medType: inpatient ? undefined : request.medType,
    totals,
    midSettlement: false,
    commit,
  });
  if (!commit) return { result, setlId: null };
  for (const write of deferred ?? []) await client.query(write);
  const setlId = (output['setlinfo'] as { setl_id: string }).setl_id;
  return { result, setlId };
}

async function insertLines(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
  day: string,
  lines: ManualLine[],
): Promise<void> {
  for (const [index, line] of lines.entries()) {
    const split = splitFeeLine({ grade: line.grade, fee: line.fee, preSelfPayRatio: line.preSelfPayRatio });
    await client.query(
      `insert into fee_lines (psn_no, mdtrt_id, feedetl_sn, med_list_codg, medins_list_codg, chrgitm_lv, fee_ocur_time, cnt, pric,
                              det_item_fee_sumamt, selfpay_prop, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, status)
       values ($1, $2, $3, $4, $5, $6, $7::timestamp at time zone 'Asia/Shanghai', 1, $8, $9, $10, $11, $12, $13, $14, 'active')`,
      [
        psnNo,
        mdtrtId,
        String(index + 1).padStart(4, '0'),
        `LX${String(index + 1).padStart(4, '0')}`,
        line.name,
        line.grade,
        `${day} 00:00:00`,
        formatMicro(line.fee * MICRO_PER_FEN),
        line.fee,
        line.preSelfPayRatio,
        split.fullOwnPay,
        split.overLimit,
        split.preSelfPay,
        split.inScope,
      ],
    );
  }
}

/** The pre-settlement: what the bill would settle at, with the explanation; nothing is kept. */
export async function previewManual(deps: ManualDeps, me: User, request: ManualRequest): Promise<SettleResult> {
  const { result } = await inRolledBackTransaction(deps.pool, (client) => settleIn(client, deps, me, request, false));
  return result;
}

/** The settlement, stored and posted under the clerk's name; a repeat of the same request answers the one made. */
export async function confirmManual(deps: ManualDeps, me: User, request: ManualRequest): Promise<Confirmed> {
  const digest = fingerprint(request);
  return inTransaction(deps.pool, async (client) => {
    // Two submissions of one request wait for each other here: the second finds the first's settlement.
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [request.requestKey]);
    const done = await manualByKey(client, request.requestKey);
    if (done) {
      if (done.request_sha256 !== digest)
        throw new ApiError('DUPLICATE', '该请求编号已用于另一笔零星报销，请重新预结算后再确认');
      return { setlId: done.setl_id, replay: true };
    }
    const { setlId } = await settleIn(client, deps, me, request, true);
    if (!setlId) throw new Error('a committed settlement has an id');
    await recordManual(client, {
      request_key: request.requestKey,
      request_sha256: digest,
      psn_no: request.psnNo,
      mdtrt_id: encounterId(request.requestKey),
      setl_id: setlId,
      fixmedins_code: request.fixmedinsCode,
      clerk: me.username,
      note: request.note,
      lines: request.bill.mode === 'lines' ? request.bill.lines : [],
    });
    return { setlId, replay: false };
  });
}

/** A reviewer reverses a manual settlement: an ordinary cancellation, with who and why recorded beside it. */
export async function reverseManual(
  deps: ManualDeps,
  me: User,
  psnNo: string,
  setlId: string,
  reason: string,
): Promise<{ cancellationId: string }> {
  return inTransaction(deps.pool, async (client) => {
    if (!(await personVisible(client, me, psnNo)))
      throw new ApiError('NOT_FOUND', `查无零星报销 ${setlId}（或不在您的管辖范围）`);
    const record = await lockManual(client, psnNo, setlId);
    if (!record) throw new ApiError('NOT_FOUND', `查无零星报销 ${setlId}（或不在您的管辖范围）`);
    if (record.cancellation_id)
      throw new ApiError('STATE', `零星报销 ${setlId} 已撤销（撤销结算ID ${record.cancellation_id}）`);
    if (record.clerk === me.username) throw new ApiError('FORBIDDEN', '办理零星报销的经办人员不能撤销自己的报销');
    const institution = await activeInstitution(client, record.fixmedins_code);
    if (!institution) throw new ApiError('NOT_FOUND', `查无定点医疗机构 ${record.fixmedins_code}`);
    const now = deps.clock();
    const context: SettlementContext = {
      client,
      institution,
      requestId: `${record.mdtrt_id.slice(0, 26)}CX`,
      now,
      today: chinaDate(now),
      policies: deps.policies,
    };
    const { output } = await cancelSettlement(context, psnNo, record.mdtrt_id, setlId);
    const cancellationId = (output['setlinfo'] as { setl_id: string }).setl_id;
    await recordReversal(client, psnNo, setlId, cancellationId, me.username, reason);
    return { cancellationId };
  });
}

/** Pre-settlement, settlement and cancellation: 2206/2207/2208 outpatient, 2303/2304/2305 inpatient; 2601 reversal. */
import { z } from 'zod';
import { cancelSettlement, reinstateSettlement } from '../../settlement/cancel.js';
import { settleEncounter, settlementInfo } from '../../settlement/service.js';
import { readInput, settlementContext, type Handler } from '../context.js';
import { code, optional, text, yuan } from '../fields.js';
import { errorReply, messageLock, REVERSED_DIGEST } from '../protocol.js';
import { Refusal } from '../../refusal.js';
import { withdrawEncounter } from './encounters.js';

const settleData = z.looseObject({
  psn_no: code(30),
  mdtrt_id: code(30),
  mdtrt_cert_type: optional(code(3, { width: 2 })),
  mdtrt_cert_no: optional(code(50)),
  medfee_sumamt: yuan,
  psn_setlway: optional(code(6, { width: 2 })),
  insutype: optional(code(6)),
  acct_used_flag: optional(code(1)),
  mid_setl_flag: optional(code(3)),
  med_type: optional(code(6, { width: 2 })),
  chrg_bchno: optional(code(30)),
  invono: optional(text(20)),
  // With fee lines uploaded these four are placeholders (0.00, "" or null in many clients): the lines decide.
  fulamt_ownpay_amt: optional(yuan),
  overlmt_selfpay: optional(yuan),
  preselfpay_amt: optional(yuan),
  inscp_scp_amt: optional(yuan),
});

function settleHandler(commit: boolean, outpatient: boolean): Handler {
  return async (context) => {
    const data = readInput(context, 'data', settleData);
    if (outpatient && !data.med_type) throw new Refusal('SCHEMA', 'input.data.med_type：门诊结算须给出医疗类别');
    const { output, deferred, notes } = await settleEncounter(settlementContext(context), {
      psnNo: data.psn_no,
      mdtrtId: data.mdtrt_id,
      medType: outpatient ? data.med_type : undefined,
      chrgBchno: outpatient ? data.chrg_bchno : undefined,
      totals: {
        medfee: data.medfee_sumamt,
        fullOwnPay: data.fulamt_ownpay_amt,
        overLimit: data.overlmt_selfpay,
        preSelfPay: data.preselfpay_amt,
        inScope: data.inscp_scp_amt,
      },
      midSettlement: data.mid_setl_flag === '1',
      commit,
    });
    return {
      psnNo: data.psn_no,
      output,
      ...(deferred ? { deferred } : {}),
      ...(notes.length > 0 ? { warn: notes.join('；') } : {}),
    };
  };
}

export const preSettleOutpatient = settleHandler(false, true);
export const settleOutpatient = settleHandler(true, true);
export const preSettleInpatient = settleHandler(false, false);
export const settleInpatient = settleHandler(true, false);

const cancelData = z.looseObject({
  psn_no: code(30),
  mdtrt_id: code(30),
  setl_id: code(30),
  exp_content: optional(z.unknown()),
});

export const cancel: Handler = async (context) => {
  const data = readInput(context, 'data', cancelData);
  const { output } = await cancelSettlement(settlementContext(context), data.psn_no, data.mdtrt_id, data.setl_id);
  return { psnNo: data.psn_no, output };
};

/** 5203 结算信息查询: one settlement of the calling institution, as 2207/2304 answered it. */
export const settlementQuery: Handler = async (context) => {
  const data = readInput(
    context,
    'data',
    z.looseObject({ psn_no: code(30), setl_id: code(30), mdtrt_id: optional(code(30)) }),
  );
  const { output } = await settlementInfo(settlementContext(context), data.psn_no, data.setl_id, data.mdtrt_id);
  return { psnNo: data.psn_no, output };
};

/**
 * 2601 冲正: undoes the transaction sent under omsgid when its reply was lost. A settlement is cancelled, an
 * admission or registration withdrawn, a cancellation reversed (the settlement stands again); a message that never
 * arrived needs nothing and says so.
 */
export const reverse: Handler = async (context) => {
  const data = readInput(
    context,
    'data',
    z.looseObject({
      psn_no: code(30),
      omsgid: code(30),
      oinfno: code(6).pipe(z.string().regex(/^\d{4}[A-Z]?$/, { message: '原交易编号应为 4 位数字' })),
    }),
  );
  const institution = context.institution.fixmedins_code;
  if (data.omsgid === context.envelope.msgid) throw new Refusal('SCHEMA', '冲正交易不能冲正自身');
  // The original's own lock first (the key runOnce takes): an original still being processed is waited for, never
  // declared absent while it commits.
  await context.client.query(messageLock(institution, data.omsgid));
  const { rows } = await context.client.query<{
    infno: string;
    psn_no: string | null;
    reply: { infcode?: number; output?: Record<string, Record<string, unknown>> };
    late: boolean;
  }>(
    "select infno, psn_no, reply, received_at < $3::timestamptz - interval '24 hours' as late from message_log where fixmedins_code = $1 and msgid = $2",
    [institution, data.omsgid, context.now],
  );
  const original = rows[0];
  if (!original) {
    // Never arrived: nothing to undo. The msgid is taken now, answered as reversed, so that the original arriving
    // late is refused instead of done behind the HIS's back.
    const reply = errorReply(
      'STATE',
      `报文 ${data.omsgid} 已由冲正交易 ${context.envelope.msgid} 冲正，未予处理`,
      context.now,
    );
    return {
      psnNo: data.psn_no,
      output: {},
      warn: `原交易 ${data.omsgid} 未被受理，无需冲正；该报文ID此后不再受理`,
      deferred: [
        {
          text: 'insert into message_log (fixmedins_code, msgid, infno, psn_no, request, reply, request_hmac_sm3) values ($1, $2, $3, $4, $5, $6, $7)',
          values: [
            institution,
            data.omsgid,
            data.oinfno,
            data.psn_no,
            JSON.stringify({ reversed_by: context.envelope.msgid }),
            JSON.stringify(reply),
            REVERSED_DIGEST,
          ],
        },
      ],
    };
  }
  if (original.reply.infcode === -1)
    throw new Refusal('STATE', `原报文 ${data.omsgid} 未被处理（已冲正或被拒绝），无需冲正`);
  if (original.late)
    throw new Refusal(
      'STATE',
      `原交易 ${data.omsgid} 已超过 24 小时，不能冲正；请使用相应的撤销交易（2208、2305、2202、2404）`,
    );
  if (original.infno !== data.oinfno)
    throw new Refusal('SCHEMA', `原报文 ${data.omsgid} 的交易编号是 ${original.infno}，不是 ${data.oinfno}`);
  if (original.psn_no !== data.psn_no)
    throw new Refusal('FORBIDDEN', `原报文 ${data.omsgid} 不属于人员 ${data.psn_no}`);
  const output = original.reply.output ?? {};
  switch (data.oinfno) {
    case '2207':
    case '2304': {
      const setlinfo = output['setlinfo'] ?? {};
      const { output: reversal } = await cancelSettlement(
        settlementContext(context),
        data.psn_no,
        String(setlinfo['mdtrt_id']),
        String(setlinfo['setl_id']),
        { reversal: true },
      );
      return { psnNo: data.psn_no, output: reversal };
    }
    case '2208':
    case '2305': {
      const setlinfo = output['setlinfo'] ?? {};
      const { output: reinstated, deferred } = await reinstateSettlement(
        settlementContext(context),
        data.psn_no,
        String(setlinfo['mdtrt_id']),
        String(setlinfo['setl_id']),
      );
      return { psnNo: data.psn_no, output: reinstated, ...(deferred ? { deferred } : {}) };
    }
    case '2401':
    case '2201': {
      const node = output[data.oinfno === '2401' ? 'result' : 'data'] ?? {};
      return withdrawEncounter(context, data.psn_no, String(node['mdtrt_id']), '冲正');
    }
    default:
      throw new Refusal(
        'INFNO_UNKNOWN',
        `不能冲正交易 ${data.oinfno}（可冲正 2201、2207、2208、2304、2305、2401；明细上传请用 2205/2302 撤销）`,
      );
  }
};

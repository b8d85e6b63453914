/** Pre-settlement, settlement and cancellation: 2206/2207/2208 outpatient, 2303/2304/2305 inpatient; 2601 reversal. */
import { z } from 'zod';
import { cancelSettlement, settleEncounter } from '../../settlement/service.js';
import { readInput, type Handler } from '../context.js';
import { HisError, yuan } from '../protocol.js';
import { withdrawEncounter } from './encounters.js';

const settleData = z.looseObject({
  psn_no: z.string().min(1),
  mdtrt_id: z.string().min(1),
  mdtrt_cert_type: z.string().optional(),
  mdtrt_cert_no: z.string().optional(),
  medfee_sumamt: yuan,
  psn_setlway: z.string().optional(),
  insutype: z.string().optional(),
  acct_used_flag: z.string().optional(),
  mid_setl_flag: z.string().optional(),
  med_type: z.string().optional(),
  chrg_bchno: z.string().optional(),
  fulamt_ownpay_amt: yuan.optional(),
  overlmt_selfpay: yuan.optional(),
  preselfpay_amt: yuan.optional(),
  inscp_scp_amt: yuan.optional(),
});

function settleHandler(commit: boolean, outpatient: boolean): Handler {
  return async (context) => {
    const data = readInput(context, 'data', settleData);
    if (outpatient && !data.med_type) throw new HisError('SCHEMA', 'input.data.med_type：门诊结算须给出医疗类别');
    const { output, deferred } = await settleEncounter(context, {
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
    return { psnNo: data.psn_no, output, ...(deferred ? { deferred } : {}) };
  };
}

export const preSettleOutpatient = settleHandler(false, true);
export const settleOutpatient = settleHandler(true, true);
export const preSettleInpatient = settleHandler(false, false);
export const settleInpatient = settleHandler(true, false);

const cancelData = z.looseObject({
  psn_no: z.string().min(1),
  mdtrt_id: z.string().min(1),
  setl_id: z.string().min(1),
  exp_content: z.string().optional(),
});

export const cancel: Handler = async (context) => {
  const data = readInput(context, 'data', cancelData);
  const { output } = await cancelSettlement(context, data.psn_no, data.mdtrt_id, data.setl_id);
  return { psnNo: data.psn_no, output };
};

/**
 * 2601 冲正: undoes the transaction sent under omsgid when its reply was lost. A settlement is cancelled, an
 * admission or registration withdrawn; a message that never arrived needs nothing and says so.
 */
export const reverse: Handler = async (context) => {
  const data = readInput(
    context,
    'data',
    z.looseObject({
      psn_no: z.string().min(1),
      omsgid: z.string().min(1).max(30),
      oinfno: z.string().regex(/^\d{4}$/),
    }),
  );
  const { rows } = await context.client.query<{
    infno: string;
    psn_no: string | null;
    reply: { output?: Record<string, Record<string, unknown>> };
  }>('select infno, psn_no, reply from message_log where fixmedins_code = $1 and msgid = $2', [
    context.institution.fixmedins_code,
    data.omsgid,
  ]);
  const original = rows[0];
  if (!original) return { psnNo: data.psn_no, output: {}, warn: `原交易 ${data.omsgid} 未被受理，无需冲正` };
  if (original.infno !== data.oinfno)
    throw new HisError('SCHEMA', `原报文 ${data.omsgid} 的交易编号是 ${original.infno}，不是 ${data.oinfno}`);
  if (original.psn_no !== data.psn_no)
    throw new HisError('FORBIDDEN', `原报文 ${data.omsgid} 不属于人员 ${data.psn_no}`);
  const output = original.reply.output ?? {};
  switch (data.oinfno) {
    case '2207':
    case '2304': {
      const setlinfo = output['setlinfo'] ?? {};
      return cancelSettlement(context, data.psn_no, String(setlinfo['mdtrt_id']), String(setlinfo['setl_id'])).then(
        ({ output: reversal }) => ({ psnNo: data.psn_no, output: reversal }),
      );
    }
    case '2401':
    case '2201': {
      const node = output[data.oinfno === '2401' ? 'result' : 'data'] ?? {};
      return withdrawEncounter(context, data.psn_no, String(node['mdtrt_id']), '冲正');
    }
    default:
      throw new HisError('INFNO_UNKNOWN', `暂不支持冲正交易 ${data.oinfno}（可冲正 2201、2207、2304、2401）`);
  }
};

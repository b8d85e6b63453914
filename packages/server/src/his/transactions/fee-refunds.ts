/**
 * Refund lines (退费): a negative cnt and init_feedetl_sn naming an unsettled line of the same visit or stay. A refund
 * reduces the line it names, never below zero; the split of a line and its refunds together is the split of what
 * remains of the line, each refund carrying the difference its return makes, so the lines of a bill always add up
 * exactly.
 */
import { splitFeeLine, type ChargeGrade, type Count, type Fen, type FeeLineSplit } from '@sanbao/core';
import type { HisContext } from '../context.js';
import { scaledDecimal } from '../fields.js';
import { Refusal } from '../../refusal.js';
import { countText, type Line } from './fee-lines.js';

/** A stored line as a refund group needs it. */
export interface StoredLine {
  feedetl_sn: string;
  init_feedetl_sn: string | null;
  chrg_bchno: string | null;
  med_list_codg: string;
  chrgitm_lv: ChargeGrade;
  /** numeric columns arrive as decimal text. */
  cnt: string;
  pric: string;
  pric_uplmt_amt: string | null;
  selfpay_prop: number;
  det_item_fee_sumamt: string;
  status: string;
}

/** A numeric column as the database writes it (decimal text) in 10^-places, read as the interface's numbers are. */
function stored(decimal: string, places: 4 | 6): number {
  const value = scaledDecimal(decimal, places);
  if (typeof value !== 'number') throw new Error(`stored decimal ${decimal} does not fit ${places} places`);
  return value;
}

function splitOf(original: StoredLine, remaining: { count: Count; fee: Fen }): FeeLineSplit {
  return splitFeeLine({
    grade: original.chrgitm_lv,
    fee: remaining.fee,
    price: stored(original.pric, 6),
    count: remaining.count,
    priceCap: original.pric_uplmt_amt === null ? undefined : stored(original.pric_uplmt_amt, 6),
    preSelfPayRatio: original.selfpay_prop,
  });
}

const minus = (a: FeeLineSplit, b: FeeLineSplit): FeeLineSplit => ({
  fullOwnPay: a.fullOwnPay - b.fullOwnPay,
  overLimit: a.overLimit - b.overLimit,
  preSelfPay: a.preSelfPay - b.preSelfPay,
  inScope: a.inScope - b.inScope,
});

/**
 * Gives each active refund of `original` the split its return makes (the split of what remained before it minus the
 * split of what remains after it, in upload order) and returns the refunds' splits by serial number.
 */
export async function resplitRefunds(
  context: HisContext,
  psnNo: string,
  mdtrtId: string,
  originalSn: string,
): Promise<Map<string, FeeLineSplit>> {
  const { rows } = await context.client.query<StoredLine>(
    `select feedetl_sn, init_feedetl_sn, chrg_bchno, med_list_codg, chrgitm_lv, cnt::text as cnt, pric::text as pric, pric_uplmt_amt::text as pric_uplmt_amt,
            selfpay_prop, det_item_fee_sumamt::text as det_item_fee_sumamt, status
       from fee_lines where psn_no = $1 and mdtrt_id = $2 and status = 'active' and (feedetl_sn = $3 or init_feedetl_sn = $3)
      order by line_seq`,
    [psnNo, mdtrtId, originalSn],
  );
  const original = rows.find((row) => row.init_feedetl_sn === null);
  const splits = new Map<string, FeeLineSplit>();
  if (!original) return splits;
  let remaining = { count: stored(original.cnt, 4), fee: Number(original.det_item_fee_sumamt) };
  let before = splitOf(original, remaining);
  for (const refund of rows.filter((row) => row.init_feedetl_sn !== null)) {
    remaining = {
      count: remaining.count + stored(refund.cnt, 4),
      fee: remaining.fee + Number(refund.det_item_fee_sumamt),
    };
    const after = splitOf(original, remaining);
    const split = minus(after, before);
    splits.set(refund.feedetl_sn, split);
    before = after;
    await context.client.query(
      'update fee_lines set fulamt_ownpay_amt = $4, overlmt_amt = $5, preselfpay_amt = $6, inscp_scp_amt = $7 where psn_no = $1 and mdtrt_id = $2 and feedetl_sn = $3',
      [psnNo, mdtrtId, refund.feedetl_sn, split.fullOwnPay, split.overLimit, split.preSelfPay, split.inScope],
    );
  }
  return splits;
}

/** The line a refund names, checked: same visit, not settled, same item and batch, and not returned beyond zero. */
export async function refundable(context: HisContext, line: Line, index: number): Promise<StoredLine> {
  const at = `input.feedetail[${index}]`;
  const { rows } = await context.client.query<StoredLine & { returned_cnt: string; returned_fee: string }>(
    `select o.feedetl_sn, o.init_feedetl_sn, o.chrg_bchno, o.med_list_codg, o.chrgitm_lv, o.cnt::text as cnt, o.pric::text as pric,
            o.pric_uplmt_amt::text as pric_uplmt_amt, o.selfpay_prop, o.det_item_fee_sumamt::text as det_item_fee_sumamt, o.status,
            coalesce(sum(r.cnt), 0)::text as returned_cnt, coalesce(sum(r.det_item_fee_sumamt), 0)::text as returned_fee
       from fee_lines o
       left join fee_lines r on r.psn_no = o.psn_no and r.mdtrt_id = o.mdtrt_id and r.init_feedetl_sn = o.feedetl_sn and r.status <> 'withdrawn'
      where o.psn_no = $1 and o.mdtrt_id = $2 and o.feedetl_sn = $3 and o.status <> 'withdrawn'
      group by o.psn_no, o.mdtrt_id, o.feedetl_sn`,
    [line.psn_no, line.mdtrt_id, line.init_feedetl_sn],
  );
  const original = rows[0];
  if (!original)
    throw new Refusal('STATE', `${at}：原费用明细 ${line.init_feedetl_sn ?? ''} 不存在（须先上传原明细，或已撤销）`);
  if (original.init_feedetl_sn !== null)
    throw new Refusal('STATE', `${at}：${original.feedetl_sn} 本身是退费明细，不能再退`);
  if (original.status === 'settled')
    throw new Refusal(
      'STATE',
      `${at}：原费用明细 ${original.feedetl_sn} 已结算；退已结算的费用须先撤销结算（2208/2305），再上传退费明细后重新结算`,
    );
  if (original.med_list_codg !== line.med_list_codg)
    throw new Refusal(
      'SCHEMA',
      `${at}：退费明细的医保目录编码 ${line.med_list_codg} 与原明细 ${original.med_list_codg} 不一致`,
    );
  // Same batch: a line and its refunds settle together (2207 settles one batch).
  if ((original.chrg_bchno ?? undefined) !== line.chrg_bchno)
    throw new Refusal('SCHEMA', `${at}：退费明细须与原明细同一收费批次 ${original.chrg_bchno ?? ''}`);
  const remainingCount = stored(original.cnt, 4) + stored(original.returned_cnt, 4);
  const remainingFee = Number(original.det_item_fee_sumamt) + Number(original.returned_fee);
  if (-line.cnt > remainingCount || -line.det_item_fee_sumamt > remainingFee)
    throw new Refusal(
      'AMOUNT_RANGE',
      `${at}：退费数量 ${countText(-line.cnt)}、金额 ${(-line.det_item_fee_sumamt / 100).toFixed(2)} 元超过原明细 ${original.feedetl_sn} 未退的数量 ${countText(remainingCount)}、金额 ${(remainingFee / 100).toFixed(2)} 元`,
    );
  return original;
}

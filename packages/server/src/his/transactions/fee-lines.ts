/**
 * A fee line as the HIS sends it (2204/2301), checked on its own, and as the platform answers it. The grade, the
 * pre-self-pay ratio and the price cap are the platform's extension fields until it has a catalogue (fees.ts).
 */
import {
  CHRGITM_LV,
  COUNT_SCALE,
  formatMicro,
  lineAmount,
  parseRatio,
  toYuanNumber,
  type Bp,
  type ChargeGrade,
  type Count,
  type FeeLineSplit,
} from '@sanbao/core';
import { z } from 'zod';
import { code, count, dateTime, optional, refuseField, signedYuan, unitPrice } from '../fields.js';
import { Refusal } from '../../refusal.js';

/** selfpay_prop (先行自付比例, 5,4): a number or numeric text 0–1, or a percentage. */
const ratio = z.unknown().transform((input, ctx): Bp => {
  const value = typeof input === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(input) ? Number(input) : input;
  const parsed = parseRatio(value);
  if (parsed.ok) return parsed.value;
  return refuseField(ctx, input, 'RATIO_FORMAT', '先行自付比例应为 0–1 的小数（最多四位小数）或百分比');
});

export const feeLine = z.looseObject({
  feedetl_sn: code(30),
  init_feedetl_sn: optional(code(30)),
  mdtrt_id: code(30),
  psn_no: code(30),
  chrg_bchno: optional(code(30)),
  fee_ocur_time: dateTime,
  med_list_codg: code(50),
  medins_list_codg: optional(code(150)),
  det_item_fee_sumamt: signedYuan,
  cnt: count,
  pric: unitPrice,
  chrgitm_lv: optional(
    code(2, { width: 2 }).refine((grade) => CHRGITM_LV[grade] !== undefined, {
      message: '收费项目等级应为 01 甲类、02 乙类、03 丙类',
      params: { sanbao: 'CODE_UNKNOWN' },
    }),
  ),
  selfpay_prop: optional(ratio),
  pric_uplmt_amt: optional(unitPrice),
});
export type Line = z.output<typeof feeLine>;

export const countText = (value: Count): string => (value / COUNT_SCALE).toFixed(4);

/** Checks one line on its own: batch, amount = count × price within a fen, a refund's sign and link. */
export function checkLine(line: Line, index: number, outpatient: boolean): void {
  const at = `input.feedetail[${index}]`;
  if (outpatient && !line.chrg_bchno) throw new Refusal('SCHEMA', `${at}：门诊明细须有收费批次号 chrg_bchno`);
  const product = lineAmount(line.cnt, line.pric);
  if (Math.abs(product - line.det_item_fee_sumamt) > 1)
    throw new Refusal(
      'AMOUNT_INCONSISTENT',
      `${at}：数量 ${countText(line.cnt)} × 单价 ${formatMicro(line.pric)} = ${(product / 100).toFixed(2)} 元，与明细金额 ${(line.det_item_fee_sumamt / 100).toFixed(2)} 元相差超过 1 分`,
    );
  // A charge is never negative and a refund never positive: a line cannot move a bill's parts onto the fund.
  if (line.cnt > 0 && line.det_item_fee_sumamt < 0)
    throw new Refusal(
      'AMOUNT_NEGATIVE',
      `${at}：数量为正数的明细金额不能为负数（退费请用负数量并给出 init_feedetl_sn）`,
    );
  if (line.cnt < 0 && line.det_item_fee_sumamt > 0)
    throw new Refusal('AMOUNT_INCONSISTENT', `${at}：退费明细（数量为负数）的金额应为负数或 0`);
  if (line.cnt < 0 && line.init_feedetl_sn === undefined)
    throw new Refusal('SCHEMA', `${at}：数量为负数的退费明细须给出原费用明细流水号 init_feedetl_sn`);
  if (line.cnt > 0 && line.init_feedetl_sn !== undefined)
    throw new Refusal('SCHEMA', `${at}：给出 init_feedetl_sn 的退费明细数量应为负数，收到 ${countText(line.cnt)}`);
  if (line.init_feedetl_sn === line.feedetl_sn) throw new Refusal('SCHEMA', `${at}：退费明细不能退自身`);
  // 0 is what typed clients send for an empty cap; a cap of 0 yuan would put the whole line above it.
  if (line.pric_uplmt_amt === 0) line.pric_uplmt_amt = undefined;
}

export function splitFields(split: FeeLineSplit): Record<string, number> {
  return {
    fulamt_ownpay_amt: toYuanNumber(split.fullOwnPay),
    overlmt_amt: toYuanNumber(split.overLimit),
    preselfpay_amt: toYuanNumber(split.preSelfPay),
    inscp_scp_amt: toYuanNumber(split.inScope),
  };
}

/**
 * One line of 2204/2301's result, typed as clients parse it: every amount and ratio a JSON number, never null
 * (pric_uplmt_amt 0 with lmt_used_flag "0" when the line has no cap).
 */
export function lineResult(
  line: Line,
  grade: ChargeGrade,
  preSelfPayRatio: Bp,
  split: FeeLineSplit,
): Record<string, unknown> {
  return {
    feedetl_sn: line.feedetl_sn,
    ...(line.init_feedetl_sn === undefined ? {} : { init_feedetl_sn: line.init_feedetl_sn }),
    det_item_fee_sumamt: toYuanNumber(line.det_item_fee_sumamt),
    cnt: line.cnt / COUNT_SCALE,
    pric: line.pric / 1_000_000,
    pric_uplmt_amt: line.pric_uplmt_amt === undefined ? 0 : line.pric_uplmt_amt / 1_000_000,
    selfpay_prop: preSelfPayRatio / 10_000,
    ...splitFields(split),
    chrgitm_lv: grade,
    med_chrgitm_type: '',
    lmt_used_flag: line.pric_uplmt_amt === undefined ? '0' : '1',
    memo: '',
  };
}

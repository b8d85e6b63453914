/** One fee line split into the four parts of a bill: 丙类 self-paid, above the price cap, 乙类 pre-self-pay, in scope. */
import { applyRatio, lineAmount, type Bp, type Count, type Fen, type Micro } from './money.js';

export type ChargeGrade = '01' | '02' | '03';

export interface FeeLine {
  /** 01 甲类, 02 乙类, 03 丙类. */
  grade: ChargeGrade;
  fee: Fen;
  /** Unit price and cap in millionths of a yuan, count in ten-thousandths: needed to apply a price cap. */
  price?: Micro | undefined;
  count?: Count | undefined;
  priceCap?: Micro | undefined;
  /** 乙类 pre-self-pay ratio (先行自付比例); 0 for 甲类. */
  preSelfPayRatio: Bp;
}

export interface FeeLineSplit {
  fullOwnPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
  inScope: Fen;
}

/** (price − cap) × count, rounded half-up to the fen, never more than the line. */
export function overPriceCap(line: FeeLine): Fen {
  if (line.priceCap === undefined || line.price === undefined || line.count === undefined) return 0;
  if (line.price <= line.priceCap || line.count <= 0) return 0;
  return Math.min(line.fee, lineAmount(line.count, line.price - line.priceCap));
}

export function splitFeeLine(line: FeeLine): FeeLineSplit {
  if (line.grade === '03') return { fullOwnPay: line.fee, overLimit: 0, preSelfPay: 0, inScope: 0 };
  const overLimit = overPriceCap(line);
  const preSelfPay = line.grade === '02' ? applyRatio(line.fee - overLimit, line.preSelfPayRatio) : 0;
  return { fullOwnPay: 0, overLimit, preSelfPay, inScope: line.fee - overLimit - preSelfPay };
}

/** One fee line split into the four parts of a bill: 丙类 self-paid, above the price cap, 乙类 pre-self-pay, in scope. */
import { applyRatio, type Bp, type Fen } from './money.js';

export type ChargeGrade = '01' | '02' | '03';

export interface FeeLine {
  /** 01 甲类, 02 乙类, 03 丙类. */
  grade: ChargeGrade;
  fee: Fen;
  /** Unit price and count, needed to apply a price cap. */
  price?: Fen | undefined;
  count?: number | undefined;
  priceCap?: Fen | undefined;
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
  if (line.price <= line.priceCap) return 0;
  return Math.min(line.fee, Math.round((line.price - line.priceCap) * line.count));
}

export function splitFeeLine(line: FeeLine): FeeLineSplit {
  if (line.grade === '03') return { fullOwnPay: line.fee, overLimit: 0, preSelfPay: 0, inScope: 0 };
  const overLimit = overPriceCap(line);
  const preSelfPay = line.grade === '02' ? applyRatio(line.fee - overLimit, line.preSelfPayRatio) : 0;
  return { fullOwnPay: 0, overLimit, preSelfPay, inScope: line.fee - overLimit - preSelfPay };
}

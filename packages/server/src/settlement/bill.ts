/** The bill a settlement request may settle: fee lines decide, a bill is settled once, the policy bounds it. */
import {
  ENCOUNTER_NAMES,
  LEVEL_NAMES,
  type Claim,
  type EncounterType,
  type InstitutionLevel,
  type PlausibilityRules,
  type Fen,
} from '@sanbao/core';
import { Refusal } from '../refusal.js';

/** The split totals a request may give (yuan read into fen); with fee lines only medfee counts. */
export interface Totals {
  medfee?: Fen | undefined;
  fullOwnPay?: Fen | undefined;
  overLimit?: Fen | undefined;
  preSelfPay?: Fen | undefined;
  inScope?: Fen | undefined;
}

/** The visit's or stay's settlements still standing (not cancelled): their bills and the latest setl_id. */
export interface Standing {
  count: number;
  medfee: Fen;
  last: string | null;
}

export interface Lines {
  count: number;
  medfee: Fen;
  fullOwnPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
}

/** What a settlement request may settle: the bill, checked against what was settled before and the policy's limits. */
export interface BillCheck {
  lines: Lines;
  totals: Totals;
  /** The visit's or stay's standing settlements. */
  settled: Standing;
  midSettlement: boolean;
  limits: PlausibilityRules;
  encounter: EncounterType;
  level: InstitutionLevel;
  mdtrtId: string;
}

export const yuanText = (fen: Fen): string => (fen / 100).toFixed(2);

/**
 * The bill: from the uploaded lines not yet settled when there are any (the totals sent must then agree), else from
 * the totals. A bill is settled once: fee lines settle once (a settled line is never settled again), a bill given as
 * totals only when nothing of the visit or stay stands settled, and a mid-settlement only lines added since the
 * previous one. A retry with a new msgid therefore finds nothing left to settle and is refused, naming the settlement
 * that stands. The policy bounds what one visit or stay may cost and what may be declared without fee lines.
 */
export function billOf(check: BillCheck): {
  bill: Pick<Claim, 'medfee' | 'fullOwnPay' | 'overLimit' | 'preSelfPay' | 'inScope'>;
  notes: string[];
} {
  const { lines, totals, settled, limits } = check;
  let bill: { medfee: Fen; fullOwnPay: Fen; overLimit: Fen; preSelfPay: Fen };
  const notes: string[] = [];
  if (lines.count > 0) {
    bill = lines;
    if (totals.medfee !== undefined && totals.medfee !== lines.medfee)
      throw new Refusal(
        'AMOUNT_INCONSISTENT',
        `medfee_sumamt ${yuanText(totals.medfee)} 与已上传明细合计 ${yuanText(lines.medfee)} 不一致`,
      );
    // The split totals are computed from the lines. Clients send them as placeholders (0.00, "" or null) or from
    // their own catalogue; either way the lines decide, and a figure that differs is noted, not refused.
    const given: [keyof Totals, string, Fen][] = [
      ['fullOwnPay', 'fulamt_ownpay_amt', lines.fullOwnPay],
      ['overLimit', 'overlmt_selfpay', lines.overLimit],
      ['preSelfPay', 'preselfpay_amt', lines.preSelfPay],
      ['inScope', 'inscp_scp_amt', lines.medfee - lines.fullOwnPay - lines.overLimit - lines.preSelfPay],
    ];
    for (const [key, field, computed] of given) {
      const value = totals[key];
      if (value !== undefined && value !== 0 && value !== computed)
        notes.push(`${field} 以明细计算为准：${yuanText(computed)}（报文 ${yuanText(value)}）`);
    }
  } else {
    if (settled.count > 0)
      throw new Refusal(
        'ALREADY_SETTLED',
        `就诊 ${check.mdtrtId} 已结算（结算ID ${settled.last}，医疗费 ${yuanText(settled.medfee)} 元），没有新上传的费用明细可结算；重复结算须先撤销原结算`,
      );
    if (check.midSettlement && limits.mid_settlement_requires_lines)
      throw new Refusal('FEE_LINES_REQUIRED', '中途结算须先上传费用明细，只结算新上传的明细');
    const { medfee, fullOwnPay, overLimit, preSelfPay } = totals;
    if (medfee === undefined || fullOwnPay === undefined || overLimit === undefined || preSelfPay === undefined) {
      throw new Refusal(
        'NOTHING_TO_SETTLE',
        '没有上传费用明细时，须给出 medfee_sumamt、fulamt_ownpay_amt、overlmt_selfpay、preselfpay_amt',
      );
    }
    const totalsMax = limits.totals_only_max[check.encounter][check.level];
    if (medfee > totalsMax)
      throw new Refusal(
        'FEE_LINES_REQUIRED',
        `医疗费总额 ${yuanText(medfee)} 元超过只报总额的上限 ${yuanText(totalsMax)} 元（${LEVEL_NAMES[check.level]}${ENCOUNTER_NAMES[check.encounter]}），须上传费用明细后结算`,
      );
    bill = { medfee, fullOwnPay, overLimit, preSelfPay };
  }
  if (bill.fullOwnPay < 0 || bill.overLimit < 0 || bill.preSelfPay < 0)
    throw new Refusal('AMOUNT_INCONSISTENT', '全自费、超限价自费、先行自付金额不能为负数');
  const inScope = bill.medfee - bill.fullOwnPay - bill.overLimit - bill.preSelfPay;
  if (bill.medfee === 0) throw new Refusal('NOTHING_TO_SETTLE', '医疗费总额为 0，没有可结算的费用');
  if (inScope < 0) throw new Refusal('AMOUNT_INCONSISTENT', '全自费、超限价自费与先行自付之和超过医疗费总额');
  if (lines.count === 0 && totals.inScope !== undefined && totals.inScope !== inScope) {
    throw new Refusal(
      'AMOUNT_INCONSISTENT',
      `inscp_scp_amt 应为 ${yuanText(inScope)}（总额 − 全自费 − 超限价 − 先行自付）`,
    );
  }
  const max = limits.max_bill[check.encounter][check.level];
  if (settled.medfee + bill.medfee > max)
    throw new Refusal(
      'AMOUNT_RANGE',
      `医疗费 ${yuanText(bill.medfee)} 元${settled.count > 0 ? `（连同已结算的 ${yuanText(settled.medfee)} 元）` : ''}超过${LEVEL_NAMES[check.level]}${ENCOUNTER_NAMES[check.encounter]}单次就诊的合理上限 ${yuanText(max)} 元，不予结算；请核对金额，确属实情请联系医保经办机构`,
    );
  return { bill: { ...bill, inScope }, notes };
}

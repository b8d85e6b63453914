/**
 * The one list of a settlement's stored figures, in the order of the interface's setlinfo and of the settlements
 * table: what is written, read back, negated by a cancellation, summed and shown is derived from it, never spelled
 * out again.
 */
import type { Settlement } from './engine/types.js';

/** The amounts of a settlement, in fen. */
export const SETTLEMENT_AMOUNTS = [
  'medfee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_selfpay',
  'preselfpay_amt',
  'inscp_scp_amt',
  'act_pay_dedc',
  'hifp_pay',
  'hifmi_pay',
  'maf_pay',
  'oth_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
  'psn_cash_pay',
  'hosp_part_amt',
] as const satisfies readonly (keyof Settlement)[];
export type SettlementAmount = (typeof SETTLEMENT_AMOUNTS)[number];

/** The stored figures: the amounts, with the basic fund's ratio (basis points) after hifp_pay, as setlinfo has it. */
export const SETTLEMENT_FIGURES = [
  ...SETTLEMENT_AMOUNTS.slice(0, 7),
  'pool_prop_selfpay',
  ...SETTLEMENT_AMOUNTS.slice(7),
] as const satisfies readonly (keyof Settlement)[];
export type SettlementFigure = (typeof SETTLEMENT_FIGURES)[number];

/** Each amount's name as the national interface's setlinfo names it. */
export const SETTLEMENT_AMOUNT_NAMES: Record<SettlementAmount, string> = {
  medfee_sumamt: '医疗费总额',
  fulamt_ownpay_amt: '全自费金额',
  overlmt_selfpay: '超限价自费费用',
  preselfpay_amt: '先行自付金额',
  inscp_scp_amt: '符合政策范围金额',
  act_pay_dedc: '实际支付起付线',
  hifp_pay: '基本医疗保险统筹基金支出',
  hifmi_pay: '居民大病保险资金支出',
  maf_pay: '医疗救助基金支出',
  oth_pay: '其他支出',
  fund_pay_sumamt: '基金支付总额',
  psn_part_amt: '个人负担总金额',
  psn_cash_pay: '个人现金支出',
  hosp_part_amt: '医院负担金额',
};

/** The amounts of a settlement with every sign turned: what a cancellation records. */
export function negatedAmounts(s: Settlement): Record<SettlementAmount, number> {
  return Object.fromEntries(SETTLEMENT_AMOUNTS.map((name) => [name, -s[name]])) as Record<SettlementAmount, number>;
}

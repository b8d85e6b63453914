/**
 * Reconciliation: 3201 对总账 (the institution's totals for a period against the platform's) here, and 3202 对明细账
 * (its settlement lines against the platform's, one by one) in reconciliation-detail.ts. Both only read: nothing is
 * written but the message log. What counts, for both, is in reconciliation-period.ts (and docs/HIS.md).
 */
import type { Fen } from '@sanbao/core';
import { z } from 'zod';
import { readInput, type Handler } from '../context.js';
import { optional, signedYuan } from '../fields.js';
import {
  checkPeriod,
  KINDS,
  period,
  refundFlag,
  regionsOf,
  SELECTED,
  selection,
  stmtinfo,
  wholeNumber,
  yuanText,
  type Amounts,
} from './reconciliation-period.js';

const totalsData = z.looseObject({
  ...period,
  medfee_sumamt: signedYuan,
  fund_pay_sumamt: signedYuan,
  acct_pay: optional(signedYuan),
  fixmedins_setl_cnt: wholeNumber,
  // Some dialects reconcile settlements (0) and refunds (1) in separate calls.
  refd_setl_flag: optional(refundFlag),
});

/**
 * 3201 对总账: the institution's totals (medfee_sumamt, fund_pay_sumamt, acct_pay, fixmedins_setl_cnt) against the
 * platform's for the same period and filters. stmt_rslt '0' 平 or '1' 不平, with each difference described; the
 * platform's own totals are added to stmtinfo (an extension) so that a HIS can find the difference.
 */
export const reconcileTotals: Handler = async (context) => {
  const data = readInput(context, 'data', totalsData);
  checkPeriod(context, data);
  const regions = await regionsOf(context, data.setl_optins);
  const refunds = data.refd_setl_flag === '1';
  const { rows } = await context.client.query<{ n: number; medfee: Fen; fund: Fen }>(
    `select count(*)::int as n, coalesce(sum(s.medfee_sumamt), 0)::bigint as medfee,
            coalesce(sum(s.fund_pay_sumamt), 0)::bigint as fund ${SELECTED}`,
    selection(context, data, [...KINDS[data.refd_setl_flag ?? 'all']], regions),
  );
  const platform: Amounts = { medfee: rows[0]?.medfee ?? 0, fund: rows[0]?.fund ?? 0, acct: 0 };
  const platformCount = rows[0]?.n ?? 0;
  // Refund totals (refd_setl_flag 1) are negative on the platform; a HIS may send them as positive sums.
  const sign = (fen: Fen): Fen => (refunds ? -Math.abs(fen) : fen);
  const hospital: Amounts = {
    medfee: sign(data.medfee_sumamt),
    fund: sign(data.fund_pay_sumamt),
    acct: sign(data.acct_pay ?? 0),
  };
  const differences: string[] = [];
  const compare = (name: string, ours: Fen, theirs: Fen): void => {
    if (ours !== theirs) differences.push(`${name}平台 ${yuanText(ours)} 元、医药机构 ${yuanText(theirs)} 元`);
  };
  compare('医疗费总额', platform.medfee, hospital.medfee);
  compare('基金支付总额', platform.fund, hospital.fund);
  compare('个人账户支付', platform.acct, hospital.acct);
  if (platformCount !== data.fixmedins_setl_cnt)
    differences.push(`结算笔数平台 ${platformCount} 笔、医药机构 ${data.fixmedins_setl_cnt} 笔`);
  return {
    output: {
      stmtinfo: stmtinfo(data, platform, platformCount, differences.join('；')),
    },
  };
};

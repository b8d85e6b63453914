/**
 * One settlement as the console shows it: its amounts in yuan, each fund's payment, the explanation of every yuan with
 * hints, and what its printed sheet needs (the stay, the institution, the person, the related records, who settled a
 * 零星报销). The settlement's page and its PDF both read it here.
 */
import {
  CATEGORY_NAMES,
  expandTrace,
  processInfo,
  SETTLEMENT_AMOUNT_NAMES,
  SETTLEMENT_AMOUNTS,
  type CategoryCode,
  type SettlementAmount,
} from '@sanbao/core';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { chinaTime, ChinaTime, Ratio, ratio, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import { SheetParts, sheetParts } from './detail-answer.js';
import { findSettlement, manualOf, settlementHistory, type SettlementListRow } from './queries.js';
import { hintsOf, traceAnswer, TraceStepAnswer } from './trace-answer.js';

const Amounts = z.object(
  Object.fromEntries(
    SETTLEMENT_AMOUNTS.map((name) => [name, Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES[name]}（元）`)]),
  ) as Record<SettlementAmount, typeof Yuan>,
);

export const Listed = Amounts.extend({
  setl_id: z.string().describe('结算ID'),
  kind: z.string().describe('settlement 结算、cancellation 冲销、top_up 补付'),
  psn_no: z.string(),
  psn_name: z.string(),
  certno: z.string().describe('身份证号（脱敏）'),
  mdtrt_id: z.string().describe('就诊ID'),
  fixmedins_code: z.string(),
  fixmedins_name: z.string().describe('定点医疗机构'),
  setl_time: ChinaTime.describe('结算时间'),
  med_type: z.string().describe('医疗类别'),
  category: z.string().describe('结算时的人员类别代码'),
  category_name: z.string().describe('结算时的人员类别'),
});

export function listed(row: SettlementListRow): z.input<typeof Listed> {
  return {
    ...row,
    ...(Object.fromEntries(SETTLEMENT_AMOUNTS.map((name) => [name, yuan(row[name])])) as Record<
      SettlementAmount,
      string
    >),
    certno: maskedCertno(row.certno),
    setl_time: chinaTime(row.setl_time),
    category_name: CATEGORY_NAMES[row.category as CategoryCode] ?? '普通参保人员',
  };
}

/** A yuan number of the stored national document (two decimals, exact as decimal) as the API's text. */
const yuanOfNumber = (value: number): string => yuan(Math.round(value * 100));

export const Detail = Listed.extend({
  reverses: z.string().nullable().describe('冲销的原结算ID'),
  reversed_by: z.string().nullable().describe('冲销本结算的结算ID'),
  tops_up: z.string().nullable().describe('补付的原结算ID'),
  year: z.number().int(),
  admdvs: z.string().describe('参保地区划'),
  policy_id: z.string().describe('结算所依政策'),
  pool_prop_selfpay: Ratio.describe('基本医保统筹基金支付比例'),
  setldetail: z.array(
    z.object({
      fund_pay_type: z.string().describe('基金支付类型'),
      fund_pay_type_name: z.string(),
      inscp_scp_amt: Yuan.describe('符合政策范围金额（元）'),
      crt_payb_lmt_amt: Yuan.describe('本次可支付限额金额（元）'),
      fund_payamt: Yuan.describe('基金支付金额（元）'),
      setl_proc_info: z.string().describe('结算过程信息'),
    }),
  ),
  trace: z.array(TraceStepAnswer).describe('结算过程：逐层的规则、参数及其依据、计算数'),
  hints: z.array(z.string()).describe('提示：各层年度限额余额、累计起付线（不含本次）等'),
  ...SheetParts,
  manual: z
    .object({
      clerk_name: z.string().describe('经办人'),
      note: z.string().describe('备注'),
      cancel_reason: z.string().nullable().describe('撤销原因'),
    })
    .nullable()
    .describe('零星报销（医保经办机构窗口办理）的经办信息；医疗机构直接结算的为空'),
});

export async function settlementDetail(
  pool: Pool,
  me: User,
  psnNo: string,
  setlId: string,
): Promise<z.input<typeof Detail>> {
  const row = await findSettlement(pool, me, psnNo, setlId);
  if (!row) throw new ApiError('NOT_FOUND', `查无结算 ${setlId}（或不在您的管辖范围）`);
  const [history, manual] = await Promise.all([
    settlementHistory(pool, row.psn_no, row.mdtrt_id, row.setl_id),
    manualOf(pool, row.psn_no, row.setl_id),
  ]);
  // Stored compactly; the explanation is rendered here, as the HIS received it.
  const trace = expandTrace(row.trace);
  return {
    ...row,
    ...listed(row),
    pool_prop_selfpay: ratio(row.pool_prop_selfpay),
    setldetail: row.setldetail.map((detail) => ({
      ...detail,
      inscp_scp_amt: yuanOfNumber(detail.inscp_scp_amt),
      crt_payb_lmt_amt: yuanOfNumber(detail.crt_payb_lmt_amt),
      fund_payamt: yuanOfNumber(detail.fund_payamt),
      setl_proc_info: processInfo(trace, detail.fund_pay_type),
    })),
    trace: traceAnswer(trace),
    hints: hintsOf(trace),
    ...sheetParts(row, history),
    manual,
  };
}

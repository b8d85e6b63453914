/**
 * The period and the filters 3201 and 3202 reconcile, and the platform's settlements they select.
 *
 * What counts, for both (docs/HIS.md):
 * - the calling institution's settlements only (never another institution's, whatever the request names);
 * - settlements and cancellations (kind 'settlement' and 'cancellation'); a cancellation is a settlement of its own
 *   with the exact negative amounts, so it lowers the totals and adds one to the count, and a settlement cancelled
 *   later still counts, with its cancellation beside it. What a 冲正 (2601) undid is void and left out: the
 *   settlement or cancellation reversed and the record that reversed it (the hospital's books never held them).
 *   Top-ups after an approved application (kind 'top_up') are paid to the person by the bureau, never sent by the
 *   HIS, and are left out;
 * - the period is China dates: a settlement belongs to the day of its setl_time in Asia/Shanghai;
 * - clr_type: a med_type 2x is inpatient (21), every other one outpatient (11), as 2207/2304 reply; the platform has
 *   no pharmacy (41) or other (99) settlements, so those reconcile against nothing;
 * - insutype: the encounter's; setl_optins: the insured person's region, or any region under it (a city's code
 *   covers its districts), as 2207/2304 reply it in clr_optins. Each filter is left out when the field is absent;
 * - acct_pay: residents' insurance has no personal accounts; the platform's is always 0.
 */
import { toYuanNumber, type Fen } from '@sanbao/core';
import { z } from 'zod';
import { requireTimeWithin, type HisContext } from '../context.js';
import { code, date, oneOf, optional } from '../fields.js';
import { Refusal } from '../../refusal.js';

/** The longest period one call reconciles, both ends included. */
export const MAX_PERIOD_DAYS = 31;

const CLR_TYPES = ['11', '21', '41', '99'] as const;

const clrType = oneOf(CLR_TYPES, '清算类别应为 11 门诊、21 住院、41 药店、99 其他');
export const refundFlag = oneOf(['0', '1'], '退费结算标志应为 0 结算、1 退费');
const region = code(6).pipe(z.string().regex(/^\d{6}$/, { message: '结算经办机构应为 6 位医保区划代码' }));
/** A whole number (笔数 10): an integer or its digits as text. */
export const wholeNumber = code(10)
  .pipe(z.string().regex(/^\d{1,10}$/, { message: '应为非负整数' }))
  .transform(Number);

/** What both transactions send in data: the period and the filters. */
export const period = {
  insutype: optional(code(6)),
  clr_type: optional(clrType),
  setl_optins: optional(region),
  stmt_begndate: date,
  stmt_enddate: date,
};
export type Period = z.output<z.ZodObject<typeof period>>;

export interface Amounts {
  medfee: Fen;
  fund: Fen;
  acct: Fen;
}

export const yuanText = (fen: Fen): string => toYuanNumber(fen).toFixed(2);

/**
 * Refuses a period that is reversed, longer than MAX_PERIOD_DAYS or starts after today (a HIS clock an hour fast may
 * name tomorrow just before midnight).
 */
export function checkPeriod(context: HisContext, data: Period): void {
  const { stmt_begndate: begin, stmt_enddate: end } = data;
  if (end < begin)
    throw new Refusal('DATE_ORDER', `input.data.stmt_enddate：对账结束日期 ${end} 早于开始日期 ${begin}`);
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${begin}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_PERIOD_DAYS)
    throw new Refusal(
      'DATE_ORDER',
      `对账期间 ${begin} 至 ${end} 共 ${days} 天，一次最多对账 ${MAX_PERIOD_DAYS} 天（含首尾两日），请分段对账`,
    );
  requireTimeWithin(context, begin, 'input.data.stmt_begndate 对账开始日期');
  requireTimeWithin(context, end, 'input.data.stmt_enddate 对账结束日期');
}

/**
 * The regions setl_optins stands for: itself and every region under it. Refused when the platform does not know it,
 * rather than reconciled against nothing.
 */
export async function regionsOf(context: HisContext, setlOptins: string | undefined): Promise<string[] | null> {
  if (setlOptins === undefined) return null;
  const { rows } = await context.client.query<{ admdvs: string }>(
    `with recursive under (admdvs) as (
       select admdvs from regions where admdvs = $1
       union
       select r.admdvs from regions r join under u on r.parent = u.admdvs)
     select admdvs from under`,
    [setlOptins],
  );
  if (rows.length === 0)
    throw new Refusal('REGION_UNKNOWN', `input.data.setl_optins：结算经办机构 ${setlOptins} 不是本平台的医保区划`);
  return rows.map((row) => row.admdvs);
}

/** The clearing type of a stored settlement, as 2207/2304 reply it. */
export const CLR_TYPE_SQL = "(case when s.med_type like '2%' then '21' else '11' end)";

/**
 * The institution's settlements in the period that the filters select. $1 institution, $2 kinds, $3/$4 first and
 * last China date, $5 clr_type, $6 insutype, $7 regions (null: any).
 */
export const SELECTED = `
  from settlements s
  join encounters e on e.psn_no = s.psn_no and e.mdtrt_id = s.mdtrt_id
  join persons p on p.psn_no = s.psn_no
 where s.fixmedins_code = $1
   and s.kind = any($2::text[])
   and not s.voided
   and s.setl_time >= ($3::date::timestamp at time zone 'Asia/Shanghai')
   and s.setl_time < (($4::date + 1)::timestamp at time zone 'Asia/Shanghai')
   and ($5::text is null or ${CLR_TYPE_SQL} = $5)
   and ($6::text is null or e.insutype = $6)
   and ($7::text[] is null or p.admdvs = any($7::text[]))`;

export function selection(context: HisContext, data: Period, kinds: string[], regions: string[] | null): unknown[] {
  return [
    context.institution.fixmedins_code,
    kinds,
    data.stmt_begndate,
    data.stmt_enddate,
    data.clr_type ?? null,
    data.insutype ?? null,
    regions,
  ];
}

export const KINDS = { all: ['settlement', 'cancellation'], '0': ['settlement'], '1': ['cancellation'] } as const;

function describeTotals(amounts: Amounts, count: number): string {
  return `结算 ${count} 笔，医疗费总额 ${yuanText(amounts.medfee)} 元，基金支付总额 ${yuanText(amounts.fund)} 元，个人账户支付 ${yuanText(amounts.acct)} 元`;
}

/**
 * stmtinfo of 3201 and 3202: 平 with the platform's totals when nothing differs (`differences` empty), else 不平 with
 * what differs; the platform's totals are added (an extension) so that a HIS can find the difference.
 */
interface Stmtinfo {
  setl_optins: string;
  stmt_rslt: '0' | '1';
  stmt_rslt_dscr: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  setl_cnt: number;
}

export function stmtinfo(
  data: { setl_optins?: string | undefined },
  platform: Amounts,
  count: number,
  differences: string,
): Stmtinfo {
  return {
    setl_optins: data.setl_optins ?? '',
    stmt_rslt: differences === '' ? '0' : '1',
    stmt_rslt_dscr:
      differences === '' ? `平：${describeTotals(platform, count)}` : `不平：${differences}`.slice(0, 200),
    medfee_sumamt: toYuanNumber(platform.medfee),
    fund_pay_sumamt: toYuanNumber(platform.fund),
    acct_pay: toYuanNumber(platform.acct),
    setl_cnt: count,
  };
}

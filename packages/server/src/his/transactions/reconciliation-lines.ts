/**
 * One settlement line of 3202 against the platform's settlement: the line as the institution sends it, and the
 * difference the answer lists when they do not agree.
 */
import { toYuanNumber, type Fen } from '@sanbao/core';
import { z } from 'zod';
import { code, optional, signedYuan } from '../fields.js';
import { refundFlag, yuanText, type Amounts } from './reconciliation-period.js';

export const detailLine = z
  .looseObject({
    setl_id: optional(code(30)),
    medins_setl_id: optional(code(30)),
    // The national result file calls the same identifier msgid.
    msgid: optional(code(30)),
    mdtrt_id: optional(code(30)),
    psn_no: optional(code(30)),
    medfee_sumamt: signedYuan,
    fund_pay_sumamt: signedYuan,
    acct_pay: optional(signedYuan),
    refd_setl_flag: optional(refundFlag),
  })
  .superRefine((line, ctx) => {
    if (line.setl_id === undefined && line.medins_setl_id === undefined && line.msgid === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['setl_id'],
        message: '缺少结算ID：须给出 setl_id 或 medins_setl_id',
        params: { sanbao: 'SCHEMA' },
      });
  });

export type Line = z.output<typeof detailLine>;

/** A settlement of the platform's, as 3202 compares it. */
export interface PlatformRow {
  setl_id: string;
  msgid: string;
  mdtrt_id: string;
  psn_no: string;
  kind: 'settlement' | 'cancellation';
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  setl_time: string;
}

/** One line of the answer: a settlement that differs. */
export interface Difference {
  setl_id: string;
  msgid: string;
  mdtrt_id: string;
  psn_no: string;
  setl_time: string;
  refd_setl_flag: string;
  stmt_rslt: '1' | '2' | '3';
  stmt_rslt_dscr: string;
  memo: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  fixmedins_medfee_sumamt: number;
  fixmedins_fund_pay_sumamt: number;
  fixmedins_acct_pay: number;
}

/** stmt_rslt of a differing settlement. */
export const DETAIL_RESULTS = {
  '1': '平台有、医药机构无',
  '2': '医药机构有、平台无',
  '3': '金额或结算信息不一致',
} as const;

export const ROW_COLUMNS = `s.setl_id, s.msgid, s.mdtrt_id, s.psn_no, s.kind, s.medfee_sumamt, s.fund_pay_sumamt,
  to_char(s.setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as setl_time`;

function lineAmounts(line: Line): Amounts {
  // A refund line's amounts are negative, as the platform keeps them, whichever sign the HIS wrote.
  const sign = (fen: Fen): Fen => (line.refd_setl_flag === '1' ? -Math.abs(fen) : fen);
  return { medfee: sign(line.medfee_sumamt), fund: sign(line.fund_pay_sumamt), acct: sign(line.acct_pay ?? 0) };
}

export function identity(
  row: PlatformRow,
): Pick<Difference, 'setl_id' | 'msgid' | 'mdtrt_id' | 'psn_no' | 'setl_time' | 'refd_setl_flag'> {
  return {
    setl_id: row.setl_id,
    msgid: row.msgid,
    mdtrt_id: row.mdtrt_id,
    psn_no: row.psn_no,
    setl_time: row.setl_time,
    refd_setl_flag: row.kind === 'cancellation' ? '1' : '0',
  };
}

export function platformAmounts(
  row: PlatformRow | undefined,
): Pick<Difference, 'medfee_sumamt' | 'fund_pay_sumamt' | 'acct_pay'> {
  return {
    medfee_sumamt: toYuanNumber(row?.medfee_sumamt ?? 0),
    fund_pay_sumamt: toYuanNumber(row?.fund_pay_sumamt ?? 0),
    acct_pay: 0,
  };
}

export function hospitalAmounts(
  line: Line | undefined,
): Pick<Difference, 'fixmedins_medfee_sumamt' | 'fixmedins_fund_pay_sumamt' | 'fixmedins_acct_pay'> {
  const amounts = line ? lineAmounts(line) : { medfee: 0, fund: 0, acct: 0 };
  return {
    fixmedins_medfee_sumamt: toYuanNumber(amounts.medfee),
    fixmedins_fund_pay_sumamt: toYuanNumber(amounts.fund),
    fixmedins_acct_pay: toYuanNumber(amounts.acct),
  };
}

/** The difference between a platform settlement and the institution's line for it, if any. */
export function compareLine(row: PlatformRow, line: Line): Difference | undefined {
  const theirs = lineAmounts(line);
  const problems: string[] = [];
  const compare = (name: string, ours: Fen, hospital: Fen): void => {
    if (ours !== hospital) problems.push(`${name}平台 ${yuanText(ours)} 元、医药机构 ${yuanText(hospital)} 元`);
  };
  compare('医疗费总额', row.medfee_sumamt, theirs.medfee);
  compare('基金支付总额', row.fund_pay_sumamt, theirs.fund);
  compare('个人账户支付', 0, theirs.acct);
  const flag = row.kind === 'cancellation' ? '1' : '0';
  if (line.refd_setl_flag !== undefined && line.refd_setl_flag !== flag)
    problems.push(`退费结算标志平台为 ${flag}、医药机构为 ${line.refd_setl_flag}`);
  if (line.mdtrt_id !== undefined && line.mdtrt_id !== row.mdtrt_id)
    problems.push(`就诊ID平台为 ${row.mdtrt_id}、医药机构为 ${line.mdtrt_id}`);
  if (line.psn_no !== undefined && line.psn_no !== row.psn_no)
    problems.push(`人员编号平台为 ${row.psn_no}、医药机构为 ${line.psn_no}`);
  if (problems.length === 0) return undefined;
  return {
    ...identity(row),
    stmt_rslt: '3',
    stmt_rslt_dscr: DETAIL_RESULTS['3'],
    memo: problems.join('；'),
    ...platformAmounts(row),
    ...hospitalAmounts(line),
  };
}

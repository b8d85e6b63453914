/** 3202 对明细账: the institution's settlement lines against the platform's settlements of the period, one by one. */
import { z } from 'zod';
import { readInput, type Handler, type HisContext } from '../context.js';
import { code, optional, signedYuan } from '../fields.js';
import { Refusal } from '../../refusal.js';
import {
  compareLine,
  DETAIL_RESULTS,
  detailLine,
  hospitalAmounts,
  identity,
  platformAmounts,
  ROW_COLUMNS,
  type Difference,
  type Line,
  type PlatformRow,
} from './reconciliation-lines.js';
import {
  CLR_TYPE_SQL,
  checkPeriod,
  KINDS,
  period,
  regionsOf,
  SELECTED,
  selection,
  stmtinfo,
  wholeNumber,
  type Period,
} from './reconciliation-period.js';

/** The most settlement lines one 3202 compares, on either side. */
export const MAX_DETAIL_LINES = 5000;

const detailData = z.looseObject({
  ...period,
  file_qury_no: optional(code(30)),
  medfee_sumamt: optional(signedYuan),
  fund_pay_sumamt: optional(signedYuan),
  cash_payamt: optional(signedYuan),
  acct_pay: optional(signedYuan),
  fixmedins_setl_cnt: optional(wholeNumber),
});

/**
 * 3202 对明细账: the institution's settlement lines (input.detail, at most MAX_DETAIL_LINES; the national
 * interface uploads them as a file, 9101, which the platform does not take) against the platform's settlements of
 * the period. The answer lists every settlement that differs: only on the platform (1), only at the institution (2;
 * memo says when the platform has it outside the period or filters), or with other amounts, refund flag, visit or
 * person (3); stmtinfo says whether all agree. A line is matched by setl_id, or by medins_setl_id (the msgid of its
 * 2207/2304/2208/2305) when the HIS never received the setl_id. A refund line (refd_setl_flag 1) may carry its
 * amounts positive or negative; without the flag, a line's amounts are taken as they are.
 */
export const reconcileDetail: Handler = async (context) => {
  const data = readInput(context, 'data', detailData);
  if (data.file_qury_no !== undefined && context.envelope.input['detail'] === undefined)
    throw new Refusal('SCHEMA', '本平台不接收对账明细文件（file_qury_no），请将明细逐笔放在 input.detail 中发送');
  const lines = readInput(context, 'detail', z.array(detailLine).max(MAX_DETAIL_LINES));
  checkPeriod(context, data);
  if (data.fixmedins_setl_cnt !== undefined && data.fixmedins_setl_cnt !== lines.length)
    throw new Refusal(
      'SCHEMA',
      `input.data.fixmedins_setl_cnt：结算笔数 ${data.fixmedins_setl_cnt} 与 input.detail 的 ${lines.length} 行不一致，明细可能不完整`,
    );
  const seen = new Map<string, number>();
  lines.forEach((line, index) => {
    const key = line.setl_id !== undefined ? `setl:${line.setl_id}` : `msg:${line.medins_setl_id ?? line.msgid}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw new Refusal(
        'DUPLICATE',
        `input.detail[${index}]：与 input.detail[${first}] 是同一笔结算（${line.setl_id ?? line.medins_setl_id ?? line.msgid}）`,
      );
    seen.set(key, index);
  });

  const regions = await regionsOf(context, data.setl_optins);
  const { rows } = await context.client.query<PlatformRow>(
    `select ${ROW_COLUMNS} ${SELECTED} order by s.setl_time, s.setl_id limit ${MAX_DETAIL_LINES + 1}`,
    selection(context, data, [...KINDS.all], regions),
  );
  if (rows.length > MAX_DETAIL_LINES)
    throw new Refusal(
      'DATE_ORDER',
      `平台在 ${data.stmt_begndate} 至 ${data.stmt_enddate} 的结算超过 ${MAX_DETAIL_LINES} 笔，超出一次对明细账的上限，请缩短对账期间`,
    );
  const bySetlId = new Map(rows.map((row) => [row.setl_id, row]));
  const byMsgid = new Map(rows.map((row) => [row.msgid, row]));

  const differences: Difference[] = [];
  const matched = new Map<string, number>();
  const unmatched: { line: (typeof lines)[number]; index: number }[] = [];
  lines.forEach((line, index) => {
    const medinsSetlId = line.medins_setl_id ?? line.msgid;
    const row =
      line.setl_id !== undefined
        ? bySetlId.get(line.setl_id)
        : medinsSetlId !== undefined
          ? byMsgid.get(medinsSetlId)
          : undefined;
    if (!row) {
      unmatched.push({ line, index });
      return;
    }
    const earlier = matched.get(row.setl_id);
    if (earlier !== undefined)
      throw new Refusal(
        'DUPLICATE',
        `input.detail[${index}]：与 input.detail[${earlier}] 是同一笔结算（结算ID ${row.setl_id}）`,
      );
    matched.set(row.setl_id, index);
    const difference = compareLine(row, line);
    if (difference) differences.push(difference);
  });

  for (const row of rows) {
    if (matched.has(row.setl_id)) continue;
    differences.push({
      ...identity(row),
      stmt_rslt: '1',
      stmt_rslt_dscr: DETAIL_RESULTS['1'],
      memo: `医药机构明细中没有${row.kind === 'cancellation' ? '撤销' : ''}结算 ${row.setl_id}（${row.setl_time}）`,
      ...platformAmounts(row),
      ...hospitalAmounts(undefined),
    });
  }
  const order = (difference: Difference): string => `${difference.setl_time} ${difference.setl_id}`;
  differences.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));

  // Lines the period does not hold: say whether the platform has them at all (this institution's only).
  const elsewhere = await outsideRows(
    context,
    unmatched.map(({ line }) => line),
  );
  for (const { line, index } of unmatched) {
    const medinsSetlId = line.medins_setl_id ?? line.msgid;
    const found =
      line.setl_id !== undefined
        ? elsewhere.find((row) => row.setl_id === line.setl_id)
        : elsewhere.find((row) => row.msgid === medinsSetlId);
    differences.push({
      setl_id: line.setl_id ?? found?.setl_id ?? '',
      msgid: medinsSetlId ?? found?.msgid ?? '',
      mdtrt_id: line.mdtrt_id ?? '',
      psn_no: line.psn_no ?? '',
      setl_time: '',
      refd_setl_flag: line.refd_setl_flag ?? (line.medfee_sumamt < 0 ? '1' : '0'),
      stmt_rslt: '2',
      stmt_rslt_dscr: DETAIL_RESULTS['2'],
      memo: found
        ? `input.detail[${index}]：平台的该笔结算不在本次对账范围内（${outsideReason(found, data, regions)}）`
        : `input.detail[${index}]：平台没有本机构的该笔结算`,
      ...platformAmounts(undefined),
      ...hospitalAmounts(line),
    });
  }

  const platformTotals = rows.reduce(
    (sum, row) => ({ medfee: sum.medfee + row.medfee_sumamt, fund: sum.fund + row.fund_pay_sumamt, acct: 0 }),
    { medfee: 0, fund: 0, acct: 0 },
  );
  const counts = { '1': 0, '2': 0, '3': 0 };
  for (const difference of differences) counts[difference.stmt_rslt] += 1;
  return {
    output: {
      stmtinfo: stmtinfo(
        data,
        platformTotals,
        rows.length,
        differences.length === 0
          ? ''
          : `平台 ${rows.length} 笔、医药机构 ${lines.length} 笔；${DETAIL_RESULTS['1']} ${counts['1']} 笔，${DETAIL_RESULTS['2']} ${counts['2']} 笔，${DETAIL_RESULTS['3']} ${counts['3']} 笔`,
      ),
      result: differences,
    },
  };
};

interface OutsideRow extends PlatformRow {
  clr_type: string;
  insutype: string;
  admdvs: string;
}

/** The institution's settlements that unmatched lines name, wherever they fall. */
async function outsideRows(context: HisContext, lines: Line[]): Promise<OutsideRow[]> {
  const setlIds = lines.flatMap((line) => (line.setl_id !== undefined ? [line.setl_id] : []));
  const msgids = lines.flatMap((line) => (line.setl_id === undefined ? [line.medins_setl_id ?? line.msgid ?? ''] : []));
  if (setlIds.length === 0 && msgids.length === 0) return [];
  const { rows } = await context.client.query<OutsideRow>(
    `select ${ROW_COLUMNS}, ${CLR_TYPE_SQL} as clr_type, e.insutype, p.admdvs
       from settlements s
       join encounters e on e.psn_no = s.psn_no and e.mdtrt_id = s.mdtrt_id
       join persons p on p.psn_no = s.psn_no
      where s.fixmedins_code = $1 and s.kind in ('settlement', 'cancellation') and not s.voided
        and (s.setl_id = any($2::text[]) or s.msgid = any($3::text[]))`,
    [context.institution.fixmedins_code, setlIds, msgids],
  );
  return rows;
}

function outsideReason(row: OutsideRow, data: Period, regions: string[] | null): string {
  const reasons: string[] = [];
  const day = row.setl_time.slice(0, 10);
  if (day < data.stmt_begndate || day > data.stmt_enddate) reasons.push(`结算时间 ${row.setl_time}`);
  if (data.clr_type !== undefined && row.clr_type !== data.clr_type) reasons.push(`清算类别 ${row.clr_type}`);
  if (data.insutype !== undefined && row.insutype !== data.insutype) reasons.push(`险种 ${row.insutype}`);
  if (regions !== null && !regions.includes(row.admdvs)) reasons.push(`参保地 ${row.admdvs}`);
  return `结算ID ${row.setl_id}，${reasons.join('，') || '不在本次范围'}`;
}

/**
 * Reconciliation: 3201 对总账 (the institution's totals for a period against the platform's) and 3202 对明细账 (its
 * settlement lines against the platform's, one by one). Both only read: nothing is written but the message log.
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
import { readInput, requireTimeWithin, type Handler, type HisContext } from '../context.js';
import { code, date, oneOf, optional, signedYuan } from '../fields.js';
import { Refusal } from '../../refusal.js';

/** The longest period one call reconciles, both ends included. */
export const MAX_PERIOD_DAYS = 31;
/** The most settlement lines one 3202 compares, on either side. */
export const MAX_DETAIL_LINES = 5000;

const CLR_TYPES = ['11', '21', '41', '99'] as const;

const clrType = oneOf(CLR_TYPES, '清算类别应为 11 门诊、21 住院、41 药店、99 其他');
const refundFlag = oneOf(['0', '1'], '退费结算标志应为 0 结算、1 退费');
const region = code(6).pipe(z.string().regex(/^\d{6}$/, { message: '结算经办机构应为 6 位医保区划代码' }));
/** A whole number (笔数 10): an integer or its digits as text. */
const wholeNumber = code(10)
  .pipe(z.string().regex(/^\d{1,10}$/, { message: '应为非负整数' }))
  .transform(Number);

/** What both transactions send in data: the period and the filters. */
const period = {
  insutype: optional(code(6)),
  clr_type: optional(clrType),
  setl_optins: optional(region),
  stmt_begndate: date,
  stmt_enddate: date,
};

const totalsData = z.looseObject({
  ...period,
  medfee_sumamt: signedYuan,
  fund_pay_sumamt: signedYuan,
  acct_pay: optional(signedYuan),
  fixmedins_setl_cnt: wholeNumber,
  // Some dialects reconcile settlements (0) and refunds (1) in separate calls.
  refd_setl_flag: optional(refundFlag),
});

const detailData = z.looseObject({
  ...period,
  file_qury_no: optional(code(30)),
  medfee_sumamt: optional(signedYuan),
  fund_pay_sumamt: optional(signedYuan),
  cash_payamt: optional(signedYuan),
  acct_pay: optional(signedYuan),
  fixmedins_setl_cnt: optional(wholeNumber),
});

const detailLine = z
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

type Period = z.output<z.ZodObject<typeof period>>;

interface Amounts {
  medfee: Fen;
  fund: Fen;
  acct: Fen;
}

const yuanText = (fen: Fen): string => toYuanNumber(fen).toFixed(2);

/**
 * Refuses a period that is reversed, longer than MAX_PERIOD_DAYS or starts after today (a HIS clock an hour fast may
 * name tomorrow just before midnight).
 */
function checkPeriod(context: HisContext, data: Period): void {
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
async function regionsOf(context: HisContext, setlOptins: string | undefined): Promise<string[] | null> {
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
const CLR_TYPE_SQL = "(case when s.med_type like '2%' then '21' else '11' end)";

/**
 * The institution's settlements in the period that the filters select. $1 institution, $2 kinds, $3/$4 first and
 * last China date, $5 clr_type, $6 insutype, $7 regions (null: any).
 */
const SELECTED = `
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

function selection(context: HisContext, data: Period, kinds: string[], regions: string[] | null): unknown[] {
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

const KINDS = { all: ['settlement', 'cancellation'], '0': ['settlement'], '1': ['cancellation'] } as const;

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

function stmtinfo(
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

/** A settlement of the platform's, as 3202 compares it. */
interface PlatformRow {
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
interface Difference {
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

const ROW_COLUMNS = `s.setl_id, s.msgid, s.mdtrt_id, s.psn_no, s.kind, s.medfee_sumamt, s.fund_pay_sumamt,
  to_char(s.setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as setl_time`;

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

type Line = z.output<typeof detailLine>;

function lineAmounts(line: Line): Amounts {
  // A refund line's amounts are negative, as the platform keeps them, whichever sign the HIS wrote.
  const sign = (fen: Fen): Fen => (line.refd_setl_flag === '1' ? -Math.abs(fen) : fen);
  return { medfee: sign(line.medfee_sumamt), fund: sign(line.fund_pay_sumamt), acct: sign(line.acct_pay ?? 0) };
}

function identity(
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

function platformAmounts(
  row: PlatformRow | undefined,
): Pick<Difference, 'medfee_sumamt' | 'fund_pay_sumamt' | 'acct_pay'> {
  return {
    medfee_sumamt: toYuanNumber(row?.medfee_sumamt ?? 0),
    fund_pay_sumamt: toYuanNumber(row?.fund_pay_sumamt ?? 0),
    acct_pay: 0,
  };
}

function hospitalAmounts(
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
function compareLine(row: PlatformRow, line: Line): Difference | undefined {
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

/**
 * Fee lines: 2204/2205 outpatient, 2301/2302 inpatient. Without a drug and service catalogue on the platform yet, the
 * HIS sends each line's grade as the extension fields chrgitm_lv (01 甲, 02 乙, 03 丙; default 01), selfpay_prop and
 * pric_uplmt_amt; the split follows the same rule as the engine's (docs/HIS.md).
 *
 * A refund line (退费: a negative cnt and init_feedetl_sn naming an unsettled line of the same visit or stay) reduces
 * the line it names, never below zero. The split of a line and its refunds together is the split of what remains of
 * the line: each refund carries the difference its return makes, so the lines of a bill always add up exactly.
 */
import {
  CHRGITM_LV,
  MED_TYPES,
  COUNT_SCALE,
  formatMicro,
  lineAmount,
  parseRatio,
  splitFeeLine,
  toYuanNumber,
  type Bp,
  type ChargeGrade,
  type Count,
  type Fen,
  type FeeLineSplit,
} from '@sanbao/core';
import { z } from 'zod';
import { lockEncounter, requireStatus, type EncounterRow } from '../../store.js';
import { daysBefore, readInput, requireTimeWithin, type HisContext, type Handler } from '../context.js';
import { code, count, dateTime, optional, refuseField, scaledDecimal, signedYuan, unitPrice } from '../fields.js';
import { Refusal } from '../../refusal.js';

/** selfpay_prop (先行自付比例, 5,4): a number or numeric text 0–1, or a percentage. */
const ratio = z.unknown().transform((input, ctx): Bp => {
  const value = typeof input === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(input) ? Number(input) : input;
  const parsed = parseRatio(value);
  if (parsed.ok) return parsed.value;
  return refuseField(ctx, input, 'RATIO_FORMAT', '先行自付比例应为 0–1 的小数（最多四位小数）或百分比');
});

const feeLine = z.looseObject({
  feedetl_sn: code(30),
  init_feedetl_sn: optional(code(30)),
  mdtrt_id: code(30),
  psn_no: code(30),
  chrg_bchno: optional(code(30)),
  fee_ocur_time: dateTime,
  med_list_codg: code(50),
  medins_list_codg: optional(code(150)),
  det_item_fee_sumamt: signedYuan,
  cnt: count,
  pric: unitPrice,
  chrgitm_lv: optional(
    code(2, { width: 2 }).refine((grade) => CHRGITM_LV[grade] !== undefined, {
      message: '收费项目等级应为 01 甲类、02 乙类、03 丙类',
      params: { sanbao: 'CODE_UNKNOWN' },
    }),
  ),
  selfpay_prop: optional(ratio),
  pric_uplmt_amt: optional(unitPrice),
});
type Line = z.output<typeof feeLine>;

/** A stored line as a refund group needs it. */
interface StoredLine {
  feedetl_sn: string;
  init_feedetl_sn: string | null;
  chrg_bchno: string | null;
  med_list_codg: string;
  chrgitm_lv: ChargeGrade;
  /** numeric columns arrive as decimal text. */
  cnt: string;
  pric: string;
  pric_uplmt_amt: string | null;
  selfpay_prop: number;
  det_item_fee_sumamt: string;
  status: string;
}

/** A numeric column as the database writes it (decimal text) in 10^-places, read as the interface's numbers are. */
function stored(decimal: string, places: 4 | 6): number {
  const value = scaledDecimal(decimal, places);
  if (typeof value !== 'number') throw new Error(`stored decimal ${decimal} does not fit ${places} places`);
  return value;
}
const countText = (value: Count): string => (value / COUNT_SCALE).toFixed(4);

function splitOf(original: StoredLine, remaining: { count: Count; fee: Fen }): FeeLineSplit {
  return splitFeeLine({
    grade: original.chrgitm_lv,
    fee: remaining.fee,
    price: stored(original.pric, 6),
    count: remaining.count,
    priceCap: original.pric_uplmt_amt === null ? undefined : stored(original.pric_uplmt_amt, 6),
    preSelfPayRatio: original.selfpay_prop,
  });
}

const minus = (a: FeeLineSplit, b: FeeLineSplit): FeeLineSplit => ({
  fullOwnPay: a.fullOwnPay - b.fullOwnPay,
  overLimit: a.overLimit - b.overLimit,
  preSelfPay: a.preSelfPay - b.preSelfPay,
  inScope: a.inScope - b.inScope,
});

/**
 * Gives each active refund of `original` the split its return makes (the split of what remained before it minus the
 * split of what remains after it, in upload order) and returns the refunds' splits by serial number.
 */
async function resplitRefunds(
  context: HisContext,
  psnNo: string,
  mdtrtId: string,
  originalSn: string,
): Promise<Map<string, FeeLineSplit>> {
  const { rows } = await context.client.query<StoredLine>(
    `select feedetl_sn, init_feedetl_sn, chrg_bchno, med_list_codg, chrgitm_lv, cnt::text as cnt, pric::text as pric, pric_uplmt_amt::text as pric_uplmt_amt,
            selfpay_prop, det_item_fee_sumamt::text as det_item_fee_sumamt, status
       from fee_lines where psn_no = $1 and mdtrt_id = $2 and status = 'active' and (feedetl_sn = $3 or init_feedetl_sn = $3)
      order by line_seq`,
    [psnNo, mdtrtId, originalSn],
  );
  const original = rows.find((row) => row.init_feedetl_sn === null);
  const splits = new Map<string, FeeLineSplit>();
  if (!original) return splits;
  let remaining = { count: stored(original.cnt, 4), fee: Number(original.det_item_fee_sumamt) };
  let before = splitOf(original, remaining);
  for (const refund of rows.filter((row) => row.init_feedetl_sn !== null)) {
    remaining = {
      count: remaining.count + stored(refund.cnt, 4),
      fee: remaining.fee + Number(refund.det_item_fee_sumamt),
    };
    const after = splitOf(original, remaining);
    const split = minus(after, before);
    splits.set(refund.feedetl_sn, split);
    before = after;
    await context.client.query(
      'update fee_lines set fulamt_ownpay_amt = $4, overlmt_amt = $5, preselfpay_amt = $6, inscp_scp_amt = $7 where psn_no = $1 and mdtrt_id = $2 and feedetl_sn = $3',
      [psnNo, mdtrtId, refund.feedetl_sn, split.fullOwnPay, split.overLimit, split.preSelfPay, split.inScope],
    );
  }
  return splits;
}

/** Checks one line on its own: batch, amount = count × price within a fen, a refund's sign and link. */
function checkLine(line: Line, index: number, outpatient: boolean): void {
  const at = `input.feedetail[${index}]`;
  if (outpatient && !line.chrg_bchno) throw new Refusal('SCHEMA', `${at}：门诊明细须有收费批次号 chrg_bchno`);
  const product = lineAmount(line.cnt, line.pric);
  if (Math.abs(product - line.det_item_fee_sumamt) > 1)
    throw new Refusal(
      'AMOUNT_INCONSISTENT',
      `${at}：数量 ${countText(line.cnt)} × 单价 ${formatMicro(line.pric)} = ${(product / 100).toFixed(2)} 元，与明细金额 ${(line.det_item_fee_sumamt / 100).toFixed(2)} 元相差超过 1 分`,
    );
  // A charge is never negative and a refund never positive: a line cannot move a bill's parts onto the fund.
  if (line.cnt > 0 && line.det_item_fee_sumamt < 0)
    throw new Refusal(
      'AMOUNT_NEGATIVE',
      `${at}：数量为正数的明细金额不能为负数（退费请用负数量并给出 init_feedetl_sn）`,
    );
  if (line.cnt < 0 && line.det_item_fee_sumamt > 0)
    throw new Refusal('AMOUNT_INCONSISTENT', `${at}：退费明细（数量为负数）的金额应为负数或 0`);
  if (line.cnt < 0 && line.init_feedetl_sn === undefined)
    throw new Refusal('SCHEMA', `${at}：数量为负数的退费明细须给出原费用明细流水号 init_feedetl_sn`);
  if (line.cnt > 0 && line.init_feedetl_sn !== undefined)
    throw new Refusal('SCHEMA', `${at}：给出 init_feedetl_sn 的退费明细数量应为负数，收到 ${countText(line.cnt)}`);
  if (line.init_feedetl_sn === line.feedetl_sn) throw new Refusal('SCHEMA', `${at}：退费明细不能退自身`);
  // 0 is what typed clients send for an empty cap; a cap of 0 yuan would put the whole line above it.
  if (line.pric_uplmt_amt === 0) line.pric_uplmt_amt = undefined;
}

/** 2204/2205 are for outpatient visits, 2301/2302 for stays: a visit's lines never bypass its batches. */
function requireKind(encounter: EncounterRow, outpatient: boolean, infno: string): void {
  const inpatient = MED_TYPES[encounter.med_type]?.encounter === 'inpatient';
  if (inpatient === outpatient)
    throw new Refusal(
      'STATE',
      `交易 ${infno} 用于${outpatient ? '门诊' : '住院'}，就诊 ${encounter.mdtrt_id} 是${inpatient ? '住院' : '门诊'}就诊`,
    );
}

async function uploadLines(
  context: HisContext,
  outpatient: boolean,
): Promise<{ psnNo: string; output: Record<string, unknown> }> {
  const lines = readInput(
    context,
    'feedetail',
    z.array(feeLine).min(1, { message: '至少一条费用明细' }).max(2000, { message: '一次最多 2000 条明细' }),
  );
  const first = lines[0];
  if (!first) throw new Refusal('SCHEMA', '缺少费用明细');
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.psn_no !== first.psn_no || line.mdtrt_id !== first.mdtrt_id)
      throw new Refusal('SCHEMA', `input.feedetail[${index}]：一次上传的明细须属于同一就诊`);
    if (seen.has(line.feedetl_sn))
      throw new Refusal('DUPLICATE', `input.feedetail[${index}]：明细流水号 ${line.feedetl_sn} 重复`);
    seen.add(line.feedetl_sn);
    checkLine(line, index, outpatient);
  }
  const encounter = await lockEncounter(context.client, context.institution, first.psn_no, first.mdtrt_id);
  requireKind(encounter, outpatient, context.envelope.infno);
  requireStatus(encounter, outpatient ? ['open'] : ['open', 'discharged'], '上传费用明细');
  // Fees arise during the visit or stay, or in the week before it (tests before an admission), never in the future.
  const earliest = daysBefore(encounter.begntime, 7);
  for (const [index, line] of lines.entries())
    requireTimeWithin(context, line.fee_ocur_time, `input.feedetail[${index}].fee_ocur_time`, earliest);
  const existing = await context.client.query<{ feedetl_sn: string }>(
    "select feedetl_sn from fee_lines where psn_no = $1 and mdtrt_id = $2 and feedetl_sn = any($3) and status <> 'withdrawn'",
    [first.psn_no, first.mdtrt_id, [...seen]],
  );
  if (existing.rows[0]) throw new Refusal('DUPLICATE', `明细流水号 ${existing.rows[0].feedetl_sn} 已上传`);

  const refunded = new Set<string>();
  const result: Record<string, unknown>[] = [];
  for (const [index, line] of lines.entries()) {
    let split: FeeLineSplit;
    let grade: ChargeGrade;
    let preSelfPayRatio: Bp;
    if (line.init_feedetl_sn !== undefined) {
      // The original: uploaded before (in an earlier message or earlier in this one), unsettled, not itself a refund.
      const original = await refundable(context, line, index);
      grade = original.chrgitm_lv;
      preSelfPayRatio = original.selfpay_prop;
      // Stored with no split; resplitRefunds gives it its share below.
      split = { fullOwnPay: 0, overLimit: 0, preSelfPay: 0, inScope: 0 };
      refunded.add(line.init_feedetl_sn);
    } else {
      grade = (line.chrgitm_lv ?? '01') as ChargeGrade;
      preSelfPayRatio = line.selfpay_prop ?? 0;
      if (grade === '01' && preSelfPayRatio !== 0)
        throw new Refusal('AMOUNT_INCONSISTENT', `input.feedetail[${index}]：甲类项目没有先行自付比例`);
      split = splitFeeLine({
        grade,
        fee: line.det_item_fee_sumamt,
        price: line.pric,
        count: line.cnt,
        priceCap: line.pric_uplmt_amt,
        preSelfPayRatio,
      });
    }
    await insertLine(context, line, grade, preSelfPayRatio, split);
    result.push(lineResult(line, grade, preSelfPayRatio, split));
  }
  for (const originalSn of refunded) {
    const splits = await resplitRefunds(context, first.psn_no, first.mdtrt_id, originalSn);
    for (const row of result) {
      const split = splits.get(row['feedetl_sn'] as string);
      if (split) Object.assign(row, splitFields(split));
    }
  }
  return { psnNo: first.psn_no, output: { result } };
}

/** The line a refund names, checked: same visit, not settled, same item and batch, and not returned beyond zero. */
async function refundable(context: HisContext, line: Line, index: number): Promise<StoredLine> {
  const at = `input.feedetail[${index}]`;
  const { rows } = await context.client.query<StoredLine & { returned_cnt: string; returned_fee: string }>(
    `select o.feedetl_sn, o.init_feedetl_sn, o.chrg_bchno, o.med_list_codg, o.chrgitm_lv, o.cnt::text as cnt, o.pric::text as pric,
            o.pric_uplmt_amt::text as pric_uplmt_amt, o.selfpay_prop, o.det_item_fee_sumamt::text as det_item_fee_sumamt, o.status,
            coalesce(sum(r.cnt), 0)::text as returned_cnt, coalesce(sum(r.det_item_fee_sumamt), 0)::text as returned_fee
       from fee_lines o
       left join fee_lines r on r.psn_no = o.psn_no and r.mdtrt_id = o.mdtrt_id and r.init_feedetl_sn = o.feedetl_sn and r.status <> 'withdrawn'
      where o.psn_no = $1 and o.mdtrt_id = $2 and o.feedetl_sn = $3 and o.status <> 'withdrawn'
      group by o.psn_no, o.mdtrt_id, o.feedetl_sn`,
    [line.psn_no, line.mdtrt_id, line.init_feedetl_sn],
  );
  const original = rows[0];
  if (!original)
    throw new Refusal('STATE', `${at}：原费用明细 ${line.init_feedetl_sn ?? ''} 不存在（须先上传原明细，或已撤销）`);
  if (original.init_feedetl_sn !== null)
    throw new Refusal('STATE', `${at}：${original.feedetl_sn} 本身是退费明细，不能再退`);
  if (original.status === 'settled')
    throw new Refusal(
      'STATE',
      `${at}：原费用明细 ${original.feedetl_sn} 已结算；退已结算的费用须先撤销结算（2208/2305），再上传退费明细后重新结算`,
    );
  if (original.med_list_codg !== line.med_list_codg)
    throw new Refusal(
      'SCHEMA',
      `${at}：退费明细的医保目录编码 ${line.med_list_codg} 与原明细 ${original.med_list_codg} 不一致`,
    );
  // Same batch: a line and its refunds settle together (2207 settles one batch).
  if ((original.chrg_bchno ?? undefined) !== line.chrg_bchno)
    throw new Refusal('SCHEMA', `${at}：退费明细须与原明细同一收费批次 ${original.chrg_bchno ?? ''}`);
  const remainingCount = stored(original.cnt, 4) + stored(original.returned_cnt, 4);
  const remainingFee = Number(original.det_item_fee_sumamt) + Number(original.returned_fee);
  if (-line.cnt > remainingCount || -line.det_item_fee_sumamt > remainingFee)
    throw new Refusal(
      'AMOUNT_RANGE',
      `${at}：退费数量 ${countText(-line.cnt)}、金额 ${(-line.det_item_fee_sumamt / 100).toFixed(2)} 元超过原明细 ${original.feedetl_sn} 未退的数量 ${countText(remainingCount)}、金额 ${(remainingFee / 100).toFixed(2)} 元`,
    );
  return original;
}

async function insertLine(
  context: HisContext,
  line: Line,
  grade: ChargeGrade,
  preSelfPayRatio: Bp,
  split: FeeLineSplit,
): Promise<void> {
  // A withdrawn line's serial number may be uploaded again: the new line replaces it (and goes to the end of the order).
  await context.client.query(
    `insert into fee_lines (psn_no, mdtrt_id, feedetl_sn, init_feedetl_sn, chrg_bchno, med_list_codg, medins_list_codg, chrgitm_lv, fee_ocur_time, cnt, pric,
                            det_item_fee_sumamt, pric_uplmt_amt, selfpay_prop, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, status)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamp at time zone 'Asia/Shanghai', $10, $11, $12, $13, $14, $15, $16, $17, $18, 'active')
     on conflict (psn_no, mdtrt_id, feedetl_sn) do update set
       init_feedetl_sn = excluded.init_feedetl_sn, chrg_bchno = excluded.chrg_bchno, med_list_codg = excluded.med_list_codg,
       medins_list_codg = excluded.medins_list_codg, chrgitm_lv = excluded.chrgitm_lv, fee_ocur_time = excluded.fee_ocur_time,
       cnt = excluded.cnt, pric = excluded.pric, det_item_fee_sumamt = excluded.det_item_fee_sumamt, pric_uplmt_amt = excluded.pric_uplmt_amt,
       selfpay_prop = excluded.selfpay_prop, fulamt_ownpay_amt = excluded.fulamt_ownpay_amt, overlmt_amt = excluded.overlmt_amt,
       preselfpay_amt = excluded.preselfpay_amt, inscp_scp_amt = excluded.inscp_scp_amt, status = 'active', setl_id = null, released_by = null,
       line_seq = nextval(pg_get_serial_sequence('fee_lines', 'line_seq'))`,
    [
      line.psn_no,
      line.mdtrt_id,
      line.feedetl_sn,
      line.init_feedetl_sn ?? null,
      line.chrg_bchno ?? null,
      line.med_list_codg,
      line.medins_list_codg ?? null,
      grade,
      line.fee_ocur_time,
      countText(line.cnt),
      formatMicro(line.pric),
      line.det_item_fee_sumamt,
      line.pric_uplmt_amt === undefined ? null : formatMicro(line.pric_uplmt_amt),
      preSelfPayRatio,
      split.fullOwnPay,
      split.overLimit,
      split.preSelfPay,
      split.inScope,
    ],
  );
}

function splitFields(split: FeeLineSplit): Record<string, number> {
  return {
    fulamt_ownpay_amt: toYuanNumber(split.fullOwnPay),
    overlmt_amt: toYuanNumber(split.overLimit),
    preselfpay_amt: toYuanNumber(split.preSelfPay),
    inscp_scp_amt: toYuanNumber(split.inScope),
  };
}

/**
 * One line of 2204/2301's result, typed as clients parse it: every amount and ratio a JSON number, never null
 * (pric_uplmt_amt 0 with lmt_used_flag "0" when the line has no cap).
 */
function lineResult(line: Line, grade: ChargeGrade, preSelfPayRatio: Bp, split: FeeLineSplit): Record<string, unknown> {
  return {
    feedetl_sn: line.feedetl_sn,
    ...(line.init_feedetl_sn === undefined ? {} : { init_feedetl_sn: line.init_feedetl_sn }),
    det_item_fee_sumamt: toYuanNumber(line.det_item_fee_sumamt),
    cnt: line.cnt / COUNT_SCALE,
    pric: line.pric / 1_000_000,
    pric_uplmt_amt: line.pric_uplmt_amt === undefined ? 0 : line.pric_uplmt_amt / 1_000_000,
    selfpay_prop: preSelfPayRatio / 10_000,
    ...splitFields(split),
    chrgitm_lv: grade,
    med_chrgitm_type: '',
    lmt_used_flag: line.pric_uplmt_amt === undefined ? '0' : '1',
    memo: '',
  };
}

export const uploadOutpatientFees: Handler = (context) => uploadLines(context, true);
export const uploadInpatientFees: Handler = (context) => uploadLines(context, false);

/**
 * Withdraws unsettled lines: one serial number or batch, or "0000" for all of them. Withdrawing a line withdraws its
 * refunds; withdrawing a refund gives the line back what it returned.
 */
async function withdrawLines(
  context: HisContext,
  key: 'feedetl_sn' | 'chrg_bchno',
): Promise<{ psnNo: string; output: Record<string, unknown> }> {
  const data = readInput(
    context,
    'data',
    z.looseObject({
      mdtrt_id: code(30),
      psn_no: code(30),
      feedetl_sn: optional(code(30)),
      chrg_bchno: optional(code(30)),
    }),
  );
  const selector = data[key];
  if (selector === undefined) throw new Refusal('SCHEMA', `缺少 input.data.${key}（"0000" 表示全部未结算明细）`);
  const encounter = await lockEncounter(context.client, context.institution, data.psn_no, data.mdtrt_id);
  requireKind(encounter, key === 'chrg_bchno', context.envelope.infno);
  requireStatus(encounter, ['open', 'discharged'], '撤销费用明细');
  const { rows, rowCount } = await context.client.query<{ init_feedetl_sn: string | null }>(
    `update fee_lines set status = 'withdrawn' where psn_no = $1 and mdtrt_id = $2 and status = 'active'
        and ($3 = '0000' or ${key} = $3 or ($4 and init_feedetl_sn = $3))
     returning init_feedetl_sn`,
    [data.psn_no, data.mdtrt_id, selector, key === 'feedetl_sn'],
  );
  if (!rowCount && selector !== '0000')
    throw new Refusal('STATE', `没有可撤销的明细 ${selector}（已结算的明细须先撤销结算）`);
  // A refund withdrawn alone: the refunds still standing for its line take their shares again.
  for (const originalSn of new Set(rows.map((row) => row.init_feedetl_sn).filter((sn) => sn !== null)))
    await resplitRefunds(context, data.psn_no, data.mdtrt_id, originalSn);
  return { psnNo: data.psn_no, output: {} };
}

export const withdrawOutpatientFees: Handler = (context) => withdrawLines(context, 'chrg_bchno');
export const withdrawInpatientFees: Handler = (context) => withdrawLines(context, 'feedetl_sn');

/**
 * Fee lines: 2204/2205 outpatient, 2301/2302 inpatient. Without a drug and service catalogue on the platform yet, the
 * HIS sends each line's grade as the extension fields chrgitm_lv (01 甲, 02 乙, 03 丙; default 01), selfpay_prop and
 * pric_uplmt_amt; the split follows the same rule as the engine's (docs/HIS.md). A line on its own is read and
 * answered in fee-lines.ts; a refund line (退费) reduces the line it names, never below zero (fee-refunds.ts).
 */
import { formatMicro, MED_TYPES, splitFeeLine, type Bp, type ChargeGrade, type FeeLineSplit } from '@sanbao/core';
import { z } from 'zod';
import { lockEncounter, requireStatus, type EncounterRow } from '../../encounters/repository.js';
import { daysBefore, readInput, requireTimeWithin, type HisContext, type Handler } from '../context.js';
import { code, optional } from '../fields.js';
import { Refusal } from '../../refusal.js';
import { checkLine, countText, feeLine, lineResult, splitFields, type Line } from './fee-lines.js';
import { refundable, resplitRefunds } from './fee-refunds.js';

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

/**
 * Fee lines: 2204/2205 outpatient, 2301/2302 inpatient. Without a drug and service catalogue on the platform yet, the
 * HIS sends each line's grade as the extension fields chrgitm_lv (01 甲, 02 乙, 03 丙; default 01), selfpay_prop and
 * pric_uplmt_amt; the split follows the same rule as the engine's (docs/HIS.md).
 */
import { CHRGITM_LV, formatRatioDecimal, parseRatio, splitFeeLine, toYuanNumber } from '@sanbao/core';
import { z } from 'zod';
import { lockEncounter, requireStatus } from '../../store.js';
import { daysBefore, readInput, requireTimeWithin, type HisContext, type Handler } from '../context.js';
import { dateTime, HisError, yuan } from '../protocol.js';

const feeLine = z.looseObject({
  feedetl_sn: z.string().min(1).max(30),
  mdtrt_id: z.string().min(1),
  psn_no: z.string().min(1),
  chrg_bchno: z.string().max(30).optional(),
  fee_ocur_time: dateTime,
  med_list_codg: z.string().min(1).max(50),
  medins_list_codg: z.string().max(150).optional(),
  det_item_fee_sumamt: yuan,
  cnt: z.number().positive({ message: '数量必须大于 0（退费请撤销明细后重新上传）' }),
  pric: yuan,
  chrgitm_lv: z
    .string()
    .refine((grade) => CHRGITM_LV[grade] !== undefined, {
      message: '收费项目等级应为 01 甲类、02 乙类、03 丙类',
      params: { sanbao: 'CODE_UNKNOWN' },
    })
    .optional(),
  selfpay_prop: z.union([z.number(), z.string()]).optional(),
  pric_uplmt_amt: yuan.optional(),
});

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
  if (!first) throw new HisError('SCHEMA', '缺少费用明细');
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.psn_no !== first.psn_no || line.mdtrt_id !== first.mdtrt_id)
      throw new HisError('SCHEMA', `input.feedetail[${index}]：一次上传的明细须属于同一就诊`);
    if (seen.has(line.feedetl_sn))
      throw new HisError('DUPLICATE', `input.feedetail[${index}]：明细流水号 ${line.feedetl_sn} 重复`);
    seen.add(line.feedetl_sn);
    if (outpatient && !line.chrg_bchno)
      throw new HisError('SCHEMA', `input.feedetail[${index}]：门诊明细须有收费批次号 chrg_bchno`);
    if (Math.abs(Math.round(line.pric * line.cnt) - line.det_item_fee_sumamt) > 1) {
      throw new HisError('AMOUNT_INCONSISTENT', `input.feedetail[${index}]：数量 × 单价 与明细金额不一致`);
    }
  }
  const encounter = await lockEncounter(context.client, context.institution, first.psn_no, first.mdtrt_id);
  requireStatus(encounter, outpatient ? ['open'] : ['open', 'discharged'], '上传费用明细');
  // Fees arise during the visit or stay, or in the week before it (tests before an admission), never in the future.
  const earliest = daysBefore(encounter.begntime, 7);
  for (const [index, line] of lines.entries())
    requireTimeWithin(context, line.fee_ocur_time, `input.feedetail[${index}].fee_ocur_time`, earliest);
  const existing = await context.client.query<{ feedetl_sn: string }>(
    "select feedetl_sn from fee_lines where psn_no = $1 and mdtrt_id = $2 and feedetl_sn = any($3) and status <> 'withdrawn'",
    [first.psn_no, first.mdtrt_id, [...seen]],
  );
  if (existing.rows[0]) throw new HisError('DUPLICATE', `明细流水号 ${existing.rows[0].feedetl_sn} 已上传`);
  const result = [];
  for (const [index, line] of lines.entries()) {
    const grade = CHRGITM_LV[line.chrgitm_lv ?? '01'] ?? '01';
    let preSelfPayRatio = 0;
    if (line.selfpay_prop !== undefined) {
      const ratio = parseRatio(line.selfpay_prop);
      if (!ratio.ok) throw new HisError('RATIO_FORMAT', `input.feedetail[${index}].selfpay_prop：应为 0–1 的小数`);
      if (grade === '01' && ratio.value !== 0)
        throw new HisError('AMOUNT_INCONSISTENT', `input.feedetail[${index}]：甲类项目没有先行自付比例`);
      preSelfPayRatio = ratio.value;
    }
    const split = splitFeeLine({
      grade,
      fee: line.det_item_fee_sumamt,
      price: line.pric,
      count: line.cnt,
      priceCap: line.pric_uplmt_amt,
      preSelfPayRatio,
    });
    // A withdrawn line's serial number may be uploaded again: the new line replaces it.
    await context.client.query(
      `insert into fee_lines (psn_no, mdtrt_id, feedetl_sn, chrg_bchno, med_list_codg, medins_list_codg, chrgitm_lv, fee_ocur_time, cnt, pric,
                              det_item_fee_sumamt, pric_uplmt_amt, selfpay_prop, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8::timestamp at time zone 'Asia/Shanghai', $9, $10, $11, $12, $13, $14, $15, $16, $17, 'active')
       on conflict (psn_no, mdtrt_id, feedetl_sn) do update set
         chrg_bchno = excluded.chrg_bchno, med_list_codg = excluded.med_list_codg, medins_list_codg = excluded.medins_list_codg,
         chrgitm_lv = excluded.chrgitm_lv, fee_ocur_time = excluded.fee_ocur_time, cnt = excluded.cnt, pric = excluded.pric,
         det_item_fee_sumamt = excluded.det_item_fee_sumamt, pric_uplmt_amt = excluded.pric_uplmt_amt, selfpay_prop = excluded.selfpay_prop,
         fulamt_ownpay_amt = excluded.fulamt_ownpay_amt, overlmt_amt = excluded.overlmt_amt, preselfpay_amt = excluded.preselfpay_amt,
         inscp_scp_amt = excluded.inscp_scp_amt, status = 'active', setl_id = null`,
      [
        line.psn_no,
        line.mdtrt_id,
        line.feedetl_sn,
        line.chrg_bchno ?? null,
        line.med_list_codg,
        line.medins_list_codg ?? null,
        grade,
        line.fee_ocur_time,
        line.cnt,
        line.pric,
        line.det_item_fee_sumamt,
        line.pric_uplmt_amt ?? null,
        preSelfPayRatio,
        split.fullOwnPay,
        split.overLimit,
        split.preSelfPay,
        split.inScope,
      ],
    );
    result.push({
      feedetl_sn: line.feedetl_sn,
      det_item_fee_sumamt: toYuanNumber(line.det_item_fee_sumamt),
      cnt: line.cnt,
      pric: toYuanNumber(line.pric),
      pric_uplmt_amt: line.pric_uplmt_amt === undefined ? null : toYuanNumber(line.pric_uplmt_amt),
      selfpay_prop: formatRatioDecimal(preSelfPayRatio),
      fulamt_ownpay_amt: toYuanNumber(split.fullOwnPay),
      overlmt_amt: toYuanNumber(split.overLimit),
      preselfpay_amt: toYuanNumber(split.preSelfPay),
      inscp_scp_amt: toYuanNumber(split.inScope),
      chrgitm_lv: grade,
      lmt_used_flag: line.pric_uplmt_amt === undefined ? '0' : '1',
      memo: '',
    });
  }
  return { psnNo: first.psn_no, output: { result } };
}

export const uploadOutpatientFees: Handler = (context) => uploadLines(context, true);
export const uploadInpatientFees: Handler = (context) => uploadLines(context, false);

/** Withdraws unsettled lines: one serial number or batch, or "0000" for all of them. */
async function withdrawLines(
  context: HisContext,
  key: 'feedetl_sn' | 'chrg_bchno',
): Promise<{ psnNo: string; output: Record<string, unknown> }> {
  const data = readInput(
    context,
    'data',
    z.looseObject({
      mdtrt_id: z.string().min(1),
      psn_no: z.string().min(1),
      feedetl_sn: z.string().min(1).optional(),
      chrg_bchno: z.string().min(1).optional(),
    }),
  );
  const selector = data[key];
  if (selector === undefined) throw new HisError('SCHEMA', `缺少 input.data.${key}（"0000" 表示全部未结算明细）`);
  const encounter = await lockEncounter(context.client, context.institution, data.psn_no, data.mdtrt_id);
  requireStatus(encounter, ['open', 'discharged'], '撤销费用明细');
  const { rowCount } = await context.client.query(
    `update fee_lines set status = 'withdrawn' where psn_no = $1 and mdtrt_id = $2 and status = 'active' and ($3 = '0000' or ${key} = $3)`,
    [data.psn_no, data.mdtrt_id, selector],
  );
  if (!rowCount && selector !== '0000')
    throw new HisError('STATE', `没有可撤销的明细 ${selector}（已结算的明细须先撤销结算）`);
  return { psnNo: data.psn_no, output: {} };
}

export const withdrawOutpatientFees: Handler = (context) => withdrawLines(context, 'chrg_bchno');
export const withdrawInpatientFees: Handler = (context) => withdrawLines(context, 'feedetl_sn');

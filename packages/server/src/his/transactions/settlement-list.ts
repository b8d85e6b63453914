/**
 * 4101 / 4101A 医疗保障基金结算清单信息上传: the settlement list of one settlement, which DRG/DIP grouping and payment
 * read. 4101 carries the whole list (setlinfo with the person's details, blood and payments, fee items by category);
 * 4101A the part the institution fills in (setlinfo without what the settlement already knows, blood as bldinfo[]).
 * Both are accepted with every field of either; what grouping reads is validated strictly, the rest for its form.
 *
 * The list names a standing settlement of the calling institution (psn_no, mdtrt_id, setl_id). It is stored whole,
 * normalized, with the codes grouping needs beside it; a new upload for the same settlement replaces it and counts a
 * version (docs/HIS.md).
 */
import { MED_TYPES } from '@sanbao/core';
import { z } from 'zod';
import { sealIdNumbersInJson } from '../../security/identity.js';
import { daysBefore, readInput, requireTimeWithin, type Handler, type HisContext } from '../context.js';
import { code, date, dateTime, oneOf, optional, refuseField, scaledDecimal, text, yuan } from '../fields.js';
import { Refusal } from '../../refusal.js';
import { chinaDateTime } from '../../time.js';

/** How many entries a list node may have: far more than any real stay, little enough to bound the work. */
export const LIST_LIMITS = {
  payinfo: 30,
  opspdiseinfo: 50,
  diseinfo: 50,
  iteminfo: 50,
  oprninfo: 50,
  icuinfo: 20,
  bldinfo: 20,
} as const;

/** A 0/1 flag: text or integer, and the booleans some clients send. */
const flag = (label: string): z.ZodType<string> =>
  z.preprocess(
    (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : value),
    oneOf(['0', '1'], `${label}应为 0、1 之一`, 1),
  );

/** A number that is no amount (days, age, blood, weight): numeric text or a JSON number, in a range. */
function quantity(
  label: string,
  options: { places: number; min?: number; max: number; unit?: string },
): z.ZodType<number> {
  const min = options.min ?? 0;
  return z.unknown().transform((input, ctx): number => {
    const scaled = scaledDecimal(input, options.places);
    // Whatever scaledDecimal cannot read as a number ('format', 'decimals', …) is refused alike.
    if (typeof scaled !== 'number') {
      if (input === undefined || input === null) return refuseField(ctx, input, 'SCHEMA', '缺少必填项');
      return refuseField(
        ctx,
        input,
        'SCHEMA',
        `${label}应为数字${options.places === 0 ? '（整数）' : `（最多 ${options.places} 位小数）`}`,
      );
    }
    const value = scaled / 10 ** options.places;
    if (value < min || value > options.max)
      return refuseField(ctx, input, 'SCHEMA', `${label}应在 ${min}–${options.max}${options.unit ?? ''} 之间`);
    return value;
  });
}

const days = (label: string): z.ZodType<number> => quantity(label, { places: 0, max: 999, unit: ' 天' });
const tally = (label: string): z.ZodType<number> => quantity(label, { places: 0, max: 999 });

/** A newborn's weight in grams (6,2): a weight in kilograms (3.2) is refused, not read as 3.2 g. */
const weight = quantity('新生儿体重（以克为单位）', { places: 2, min: 100, max: 9999.99, unit: ' 克' });

/** Several newborns' weights: a list, or text with the weights separated by commas, semicolons, slashes or spaces. */
const weights = z.unknown().transform((input, ctx): number[] => {
  const parts = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? input.split(/[,，;；/、\s]+/).filter((part) => part !== '')
      : typeof input === 'number'
        ? [input]
        : undefined;
  if (!parts) return refuseField(ctx, input, 'SCHEMA', '多新生儿体重应为以逗号分隔的克数');
  const values: number[] = [];
  for (const part of parts) {
    const parsed = weight.safeParse(part);
    if (!parsed.success)
      return refuseField(ctx, input, 'SCHEMA', '多新生儿体重应为以逗号分隔的克数（每个 100–9999.99 克）');
    values.push(parsed.data);
  }
  if (values.length > 10) return refuseField(ctx, input, 'SCHEMA', '多新生儿体重最多 10 个');
  return values;
});

const DURATION = /^(\d{1,5})[/／](\d{1,3})[/／](\d{1,3})$/;

/** A duration as the list writes it, 天数/小时数/分钟数 (1/13/24); kept as text, read by durationMinutes. */
const duration = z.unknown().transform((input, ctx): string => {
  const value = typeof input === 'string' ? input.trim().replaceAll('／', '/') : undefined;
  if (value === undefined || !DURATION.test(value))
    return refuseField(ctx, input, 'SCHEMA', '时长格式应为 天数/小时数/分钟数（如 1/13/24）');
  return value;
});

function durationMinutes(value: string): number {
  const [dayCount = 0, hours = 0, minutes = 0] = value.split('/').map(Number);
  return dayCount * 1440 + hours * 60 + minutes;
}

/** An amount in yuan (16,2) as the list keeps it: a decimal number of yuan (read exactly, via fen). */
const amount = yuan.transform((fen) => fen / 100);

const optCode = (max: number): z.ZodType<string | undefined> => optional(code(max));
const optText = (max: number): z.ZodType<string | undefined> => optional(text(max));
const optTime = optional(dateTime);
const optDate = optional(date);

/** 离院方式 (dscg_way): 1 医嘱离院, 2 医嘱转院, 3 医嘱转社区/乡镇卫生院, 4 非医嘱离院, 5 死亡, 9 其他. */
const DSCG_WAYS = ['1', '2', '3', '4', '5', '9'] as const;

/**
 * setlinfo: the fields of 4101 (表 154) and of 4101A together. 4101A's specification spells five of them otherwise
 * (nwb_admtype, nwbbirwt, nwbadmwt, otptcmdise, tcmdisecode); both spellings are read, as the 4101 name.
 */
const setlinfoSchema = z.object({
  psn_no: code(30),
  mdtrt_id: code(30),
  setl_id: code(30),
  fixmedins_name: optText(200),
  fixmedins_code: optCode(30),
  hi_setl_lv: optCode(3),
  hi_no: optCode(30),
  medcasno: optCode(40),
  dcla_time: optTime,
  psn_name: optText(50),
  gend: optCode(6),
  brdy: optDate,
  age: optional(quantity('年龄', { places: 1, max: 150, unit: ' 岁' })),
  ntly: optCode(6),
  nwb_age: optional(quantity('不足 1 周岁的年龄', { places: 0, max: 365, unit: ' 天' })),
  naty: optCode(3),
  patn_cert_type: optCode(3),
  certno: optCode(50),
  prfs: optCode(6),
  curr_addr: optText(200),
  emp_name: optText(200),
  emp_addr: optText(200),
  emp_tel: optText(50),
  poscode: optCode(6),
  coner_name: optText(50),
  patn_rlts: optCode(6),
  coner_addr: optText(200),
  coner_tel: optText(50),
  hi_type: optCode(3),
  insuplc: optCode(6),
  sp_psn_type: optCode(6),
  nwb_adm_type: optCode(3),
  nwb_admtype: optCode(3),
  nwb_bir_wt: optional(weight),
  nwbbirwt: optional(weight),
  nwb_adm_wt: optional(weight),
  nwbadmwt: optional(weight),
  mul_nwb_bir_wt: optional(weights),
  mul_nwb_adm_wt: optional(weights),
  opsp_diag_caty: optText(50),
  opsp_mdtrt_date: optDate,
  ipt_med_type: optCode(3),
  adm_way: optCode(3),
  trt_type: optCode(3),
  adm_time: optTime,
  adm_caty: optCode(30),
  // Several transfers are written A→B→C.
  refldept_dept: optText(200),
  dscg_time: optTime,
  dscg_caty: optCode(30),
  act_ipt_days: optional(days('实际住院天数')),
  otp_wm_dise: optText(200),
  wm_dise_code: optCode(30),
  otp_tcm_dise: optText(200),
  otptcmdise: optText(200),
  tcm_dise_code: optCode(30),
  tcmdisecode: optCode(30),
  diag_code_cnt: optional(tally('诊断代码计数')),
  maindiag_flag: optCode(3),
  oprn_oprt_code_cnt: optional(tally('手术操作代码计数')),
  vent_used_dura: optional(duration),
  pwcry_bfadm_coma_dura: optional(duration),
  pwcry_afadm_coma_dura: optional(duration),
  bld_cat: optCode(10),
  bld_amt: optional(quantity('输血量', { places: 2, max: 999999 })),
  bld_unt: optText(10),
  spga_nurscare_days: optional(days('特级护理天数')),
  lv1_nurscare_days: optional(days('一级护理天数')),
  scd_nurscare_days: optional(days('二级护理天数')),
  lv3_nurscare_days: optional(days('三级护理天数')),
  dscg_way: optional(oneOf(DSCG_WAYS, `离院方式应为 ${DSCG_WAYS.join('、')} 之一`, 3)),
  acp_medins_name: optText(100),
  acp_optins_code: optCode(30),
  bill_code: optCode(50),
  bill_no: optCode(30),
  biz_sn: optCode(50),
  days_rinp_flag_31: optCode(3),
  days_rinp_pup_31: optText(200),
  chfpdr_name: optText(50),
  chfpdr_code: optCode(30),
  setl_begn_date: optDate,
  setl_end_date: optDate,
  psn_selfpay: optional(amount),
  psn_ownpay: optional(amount),
  acct_pay: optional(amount),
  psn_cashpay: optional(amount),
  hi_paymtd: optCode(3),
  hsorg: optText(100),
  hsorg_opter: optText(50),
  medins_fill_dept: optText(100),
  medins_fill_psn: optText(50),
  resp_nurs_code: optCode(30),
  stas_type: optCode(3),
});
type Setlinfo = z.output<typeof setlinfoSchema>;

/** The other spelling of a setlinfo field (4101A's specification) and the 4101 name it is read as. */
const SPELLINGS = [
  ['nwb_admtype', 'nwb_adm_type'],
  ['nwbbirwt', 'nwb_bir_wt'],
  ['nwbadmwt', 'nwb_adm_wt'],
  ['otptcmdise', 'otp_tcm_dise'],
  ['tcmdisecode', 'tcm_dise_code'],
] as const;

/** 表 155 基金支付信息 (4101). */
const payment = z.object({ fund_pay_type: code(6), fund_payamt: amount });

/** 表 156 门诊慢特病诊断信息. */
const chronicDiagnosis = z.object({
  diag_name: optText(100),
  diag_code: code(20),
  oprn_oprt_name: optText(500),
  oprn_oprt_code: optCode(30),
});

/** 表 157 住院诊断信息: diag_type 1 西医诊断, 2 中医主病诊断, 3 中医主证诊断. */
const diagnosis = z.object({
  diag_type: oneOf(['1', '2', '3'], '诊断类别应为 1、2、3 之一', 3),
  diag_code: code(20),
  diag_name: optText(100),
  adm_cond_type: optCode(3),
  maindiag_flag: flag('主诊断标志'),
});

/** 表 158 收费项目信息 (4101): the bill by fee category. */
const feeItem = z.object({
  med_chrgitm: code(6),
  amt: amount,
  claa_sumfee: optional(amount),
  clab_amt: optional(amount),
  fulamt_ownpay_amt: optional(amount),
  oth_amt: optional(amount),
});

/** 表 159 手术操作信息: oprn_oprt_type 1 主要手术操作, 2 其他; 4101 dates it, 4101A gives its times. */
const procedure = z.object({
  oprn_oprt_type: optional(oneOf(['1', '2'], '手术操作类别应为 1、2 之一', 3)),
  oprn_oprt_name: optText(500),
  oprn_oprt_code: code(30),
  oprn_oprt_date: optDate,
  anst_way: optCode(6),
  oper_dr_name: optText(50),
  oper_dr_code: optCode(30),
  anst_dr_name: optText(50),
  anst_dr_code: optCode(30),
  oprn_oprt_begntime: optTime,
  oprn_oprt_endtime: optTime,
  anst_begntime: optTime,
  anst_endtime: optTime,
});

/** 表 160 重症监护信息. */
const icuStay = z.object({
  scs_cutd_ward_type: optCode(6),
  scs_cutd_inpool_time: dateTime,
  scs_cutd_exit_time: dateTime,
  scs_cutd_sum_dura: optional(duration),
});

/** 表 194 输血信息 (4101A; 4101 has one transfusion in setlinfo). */
const transfusion = z.object({
  bld_cat: optCode(10),
  bld_amt: quantity('输血量', { places: 2, max: 999999 }),
  bld_unt: optText(10),
});

/** A list node, absent (or null) when empty, bounded. */
function listOf<S extends z.ZodType>(item: S, max: number): z.ZodType<z.output<S>[] | undefined> {
  return optional(z.array(item).max(max));
}

interface Lists {
  payinfo: z.output<typeof payment>[];
  opspdiseinfo: z.output<typeof chronicDiagnosis>[];
  diseinfo: z.output<typeof diagnosis>[];
  iteminfo: z.output<typeof feeItem>[];
  oprninfo: z.output<typeof procedure>[];
  icuinfo: z.output<typeof icuStay>[];
  bldinfo: z.output<typeof transfusion>[];
}

function readLists(context: HisContext): Lists {
  return {
    payinfo: readInput(context, 'payinfo', listOf(payment, LIST_LIMITS.payinfo)) ?? [],
    opspdiseinfo: readInput(context, 'opspdiseinfo', listOf(chronicDiagnosis, LIST_LIMITS.opspdiseinfo)) ?? [],
    diseinfo: readInput(context, 'diseinfo', listOf(diagnosis, LIST_LIMITS.diseinfo)) ?? [],
    iteminfo: readInput(context, 'iteminfo', listOf(feeItem, LIST_LIMITS.iteminfo)) ?? [],
    oprninfo: readInput(context, 'oprninfo', listOf(procedure, LIST_LIMITS.oprninfo)) ?? [],
    icuinfo: readInput(context, 'icuinfo', listOf(icuStay, LIST_LIMITS.icuinfo)) ?? [],
    bldinfo: readInput(context, 'bldinfo', listOf(transfusion, LIST_LIMITS.bldinfo)) ?? [],
  };
}

/** yyyy-MM-dd HH:mm:ss of a time or a date (its midnight). */
const full = (value: string): string => (value.length === 10 ? `${value} 00:00:00` : value);
/** Milliseconds of a China time read as UTC: for differences only. */
const instant = (value: string): number => Date.parse(`${full(value).replace(' ', 'T')}Z`);
const dayOf = (value: string): number => Math.floor(instant(value.slice(0, 10)) / 86_400_000);
const fen = (yuanAmount: number): number => Math.round(yuanAmount * 100);

function requireOrder(earlier: string | undefined, later: string | undefined, what: string): void {
  if (earlier !== undefined && later !== undefined && full(later) < full(earlier))
    throw new Refusal('DATE_ORDER', `${what}：${later} 早于 ${earlier}`);
}

/** What grouping reads, taken from the list once it is valid. */
interface Extracted {
  mainDiagCode: string | null;
  otherDiagCodes: string[];
  mainOprnCode: string | null;
  oprnCodes: string[];
  icuMinutes: number;
  ventMinutes: number | null;
  bldAmt: number | null;
  bldUnt: string | null;
  blood: { bld_cat?: string | undefined; bld_amt: number; bld_unt?: string | undefined }[];
  admTime: string | null;
  dscgTime: string | null;
  iptDays: number | null;
  nwbBirWts: number[];
  nwbAdmWts: number[];
}

/** The diagnoses: exactly one western main diagnosis (when there are diagnoses, and always for a stay), no repeats. */
function readDiagnoses(lists: Lists, inpatient: boolean): Pick<Extracted, 'mainDiagCode' | 'otherDiagCodes'> {
  const { diseinfo } = lists;
  if (inpatient && diseinfo.length === 0)
    throw new Refusal('SCHEMA', 'input.diseinfo：住院结算清单须上传诊断信息（含一个主要诊断）');
  if (!inpatient && diseinfo.length === 0 && lists.opspdiseinfo.length === 0)
    throw new Refusal('SCHEMA', 'input.opspdiseinfo：门诊结算清单须上传门诊慢特病诊断或诊断信息');
  for (const type of ['1', '2', '3']) {
    const ofType = diseinfo.filter((d) => d.diag_type === type);
    const seen = new Set<string>();
    for (const d of ofType) {
      if (seen.has(d.diag_code))
        throw new Refusal('SCHEMA', `input.diseinfo：诊断代码 ${d.diag_code} 重复（诊断类别 ${type}）`);
      seen.add(d.diag_code);
    }
    const mains = ofType.filter((d) => d.maindiag_flag === '1');
    const required = type === '1' && (inpatient || ofType.length > 0);
    if (mains.length > 1 || (required && mains.length === 0))
      throw new Refusal(
        'SCHEMA',
        `input.diseinfo：${type === '1' ? '西医诊断' : type === '2' ? '中医主病诊断' : '中医主证诊断'}须有${
          required ? '且仅有' : '至多'
        }一个主要诊断（maindiag_flag 1），收到 ${mains.length} 个${
          mains.length > 0 ? `（${mains.map((d) => d.diag_code).join('、')}）` : ''
        }`,
      );
  }
  const western = diseinfo.filter((d) => d.diag_type === '1');
  const main = western.find((d) => d.maindiag_flag === '1');
  return {
    mainDiagCode: main?.diag_code ?? null,
    otherDiagCodes: western.filter((d) => d !== main).map((d) => d.diag_code),
  };
}

/** The procedures: at most one marked main (oprn_oprt_type 1); without one, the first listed is the main one. */
function readProcedures(context: HisContext, lists: Lists): Pick<Extracted, 'mainOprnCode' | 'oprnCodes'> {
  const { oprninfo } = lists;
  const mains = oprninfo.filter((p) => p.oprn_oprt_type === '1');
  if (mains.length > 1)
    throw new Refusal(
      'SCHEMA',
      `input.oprninfo：至多一个主要手术操作（oprn_oprt_type 1），收到 ${mains.length} 个（${mains
        .map((p) => p.oprn_oprt_code)
        .join('、')}）`,
    );
  const earliest = daysBefore(context.now, 731);
  oprninfo.forEach((p, index) => {
    const at = `input.oprninfo[${index}]`;
    for (const field of [
      'oprn_oprt_date',
      'oprn_oprt_begntime',
      'oprn_oprt_endtime',
      'anst_begntime',
      'anst_endtime',
    ] as const) {
      const value = p[field];
      if (value !== undefined) requireTimeWithin(context, value, `${at}.${field}`, earliest);
    }
    requireOrder(p.oprn_oprt_begntime, p.oprn_oprt_endtime, `${at} 手术操作结束时间`);
    requireOrder(p.anst_begntime, p.anst_endtime, `${at} 麻醉结束时间`);
  });
  const main = mains[0] ?? oprninfo[0];
  return {
    mainOprnCode: main?.oprn_oprt_code ?? null,
    oprnCodes: main ? [main, ...oprninfo.filter((p) => p !== main)].map((p) => p.oprn_oprt_code) : [],
  };
}

/** ICU stays: each ends after it starts, within the stay, none overlapping another; their minutes together. */
function readIcuStays(
  context: HisContext,
  lists: Lists,
  admTime: string | null,
  dscgTime: string | null,
  warnings: string[],
): number {
  const stays = lists.icuinfo.map((stay, index) => ({ ...stay, index }));
  let total = 0;
  for (const stay of stays) {
    const at = `input.icuinfo[${stay.index}]`;
    const entry = stay.scs_cutd_inpool_time;
    const exit = stay.scs_cutd_exit_time;
    requireTimeWithin(context, exit, `${at}.scs_cutd_exit_time`);
    // Within the last two years as every stay is (an outpatient list has no admission to bound it by).
    requireTimeWithin(context, entry, `${at}.scs_cutd_inpool_time`, daysBefore(context.now, 731));
    requireOrder(entry, exit, `${at} 重症监护退出时间`);
    if (admTime !== null && dayOf(entry) < dayOf(admTime))
      throw new Refusal('DATE_ORDER', `${at}：重症监护进入时间 ${entry} 早于入院日期 ${admTime.slice(0, 10)}`);
    if (dscgTime !== null && dayOf(exit) > dayOf(dscgTime))
      throw new Refusal('DATE_ORDER', `${at}：重症监护退出时间 ${exit} 晚于出院日期 ${dscgTime.slice(0, 10)}`);
    const minutes = Math.floor((instant(exit) - instant(entry)) / 60_000);
    if (stay.scs_cutd_sum_dura !== undefined && Math.abs(durationMinutes(stay.scs_cutd_sum_dura) - minutes) > 1)
      warnings.push(
        `${at}.scs_cutd_sum_dura ${stay.scs_cutd_sum_dura} 与进入、退出时间之差不符，已按进入、退出时间计为 ${minutes} 分钟`,
      );
    total += minutes;
  }
  const ordered = [...stays].sort((a, b) => instant(a.scs_cutd_inpool_time) - instant(b.scs_cutd_inpool_time));
  for (let i = 1; i < ordered.length; i++) {
    const before = ordered[i - 1]!;
    const stay = ordered[i]!;
    if (instant(stay.scs_cutd_inpool_time) < instant(before.scs_cutd_exit_time))
      throw new Refusal(
        'DATE_ORDER',
        `input.icuinfo[${stay.index}]：重症监护时段与 input.icuinfo[${before.index}] 重叠（${stay.scs_cutd_inpool_time} 早于 ${before.scs_cutd_exit_time}）`,
      );
  }
  return total;
}

/** Blood: bldinfo (4101A), else the one transfusion of setlinfo (4101); the total when all share a unit. */
function readBlood(info: Setlinfo, lists: Lists): Pick<Extracted, 'blood' | 'bldAmt' | 'bldUnt'> {
  const blood =
    lists.bldinfo.length > 0
      ? lists.bldinfo
      : info.bld_amt !== undefined
        ? [{ bld_cat: info.bld_cat, bld_amt: info.bld_amt, bld_unt: info.bld_unt }]
        : [];
  if (blood.length === 0) return { blood, bldAmt: null, bldUnt: null };
  const unit = (entry: (typeof blood)[number]): string => entry.bld_unt?.trim().toLowerCase() ?? '';
  const shared = blood.every((entry) => unit(entry) === unit(blood[0]!));
  if (!shared) return { blood, bldAmt: null, bldUnt: null };
  const total = blood.reduce((sum, entry) => sum + fen(entry.bld_amt), 0) / 100;
  return { blood, bldAmt: total, bldUnt: blood[0]!.bld_unt?.trim() || null };
}

/** The bill by category must be the settlement's bill: each category's parts within it, no category twice. */
function checkItems(lists: Lists, medfeeFen: number): void {
  const { iteminfo, payinfo } = lists;
  const categories = new Set<string>();
  iteminfo.forEach((item, index) => {
    if (categories.has(item.med_chrgitm))
      throw new Refusal('SCHEMA', `input.iteminfo[${index}]：医疗收费项目类别 ${item.med_chrgitm} 重复`);
    categories.add(item.med_chrgitm);
    for (const part of ['claa_sumfee', 'clab_amt', 'fulamt_ownpay_amt', 'oth_amt'] as const) {
      const value = item[part];
      if (value !== undefined && fen(value) > fen(item.amt))
        throw new Refusal(
          'AMOUNT_INCONSISTENT',
          `input.iteminfo[${index}].${part} ${value} 大于该类别金额 ${item.amt}`,
        );
    }
  });
  if (iteminfo.length > 0) {
    const total = iteminfo.reduce((sum, item) => sum + fen(item.amt), 0);
    if (total !== medfeeFen)
      throw new Refusal(
        'AMOUNT_INCONSISTENT',
        `input.iteminfo：各类别金额合计 ${total / 100} 元与结算的医疗费总额 ${medfeeFen / 100} 元不一致`,
      );
  }
  const funds = new Set<string>();
  payinfo.forEach((payment, index) => {
    if (funds.has(payment.fund_pay_type))
      throw new Refusal('SCHEMA', `input.payinfo[${index}]：基金支付类型 ${payment.fund_pay_type} 重复`);
    funds.add(payment.fund_pay_type);
  });
}

interface SettlementRow {
  mdtrt_id: string;
  fixmedins_code: string;
  kind: string;
  reversed_by: string | null;
  med_type: string;
  medfee_sumamt: number;
}

interface EncounterTimes {
  fixmedins_code: string;
  begntime: Date;
  endtime: Date | null;
}

/**
 * The settlement the list is for, and its encounter's times, with the encounter locked (as a cancellation locks it):
 * the settlement cannot be cancelled while its list is stored.
 */
async function standingSettlement(
  context: HisContext,
  info: Setlinfo,
): Promise<{ settlement: SettlementRow; encounter: EncounterTimes }> {
  const { client } = context;
  const [encounters, settlements] = await Promise.all([
    client.query<EncounterTimes>(
      'select fixmedins_code, begntime, endtime from encounters where psn_no = $1 and mdtrt_id = $2 for share',
      [info.psn_no, info.mdtrt_id],
    ),
    client.query<SettlementRow>(
      'select mdtrt_id, fixmedins_code, kind, reversed_by, med_type, medfee_sumamt from settlements where psn_no = $1 and setl_id = $2',
      [info.psn_no, info.setl_id],
    ),
  ]);
  const settlement = settlements.rows[0];
  const encounter = encounters.rows[0];
  const mine = context.institution.fixmedins_code;
  if ((settlement && settlement.fixmedins_code !== mine) || (encounter && encounter.fixmedins_code !== mine))
    throw new Refusal('FORBIDDEN', `结算 ${info.setl_id} 属于其他定点医药机构`);
  if (!settlement || !encounter || settlement.kind !== 'settlement' || settlement.mdtrt_id !== info.mdtrt_id)
    throw new Refusal('SETTLEMENT_NOT_FOUND', `人员 ${info.psn_no} 的就诊 ${info.mdtrt_id} 没有结算ID ${info.setl_id}`);
  if (settlement.reversed_by !== null)
    throw new Refusal(
      'STATE',
      `结算 ${info.setl_id} 已撤销（撤销结算ID ${settlement.reversed_by}），不能上传结算清单；请上传重新结算后的结算ID`,
    );
  return { settlement, encounter };
}

/** Times of setlinfo: real, ordered, not in the future; a stay's admission within the last two years. */
function checkSetlinfoTimes(context: HisContext, info: Setlinfo): void {
  const at = 'input.setlinfo';
  if (info.adm_time !== undefined)
    requireTimeWithin(context, info.adm_time, `${at}.adm_time`, daysBefore(context.now, 731));
  for (const field of [
    'dscg_time',
    'dcla_time',
    'brdy',
    'opsp_mdtrt_date',
    'setl_begn_date',
    'setl_end_date',
  ] as const) {
    const value = info[field];
    if (value !== undefined) requireTimeWithin(context, value, `${at}.${field}`);
  }
  requireOrder(info.adm_time, info.dscg_time, `${at} 出院时间`);
  requireOrder(info.setl_begn_date, info.setl_end_date, `${at} 结算结束日期`);
  if (info.brdy !== undefined && info.adm_time !== undefined && info.adm_time.slice(0, 10) < info.brdy)
    throw new Refusal('DATE_ORDER', `${at}：入院时间 ${info.adm_time} 早于出生日期 ${info.brdy}`);
}

/** The stay's admission and discharge: the list's, else the encounter's; the length of stay from their dates. */
function readStay(
  info: Setlinfo,
  encounter: EncounterTimes,
  inpatient: boolean,
  warnings: string[],
): Pick<Extracted, 'admTime' | 'dscgTime' | 'iptDays'> {
  const admitted = chinaDateTime(encounter.begntime);
  const discharged = encounter.endtime ? chinaDateTime(encounter.endtime) : null;
  const admTime = info.adm_time ?? (inpatient ? admitted : null);
  const dscgTime = info.dscg_time ?? (inpatient ? discharged : null);
  if (inpatient && info.adm_time !== undefined && info.adm_time.slice(0, 10) !== admitted.slice(0, 10))
    warnings.push(`结算清单入院时间 ${info.adm_time} 与入院办理时间 ${admitted} 不在同一天`);
  if (
    inpatient &&
    info.dscg_time !== undefined &&
    discharged &&
    info.dscg_time.slice(0, 10) !== discharged.slice(0, 10)
  )
    warnings.push(`结算清单出院时间 ${info.dscg_time} 与出院办理时间 ${discharged} 不在同一天`);
  requireOrder(admTime ?? undefined, dscgTime ?? undefined, 'input.setlinfo 出院时间');
  const iptDays = admTime !== null && dscgTime !== null ? Math.max(1, dayOf(dscgTime) - dayOf(admTime)) : null;
  if (iptDays !== null && info.act_ipt_days !== undefined && info.act_ipt_days !== iptDays)
    warnings.push(`实际住院天数 ${info.act_ipt_days} 与入院、出院日期之差 ${iptDays} 天不符，已按 ${iptDays} 天记录`);
  return { admTime, dscgTime, iptDays };
}

/** setlinfo as stored: the other spellings read as the 4101 names. */
function canonicalSetlinfo(info: Setlinfo): Record<string, unknown> {
  const result: Record<string, unknown> = { ...info };
  for (const [other, name] of SPELLINGS) {
    if (result[name] === undefined) result[name] = result[other];
    delete result[other];
  }
  return result;
}

/** 4101 and 4101A: validates the list, stores it (replacing an earlier one) and answers its list ID. */
export const uploadSettlementList: Handler = async (context) => {
  const info = readInput(context, 'setlinfo', setlinfoSchema);
  const lists = readLists(context);
  if (info.fixmedins_code !== undefined && info.fixmedins_code !== context.institution.fixmedins_code)
    throw new Refusal(
      'INSTITUTION_MISMATCH',
      `input.setlinfo.fixmedins_code ${info.fixmedins_code} 不是本机构编号 ${context.institution.fixmedins_code}`,
    );
  checkSetlinfoTimes(context, info);

  const { settlement, encounter } = await standingSettlement(context, info);
  const inpatient = MED_TYPES[settlement.med_type]?.encounter === 'inpatient';
  const warnings: string[] = [];
  const stay = readStay(info, encounter, inpatient, warnings);
  const diagnoses = readDiagnoses(lists, inpatient);
  const procedures = readProcedures(context, lists);
  const icuMinutes = readIcuStays(context, lists, stay.admTime, stay.dscgTime, warnings);
  const blood = readBlood(info, lists);
  checkItems(lists, settlement.medfee_sumamt);

  const setlinfo = canonicalSetlinfo(info);
  const nwbBirWts = [info.nwb_bir_wt ?? info.nwbbirwt, ...(info.mul_nwb_bir_wt ?? [])].filter((w) => w !== undefined);
  const nwbAdmWts = [info.nwb_adm_wt ?? info.nwbadmwt, ...(info.mul_nwb_adm_wt ?? [])].filter((w) => w !== undefined);
  // The list as stored: the normalized nodes (fields outside the specification are not kept; the message log has
  // the request as sent), ID numbers sealed as in the message log.
  const document = sealIdNumbersInJson(JSON.stringify({ ...lists, setlinfo, bldinfo: blood.blood }));

  const { rows } = await context.client.query<{ setl_list_id: string; version: number }>(
    `insert into settlement_lists (psn_no, setl_id, setl_list_id, mdtrt_id, fixmedins_code, infno, version,
        main_diag_code, other_diag_codes, main_oprn_code, oprn_codes, icu_minutes, vent_minutes, bld_amt, bld_unt,
        dscg_way, adm_time, dscg_time, ipt_days, nwb_bir_wts, nwb_adm_wts, list, msgid, first_uploaded_at, uploaded_at)
     values ($1, $2, 'SL' || $3 || lpad(nextval('setl_list_seq')::text, 10, '0'), $4, $5, $6, 1,
        $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16::timestamp at time zone 'Asia/Shanghai', $17::timestamp at time zone 'Asia/Shanghai', $18, $19, $20,
        $21::jsonb, $22, $23, $23)
     on conflict (psn_no, setl_id) do update set
        infno = excluded.infno, version = settlement_lists.version + 1,
        main_diag_code = excluded.main_diag_code, other_diag_codes = excluded.other_diag_codes,
        main_oprn_code = excluded.main_oprn_code, oprn_codes = excluded.oprn_codes,
        icu_minutes = excluded.icu_minutes, vent_minutes = excluded.vent_minutes,
        bld_amt = excluded.bld_amt, bld_unt = excluded.bld_unt, dscg_way = excluded.dscg_way,
        adm_time = excluded.adm_time, dscg_time = excluded.dscg_time, ipt_days = excluded.ipt_days,
        nwb_bir_wts = excluded.nwb_bir_wts, nwb_adm_wts = excluded.nwb_adm_wts,
        list = excluded.list, msgid = excluded.msgid, uploaded_at = excluded.uploaded_at
     returning setl_list_id, version`,
    [
      info.psn_no,
      info.setl_id,
      context.today.replaceAll('-', ''),
      info.mdtrt_id,
      context.institution.fixmedins_code,
      context.envelope.infno,
      diagnoses.mainDiagCode,
      diagnoses.otherDiagCodes,
      procedures.mainOprnCode,
      procedures.oprnCodes,
      icuMinutes,
      info.vent_used_dura === undefined ? null : durationMinutes(info.vent_used_dura),
      blood.bldAmt,
      blood.bldUnt,
      info.dscg_way ?? null,
      stay.admTime,
      stay.dscgTime,
      stay.iptDays,
      nwbBirWts,
      nwbAdmWts,
      document,
      context.envelope.msgid,
      context.now,
    ],
  );
  const stored = rows[0];
  if (!stored) throw new Error('settlement list not stored');
  // Clients read the list ID at output.setl_list_id or at output.data.setl_list_id: both are given.
  return {
    psnNo: info.psn_no,
    output: { setl_list_id: stored.setl_list_id, data: { setl_list_id: stored.setl_list_id } },
    ...(warnings.length > 0 ? { warn: warnings.join('；') } : {}),
  };
};

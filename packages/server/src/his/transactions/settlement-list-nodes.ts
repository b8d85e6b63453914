/**
 * The nodes of the settlement list: setlinfo (表 154, with 4101A's fields and spellings) and the lists beside it
 * (payments, diagnoses, fee items, procedures, ICU stays, transfusions), each read with its bounds.
 */
import { z } from 'zod';
import { readInput, type HisContext } from '../context.js';
import { code, dateTime, oneOf, optional } from '../fields.js';
import {
  amount,
  days,
  DSCG_WAYS,
  duration,
  flag,
  LIST_LIMITS,
  optCode,
  optDate,
  optText,
  optTime,
  quantity,
  tally,
  weight,
  weights,
} from './settlement-list-fields.js';

/**
 * setlinfo: the fields of 4101 (表 154) and of 4101A together. 4101A's specification spells five of them otherwise
 * (nwb_admtype, nwbbirwt, nwbadmwt, otptcmdise, tcmdisecode); both spellings are read, as the 4101 name.
 */
export const setlinfoSchema = z.object({
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
export type Setlinfo = z.output<typeof setlinfoSchema>;

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

export interface Lists {
  payinfo: z.output<typeof payment>[];
  opspdiseinfo: z.output<typeof chronicDiagnosis>[];
  diseinfo: z.output<typeof diagnosis>[];
  iteminfo: z.output<typeof feeItem>[];
  oprninfo: z.output<typeof procedure>[];
  icuinfo: z.output<typeof icuStay>[];
  bldinfo: z.output<typeof transfusion>[];
}

export function readLists(context: HisContext): Lists {
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

/** setlinfo as stored: the other spellings read as the 4101 names. */
export function canonicalSetlinfo(info: Setlinfo): Record<string, unknown> {
  const result: Record<string, unknown> = { ...info };
  for (const [other, name] of SPELLINGS) {
    if (result[name] === undefined) result[name] = result[other];
    delete result[other];
  }
  return result;
}

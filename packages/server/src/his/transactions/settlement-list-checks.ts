/**
 * The settlement list checked against itself, the clock and its settlement, and what grouping reads taken from it:
 * the main diagnosis and procedure, ICU minutes, blood, the stay's dates; differences that do not refuse the list are
 * warned of.
 */
import type { EncounterRow } from '../../encounters/repository.js';
import { Refusal } from '../../refusal.js';
import { chinaDateTime } from '../../time.js';
import { daysBefore, requireTimeWithin, type HisContext } from '../context.js';
import { durationMinutes } from './settlement-list-fields.js';
import type { Lists, Setlinfo } from './settlement-list-nodes.js';

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
export interface Extracted {
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
export function readDiagnoses(lists: Lists, inpatient: boolean): Pick<Extracted, 'mainDiagCode' | 'otherDiagCodes'> {
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
export function readProcedures(context: HisContext, lists: Lists): Pick<Extracted, 'mainOprnCode' | 'oprnCodes'> {
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
export function readIcuStays(
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
export function readBlood(info: Setlinfo, lists: Lists): Pick<Extracted, 'blood' | 'bldAmt' | 'bldUnt'> {
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
export function checkItems(lists: Lists, medfeeFen: number): void {
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

/** The encounter's times, as the list is checked against them. */
export type EncounterTimes = Pick<EncounterRow, 'fixmedins_code' | 'begntime' | 'endtime'>;

/** Times of setlinfo: real, ordered, not in the future; a stay's admission within the last two years. */
export function checkSetlinfoTimes(context: HisContext, info: Setlinfo): void {
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
export function readStay(
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

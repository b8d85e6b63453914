/** Registration, admission and discharge: 2201/2202/2203 outpatient, 2401/2402/2404/2405 inpatient. */
import { MED_TYPES } from '@sanbao/core';
import { z } from 'zod';
import {
  correctAdmission,
  insertEncounter,
  lockEncounter,
  markCancelled,
  nextId,
  recordDischarge,
  recordVisitInfo,
  requireStatus,
  undoDischarge,
} from '../../encounters/repository.js';
import { requireCoverage } from '../../persons/repository.js';
import {
  daysBefore,
  readInput,
  requireTimeWithin,
  type HisContext,
  type Handler,
  type HandlerResult,
} from '../context.js';
import { code, dateTime, optional, text } from '../fields.js';
import { Refusal } from '../../refusal.js';
import { personByVoucher } from '../vouchers.js';

const medType = code(6, { width: 2 }).refine((code) => MED_TYPES[code] !== undefined, {
  message: `医疗类别应为 ${Object.keys(MED_TYPES).join('、')} 之一`,
  params: { sanbao: 'CODE_UNKNOWN' },
});
const insutype = code(6).pipe(z.literal('390', { message: '本平台办理城乡居民基本医疗保险（390）' }));
const certType = code(3, { width: 2 });
const diseases = optional(
  z
    .array(z.looseObject({ diag_code: code(30), diag_name: optional(text(255)) }))
    .max(50, { message: '诊断最多 50 条' }),
).transform((list) => list ?? []);

/** Admission and registration share this: a new encounter for an insured person at the calling institution. */
async function openEncounter(
  context: HisContext,
  fields: {
    psnNo: string;
    /** The voucher the person presented: it must name them. */
    certType: string;
    certNo: string;
    insutype: string;
    begntime: string;
    medType: string;
    iptOtpNo: string | undefined;
    diagnoses: string[];
    chronicScheme?: string | undefined;
  },
): Promise<string> {
  // A visit or stay starts before now and, however long a stay, within the last two years.
  requireTimeWithin(context, fields.begntime, '开始时间', daysBefore(context.now, 731));
  await personByVoucher(context, fields.certType, fields.certNo, fields.psnNo);
  await requireCoverage(context.client, fields.psnNo, fields.begntime.slice(0, 10), fields.insutype);
  const mdtrtId = await nextId(context.client, 'mdtrt_seq', 'MD', context.today);
  await insertEncounter(context.client, {
    psnNo: fields.psnNo,
    mdtrtId,
    fixmedinsCode: context.institution.fixmedins_code,
    medType: fields.medType,
    insutype: fields.insutype,
    begntime: fields.begntime,
    diagnoses: fields.diagnoses,
    chronicScheme: fields.chronicScheme ?? null,
    iptOtpNo: fields.iptOtpNo ?? null,
    msgid: context.envelope.msgid,
    certType: fields.certType,
  });
  return mdtrtId;
}

export const register: Handler = async (context) => {
  const data = readInput(
    context,
    'data',
    z.looseObject({
      psn_no: code(30),
      insutype,
      begntime: dateTime,
      mdtrt_cert_type: certType,
      mdtrt_cert_no: code(50),
      ipt_otp_no: code(30),
    }),
  );
  const mdtrtId = await openEncounter(context, {
    psnNo: data.psn_no,
    certType: data.mdtrt_cert_type,
    certNo: data.mdtrt_cert_no,
    insutype: data.insutype,
    begntime: data.begntime,
    medType: '11',
    iptOtpNo: data.ipt_otp_no,
    diagnoses: [],
  });
  return {
    psnNo: data.psn_no,
    output: { data: { mdtrt_id: mdtrtId, psn_no: data.psn_no, ipt_otp_no: data.ipt_otp_no } },
  };
};

/** 2203: the visit's medical type and diagnoses (chronic_scheme is the platform's extension for 门诊慢特病 schemes). */
export const visitInfo: Handler = async (context) => {
  const info = readInput(
    context,
    'mdtrtinfo',
    z.looseObject({
      mdtrt_id: code(30),
      psn_no: code(30),
      med_type: medType,
      chronic_scheme: optional(code(50)),
    }),
  );
  const diagnoses = readInput(context, 'diseinfo', diseases);
  const encounter = await lockEncounter(context.client, context.institution, info.psn_no, info.mdtrt_id);
  requireStatus(encounter, ['open'], '上传就诊信息');
  if (MED_TYPES[info.med_type]?.encounter === 'inpatient')
    throw new Refusal('CODE_UNKNOWN', `门诊就诊不能使用住院医疗类别 ${info.med_type}`);
  await recordVisitInfo(context.client, info.psn_no, info.mdtrt_id, {
    medType: info.med_type,
    diagnoses: diagnoses.map((d) => d.diag_code),
    chronicScheme: info.chronic_scheme ?? null,
  });
  return { psnNo: info.psn_no, output: {} };
};

export const admit: Handler = async (context) => {
  const info = readInput(
    context,
    'mdtrtinfo',
    z.looseObject({
      psn_no: code(30),
      insutype,
      begntime: dateTime,
      mdtrt_cert_type: certType,
      mdtrt_cert_no: code(50),
      med_type: medType,
      ipt_no: code(30),
      dscg_maindiag_code: optional(code(30)),
    }),
  );
  if (MED_TYPES[info.med_type]?.encounter !== 'inpatient')
    throw new Refusal('CODE_UNKNOWN', `入院办理的医疗类别应为住院类（21–24），收到 ${info.med_type}`);
  const diagnoses = readInput(context, 'diseinfo', diseases).map((d) => d.diag_code);
  const mdtrtId = await openEncounter(context, {
    psnNo: info.psn_no,
    certType: info.mdtrt_cert_type,
    certNo: info.mdtrt_cert_no,
    insutype: info.insutype,
    begntime: info.begntime,
    medType: info.med_type,
    iptOtpNo: info.ipt_no,
    diagnoses,
  });
  return {
    psnNo: info.psn_no,
    output: { result: { mdtrt_id: mdtrtId, psn_no: info.psn_no, ipt_otp_no: info.ipt_no } },
  };
};

export const discharge: Handler = async (context) => {
  const info = readInput(
    context,
    'dscginfo',
    z.looseObject({
      mdtrt_id: code(30),
      psn_no: code(30),
      endtime: dateTime,
      dise_codg: optional(code(30)),
    }),
  );
  const diagnoses = readInput(context, 'diseinfo', diseases).map((d) => d.diag_code);
  const encounter = await lockEncounter(context.client, context.institution, info.psn_no, info.mdtrt_id);
  requireStatus(encounter, ['open'], '办理出院');
  requireTimeWithin(context, info.endtime, '出院时间');
  const end = await context.client.query<{ ok: boolean }>(
    "select $1::timestamp at time zone 'Asia/Shanghai' >= $2::timestamptz as ok",
    [info.endtime, encounter.begntime],
  );
  if (!end.rows[0]?.ok) throw new Refusal('DATE_ORDER', `出院时间 ${info.endtime} 早于入院时间`);
  const codes = diagnoses.length > 0 ? diagnoses : encounter.dise_codg;
  await recordDischarge(
    context.client,
    info.psn_no,
    info.mdtrt_id,
    info.endtime,
    info.dise_codg && !codes.includes(info.dise_codg) ? [info.dise_codg, ...codes] : codes,
  );
  return { psnNo: info.psn_no, output: {} };
};

async function refuseIfSettled(context: HisContext, psnNo: string, mdtrtId: string, action: string): Promise<void> {
  const { rowCount } = await context.client.query(
    "select 1 from settlements where psn_no = $1 and mdtrt_id = $2 and kind = 'settlement' and reversed_by is null",
    [psnNo, mdtrtId],
  );
  if (rowCount) throw new Refusal('STATE', `就诊 ${mdtrtId} 有未撤销的结算，不能${action}`);
}

/** Withdraws an open encounter with no settlement standing: 2202, 2404, and 2601 of a lost 2201 or 2401. */
export async function withdrawEncounter(
  context: HisContext,
  psnNo: string,
  mdtrtId: string,
  action: string,
): Promise<HandlerResult> {
  const encounter = await lockEncounter(context.client, context.institution, psnNo, mdtrtId);
  requireStatus(encounter, ['open'], action);
  await refuseIfSettled(context, psnNo, mdtrtId, action);
  await markCancelled(context.client, psnNo, mdtrtId);
  return { psnNo, output: {} };
}

function withdrawing(action: string): Handler {
  return async (context) => {
    const data = readInput(context, 'data', z.looseObject({ mdtrt_id: code(30), psn_no: code(30) }));
    return withdrawEncounter(context, data.psn_no, data.mdtrt_id, action);
  };
}

export const cancelRegistration = withdrawing('撤销挂号');
export const cancelAdmission = withdrawing('撤销入院');

export const cancelDischarge: Handler = async (context) => {
  const data = readInput(context, 'data', z.looseObject({ mdtrt_id: code(30), psn_no: code(30) }));
  const encounter = await lockEncounter(context.client, context.institution, data.psn_no, data.mdtrt_id);
  requireStatus(encounter, ['discharged'], '撤销出院');
  await undoDischarge(context.client, data.psn_no, data.mdtrt_id);
  return { psnNo: data.psn_no, output: {} };
};

/**
 * 2403 住院信息变更: corrects an unsettled stay's admission (adminfo: begntime, med_type, ipt_no, main diagnosis; the
 * discharge time once discharged) and, when diseinfo lists any, its diagnoses. Fields not sent stay as they were.
 */
export const changeAdmission: Handler = async (context) => {
  const info = readInput(
    context,
    'adminfo',
    z.looseObject({
      mdtrt_id: code(30),
      psn_no: code(30),
      begntime: optional(dateTime),
      endtime: optional(dateTime),
      med_type: optional(medType),
      ipt_no: optional(code(30)),
      dscg_maindiag_code: optional(code(30)),
    }),
  );
  const diagnoses = readInput(context, 'diseinfo', diseases).map((d) => d.diag_code);
  const encounter = await lockEncounter(context.client, context.institution, info.psn_no, info.mdtrt_id);
  if (MED_TYPES[encounter.med_type]?.encounter !== 'inpatient')
    throw new Refusal('STATE', `就诊 ${info.mdtrt_id} 是门诊就诊，不能办理住院信息变更`);
  requireStatus(encounter, ['open', 'discharged'], '变更住院信息');
  if (info.med_type !== undefined && MED_TYPES[info.med_type]?.encounter !== 'inpatient')
    throw new Refusal('CODE_UNKNOWN', `住院信息变更的医疗类别应为住院类（21–24），收到 ${info.med_type}`);
  if (info.begntime !== undefined) requireTimeWithin(context, info.begntime, '入院时间', daysBefore(context.now, 731));
  if (info.endtime !== undefined) {
    if (encounter.status !== 'discharged')
      throw new Refusal('STATE', `就诊 ${info.mdtrt_id} 尚未出院，不能变更出院时间`);
    requireTimeWithin(context, info.endtime, '出院时间');
  }
  // An empty or missing diseinfo keeps the diagnoses (clients send [] when nothing changed).
  const codes = diagnoses.length > 0 ? diagnoses : encounter.dise_codg;
  const main = info.dscg_maindiag_code;
  const ordered = await correctAdmission(context.client, info.psn_no, info.mdtrt_id, {
    begntime: info.begntime ?? null,
    endtime: info.endtime ?? null,
    medType: info.med_type ?? null,
    iptNo: info.ipt_no ?? null,
    diagnoses: main && !codes.includes(main) ? [main, ...codes] : codes,
  });
  // Checked on the row as changed (either time may have moved); the refusal rolls the change back.
  if (!ordered) throw new Refusal('DATE_ORDER', '出院时间早于入院时间');
  return { psnNo: info.psn_no, output: {} };
};

/**
 * The national interface's envelope and reply (NHSA-INTERFACE.md §1), the field types its inputs use, and the
 * platform's stable error codes. A refusal is a reply with infcode -1, err_code and a Chinese err_msg.
 */
import type { ErrorCode } from '@sanbao/core';
import { z } from 'zod';
import { code, dateTime, optional, text } from './fields.js';

export const HIS_ERRORS = {
  AUTH_REQUIRED: '缺少机构凭证（HTTP Basic：定点医药机构编号:密钥）',
  AUTH_FAILED: '机构凭证无效',
  INSTITUTION_MISMATCH: '报文中的定点医药机构编号与凭证不一致',
  FORBIDDEN: '无权操作其他定点医药机构的就诊或结算',
  INFNO_UNKNOWN: '不支持的交易编号',
  MSGID_REUSED: '报文ID已用于另一笔交易',
  BODY_TOO_LARGE: '请求报文过大',
  PERSON_NOT_FOUND: '查无此人',
  ENCOUNTER_NOT_FOUND: '就诊信息不存在',
  SETTLEMENT_NOT_FOUND: '结算信息不存在',
  NOT_INSURED: '该人员在就诊日期未参保',
  STATE: '当前状态不允许该操作',
  DUPLICATE: '重复上传',
  NOTHING_TO_SETTLE: '没有可结算的费用',
  ALREADY_SETTLED: '该费用已结算，不能重复结算',
  FEE_LINES_REQUIRED: '须先上传费用明细',
  AUTH_LOCKED: '机构凭证错误次数过多，已暂时锁定',
  SERVICE_UNAVAILABLE: '服务暂不可用，请稍后重试',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  OUT_OF_REGION: '该人员不在本统筹区',
} as const;
export type HisErrorCode = keyof typeof HIS_ERRORS | ErrorCode;

export class HisError extends Error {
  constructor(
    readonly code: HisErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HisError';
  }
}

/**
 * The envelope (NHSA-INTERFACE.md §1.1), read as tolerantly as its fields (fields.ts): codes as strings or integers,
 * empty optional fields as null or "", `input` as an object or as that object in a JSON string. sign_no is kept to
 * 100 characters: several provinces' sign-in numbers are longer than the specification's 30.
 */
export const envelopeSchema = z.looseObject({
  infno: code(6).pipe(z.string().regex(/^\d{4}[A-Z]?$/, { message: '交易编号应为 4 位数字' })),
  msgid: code(30),
  mdtrtarea_admvs: code(6).pipe(z.string().regex(/^\d{6}$/, { message: '就医地医保区划应为 6 位数字' })),
  insuplc_admdvs: optional(code(6).pipe(z.string().regex(/^\d{6}$/, { message: '参保地医保区划应为 6 位数字' }))),
  recer_sys_code: optional(text(10)),
  infver: optional(text(6)),
  opter_type: optional(code(3)),
  opter: code(30),
  opter_name: optional(text(50)),
  inf_time: dateTime,
  fixmedins_code: code(30),
  fixmedins_name: optional(text(200)),
  sign_no: optional(text(100)),
  input: z.record(z.string(), z.unknown(), { message: 'input 应为对象（或对象的 JSON 文本）' }),
});
export type Envelope = z.output<typeof envelopeSchema>;

/**
 * The content digest of a msgid taken by a 2601 before its message arrived: whatever arrives under it later gets the
 * stored refusal (it was reversed), not a transaction.
 */
export const REVERSED_DIGEST = 'reversed';

/**
 * The message with what dialects send as JSON text read as what it stands for: `input` as the JSON of its object, and
 * a node of it (data, feedetail …) as the JSON of its object or list. Done first, so that everything after — the
 * refusal of control characters above all — sees the values the handlers will read.
 */
export function expandJsonText(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const message = { ...(body as Record<string, unknown>) };
  const input = parseJsonText(message['input']);
  if (input !== null && typeof input === 'object' && !Array.isArray(input))
    message['input'] = Object.fromEntries(
      Object.entries(input as Record<string, unknown>).map(([node, value]) => [node, parseJsonText(value)]),
    );
  else message['input'] = input;
  return message;
}

/** A string holding a JSON object or list becomes that object or list; anything else stays as it is. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export interface Reply {
  infcode: 0 | -1;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string;
  /** The platform's stable error code (an addition to the national reply; empty on success). */
  err_code: string;
  warn_msg: string;
  output: Record<string, unknown>;
}

/** yyyyMMddHHmmssSSS in China Standard Time (UTC+8, no daylight saving). */
export function chinaStamp(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return shifted.replace(/[-:T.Z]/g, '').slice(0, 17);
}

/** yyyy-MM-dd in China Standard Time: the day a settlement or an import belongs to. */
export function chinaDate(at: Date): string {
  return chinaDateTime(at).slice(0, 10);
}

/** yyyy-MM-dd HH:mm:ss in China Standard Time. */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function issueCode(issue: z.core.$ZodIssue): HisErrorCode {
  const custom = (issue as { params?: { sanbao?: HisErrorCode } }).params?.sanbao;
  return custom ?? 'SCHEMA';
}

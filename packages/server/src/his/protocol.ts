/**
 * The national interface's envelope and reply (《医疗保障信息平台定点医药机构接口规范》). A refusal (refusal.ts) is a
 * reply with infcode -1, err_code and a Chinese err_msg.
 */
import { z } from 'zod';
import type { RefusalCode } from '../refusal.js';
import { chinaStamp } from '../time.js';
import { code, dateTime, optional, text } from './fields.js';

/**
 * The envelope (the specification's 输入 table), read as tolerantly as its fields (fields.ts): codes as strings or integers,
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

export function issueCode(issue: z.core.$ZodIssue): RefusalCode {
  const custom = (issue as { params?: { sanbao?: RefusalCode } }).params?.sanbao;
  return custom ?? 'SCHEMA';
}

/** The reply of a refusal: infcode -1, the stable code in err_code and at the head of the Chinese err_msg. */
export function errorReply(code: RefusalCode, message: string, received: Date, refmsgid = ''): Reply {
  return {
    infcode: -1,
    inf_refmsgid: refmsgid,
    refmsg_time: chinaStamp(received),
    respond_time: chinaStamp(new Date()),
    err_msg: `[${code}] ${message}`,
    err_code: code,
    warn_msg: '',
    output: {},
  };
}

/**
 * The transaction-scoped lock on a message's key (institution, msgid): duplicates of a message wait for each other,
 * and a 2601 waits for the message it reverses.
 */
export function messageLock(fixmedinsCode: string, msgid: string): { name: string; text: string; values: string[] } {
  return {
    name: 'message-lock',
    text: 'select pg_advisory_xact_lock(hashtextextended($1 || $2, 7271))',
    values: [`${fixmedinsCode}/`, msgid],
  };
}

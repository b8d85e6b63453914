/**
 * The national interface's envelope and reply (NHSA-INTERFACE.md §1), the field types its inputs use, and the
 * platform's stable error codes. A refusal is a reply with infcode -1, err_code and a Chinese err_msg.
 */
import { isValidDate, parseYuan, type ErrorCode } from '@sanbao/core';
import { z } from 'zod';

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

const text = (max: number): z.ZodString => z.string().max(max);
/** yyyy-MM-dd HH:mm:ss (or a plain date), as the interface writes times: a real day and a real time of day. */
export const dateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/, { message: '时间格式应为 yyyy-MM-dd HH:mm:ss' })
  .refine((value) => isValidDate(value.slice(0, 10)), { message: '日期无效', params: { sanbao: 'DATE_INVALID' } })
  .refine((value) => value.length === 10 || /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(value.slice(11)), {
    message: '时间无效（时 00–23，分、秒 00–59）',
    params: { sanbao: 'DATE_INVALID' },
  });

/** No bill, line or total of the interface reaches 100 million yuan; the policy's plausibility limits are far lower. */
export const MAX_AMOUNT_FEN = 10_000_000_000;

/** An amount in yuan (number or string), at most two decimals, never negative; becomes fen. */
export const yuan = z.union([z.number(), z.string()]).transform((input, ctx) => {
  const parsed = parseYuan(input);
  if (parsed.ok && parsed.value < MAX_AMOUNT_FEN) return parsed.value;
  if (parsed.ok) {
    ctx.addIssue({
      code: 'custom',
      message: `金额超出范围（须小于 ${MAX_AMOUNT_FEN / 100} 元），收到 ${JSON.stringify(input)}`,
      params: { sanbao: 'AMOUNT_RANGE' },
      input,
    });
    return z.NEVER;
  }
  const [code, message] =
    parsed.reason === 'decimals'
      ? ['AMOUNT_DECIMALS', '金额最多两位小数']
      : parsed.reason === 'negative'
        ? ['AMOUNT_NEGATIVE', '金额不能为负数']
        : ['AMOUNT_FORMAT', '金额格式错误'];
  ctx.addIssue({
    code: 'custom',
    message: `${message}，收到 ${JSON.stringify(input)}`,
    params: { sanbao: code },
    input,
  });
  return z.NEVER;
});

export const envelopeSchema = z.looseObject({
  infno: z.string().regex(/^\d{4}[A-Z]?$/, { message: '交易编号应为 4 位数字' }),
  msgid: text(30).min(1),
  mdtrtarea_admvs: z.string().regex(/^\d{6}$/, { message: '就医地医保区划应为 6 位数字' }),
  insuplc_admdvs: z.union([z.string().regex(/^\d{6}$/), z.literal('')]).optional(),
  recer_sys_code: text(10).optional(),
  infver: text(6).optional(),
  opter_type: z.string().optional(),
  opter: text(30).min(1),
  opter_name: text(50).optional(),
  inf_time: dateTime,
  fixmedins_code: text(30).min(1),
  fixmedins_name: text(200).optional(),
  sign_no: text(30).optional(),
  input: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof envelopeSchema>;

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

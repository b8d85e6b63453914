/**
 * A refusal: what a service says when a request cannot be done — a stable code and a Chinese message. Services throw
 * it whoever called them; each edge turns it into its reply (the HIS interface: infcode -1 with err_code and err_msg).
 */
import type { ErrorCode } from '@sanbao/core';

export const REFUSALS = {
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
export type RefusalCode = keyof typeof REFUSALS | ErrorCode;

export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

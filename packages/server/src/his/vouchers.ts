/**
 * Who a HIS message is about, and whether the institution may know: the voucher the person presented (就诊凭证) names
 * them. An electronic voucher (01) is a token the platform issued, never the bare psn_no; an identity card (02) or a
 * social security card (03) carries the ID number. Persons insured outside the institution's pooling region (the
 * city: the first four digits of the region code) are not answered: remote treatment needs a filing first. Each
 * institution may miss only so often: guessing vouchers or ID numbers soon stops answering.
 */
import { ID_PROBLEMS, parseIdNumber } from '@sanbao/core';
import { personByIdNumber, personByVoucherDigest } from '../persons/repository.js';
import { voucherDigest } from '../security/vouchers.js';
import type { HisContext } from './context.js';
import { Refusal } from '../refusal.js';

/** Misses allowed to one institution within the window before its look-ups are refused for the rest of it. */
export const MISS_LIMIT = 20;
const MISS_WINDOW_MS = 10 * 60_000;

interface Misses {
  since: number;
  count: number;
}
const misses = new Map<string, Misses>();

function missesOf(code: string, now: number): Misses {
  const current = misses.get(code);
  if (current && now - current.since < MISS_WINDOW_MS) return current;
  const fresh = { since: now, count: 0 };
  misses.set(code, fresh);
  return fresh;
}

/** Forgets every institution's misses (a new test world). */
export function resetVoucherMisses(): void {
  misses.clear();
}

function refuseIfGuessing(context: HisContext): void {
  const current = missesOf(context.institution.fixmedins_code, Date.now());
  if (current.count >= MISS_LIMIT) {
    const until = new Date(current.since + MISS_WINDOW_MS + 8 * 3_600_000).toISOString().slice(11, 16);
    throw new Refusal(
      'RATE_LIMITED',
      `本机构 ${MISS_WINDOW_MS / 60_000} 分钟内查无此人已达 ${MISS_LIMIT} 次，人员查询暂停至 ${until}（北京时间）`,
    );
  }
}

function miss(context: HisContext, message: string): never {
  missesOf(context.institution.fixmedins_code, Date.now()).count += 1;
  throw new Refusal('PERSON_NOT_FOUND', message);
}

const SAME_CITY = 4;

/**
 * The psn_no of the person the voucher names, if the institution may serve them; otherwise a refusal. A voucher for
 * another person than `expected` (when given) is refused as not matching.
 */
export async function personByVoucher(
  context: HisContext,
  certType: string,
  certNo: string,
  expected?: string,
): Promise<{ psnNo: string; admdvs: string }> {
  refuseIfGuessing(context);
  let found: { psn_no: string; admdvs: string } | undefined;
  if (certType === '01') {
    found = await personByVoucherDigest(context.client, voucherDigest(certNo), context.now);
    if (!found) miss(context, '医保电子凭证无效或已过期，请参保人刷新电子凭证后重试');
  } else if (certType === '02' || certType === '03') {
    const certno = certNo.toUpperCase();
    const id = parseIdNumber(certno);
    if (!id.ok) throw new Refusal(ID_PROBLEMS[id.problem].code, `${ID_PROBLEMS[id.problem].message}：${certno}`);
    found = await personByIdNumber(context.client, certno);
    if (!found) miss(context, `查无此人：${certno}`);
  } else {
    throw new Refusal('CODE_UNKNOWN', '就诊凭证类型应为 01 医保电子凭证、02 居民身份证、03 社会保障卡');
  }
  if (expected !== undefined && found.psn_no !== expected) miss(context, `就诊凭证与人员编号 ${expected} 不符`);
  if (found.admdvs.slice(0, SAME_CITY) !== context.institution.admdvs.slice(0, SAME_CITY))
    throw new Refusal('OUT_OF_REGION', '该人员参保地不在本统筹区，异地就医须先办理备案');
  return { psnNo: found.psn_no, admdvs: found.admdvs };
}

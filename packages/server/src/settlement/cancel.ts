/**
 * Cancellation (2208/2305, and 2601 of a settlement): the exact negative under a new setl_id, the accumulators
 * back, the warning level following the amount down; and the reinstatement of a cancelled settlement (2601 of a
 * cancellation).
 */
import { negatedAmounts, shiftYearToDate, toSetldetail, storeTrace, type Settlement } from '@sanbao/core';
import type { DeferredWrite } from '../db/pool.js';
import { post, postingsOf } from '../funds/journal.js';
import { Refusal } from '../refusal.js';
import { lowerWarning, redCrossing } from '../warnings/immediate.js';
import { levelChangeQuery } from '../warnings/levels.js';
import { lockEncounter, markSettled, reopenAfterCancellation } from '../encounters/repository.js';
import { categoriesOf, findPerson } from '../persons/repository.js';
import type { SettlementContext } from './context.js';
import { nationalSetlinfo } from './national.js';
import {
  AMOUNT_COLUMNS,
  NEGATED_AMOUNT_COLUMNS,
  lockPersonYear,
  storedSettlement,
  storeYearToDate,
} from './records.js';

/** 2208/2305 (and 2601 of a settlement): the exact negative, with a new setl_id; the accumulators lose exactly its change. */
export async function cancelSettlement(
  context: SettlementContext,
  psnNo: string,
  mdtrtId: string,
  setlId: string,
  /** 2601 冲正 of the settlement: it and its cancellation are void (never held in the hospital's books). */
  options: { reversal?: boolean } = {},
): Promise<{ output: Record<string, unknown> }> {
  const { client } = context;
  const encounter = await lockEncounter(client, context.institution, psnNo, mdtrtId);
  const original = await storedSettlement(client, psnNo, setlId);
  if (!original || original.kind !== 'settlement' || original.mdtrt_id !== mdtrtId)
    throw new Refusal('SETTLEMENT_NOT_FOUND', `就诊 ${mdtrtId} 没有结算ID ${setlId}`);
  if (original.reversed_by) throw new Refusal('STATE', `结算 ${setlId} 已于 ${original.reversed_by} 撤销`);
  const { ytd: current, sequence } = await lockPersonYear(client, psnNo, original.year);
  // Under the person-year lock an approval has either paid its top-ups or not started.
  const topUp = await client.query<{ setl_id: string }>(
    "select setl_id from settlements where psn_no = $1 and tops_up = $2 and kind = 'top_up' limit 1",
    [psnNo, setlId],
  );
  if (topUp.rows[0]) {
    throw new Refusal(
      'STATE',
      `结算 ${setlId} 已依申请救助补付（补付结算ID ${topUp.rows[0].setl_id}），医疗机构不能撤销，请联系医保经办机构处理`,
    );
  }
  const restored = shiftYearToDate(current, original.ytd_before, original.ytd_after, -1);
  const person = await findPerson(client, psnNo);
  const negative = negate(original);
  const cancelId = `ST${context.today.replaceAll('-', '')}${String(sequence).padStart(10, '0')}`;
  // The lines become unsettled again, marked with the cancellation that released them (2601 may settle them again).
  const released = await client.query(
    "update fee_lines set status = 'active', setl_id = null, released_by = $4 where psn_no = $1 and mdtrt_id = $2 and setl_id = $3",
    [psnNo, mdtrtId, setlId, cancelId],
  );
  await client.query(
    `insert into settlements (psn_no, setl_id, mdtrt_id, fixmedins_code, kind, reverses, year, setl_time, med_type, category, policy_id, policy_fingerprint,
        ${AMOUNT_COLUMNS}, layers, setldetail, trace, ytd_before, ytd_after, msgid, voided, released_lines)
     select psn_no, $3, mdtrt_id, fixmedins_code, 'cancellation', setl_id, year, $4, med_type, category, policy_id, policy_fingerprint,
        ${NEGATED_AMOUNT_COLUMNS}, $9, $5, $10, $6, $7, $8, $11, $12
       from settlements where psn_no = $1 and setl_id = $2`,
    [
      psnNo,
      setlId,
      cancelId,
      context.now,
      JSON.stringify(toSetldetail(negative, null)),
      current,
      restored,
      context.requestId,
      JSON.stringify(negative.layers),
      JSON.stringify(storeTrace([])),
      options.reversal === true,
      released.rowCount ?? 0,
    ],
  );
  await client.query('update settlements set reversed_by = $3, voided = $4 where psn_no = $1 and setl_id = $2', [
    psnNo,
    setlId,
    cancelId,
    options.reversal === true,
  ]);
  await post(client, psnNo, cancelId, postingsOf(original, original.fixmedins_code, -1));
  await storeYearToDate(client, psnNo, restored, -1);
  await lowerWarning(client, context, person, original.year, restored, cancelId);
  if (encounter.status === 'settled') await reopenAfterCancellation(client, psnNo, mdtrtId);
  const setlinfo = { ...nationalSetlinfo(context, negative, person, encounter, cancelId), reversed_setl_id: setlId };
  return { output: { setlinfo, setldetail: toSetldetail(negative, null) } };
}

function negate(s: Settlement): Settlement {
  const layers = { ...s.layers };
  for (const key of Object.keys(layers) as (keyof Settlement['layers'])[]) {
    const layer = layers[key];
    // What the layer could pay (crt_payb_lmt_amt) is a limit, not a movement of money: it keeps its sign.
    if (layer) layers[key] = { base: -layer.base, payable: layer.payable, paid: -layer.paid };
  }
  return {
    ...s,
    ...negatedAmounts(s),
    acct_pay: -s.acct_pay,
    layers,
  };
}

/**
 * 2601 of a cancellation (2208/2305) whose reply was lost: the cancelled settlement stands again, exactly as it was.
 * A reversal of the cancellation is written (kind 'cancellation', reverses the cancellation, the original's amounts),
 * the original is no longer marked reversed, its postings and its change of the accumulators are made again and its
 * lines are settled again. Only while nothing has happened since: no later settlement of the person's year, and every
 * line the cancellation gave back still unsettled and not withdrawn; otherwise the HIS settles anew.
 */
export async function reinstateSettlement(
  context: SettlementContext,
  psnNo: string,
  mdtrtId: string,
  cancelId: string,
): Promise<{ output: Record<string, unknown>; deferred?: DeferredWrite[] }> {
  const { client } = context;
  const encounter = await lockEncounter(client, context.institution, psnNo, mdtrtId);
  const cancellation = await storedSettlement(client, psnNo, cancelId);
  if (
    !cancellation ||
    cancellation.kind !== 'cancellation' ||
    cancellation.mdtrt_id !== mdtrtId ||
    !cancellation.reverses
  )
    throw new Refusal('SETTLEMENT_NOT_FOUND', `就诊 ${mdtrtId} 没有撤销结算 ${cancelId}`);
  if (cancellation.reversed_by)
    throw new Refusal('STATE', `撤销结算 ${cancelId} 已于 ${cancellation.reversed_by} 冲正`);
  // A cancellation made before the platform counted the lines it gave back cannot tell whether they are all there.
  if (cancellation.released_lines === null)
    throw new Refusal('STATE', `撤销结算 ${cancelId} 不能冲正（无退回明细记录）；请按新的结算处理`);
  if (encounter.status === 'cancelled')
    throw new Refusal('STATE', `就诊 ${mdtrtId} 已撤销，撤销结算 ${cancelId} 不能冲正`);
  const original = await storedSettlement(client, psnNo, cancellation.reverses);
  if (!original) throw new Refusal('SETTLEMENT_NOT_FOUND', `没有原结算 ${cancellation.reverses}`);
  const { ytd: current, sequence } = await lockPersonYear(client, psnNo, original.year);
  const later = await client.query<{ setl_id: string }>(
    'select setl_id from settlements where psn_no = $1 and year = $2 and setl_id > $3 order by setl_id limit 1',
    [psnNo, original.year, cancelId],
  );
  if (later.rows[0])
    throw new Refusal(
      'STATE',
      `撤销结算 ${cancelId} 之后该人员已有结算 ${later.rows[0].setl_id}，不能冲正；请按新的结算处理`,
    );
  // The lines it gave back, all still there as they were: none withdrawn, none uploaded again (which drops the mark),
  // none with a refund uploaded against it since.
  const lines = await client.query<{ active: number; total: number; gone: string | null; refunded: string | null }>(
    `select count(*) filter (where l.status = 'active')::int as active, count(*)::int as total,
            min(l.feedetl_sn) filter (where l.status <> 'active') as gone,
            (select min(r.init_feedetl_sn) from fee_lines r
              where r.psn_no = $1 and r.mdtrt_id = $2 and r.status = 'active' and r.released_by is distinct from $3
                and r.init_feedetl_sn in (select feedetl_sn from fee_lines where psn_no = $1 and mdtrt_id = $2 and released_by = $3)) as refunded
       from fee_lines l where l.psn_no = $1 and l.mdtrt_id = $2 and l.released_by = $3`,
    [psnNo, mdtrtId, cancelId],
  );
  const given = lines.rows[0] ?? { active: 0, total: 0, gone: null, refunded: null };
  const expected = cancellation.released_lines;
  if (given.active !== expected || given.total !== expected)
    throw new Refusal(
      'STATE',
      `撤销结算 ${cancelId} 退回的 ${expected} 条费用明细${given.gone === null ? '' : `（如 ${given.gone}）`}已有撤销或重新上传，现存 ${given.active} 条，不能冲正；请按新的结算处理`,
    );
  if (given.refunded !== null)
    throw new Refusal(
      'STATE',
      `撤销结算 ${cancelId} 退回的费用明细 ${given.refunded} 已上传退费明细，不能冲正；请按新的结算处理`,
    );
  const restored = shiftYearToDate(current, original.ytd_before, original.ytd_after, 1);
  const person = await findPerson(client, psnNo);
  const reversalId = `ST${context.today.replaceAll('-', '')}${String(sequence).padStart(10, '0')}`;
  await client.query(
    `insert into settlements (psn_no, setl_id, mdtrt_id, fixmedins_code, kind, reverses, year, setl_time, med_type, category, policy_id, policy_fingerprint,
        ${AMOUNT_COLUMNS}, layers, setldetail, trace, ytd_before, ytd_after, msgid, voided)
     select psn_no, $3, mdtrt_id, fixmedins_code, 'cancellation', $4, year, $5, med_type, category, policy_id, policy_fingerprint,
        ${AMOUNT_COLUMNS}, layers, setldetail, $6, $7, $8, $9, true
       from settlements where psn_no = $1 and setl_id = $2`,
    [
      psnNo,
      original.setl_id,
      reversalId,
      cancelId,
      context.now,
      JSON.stringify(storeTrace([])),
      current,
      restored,
      context.requestId,
    ],
  );
  await client.query(
    'update settlements set reversed_by = case when setl_id = $2 then null else $4 end, voided = setl_id = $3 where psn_no = $1 and setl_id in ($2, $3)',
    [psnNo, original.setl_id, cancelId, reversalId],
  );
  await post(client, psnNo, reversalId, postingsOf(original, original.fixmedins_code, 1));
  await storeYearToDate(client, psnNo, restored, 1);
  await client.query(
    "update fee_lines set status = 'settled', setl_id = $4, released_by = null where psn_no = $1 and mdtrt_id = $2 and released_by = $3",
    [psnNo, mdtrtId, cancelId, original.setl_id],
  );
  // The visit or stay is closed again if the original closed it (a final settlement, or a visit settled by totals).
  if (encounter.status !== 'settled' && original.closes) await markSettled(client, psnNo, mdtrtId);
  const date = original.setl_time;
  const policy = context.policies.get(person.policy_id).at(date);
  const red = redCrossing(policy, person, await categoriesOf(client, psnNo), date, current, restored, original.setl_id);
  const setlinfo = {
    ...nationalSetlinfo(context, original, person, encounter, original.setl_id, {
      setlTime: original.setl_time_full,
      msgid: original.msgid,
    }),
    reinstated_by: reversalId,
  };
  return {
    output: { setlinfo, setldetail: original.setldetail },
    ...(red ? { deferred: [levelChangeQuery([red], 'settlement', context.now)] } : {}),
  };
}

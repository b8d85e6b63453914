/**
 * Settlement in the system of record. Inside the caller's transaction: lock the encounter, then the person-year
 * row; settle the bill (bill.ts) with the engine; write the settlement, its fund postings, the new accumulators, and
 * the red warning when this settlement carries the person above the red line. Cancellation and reinstatement are in
 * cancel.ts; the records they share in records.ts.
 */
import {
  MED_TYPES,
  settle,
  toSetldetail,
  storeTrace,
  yearOf,
  type CategorySpell,
  type Claim,
  type Referral,
  type SettleResult,
} from '@sanbao/core';
import type { DeferredWrite } from '../db/pool.js';
import { postingsOf } from '../funds/journal.js';
import { Refusal } from '../refusal.js';
import { openCertno } from '../security/identity.js';
import { redCrossing } from '../warnings/immediate.js';
import { levelChangeQuery } from '../warnings/levels.js';
import { encounterById, requireStatus, type EncounterRow } from '../encounters/repository.js';
import { findPerson, type PersonRow } from '../persons/repository.js';
import type { SettlementContext } from './context.js';
import { billOf, yuanText, type Lines, type Standing, type Totals } from './bill.js';
import { nationalSetlinfo } from './national.js';
import { AMOUNT_COLUMNS, amountsOf, lockPersonYear, readPersonYear, storedSettlement } from './records.js';

export type { SettlementContext } from './context.js';

export interface SettleRequest {
  psnNo: string;
  mdtrtId: string;
  /** Outpatient settlements name their medical type (2206/2207); inpatient ones use the admission's. */
  medType?: string | undefined;
  /** Outpatient: settle one charge batch; omitted or "0000": every unsettled line. */
  chrgBchno?: string | undefined;
  totals: Totals;
  midSettlement: boolean;
  /** false for pre-settlement (2206/2303): computed, nothing written. */
  commit: boolean;
}

/** Everything a settlement reads, in one query that locks the encounter as lockEncounter does (a handful of round trips). */
interface Loaded extends EncounterRow {
  person: PersonRow;
  covered: boolean;
  categories: CategorySpell[];
  lines: Lines;
  /** The visit's or stay's settlements still standing (not cancelled): their bills and the latest setl_id. */
  settled: Standing;
}

async function loadForSettlement(
  context: SettlementContext,
  request: SettleRequest,
  batch: string | undefined,
): Promise<Loaded> {
  const { rows } = await context.client.query<Loaded>({
    name: 'settlement-load',
    text: `select e.psn_no, e.mdtrt_id, e.fixmedins_code, e.med_type, e.insutype, e.begntime, e.endtime, e.status, e.dise_codg, e.chronic_scheme, e.referral, e.ipt_otp_no, e.mdtrt_cert_type,
            json_build_object('psn_no', p.psn_no, 'certno', p.certno_sm4, 'psn_name', p.psn_name, 'gend', p.gend, 'brdy', p.brdy, 'admdvs', p.admdvs,
                              'township', p.township, 'supplementary', p.supplementary, 'policy_id', r.policy_id) as person,
            exists (select 1 from enrollments n where n.psn_no = e.psn_no and n.insutype = e.insutype and n.begin_date <= $3::date and n.end_date >= $3::date) as covered,
            (select coalesce(json_agg(json_build_object('code', c.code, 'begin', c.begin_date, 'end', c.end_date) order by c.begin_date, c.spell_id), '[]')
               from person_categories c where c.psn_no = e.psn_no) as categories,
            (select json_build_object('count', count(*), 'medfee', coalesce(sum(det_item_fee_sumamt), 0), 'fullOwnPay', coalesce(sum(fulamt_ownpay_amt), 0),
                                      'overLimit', coalesce(sum(overlmt_amt), 0), 'preSelfPay', coalesce(sum(preselfpay_amt), 0))
               from fee_lines f where f.psn_no = e.psn_no and f.mdtrt_id = e.mdtrt_id and f.status = 'active' and ($4::text is null or f.chrg_bchno = $4)) as lines,
            (select json_build_object('count', count(*), 'medfee', coalesce(sum(s.medfee_sumamt), 0), 'last', max(s.setl_id))
               from settlements s where s.psn_no = e.psn_no and s.mdtrt_id = e.mdtrt_id and s.kind = 'settlement' and s.reversed_by is null) as settled
       from encounters e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where e.psn_no = $1 and e.mdtrt_id = $2
        for update of e`,
    values: [request.psnNo, request.mdtrtId, context.today, batch ?? null],
  });
  const loaded = rows[0];
  if (!loaded) throw new Refusal('ENCOUNTER_NOT_FOUND', `人员 ${request.psnNo} 没有就诊ID ${request.mdtrtId}`);
  if (loaded.fixmedins_code !== context.institution.fixmedins_code)
    throw new Refusal('FORBIDDEN', `就诊 ${request.mdtrtId} 属于其他定点医药机构`);
  // Read sealed (certno_sm4): setlinfo carries the number in clear to the institution that settles.
  loaded.person.certno = openCertno(loaded.person.certno);
  return loaded;
}

export async function settleEncounter(
  context: SettlementContext,
  request: SettleRequest,
): Promise<{
  output: Record<string, unknown>;
  result: SettleResult;
  deferred?: DeferredWrite[];
  /** What the platform decided differently from the request (placeholder or differing split totals). */
  notes: string[];
}> {
  const { client } = context;
  const batch = request.chrgBchno && request.chrgBchno !== '0000' ? request.chrgBchno : undefined;
  const year = yearOf(context.today);
  // Sent together: the load locks the encounter, then (the server keeps the order) the person-year row is locked.
  const [encounter, locked] = await Promise.all([
    loadForSettlement(context, request, batch),
    request.commit
      ? lockPersonYear(client, request.psnNo, year)
      : readPersonYear(client, request.psnNo, year).then((ytd) => ({ ytd, sequence: 0 })),
  ]);
  const { person } = encounter;
  if (encounter.status === 'settled')
    throw new Refusal(
      'ALREADY_SETTLED',
      `就诊 ${encounter.mdtrt_id} 已结算（结算ID ${encounter.settled.last ?? ''}，医疗费 ${yuanText(encounter.settled.medfee)} 元）；重复结算须先撤销原结算`,
    );
  requireStatus(encounter, ['open', 'discharged'], request.commit ? '结算' : '预结算');
  const medType = request.medType ?? encounter.med_type;
  const kind = MED_TYPES[medType];
  if (!kind) throw new Refusal('CODE_UNKNOWN', `未知的医疗类别 ${medType}`);
  const inpatient = kind.encounter === 'inpatient';
  if (inpatient !== (MED_TYPES[encounter.med_type]?.encounter === 'inpatient')) {
    throw new Refusal('STATE', `医疗类别 ${medType} 与就诊（${encounter.med_type}）不符`);
  }
  // Pre-settlement (2303) may come before the discharge: it shows what the stay would settle at, writing nothing.
  if (inpatient && request.commit && !request.midSettlement && encounter.status !== 'discharged')
    throw new Refusal('STATE', `就诊 ${encounter.mdtrt_id} 尚未办理出院（中途结算请传 mid_setl_flag=1）`);
  if (!encounter.covered)
    throw new Refusal('NOT_INSURED', `人员 ${request.psnNo} 在 ${context.today} 未参加险种 ${encounter.insutype}`);
  const policy = context.policies.get(person.policy_id).at(context.today);
  const { bill, notes } = billOf({
    lines: encounter.lines,
    totals: request.totals,
    settled: encounter.settled,
    midSettlement: inpatient && request.midSettlement,
    limits: policy.rules.plausibility,
    encounter: kind.encounter,
    level: context.institution.level,
    mdtrtId: encounter.mdtrt_id,
  });
  const claim: Claim = {
    medType,
    encounter: kind.encounter,
    setlDate: context.today,
    admDate: new Date(new Date(encounter.begntime).getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
    level: context.institution.level,
    referral: encounter.referral as Referral | null,
    ...bill,
    diagnoses: encounter.dise_codg,
    chronicScheme: encounter.chronic_scheme,
  };
  const before = locked.ytd;
  const result = settle(
    claim,
    { psnNo: request.psnNo, categories: encounter.categories, supplementary: person.supplementary },
    before,
    policy,
    {
      trace: true,
    },
  );
  const s = result.settlement;
  const setldetail = toSetldetail(s, result.trace);
  if (!request.commit)
    return { output: { setlinfo: nationalSetlinfo(context, s, person, encounter, null), setldetail }, result, notes };

  const setlId = `ST${context.today.replaceAll('-', '')}${String(locked.sequence).padStart(10, '0')}`;
  const postings = postingsOf(s, context.institution.fixmedins_code, 1);
  const ytd = result.ytd;
  // One statement writes the settlement, its postings, the accumulators, the lines and the stay; its foreign-key
  // checks run at the end of the statement, when the settlement row exists.
  // Not sent here: the caller sends it together with the message log and commit.
  const write = {
    name: 'settlement-write',
    text: `with settlement as (
       insert into settlements (psn_no, setl_id, mdtrt_id, fixmedins_code, kind, year, setl_time, med_type, category, policy_id, policy_fingerprint,
          ${AMOUNT_COLUMNS}, layers, setldetail, trace, ytd_before, ytd_after, msgid, closes)
       values ($1, $2, $3, $4, 'settlement', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $38)
       returning setl_id),
     posted as (
       insert into fund_postings (psn_no, setl_id, account, amount) select $1, $2, account, amount from unnest($32::text[], $33::bigint[]) as t(account, amount)),
     accumulated as (
       update person_years set ytd = $30, personal_burden = $34, in_scope_burden = $35, fund_paid = $36, settlements = settlements + 1, updated_at = now()
        where psn_no = $1 and year = $5),
     lines as (
       update fee_lines set status = 'settled', setl_id = $2 where psn_no = $1 and mdtrt_id = $3 and status = 'active' and ($37::text is null or chrg_bchno = $37)),
     stay as (
       update encounters set status = 'settled' where psn_no = $1 and mdtrt_id = $3 and $38)
     select setl_id from settlement`,
    values: [
      request.psnNo,
      setlId,
      request.mdtrtId,
      context.institution.fixmedins_code,
      year,
      context.now,
      medType,
      s.category,
      person.policy_id,
      policy.fingerprint,
      ...amountsOf(s),
      JSON.stringify(s.layers),
      // The reply carries setl_proc_info; the record keeps the amounts and the compact trace it is rendered from.
      JSON.stringify(toSetldetail(s, null)),
      JSON.stringify(storeTrace(result.trace ?? [])),
      before,
      ytd,
      context.requestId,
      postings.accounts,
      postings.amounts,
      ytd.personalBurden,
      ytd.inScopeBurden,
      ytd.fundPaid,
      batch ?? null,
      // A discharged stay settled in full, or a visit settled by totals alone (nothing itemised can follow it).
      inpatient ? !request.midSettlement : encounter.lines.count === 0,
    ],
  };
  const red = redCrossing(policy, person, encounter.categories, context.today, before, ytd, setlId);
  return {
    output: { setlinfo: nationalSetlinfo(context, s, person, encounter, setlId), setldetail },
    result,
    deferred: red ? [write, levelChangeQuery([red], 'settlement', context.now)] : [write],
    notes,
  };
}

/**
 * 5203 结算信息查询: a settlement (or cancellation) of the calling institution as it was answered, with its own time
 * and msgid; refd_setl_flag says whether it is a reversal, and the standing state is named.
 */
export async function settlementInfo(
  context: SettlementContext,
  psnNo: string,
  setlId: string,
  mdtrtId: string | undefined,
): Promise<{ output: Record<string, unknown> }> {
  const stored = await storedSettlement(context.client, psnNo, setlId);
  // Another institution's settlement is answered as none at all: IDs are sequential, and telling the two apart would
  // let an institution find where and when a person was treated elsewhere.
  if (
    !stored ||
    (mdtrtId !== undefined && stored.mdtrt_id !== mdtrtId) ||
    stored.fixmedins_code !== context.institution.fixmedins_code
  )
    throw new Refusal(
      'SETTLEMENT_NOT_FOUND',
      `本机构没有人员 ${psnNo} 的结算ID ${setlId}${mdtrtId ? `（就诊 ${mdtrtId}）` : ''}`,
    );
  const [person, encounter] = await Promise.all([
    findPerson(context.client, psnNo),
    encounterById(context.client, psnNo, stored.mdtrt_id),
  ]);
  if (!encounter) throw new Refusal('ENCOUNTER_NOT_FOUND', `人员 ${psnNo} 没有就诊ID ${stored.mdtrt_id}`);
  const setlinfo = {
    ...nationalSetlinfo(context, stored, person, encounter, stored.setl_id, {
      setlTime: stored.setl_time_full,
      msgid: stored.msgid,
    }),
    refd_setl_flag: stored.kind === 'cancellation' ? '1' : '0',
    ...(stored.reverses ? { reversed_setl_id: stored.reverses } : {}),
    ...(stored.reversed_by ? { revs_setl_id: stored.reversed_by } : {}),
  };
  return { output: { setlinfo, setldetail: stored.setldetail } };
}

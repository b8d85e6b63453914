/**
 * Settlement in the system of record. Inside the caller's transaction: lock the encounter, then the person-year
 * row; settle with the engine; write the settlement, its fund postings, the new accumulators, and the red warning
 * when this settlement carries the person above the red line. A cancellation writes the exact negative, takes exactly
 * that settlement's change back out of the accumulators, and lets the warning level follow the amount down.
 */
import {
  emptyYearToDate,
  MED_TYPES,
  settle,
  shiftYearToDate,
  toSetldetail,
  toSetlinfo,
  storeTrace,
  yearOf,
  ENCOUNTER_NAMES,
  LEVEL_NAMES,
  type CategorySpell,
  type Claim,
  type EncounterType,
  type InstitutionLevel,
  type PlausibilityRules,
  type Fen,
  type Referral,
  type Settlement,
  type SettleResult,
  type YearToDate,
} from '@sanbao/core';
import type { DeferredWrite, PoolClient } from '../db/pool.js';
import { post, postingsOf } from '../funds/journal.js';
import type { PolicyRegistry } from '../policies.js';
import { Refusal } from '../refusal.js';
import { chinaDateTime } from '../time.js';
import { openCertno } from '../security/identity.js';
import { lowerWarning, redCrossing } from '../warnings/immediate.js';
import { levelChangeQuery } from '../warnings/levels.js';
import {
  categoriesOf,
  findPerson,
  lockEncounter,
  requireStatus,
  type EncounterRow,
  type Institution,
  type PersonRow,
} from '../store.js';

/**
 * What settling needs, whoever asks (a HIS transaction, the console, a job): one database transaction, the
 * institution, the request recorded with what is written, the clock.
 */
export interface SettlementContext {
  client: PoolClient;
  institution: Institution;
  /** The request that settles, recorded with the settlement (the HIS message's msgid: medins_setl_id). */
  requestId: string;
  now: Date;
  /** Today in China (yyyy-MM-dd): the settlement date. */
  today: string;
  policies: PolicyRegistry;
}

export interface Totals {
  medfee?: Fen | undefined;
  fullOwnPay?: Fen | undefined;
  overLimit?: Fen | undefined;
  preSelfPay?: Fen | undefined;
  inScope?: Fen | undefined;
}

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

interface Lines {
  count: number;
  medfee: Fen;
  fullOwnPay: Fen;
  overLimit: Fen;
  preSelfPay: Fen;
}

/** What a settlement request may settle: the bill, checked against what was settled before and the policy's limits. */
interface BillCheck {
  lines: Lines;
  totals: Totals;
  /** The visit's or stay's standing settlements. */
  settled: Loaded['settled'];
  midSettlement: boolean;
  limits: PlausibilityRules;
  encounter: EncounterType;
  level: InstitutionLevel;
  mdtrtId: string;
}

const yuanText = (fen: Fen): string => (fen / 100).toFixed(2);

/**
 * The bill: from the uploaded lines not yet settled when there are any (the totals sent must then agree), else from
 * the totals. A bill is settled once: fee lines settle once (a settled line is never settled again), a bill given as
 * totals only when nothing of the visit or stay stands settled, and a mid-settlement only lines added since the
 * previous one. A retry with a new msgid therefore finds nothing left to settle and is refused, naming the settlement
 * that stands. The policy bounds what one visit or stay may cost and what may be declared without fee lines.
 */
function billOf(check: BillCheck): {
  bill: Pick<Claim, 'medfee' | 'fullOwnPay' | 'overLimit' | 'preSelfPay' | 'inScope'>;
  notes: string[];
} {
  const { lines, totals, settled, limits } = check;
  let bill: { medfee: Fen; fullOwnPay: Fen; overLimit: Fen; preSelfPay: Fen };
  const notes: string[] = [];
  if (lines.count > 0) {
    bill = lines;
    if (totals.medfee !== undefined && totals.medfee !== lines.medfee)
      throw new Refusal(
        'AMOUNT_INCONSISTENT',
        `medfee_sumamt ${yuanText(totals.medfee)} 与已上传明细合计 ${yuanText(lines.medfee)} 不一致`,
      );
    // The split totals are computed from the lines. Clients send them as placeholders (0.00, "" or null) or from
    // their own catalogue; either way the lines decide, and a figure that differs is noted, not refused.
    const given: [keyof Totals, string, Fen][] = [
      ['fullOwnPay', 'fulamt_ownpay_amt', lines.fullOwnPay],
      ['overLimit', 'overlmt_selfpay', lines.overLimit],
      ['preSelfPay', 'preselfpay_amt', lines.preSelfPay],
      ['inScope', 'inscp_scp_amt', lines.medfee - lines.fullOwnPay - lines.overLimit - lines.preSelfPay],
    ];
    for (const [key, field, computed] of given) {
      const value = totals[key];
      if (value !== undefined && value !== 0 && value !== computed)
        notes.push(`${field} 以明细计算为准：${yuanText(computed)}（报文 ${yuanText(value)}）`);
    }
  } else {
    if (settled.count > 0)
      throw new Refusal(
        'ALREADY_SETTLED',
        `就诊 ${check.mdtrtId} 已结算（结算ID ${settled.last}，医疗费 ${yuanText(settled.medfee)} 元），没有新上传的费用明细可结算；重复结算须先撤销原结算`,
      );
    if (check.midSettlement && limits.mid_settlement_requires_lines)
      throw new Refusal('FEE_LINES_REQUIRED', '中途结算须先上传费用明细，只结算新上传的明细');
    const { medfee, fullOwnPay, overLimit, preSelfPay } = totals;
    if (medfee === undefined || fullOwnPay === undefined || overLimit === undefined || preSelfPay === undefined) {
      throw new Refusal(
        'NOTHING_TO_SETTLE',
        '没有上传费用明细时，须给出 medfee_sumamt、fulamt_ownpay_amt、overlmt_selfpay、preselfpay_amt',
      );
    }
    const totalsMax = limits.totals_only_max[check.encounter][check.level];
    if (medfee > totalsMax)
      throw new Refusal(
        'FEE_LINES_REQUIRED',
        `医疗费总额 ${yuanText(medfee)} 元超过只报总额的上限 ${yuanText(totalsMax)} 元（${LEVEL_NAMES[check.level]}${ENCOUNTER_NAMES[check.encounter]}），须上传费用明细后结算`,
      );
    bill = { medfee, fullOwnPay, overLimit, preSelfPay };
  }
  if (bill.fullOwnPay < 0 || bill.overLimit < 0 || bill.preSelfPay < 0)
    throw new Refusal('AMOUNT_INCONSISTENT', '全自费、超限价自费、先行自付金额不能为负数');
  const inScope = bill.medfee - bill.fullOwnPay - bill.overLimit - bill.preSelfPay;
  if (bill.medfee === 0) throw new Refusal('NOTHING_TO_SETTLE', '医疗费总额为 0，没有可结算的费用');
  if (inScope < 0) throw new Refusal('AMOUNT_INCONSISTENT', '全自费、超限价自费与先行自付之和超过医疗费总额');
  if (lines.count === 0 && totals.inScope !== undefined && totals.inScope !== inScope) {
    throw new Refusal(
      'AMOUNT_INCONSISTENT',
      `inscp_scp_amt 应为 ${yuanText(inScope)}（总额 − 全自费 − 超限价 − 先行自付）`,
    );
  }
  const max = limits.max_bill[check.encounter][check.level];
  if (settled.medfee + bill.medfee > max)
    throw new Refusal(
      'AMOUNT_RANGE',
      `医疗费 ${yuanText(bill.medfee)} 元${settled.count > 0 ? `（连同已结算的 ${yuanText(settled.medfee)} 元）` : ''}超过${LEVEL_NAMES[check.level]}${ENCOUNTER_NAMES[check.encounter]}单次就诊的合理上限 ${yuanText(max)} 元，不予结算；请核对金额，确属实情请联系医保经办机构`,
    );
  return { bill: { ...bill, inScope }, notes };
}

/**
 * The person-year row, created if new, locked until the transaction ends, and the settlement's sequence number,
 * drawn under that lock so that setl_id order is the order in which a person's settlements were made.
 */
async function lockPersonYear(
  client: PoolClient,
  psnNo: string,
  year: number,
): Promise<{ ytd: YearToDate; sequence: number }> {
  // Both leave in the same write; when the row exists (nearly always) the insert writes nothing.
  const creating = client.query({
    name: 'settlement-create-year',
    text: 'insert into person_years (psn_no, year, ytd) values ($1, $2, $3) on conflict (psn_no, year) do nothing',
    values: [psnNo, year, emptyYearToDate(year)],
  });
  const locking = client.query<{ ytd: YearToDate; sequence: number }>({
    name: 'settlement-lock-year',
    text: "select ytd, nextval('setl_seq') as sequence from person_years where psn_no = $1 and year = $2 for update",
    values: [psnNo, year],
  });
  const [, { rows }] = await Promise.all([creating, locking]);
  const row = rows[0];
  if (!row) throw new Error('person-year row not returned');
  return row;
}

async function readPersonYear(client: PoolClient, psnNo: string, year: number): Promise<YearToDate> {
  const { rows } = await client.query<{ ytd: YearToDate }>(
    'select ytd from person_years where psn_no = $1 and year = $2',
    [psnNo, year],
  );
  return rows[0]?.ytd ?? emptyYearToDate(year);
}

async function storeYearToDate(
  client: PoolClient,
  psnNo: string,
  ytd: YearToDate,
  settlementsDelta: 1 | -1,
): Promise<void> {
  await client.query(
    `update person_years set ytd = $3, personal_burden = $4, in_scope_burden = $5, fund_paid = $6, settlements = settlements + $7, updated_at = now()
      where psn_no = $1 and year = $2`,
    [psnNo, ytd.year, ytd, ytd.personalBurden, ytd.inScopeBurden, ytd.fundPaid, settlementsDelta],
  );
}

/** The amount columns of a settlement row, in this order (the layers, documents and accumulators follow them). */
export const AMOUNT_COLUMNS = `medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay,
  pool_prop_selfpay, hifmi_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, psn_cash_pay, hosp_part_amt`;

export function amountsOf(s: Settlement): number[] {
  return [
    s.medfee_sumamt,
    s.fulamt_ownpay_amt,
    s.overlmt_selfpay,
    s.preselfpay_amt,
    s.inscp_scp_amt,
    s.act_pay_dedc,
    s.hifp_pay,
    s.pool_prop_selfpay,
    s.hifmi_pay,
    s.maf_pay,
    s.oth_pay,
    s.fund_pay_sumamt,
    s.psn_part_amt,
    s.psn_cash_pay,
    s.hosp_part_amt,
  ];
}

function nationalSetlinfo(
  context: SettlementContext,
  s: Settlement,
  person: PersonRow,
  encounter: EncounterRow,
  setlId: string | null,
  /** A stored settlement's own time and msgid (5203); a new one's are now and this message's. */
  stored?: { setlTime: string; msgid: string },
): Record<string, unknown> {
  const age =
    Number(context.today.slice(0, 4)) -
    Number(person.brdy.slice(0, 4)) -
    (context.today.slice(5) < person.brdy.slice(5) ? 1 : 0);
  return {
    mdtrt_id: encounter.mdtrt_id,
    ...(setlId === null ? {} : { setl_id: setlId }),
    psn_no: person.psn_no,
    psn_name: person.psn_name,
    psn_cert_type: '01',
    certno: person.certno,
    gend: person.gend,
    naty: '01',
    brdy: person.brdy,
    age,
    insutype: encounter.insutype,
    psn_type: age >= 18 ? '1501' : '1405',
    cvlserv_flag: '0',
    // The voucher the visit or stay was opened with, as the HIS sent it.
    mdtrt_cert_type: encounter.mdtrt_cert_type ?? '02',
    ...toSetlinfo(s),
    setl_time: stored?.setlTime ?? chinaDateTime(context.now),
    medins_setl_id: stored?.msgid ?? context.requestId,
    clr_optins: person.admdvs,
  };
}

/** Everything a settlement reads, in one query that locks the encounter as lockEncounter does (a handful of round trips). */
interface Loaded extends EncounterRow {
  person: PersonRow;
  covered: boolean;
  categories: CategorySpell[];
  lines: Lines;
  /** The visit's or stay's settlements still standing (not cancelled): their bills and the latest setl_id. */
  settled: { count: number; medfee: Fen; last: string | null };
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

interface StoredSettlement extends Settlement {
  setl_id: string;
  mdtrt_id: string;
  fixmedins_code: string;
  reverses: string | null;
  reversed_by: string | null;
  kind: string;
  year: number;
  ytd_before: YearToDate;
  ytd_after: YearToDate;
  msgid: string;
  closes: boolean;
  /** A cancellation: how many fee lines it gave back. */
  released_lines: number | null;
  setl_time_full: string;
  setldetail: unknown;
}

/** One stored settlement row as the engine's Settlement (residents have no personal account: acct_pay 0). */
async function storedSettlement(
  client: PoolClient,
  psnNo: string,
  setlId: string,
): Promise<StoredSettlement | undefined> {
  const { rows } = await client.query<Omit<StoredSettlement, 'acct_pay'>>(
    `select setl_id, mdtrt_id, fixmedins_code, reverses, reversed_by, kind, year, med_type, category, msgid, closes, released_lines, setldetail,
            to_char(setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as setl_time,
            to_char(setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as setl_time_full,
            ${AMOUNT_COLUMNS}, ytd_before, ytd_after, layers
       from settlements where psn_no = $1 and setl_id = $2`,
    [psnNo, setlId],
  );
  const row = rows[0];
  return row ? { ...row, acct_pay: 0 } : undefined;
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
    context.client
      .query<EncounterRow>(
        `select psn_no, mdtrt_id, fixmedins_code, med_type, insutype, begntime, endtime, status, dise_codg, chronic_scheme, referral, ipt_otp_no, mdtrt_cert_type
           from encounters where psn_no = $1 and mdtrt_id = $2`,
        [psnNo, stored.mdtrt_id],
      )
      .then(({ rows }) => rows[0]),
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
        medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay, pool_prop_selfpay, hifmi_pay,
        maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, psn_cash_pay, hosp_part_amt, layers, setldetail, trace, ytd_before, ytd_after, msgid, voided,
        released_lines)
     select psn_no, $3, mdtrt_id, fixmedins_code, 'cancellation', setl_id, year, $4, med_type, category, policy_id, policy_fingerprint,
        -medfee_sumamt, -fulamt_ownpay_amt, -overlmt_selfpay, -preselfpay_amt, -inscp_scp_amt, -act_pay_dedc, -hifp_pay, pool_prop_selfpay, -hifmi_pay,
        -maf_pay, -oth_pay, -fund_pay_sumamt, -psn_part_amt, -psn_cash_pay, -hosp_part_amt, $9, $5, $10, $6, $7, $8, $11, $12
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
  if (encounter.status === 'settled') {
    await client.query(
      "update encounters set status = case when endtime is null then 'open' else 'discharged' end where psn_no = $1 and mdtrt_id = $2",
      [psnNo, mdtrtId],
    );
  }
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
    medfee_sumamt: -s.medfee_sumamt,
    fulamt_ownpay_amt: -s.fulamt_ownpay_amt,
    overlmt_selfpay: -s.overlmt_selfpay,
    preselfpay_amt: -s.preselfpay_amt,
    inscp_scp_amt: -s.inscp_scp_amt,
    act_pay_dedc: -s.act_pay_dedc,
    hifp_pay: -s.hifp_pay,
    hifmi_pay: -s.hifmi_pay,
    maf_pay: -s.maf_pay,
    oth_pay: -s.oth_pay,
    fund_pay_sumamt: -s.fund_pay_sumamt,
    psn_part_amt: -s.psn_part_amt,
    acct_pay: -s.acct_pay,
    psn_cash_pay: -s.psn_cash_pay,
    hosp_part_amt: -s.hosp_part_amt,
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
  if (encounter.status !== 'settled' && original.closes)
    await client.query("update encounters set status = 'settled' where psn_no = $1 and mdtrt_id = $2", [
      psnNo,
      mdtrtId,
    ]);
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

/**
 * Assistance on application (依申请救助) in the system of record. Applying checks the person against the policy and
 * records the application; an approval, in one transaction under the person-year lock, gives the category, settles
 * the year's settlements again with the engine, writes each gain as a top-up settlement with its trace and postings,
 * moves the accumulators by exactly the difference, and marks the person's warning as assisted. A refusal records
 * its reason and changes nothing else.
 */
import {
  approvalStep,
  approvedSpell,
  burdenOf,
  formatYuan,
  refuseApplication,
  resettleYear,
  SanbaoError,
  shiftYearToDate,
  yearOf,
  type ApplicationRules,
  type CategorySpell,
  type Fen,
  type Policy,
  type PolicyAtDate,
  type WarningStatus,
  type YearToDate,
} from '@sanbao/core';
import { audit } from '../audit.js';
import { ApiError } from '../console/errors.js';
import type { PoolClient } from '../db/pool.js';
import { lockEncountersNowait, lockSettledStays } from '../encounters/repository.js';
import { chinaDate } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { storedClaims } from '../settlement/claims.js';
import { newSettlementIds, readPersonYear, storeTopUpYear, writeTopUp } from '../settlement/records.js';
import { addCategorySpell, categoriesOf, personById, type PersonRow } from '../persons/repository.js';
import { recordStep } from '../warnings/actions.js';

export type ApplicationStatus = 'pending' | 'approved' | 'refused';

export const APPLICATION_STATUSES: Record<ApplicationStatus, string> = {
  pending: '待审核',
  approved: '已批准',
  refused: '不予批准',
};

interface Checked {
  policy: Policy;
  /** The policy on the day the application is judged on: today, or the year's last day for a past year. */
  atDate: PolicyAtDate;
  rules: ApplicationRules;
  spells: CategorySpell[];
  ytd: YearToDate;
}

/** Reads the person-year (locked when `lock`), the categories and the policy, and refuses what the policy refuses. */
async function check(
  client: PoolClient,
  policies: PolicyRegistry,
  person: PersonRow,
  year: number,
  today: string,
  lock: boolean,
): Promise<Checked> {
  const [ytd, spells] = await Promise.all([
    readPersonYear(client, person.psn_no, year, { lock }),
    categoriesOf(client, person.psn_no),
  ]);
  const policy = policies.get(person.policy_id);
  const onDate = year < yearOf(today) ? `${year}-12-31` : today;
  let atDate: PolicyAtDate;
  try {
    atDate = policy.at(onDate);
  } catch (error) {
    if (error instanceof SanbaoError && error.code === 'POLICY_NOT_IN_FORCE')
      throw new ApiError('APPLICATION_NOT_OFFERED', `${year}年度没有施行中的医保政策，不能受理申请`);
    throw error;
  }
  const refusal = refuseApplication(atDate, spells, year, today, ytd);
  if (refusal) throw new ApiError(refusal.code, refusal.message);
  const rules = atDate.rules.assistance.application;
  if (!rules) throw new Error('refuseApplication lets no application through without rules');
  return { policy, atDate, rules, spells, ytd };
}

async function findApplicant(client: PoolClient, psnNo: string): Promise<PersonRow> {
  const person = await personById(client, psnNo);
  if (!person) throw new ApiError('NOT_FOUND', `查无人员 ${psnNo}`);
  return person;
}

export async function apply(
  client: PoolClient,
  policies: PolicyRegistry,
  request: { psnNo: string; year: number; note: string; actor: string; now: Date },
): Promise<{ applicationId: number; burden: Fen; qualifying: Fen }> {
  const person = await findApplicant(client, request.psnNo);
  const { rules, ytd } = await check(client, policies, person, request.year, chinaDate(request.now), false);
  const burden = burdenOf(rules.measure, ytd);
  const { rows } = await client.query<{ application_id: number }>(
    `insert into assistance_applications (psn_no, year, status, burden, qualifying, note, applied_by, applied_at)
     values ($1, $2, 'pending', $3, $4, $5, $6, $7)
     on conflict (psn_no, year) where status <> 'refused' do nothing returning application_id`,
    [request.psnNo, request.year, burden, rules.qualifying_burden, request.note, request.actor, request.now],
  );
  const created = rows[0];
  if (!created) {
    throw new ApiError('APPLICATION_EXISTS', `${request.psnNo} ${request.year} 年度已有待审核或已批准的申请`);
  }
  await audit(client, request.actor, 'application.apply', {
    application_id: created.application_id,
    psn_no: request.psnNo,
    year: request.year,
    burden,
  });
  return { applicationId: created.application_id, burden, qualifying: rules.qualifying_burden };
}

interface PendingApplication {
  application_id: number;
  psn_no: string;
  year: number;
  status: ApplicationStatus;
  applied_by: string;
}

/** Locks a pending application; refuses one already decided, and a reviewer deciding what they registered. */
export async function lockPending(
  client: PoolClient,
  applicationId: number,
  actor: string,
): Promise<PendingApplication> {
  const { rows } = await client.query<PendingApplication>(
    'select application_id, psn_no, year, status, applied_by from assistance_applications where application_id = $1 for update',
    [applicationId],
  );
  const application = rows[0];
  if (!application) throw new ApiError('NOT_FOUND', `查无申请 ${applicationId}`);
  if (application.status !== 'pending') {
    throw new ApiError(
      'APPLICATION_STATE',
      `申请 ${applicationId} 已${APPLICATION_STATUSES[application.status]}，不能再审核`,
    );
  }
  if (application.applied_by === actor) throw new ApiError('FORBIDDEN', '不能审核本人登记的申请');
  return application;
}

export async function refuse(
  client: PoolClient,
  application: PendingApplication,
  request: { reason: string; actor: string; now: Date },
): Promise<void> {
  await client.query(
    "update assistance_applications set status = 'refused', decided_by = $2, decided_at = $3, reason = $4 where application_id = $1",
    [application.application_id, request.actor, request.now, request.reason],
  );
  await audit(client, request.actor, 'application.refuse', {
    application_id: application.application_id,
    reason: request.reason,
  });
}

export interface Approval {
  spellId: number;
  topUp: Fen;
  topUps: { setlId: string; topsUp: string; amount: Fen }[];
}

export async function approve(
  client: PoolClient,
  policies: PolicyRegistry,
  application: PendingApplication,
  request: { reason: string; actor: string; now: Date },
): Promise<Approval> {
  const today = chinaDate(request.now);
  const { psn_no: psnNo, year } = application;
  const person = await findApplicant(client, psnNo);
  // Locks in a settlement's order, the stays and then the person-year: a top-up refers to its stay, and waiting for a
  // stay while holding the person-year could deadlock with a settlement holding the stay.
  const locked = new Set(await lockSettledStays(client, psnNo, year));
  // The burden may have fallen since the application (a cancelled stay): checked again, under the lock.
  const { policy, atDate, rules, spells, ytd } = await check(client, policies, person, year, today, true);
  const spell = approvedSpell(rules, year, today);
  const claims = await storedClaims(client, psnNo, year);
  await lockLateStays(
    client,
    psnNo,
    claims.map((entry) => entry.mdtrtId).filter((id) => !locked.has(id)),
  );
  const was = { psnNo, categories: spells, supplementary: person.supplementary };
  const resettled = resettleYear(
    claims.map((entry) => entry.claim),
    was,
    { ...was, categories: [...spells, spell] },
    policy,
    year,
    approvalStep(atDate, rules, spell, burdenOf(rules.measure, ytd)),
  );
  const after = shiftYearToDate(ytd, resettled.was, resettled.now, 1);

  const spellId = await addCategorySpell(client, psnNo, spell, 'medical_security');
  const setlIds = await newSettlementIds(client, today, resettled.topUps.length);
  const topUps: Approval['topUps'] = [];
  for (const [i, topUp] of resettled.topUps.entries()) {
    const original = claims[topUp.index];
    const setlId = setlIds[i];
    if (!original || setlId === undefined) throw new Error('a top-up without its settlement or number');
    const s = topUp.settlement;
    await writeTopUp(client, {
      psnNo,
      setlId,
      mdtrtId: original.mdtrtId,
      fixmedinsCode: original.fixmedinsCode,
      topsUp: original.setlId,
      applicationId: application.application_id,
      year,
      at: request.now,
      medType: original.claim.medType,
      settlement: s,
      policyId: policy.id,
      fingerprint: policy.at(original.claim.setlDate).fingerprint,
      trace: topUp.trace,
      ytdBefore: ytd,
      ytdAfter: after,
      requestId: `application:${application.application_id}`,
    });
    topUps.push({ setlId, topsUp: original.setlId, amount: s.fund_pay_sumamt });
  }
  const total = topUps.reduce((sum, entry) => sum + entry.amount, 0);
  await storeTopUpYear(client, psnNo, year, after, request.now);
  await client.query(
    `update assistance_applications set status = 'approved', decided_by = $2, decided_at = $3, reason = nullif($4, ''), spell_id = $5, top_up = $6
      where application_id = $1`,
    [application.application_id, request.actor, request.now, request.reason, spellId, total],
  );
  await markAssisted(
    client,
    psnNo,
    year,
    request.actor,
    request.now,
    `依申请救助（申请 ${application.application_id}）已批准，补付 ${formatYuan(total)} 元`,
  );
  await audit(client, request.actor, 'application.approve', {
    application_id: application.application_id,
    psn_no: psnNo,
    year,
    top_up: total,
    top_ups: topUps.map((entry) => entry.setlId),
  });
  return { spellId, topUp: total, topUps };
}

/**
 * A stay first settled after the stays were locked: lock it without waiting, or give up (a settlement of it may be
 * waiting for the person-year this approval holds).
 */
export async function lockLateStays(client: PoolClient, psnNo: string, mdtrtIds: string[]): Promise<void> {
  if (mdtrtIds.length === 0) return;
  try {
    await lockEncountersNowait(client, psnNo, mdtrtIds);
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw new ApiError('BUSY', '该人员有结算正在办理，请稍后再审核');
    throw error;
  }
}

/** The person-year's warning, if there is one, moves to 已救助帮扶 with the approval as its note. */
async function markAssisted(
  client: PoolClient,
  psnNo: string,
  year: number,
  actor: string,
  at: Date,
  note: string,
): Promise<void> {
  const { rows } = await client.query<{ status: WarningStatus }>(
    'select status from warnings where psn_no = $1 and year = $2 for update',
    [psnNo, year],
  );
  const from = rows[0]?.status;
  if (from === undefined || from === 'assisted') return;
  await recordStep(client, { psnNo, year, from, to: 'assisted', actor, note, at });
}

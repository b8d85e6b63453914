/**
 * Handing warnings down to their townships (下放) and taking them back (收回), in batches: by township, by ticked
 * rows or by the ledger's current filter; a batch or ticked warnings taken back. Each batch records who made it, when
 * and how its warnings were chosen. A township's users see a warning of theirs only while it is handed down; the
 * feedback runs hand down what they send, except what the bureau has taken back. The follow-up status is not
 * touched: hand-down decides who sees a warning, the workflow what has been done about it.
 */
import { WARNING_LEVEL_NAMES, WARNING_STATUSES, type WarningLevel, type WarningStatus } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import type { PoolClient } from '../db/pool.js';
import {
  handoverPage,
  insertHandover,
  lockFiltered,
  lockHandedDownBy,
  lockSelected,
  type Chosen,
  type HandoverBasis,
  type HandoverKind,
} from './handover-queries.js';
import type { WarningFilter } from './queries.js';

export const HANDOVER_KIND_NAMES: Record<HandoverKind, string> = { down: '下放', recall: '收回' };
export const HANDOVER_BASIS_NAMES: Record<HandoverBasis, string> = {
  township: '按乡镇',
  selected: '按勾选',
  filter: '按筛选条件',
  feedback: '随反馈批次',
  batch: '整批收回',
  migration: '升级前已可见',
};

/** Hand-down and recall are the bureau's: its operators, not a township's or another department's users. */
export function requireBureau(me: User): void {
  if (me.township || me.department) throw new ApiError('FORBIDDEN', '预警的下放与收回由医保局经办人员办理');
}

export type HandDownChoice =
  | { basis: 'township'; year: number; township: string; level?: WarningLevel | undefined }
  | { basis: 'selected'; year: number; psnNos: readonly string[] }
  | { basis: 'filter'; filter: WarningFilter };

interface By {
  me: User;
  actor: string;
  at: Date;
  note: string;
}

function requireAllFound(psnNos: readonly string[], chosen: readonly Chosen[], year: number): void {
  const found = new Set(chosen.map((warning) => warning.psn_no));
  const missing = psnNos.find((psnNo) => !found.has(psnNo));
  if (missing !== undefined)
    throw new ApiError('NOT_FOUND', `查无 ${missing} ${year} 年度的预警（或不在您的管辖范围）`);
}

/** Hands down the chosen warnings not yet with their townships; refuses a choice with none. Returns the batch. */
export async function handDown(client: PoolClient, choice: HandDownChoice, by: By): Promise<number> {
  let chosen: Chosen[];
  let year: number;
  let criteria: Record<string, unknown>;
  if (choice.basis === 'selected') {
    year = choice.year;
    chosen = await lockSelected(client, by.me, year, choice.psnNos);
    requireAllFound(choice.psnNos, chosen, year);
    criteria = { selected: choice.psnNos.length };
  } else if (choice.basis === 'township') {
    year = choice.year;
    chosen = await lockFiltered(client, by.me, { year, township: choice.township, level: choice.level });
    criteria = { township: choice.township, level: choice.level ?? null };
  } else {
    const { filter } = choice;
    year = filter.year;
    chosen = await lockFiltered(client, by.me, filter);
    criteria = {
      level: filter.level ?? null,
      status: filter.status ?? null,
      township: filter.township ?? null,
      handed_down: filter.handedDown ?? null,
    };
  }
  const fresh = chosen.filter((warning) => warning.handover_id === null);
  if (fresh.length === 0) {
    throw new ApiError(
      'WARNING_STATE',
      chosen.length > 0 ? '所选预警均已下放，无需再次下放' : '没有符合条件的预警可下放',
    );
  }
  return insertHandover(client, { kind: 'down', basis: choice.basis, year, criteria, ...by, warnings: fresh });
}

/** Takes back every warning a hand-down batch still has with its townships (within the user's scope). */
export async function recallBatch(client: PoolClient, handoverId: number, by: By): Promise<number> {
  const { rows } = await handoverPage(client, by.me, { handoverId }, 1, 1);
  const batch = rows[0];
  if (!batch) throw new ApiError('NOT_FOUND', `查无下放批次 ${handoverId}（或不在您的管辖范围）`);
  if (batch.kind !== 'down') throw new ApiError('WARNING_STATE', `批次 ${handoverId} 是收回批次，不能再收回`);
  const chosen = await lockHandedDownBy(client, by.me, handoverId);
  if (chosen.length === 0) throw new ApiError('WARNING_STATE', `下放批次 ${handoverId} 的预警均已收回或另行下放`);
  return insertHandover(client, {
    kind: 'recall',
    basis: 'batch',
    year: batch.year,
    criteria: { handover_id: handoverId },
    ...by,
    warnings: chosen,
  });
}

/** Takes back ticked warnings of a year; refuses when none of them is handed down. */
export async function recallSelected(
  client: PoolClient,
  year: number,
  psnNos: readonly string[],
  by: By,
): Promise<number> {
  const chosen = await lockSelected(client, by.me, year, psnNos);
  requireAllFound(psnNos, chosen, year);
  const handed = chosen.filter((warning) => warning.handover_id !== null);
  if (handed.length === 0) throw new ApiError('WARNING_STATE', '所选预警均未下放，无需收回');
  return insertHandover(client, {
    kind: 'recall',
    basis: 'selected',
    year,
    criteria: { selected: psnNos.length },
    ...by,
    warnings: handed,
  });
}

/** A feedback batch that went out hands down those of its warnings not yet with their township. */
export async function handDownFed(
  client: PoolClient,
  warnings: readonly { psn_no: string; year: number; handover_id: number | null }[],
  feedback: { batchId: string | number; year: number; actor: string; at: Date },
): Promise<void> {
  const fresh = warnings.filter((warning) => warning.handover_id === null);
  if (fresh.length === 0) return;
  await insertHandover(client, {
    kind: 'down',
    basis: 'feedback',
    year: feedback.year,
    criteria: { batch_id: Number(feedback.batchId) },
    note: '',
    actor: feedback.actor,
    at: feedback.at,
    warnings: fresh,
  });
}

/** How a batch's warnings were chosen, in words. */
export function criteriaText(basis: HandoverBasis, criteria: Record<string, unknown>): string {
  const level = criteria['level'] as WarningLevel | null | undefined;
  const status = criteria['status'] as WarningStatus | null | undefined;
  const township = criteria['township'] as string | null | undefined;
  const handedDown = criteria['handed_down'] as boolean | null | undefined;
  switch (basis) {
    case 'township':
      return [`乡镇（街道）：${township ?? ''}`, level ? `级别：${WARNING_LEVEL_NAMES[level]}` : '']
        .filter(Boolean)
        .join('；');
    case 'selected':
      return `勾选 ${Number(criteria['selected'] ?? 0)} 条`;
    case 'filter': {
      const parts = [
        level ? `级别：${WARNING_LEVEL_NAMES[level]}` : '',
        status ? `状态：${WARNING_STATUSES[status]}` : '',
        township ? `乡镇（街道）：${township}` : '',
        handedDown === false ? '未下放' : handedDown === true ? '已下放' : '',
      ].filter(Boolean);
      return parts.length > 0 ? parts.join('；') : '全部预警';
    }
    case 'feedback':
      return `反馈批次 ${Number(criteria['batch_id'] ?? 0)}`;
    case 'batch':
      return `收回下放批次 ${Number(criteria['handover_id'] ?? 0)}`;
    case 'migration':
      return '升级前乡镇已可见的预警';
  }
}

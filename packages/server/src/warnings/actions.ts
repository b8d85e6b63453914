/** A step of a warning's follow-up: the new status and the action that records who took it, from what, and why. */
import type { WarningStatus } from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';

export async function recordStep(
  client: PoolClient,
  step: { psnNo: string; year: number; from: WarningStatus; to: WarningStatus; actor: string; note: string; at: Date },
): Promise<void> {
  await client.query(
    `with step as (update warnings set status = $3, updated_at = $6 where psn_no = $1 and year = $2)
     insert into warning_actions (psn_no, year, from_status, to_status, actor, note, at) values ($1, $2, $4, $3, $5, $7, $6)`,
    [step.psnNo, step.year, step.to, step.from, step.actor, step.at, step.note],
  );
}

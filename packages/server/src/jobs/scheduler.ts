/**
 * The scheduler: the warning screening at each population's cadence and the feedback at each level's, as the policies
 * of the regions say, in PostgreSQL. A run is claimed by inserting (job, due date) into job_runs, so each happens once
 * however many instances tick; a scheduler that was down catches up on the latest date it missed. Levels fed back
 * at once are looked at on every tick. The scheduler knows the jobs and when they are due; what a job does is its
 * room's (warnings/screening.ts, warnings/feedback.ts).
 */
import { dueOnOrBefore, type Cadence, type WarningRules } from '@sanbao/core';
import { groupBy } from '../collections.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { feedBack, type FedLevel } from '../warnings/feedback.js';
import { screen } from '../warnings/screening.js';

export interface JobReport {
  job: string;
  dueDate: string;
  summary: unknown;
}

const FED_LEVELS: readonly FedLevel[] = ['blue', 'yellow', 'red'];

async function warningRules(pool: Pool, policies: PolicyRegistry, date: string): Promise<Map<string, WarningRules>> {
  const { rows } = await pool.query<{ admdvs: string; policy_id: string }>('select admdvs, policy_id from regions');
  const rules = new Map<string, WarningRules>();
  for (const row of rows) {
    const found = policies.warningRules(row.policy_id, date);
    if (found) rules.set(row.admdvs, found);
  }
  return rules;
}

/** Runs `work` unless another run of the job for the same due date has been claimed; a failed run is unclaimed. */
async function once(
  pool: Pool,
  job: string,
  dueDate: string,
  now: Date,
  work: () => Promise<unknown>,
): Promise<JobReport | null> {
  const { rowCount } = await pool.query(
    'insert into job_runs (job, due_date, started_at) values ($1, $2, $3) on conflict do nothing',
    [job, dueDate, now],
  );
  if (!rowCount) return null;
  try {
    const summary = await work();
    await pool.query('update job_runs set finished_at = now(), summary = $3 where job = $1 and due_date = $2', [
      job,
      dueDate,
      JSON.stringify(summary),
    ]);
    return { job, dueDate, summary };
  } catch (error) {
    await pool.query('delete from job_runs where job = $1 and due_date = $2', [job, dueDate]);
    throw error;
  }
}

export async function runDueJobs(pool: Pool, policies: PolicyRegistry, now: Date): Promise<JobReport[]> {
  const today = chinaDate(now);
  const rules = await warningRules(pool, policies, today);
  const reports: JobReport[] = [];
  const screenings = new Set<Cadence>([...rules.values()].flatMap((r) => r.populations.map((p) => p.screening)));
  for (const cadence of screenings) {
    const dueDate = dueOnOrBefore(cadence, today);
    const report = await once(pool, `screen:${cadence}`, dueDate, now, () =>
      screen(pool, policies, { date: today, now, cadence }),
    );
    if (report) reports.push(report);
  }
  // Feedback after screening, so that what a screening raised today goes out with today's feedback.
  for (const level of FED_LEVELS) {
    const regionsByCadence = groupBy(rules, ([, rule]) => rule.feedback[level]);
    for (const [cadence, entries] of regionsByCadence) {
      const run = { level, regions: entries.map(([admdvs]) => admdvs), now, actor: `system:feedback:${cadence}` };
      if (cadence === 'immediate') {
        const summary = await feedBack(pool, { ...run, dueDate: today, onlyWithNew: true });
        if (summary.batches > 0) reports.push({ job: `feedback:${level}:immediate`, dueDate: today, summary });
        continue;
      }
      const dueDate = dueOnOrBefore(cadence, today);
      const report = await once(pool, `feedback:${level}:${cadence}`, dueDate, now, () =>
        feedBack(pool, { ...run, dueDate, onlyWithNew: false }),
      );
      if (report) reports.push(report);
    }
  }
  return reports;
}

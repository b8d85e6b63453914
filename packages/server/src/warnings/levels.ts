/**
 * Writing level changes: one statement for any number of person-years, used by screening (thousands at once), by
 * settlement (a red crossing, sent with the settlement's own write) and by cancellation. It raises or lowers the
 * warning, records the change with the amount that caused it, starts the follow-up again when the level rises (and
 * lets the feedback send it again where it was taken back), and puts a red warning — and a red warning withdrawn by a
 * cancellation — in the webhook outbox of every receiver it is routed to, all in the caller's transaction.
 */
import {
  dueOnOrAfter,
  WARNING_LEVEL_NAMES,
  type Fen,
  type LevelCause,
  type WarningAssessment,
  type WarningLevel,
  type WarningRules,
} from '@sanbao/core';
import type { DeferredWrite } from '../db/pool.js';

export interface LevelChange {
  psnNo: string;
  year: number;
  level: WarningLevel;
  population: string;
  amount: Fen;
  admdvs: string;
  township: string;
  department: string;
  /** When the new level is due to be fed back. */
  feedbackDue: string;
  /** The settlement (or cancellation) that moved the amount, when one did. */
  setlId: string | null;
}

export function levelChange(
  person: { psn_no: string; admdvs: string; township: string },
  year: number,
  rules: WarningRules,
  assessment: WarningAssessment,
  level: WarningLevel,
  date: string,
  setlId: string | null = null,
): LevelChange {
  return {
    psnNo: person.psn_no,
    year,
    level,
    population: assessment.population,
    amount: assessment.amount,
    admdvs: person.admdvs,
    township: person.township,
    department: rules.department,
    feedbackDue: level === 'none' ? date : dueOnOrAfter(rules.feedback[level], date),
    setlId,
  };
}

/**
 * The statement. Levels only rise, except on a cancellation; the check is made again here, against the row as it is
 * now, so that a screening computed a moment ago cannot lower what a settlement has just raised. (warning_rank() in
 * migration 006 orders the levels as the core's LEVEL_RANK does.)
 */
export function levelChangeQuery(changes: readonly LevelChange[], cause: LevelCause, at: Date): DeferredWrite {
  return {
    // Named: the settlement path sends it often enough to be worth preparing once per connection.
    name: 'warning-level-change',
    text: `with input as (
       select * from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::date[], $10::text[])
         as t(psn_no, year, level, population, amount, admdvs, township, department, feedback_due, setl_id)),
     previous as (
       select w.psn_no, w.year, w.level, w.status from warnings w join input i using (psn_no, year)),
     changed as (
       insert into warnings as w (psn_no, year, level, population, amount, admdvs, township, department, status, feedback_due, raised_at, level_at, updated_at)
       select psn_no, year, level, population, amount, admdvs, township, department, 'new', feedback_due, $12, $12, $12 from input
       on conflict (psn_no, year) do update
          set level = excluded.level, population = excluded.population, amount = excluded.amount,
              status = case when warning_rank(excluded.level) > warning_rank(w.level) then 'new' else w.status end,
              -- A higher level goes out again, even to a township it was taken back from (收回).
              recalled = w.recalled and warning_rank(excluded.level) <= warning_rank(w.level),
              feedback_due = excluded.feedback_due, level_at = excluded.level_at, updated_at = excluded.updated_at
        where w.level <> excluded.level and ($11 = 'cancellation' or warning_rank(excluded.level) > warning_rank(w.level))
       returning w.psn_no, w.year, w.level, w.amount, w.status, w.admdvs, w.township, w.department),
     history as (
       insert into warning_levels (psn_no, year, from_level, to_level, amount, cause, setl_id, at)
       select c.psn_no, c.year, coalesce(p.level, 'none'), c.level, c.amount, $11, i.setl_id, $12
         from changed c join input i using (psn_no, year) left join previous p using (psn_no, year)),
     reopened as (
       insert into warning_actions (psn_no, year, from_status, to_status, actor, note, at)
       select c.psn_no, c.year, p.status, 'new', 'system:level', '预警级别升为' || ($13::json ->> c.level) || '，重新反馈', $12
         from changed c join previous p using (psn_no, year) where p.status <> 'new' and c.status = 'new'),
     outbox as (
       insert into webhook_outbox (endpoint_id, event, psn_no, year, event_data, created_at, next_attempt_at)
       select e.endpoint_id, case when c.level = 'red' then 'warning.red' else 'warning.red_withdrawn' end, c.psn_no, c.year,
              json_build_object('level', c.level, 'from_level', coalesce(p.level, 'none'), 'amount', c.amount, 'admdvs', c.admdvs,
                                'township', c.township, 'department', c.department, 'cause', $11, 'setl_id', i.setl_id, 'at', $12::timestamptz),
              $12, $12
         from changed c join input i using (psn_no, year) left join previous p using (psn_no, year)
         join webhook_endpoints e on e.active
          and (e.department is null or e.department = c.department)
          and (e.admdvs is null or e.admdvs = c.admdvs or exists (select 1 from regions r where r.admdvs = c.admdvs and r.parent = e.admdvs))
          and (e.township is null or e.township = c.township)
        where c.level = 'red' or p.level = 'red')
     select c.psn_no, c.year, coalesce(p.level, 'none') as from_level, c.level as to_level
       from changed c left join previous p using (psn_no, year)`,
    values: [
      changes.map((c) => c.psnNo),
      changes.map((c) => c.year),
      changes.map((c) => c.level),
      changes.map((c) => c.population),
      changes.map((c) => c.amount),
      changes.map((c) => c.admdvs),
      changes.map((c) => c.township),
      changes.map((c) => c.department),
      changes.map((c) => c.feedbackDue),
      changes.map((c) => c.setlId),
      cause,
      at,
      JSON.stringify(WARNING_LEVEL_NAMES),
    ],
  };
}

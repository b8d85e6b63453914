/**
 * When a cadence falls due, on China calendar dates (yyyy-MM-dd): twice a week on Mondays and Thursdays, weekly on
 * Mondays, every two weeks on the Mondays of even weeks counted from 2024-01-01, monthly on the 1st. "immediate" is
 * due every day: its work is done on every run of the scheduler.
 */
import type { Cadence } from '../policy/schema.js';

export const CADENCE_NAMES: Record<Cadence, string> = {
  immediate: '随时',
  twice_weekly: '每周两次（周一、周四）',
  weekly: '每周一次（周一）',
  biweekly: '每两周一次（双周周一）',
  monthly: '每月一次（1 日）',
};

const DAY_MS = 86_400_000;
/** A Monday: two-weekly work falls on the Mondays an even number of weeks after it. */
const BIWEEKLY_ANCHOR = Date.UTC(2024, 0, 1);

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function addDays(date: string, days: number): string {
  return new Date(dayNumber(date) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isDue(cadence: Cadence, date: string): boolean {
  const time = dayNumber(date);
  const weekday = new Date(time).getUTCDay();
  switch (cadence) {
    case 'immediate':
      return true;
    case 'twice_weekly':
      return weekday === 1 || weekday === 4;
    case 'weekly':
      return weekday === 1;
    case 'biweekly':
      return ((((time - BIWEEKLY_ANCHOR) / DAY_MS) % 14) + 14) % 14 === 0;
    case 'monthly':
      return date.endsWith('-01');
  }
}

/** The first date on or after `date` on which the cadence is due (at most 31 days on). */
export function dueOnOrAfter(cadence: Cadence, date: string): string {
  let day = date;
  while (!isDue(cadence, day)) day = addDays(day, 1);
  return day;
}

/** The last date on or before `date` on which the cadence was due: the run a scheduler that was down catches up. */
export function dueOnOrBefore(cadence: Cadence, date: string): string {
  let day = date;
  while (!isDue(cadence, day)) day = addDays(day, -1);
  return day;
}

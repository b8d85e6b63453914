/**
 * Moving a year-to-date by what one settlement changed: a cancellation subtracts exactly what its settlement added
 * (after − before), whatever was settled since; reinstating adds it back.
 */
import type { SchemeToDate, YearToDate } from './types.js';

const SCHEMES = [
  'outpatient',
  'criticalIllness',
  'specialDrugs',
  'assistance',
  'reAssistance',
  'highCostSubsidy',
  'supplementary',
] as const;
const COUNTERS = ['admissions', 'basicCapUsed', 'medfee', 'fundPaid', 'personalBurden', 'inScopeBurden'] as const;

function shiftScheme(current: SchemeToDate, before: SchemeToDate, after: SchemeToDate, sign: 1 | -1): SchemeToDate {
  return {
    base: current.base + sign * (after.base - before.base),
    paid: current.paid + sign * (after.paid - before.paid),
  };
}

export function shiftYearToDate(current: YearToDate, before: YearToDate, after: YearToDate, sign: 1 | -1): YearToDate {
  const next = { ...current };
  for (const key of COUNTERS) next[key] = current[key] + sign * (after[key] - before[key]);
  for (const key of SCHEMES) next[key] = shiftScheme(current[key], before[key], after[key], sign);
  const zero = { base: 0, paid: 0 };
  const schemes = new Set([...current.chronic, ...after.chronic].map((entry) => entry.scheme));
  next.chronic = [...schemes].map((scheme) => {
    const find = (y: YearToDate): SchemeToDate => y.chronic.find((entry) => entry.scheme === scheme) ?? zero;
    return { scheme, ...shiftScheme(find(current), find(before), find(after), sign) };
  });
  return next;
}

/** Settles a person's claims in order, carrying the year-to-date from one to the next and starting anew each year. */
import type { Policy } from '../policy/resolve.js';
import { emptyYearToDate, settle, yearOf } from './settle.js';
import type { Claim, Person, SettleResult, YearToDate } from './types.js';

export function settleSequence(
  claims: readonly Claim[],
  person: Person,
  policy: Policy,
  options: { trace?: boolean; start?: YearToDate } = {},
): SettleResult[] {
  const results: SettleResult[] = [];
  let ytd = options.start ?? emptyYearToDate(claims[0] ? yearOf(claims[0].setlDate) : 0);
  for (const claim of claims) {
    const result = settle(claim, person, ytd, policy.at(claim.setlDate), options);
    results.push(result);
    ytd = result.ytd;
  }
  return results;
}

import { describe, expect, it } from 'vitest';
import { claim, person, run } from '../test-support/build.js';
import { shiftYearToDate } from './year-to-date.js';

describe('shiftYearToDate', () => {
  it('cancelling a settlement in the middle of the year leaves what the others added', () => {
    const [first, second, third] = run('anhui/bozhou', person(['subsistence_allowance']), [
      claim({ date: '2022-02-01', total: 30000 }),
      claim({ date: '2022-03-01', encounter: 'chronic_outpatient', level: 'township', total: 2000 }),
      claim({ date: '2022-04-01', total: 50000 }),
    ]);
    const before = first!.ytd;
    const after = second!.ytd;
    const undone = shiftYearToDate(third!.ytd, before, after, -1);
    // Without the chronic visit: admissions 2, no chronic scheme money, medical fees 30,000 + 50,000.
    expect(undone.admissions).toBe(2);
    expect(undone.medfee).toBe(8_000_000);
    expect(undone.chronic).toEqual([{ scheme: 'chronic', base: 0, paid: 0 }]);
    expect(undone.criticalIllness.base).toBe(
      third!.ytd.criticalIllness.base - (after.criticalIllness.base - before.criticalIllness.base),
    );
    // Reinstating gives back the year as it was.
    expect(shiftYearToDate(undone, before, after, 1)).toEqual(third!.ytd);
  });
});

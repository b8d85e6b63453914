/** The warning's pure rules: level changes, the cadence calendar and the follow-up workflow. */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { fen } from '../test-support/build.js';
import { classifyWarning, lowestThreshold, nextLevel } from './levels.js';
import { dueOnOrAfter, dueOnOrBefore, isDue } from './schedule.js';
import { refuseTransition } from './workflow.js';

const rules = loadPolicy('shandong/liaocheng/guanxian').at('2026-06-15').rules.warning!;

describe('levels', () => {
  it('go up with the amount, and down only when a settlement is cancelled', () => {
    expect(nextLevel('none', 'blue', 'screening')).toBe('blue');
    expect(nextLevel('blue', 'red', 'settlement')).toBe('red');
    expect(nextLevel('yellow', 'yellow', 'screening')).toBeNull();
    // A target whose category ended is screened as an ordinary person now: the blue already raised stays.
    expect(nextLevel('blue', 'none', 'screening')).toBeNull();
    expect(nextLevel('red', 'yellow', 'settlement')).toBeNull();
    expect(nextLevel('red', 'yellow', 'cancellation')).toBe('yellow');
    expect(nextLevel('blue', 'none', 'cancellation')).toBe('none');
  });

  it('Guanxian: nobody at or below 30,000 can be warned; the department is rural revitalization', () => {
    expect(lowestThreshold(rules)).toBe(fen(30000));
    expect(rules.department).toBe('rural_revitalization');
    expect(classifyWarning(rules, ['monitored'], fen(30000.01))).toMatchObject({ level: 'blue', feedback: 'monthly' });
    expect(classifyWarning(rules, [], fen(30000.01))).toMatchObject({ level: 'none', feedback: null });
  });
});

describe('cadence calendar (2026-06-15 is a Monday, 896 = 64 × 14 days after 2024-01-01)', () => {
  it('twice a week: Mondays and Thursdays', () => {
    expect(['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18'].map((d) => isDue('twice_weekly', d))).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(dueOnOrBefore('twice_weekly', '2026-06-17')).toBe('2026-06-15');
    expect(dueOnOrAfter('twice_weekly', '2026-06-19')).toBe('2026-06-22');
  });

  it('every two weeks: 2026-06-15, then 2026-06-29, not 2026-06-22', () => {
    expect(isDue('biweekly', '2026-06-15')).toBe(true);
    expect(isDue('biweekly', '2026-06-22')).toBe(false);
    expect(dueOnOrAfter('biweekly', '2026-06-16')).toBe('2026-06-29');
    expect(dueOnOrBefore('biweekly', '2026-06-28')).toBe('2026-06-15');
  });

  it('monthly on the 1st; immediate every day', () => {
    expect(dueOnOrAfter('monthly', '2026-06-16')).toBe('2026-07-01');
    expect(dueOnOrAfter('monthly', '2026-12-02')).toBe('2027-01-01');
    expect(dueOnOrBefore('monthly', '2026-06-15')).toBe('2026-06-01');
    expect(dueOnOrAfter('immediate', '2026-06-16')).toBe('2026-06-16');
  });
});

describe('follow-up workflow', () => {
  it('new → sent → visited → monitored / assisted → closed', () => {
    expect(refuseTransition('new', 'sent', '')).toBeNull();
    expect(refuseTransition('sent', 'visited', '家庭医生入户，住院治疗中')).toBeNull();
    expect(refuseTransition('visited', 'monitored', '')).toBeNull();
    expect(refuseTransition('monitored', 'assisted', '')).toBeNull();
    expect(refuseTransition('assisted', 'closed', '已申请医疗救助并到账')).toBeNull();
  });

  it('refuses skipped steps, steps after closing, and visits or closings without a note', () => {
    expect(refuseTransition('new', 'visited', '走访')).toBe('预警当前为「新预警」，只能转为「已反馈」');
    expect(refuseTransition('closed', 'sent', '')).toBe('预警当前为「已办结」，已办结，不能再变更');
    expect(refuseTransition('sent', 'visited', ' ')).toBe('转为「已入户走访」须填写说明（走访情况）');
    expect(refuseTransition('visited', 'closed', '')).toBe('转为「已办结」须填写说明（办结理由）');
  });
});

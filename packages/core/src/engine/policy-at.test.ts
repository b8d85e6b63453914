/** policy.at(date) tries the epoch it found last first (claims come in runs of one year): still the right epoch. */
import { describe, expect, it } from 'vitest';
import { SanbaoError } from '../errors.js';
import { loadPolicy } from '../policy/load.js';

describe('the epoch of a date', () => {
  it('is the one whose days hold the date, whatever was asked before', () => {
    // fenghua.yaml: the COVID rules start on 2023-01-08, so the epochs are [2022-01-01, 2023-01-08) and onwards.
    const fenghua = loadPolicy('zhejiang/ningbo/fenghua');
    const [before, after] = fenghua.epochs;
    const asked = ['2022-06-30', '2023-01-07', '2023-01-08', '2023-01-07', '2022-01-01', '2024-05-01', '2022-12-31'];
    expect(asked.map((date) => fenghua.at(date))).toEqual([before, before, after, before, before, after, before]);
  });

  it('a date before the first epoch is refused, even right after a date the last epoch held', () => {
    const bozhou = loadPolicy('anhui/bozhou');
    expect(bozhou.at('2022-03-01').from).toBe('2022-01-01');
    expect(() => bozhou.at('2019-12-31')).toThrow(SanbaoError);
    expect(() => bozhou.at('2019-12-31')).toThrow(/2019-12-31 没有生效的取值/);
    expect(bozhou.at('2021-12-31').from).toBe('2020-01-01');
  });
});

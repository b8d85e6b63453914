/** Amounts in capitals as a Chinese bill writes them (《支付结算办法》's rules for 大写金额). */
import { describe, expect, it } from 'vitest';
import { yuanInCapitals } from './capitals.js';

describe('yuanInCapitals', () => {
  it.each([
    ['0', '零元整'],
    ['0.05', '伍分'],
    ['0.50', '伍角'],
    ['10.05', '壹拾元零伍分'],
    ['100000', '壹拾万元整'],
    ['1005.30', '壹仟零伍元叁角'],
    ['1010', '壹仟零壹拾元整'],
    ['1000001', '壹佰万零壹元整'],
    ['100010000', '壹亿零壹万元整'],
    ['120000', '壹拾贰万元整'],
    ['1680.32', '壹仟陆佰捌拾元叁角贰分'],
    ['20300.07', '贰万零叁佰元零柒分'],
    ['-45.6', '负肆拾伍元陆角'],
  ])('%s → %s', (amount, capitals) => {
    expect(yuanInCapitals(amount)).toBe(capitals);
  });

  it('refuses text that is not an amount', () => {
    expect(() => yuanInCapitals('12.345')).toThrow();
    expect(() => yuanInCapitals('1e5')).toThrow();
  });
});

/** Amounts as shown: separators, ratios as percentages (capitals: packages/core/src/capitals.test.ts). */
import { describe, expect, it } from 'vitest';
import { percent, yuanText } from './money';

describe('yuanText', () => {
  it('groups thousands and always shows two decimals', () => {
    expect(yuanText('1234567.5')).toBe('1,234,567.50');
    expect(yuanText('-12')).toBe('-12.00');
    expect(yuanText('0.05')).toBe('0.05');
    expect(yuanText('999')).toBe('999.00');
    expect(yuanText(null)).toBe('—');
  });
});

describe('percent', () => {
  it('shows a four-place ratio as a percentage without trailing zeros', () => {
    expect(percent('0.8500')).toBe('85%');
    expect(percent('0.6250')).toBe('62.5%');
    expect(percent('1.0000')).toBe('100%');
    expect(percent('0.0005')).toBe('0.05%');
  });
});

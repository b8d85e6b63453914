/**
 * Amounts as the console shows them. The platform answers yuan as exact decimal text ("1234.50"); it is shown with
 * thousands separators and, on printed sheets, also in Chinese capitals (大写), worked out from the text's digits so no
 * binary fraction ever touches money.
 */

/** "1234567.5" → "1,234,567.50"; "-12" → "-12.00". Text that is not an amount is shown as it is. */
export function yuanText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${fraction.padEnd(2, '0')}`;
}

export { yuanInCapitals } from '../../../core/src/capitals';

/** A ratio of the platform ("0.8500") as a percentage ("85%", "62.5%"). */
export function percent(ratio: string | null | undefined): string {
  if (!ratio) return '—';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(ratio);
  if (!match) return ratio;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(4, '0')}`.replace(/^0+(?=\d)/, '');
  // Four decimals of a ratio are two decimals of a percentage.
  const padded = digits.padStart(3, '0');
  const integer = padded.slice(0, -2).replace(/^0+(?=\d)/, '');
  const decimals = padded.slice(-2).replace(/0+$/, '');
  return `${sign}${integer}${decimals ? `.${decimals}` : ''}%`;
}

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

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

/** One group of four digits (no leading zeros handled here), e.g. "1005" → "壹仟零伍". */
function group(digits: string): string {
  let out = '';
  let zero = false;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    const unit = SMALL_UNITS[digits.length - 1 - i] ?? '';
    if (digit === 0) {
      zero = out !== '';
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += `${DIGITS[digit]}${unit}`;
  }
  return out;
}

/**
 * The amount in capitals as a Chinese bill writes it: a whole sum ends in 元整 ("100000" → "壹拾万元整"), a gap of
 * zeros reads 零 once ("1005.30" → "壹仟零伍元叁角", "10.05" → "壹拾元零伍分"); negatives are prefixed 负.
 */
export function yuanInCapitals(value: string): string {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new Error(`not an amount: ${value}`);
  const [, sign = '', rawWhole = '0', rawFraction = ''] = match;
  const whole = rawWhole.replace(/^0+(?=\d)/, '');
  const fraction = rawFraction.padEnd(2, '0');
  const jiao = Number(fraction[0]);
  const fen = Number(fraction[1]);
  if (whole === '0' && jiao === 0 && fen === 0) return '零元整';

  let integer = '';
  if (whole !== '0') {
    const groups: string[] = [];
    for (let end = whole.length; end > 0; end -= 4) groups.unshift(whole.slice(Math.max(0, end - 4), end));
    let pendingZero = false;
    groups.forEach((digits, index) => {
      const unit = BIG_UNITS[groups.length - 1 - index] ?? '';
      if (Number(digits) === 0) {
        pendingZero = integer !== '';
        return;
      }
      // A gap inside the number (a zero group, or a group starting with zero after a higher one) reads 零 once.
      if (integer !== '' && (pendingZero || (digits.length === 4 && digits.startsWith('0')))) integer += '零';
      pendingZero = false;
      integer += group(digits.replace(/^0+/, '')) + unit;
    });
    integer += '元';
  }

  let cents = '';
  if (jiao === 0 && fen === 0) cents = '整';
  else {
    if (jiao > 0) cents += `${DIGITS[jiao]}角`;
    else if (integer !== '') cents += '零';
    if (fen > 0) cents += `${DIGITS[fen]}分`;
  }
  return `${sign === '-' ? '负' : ''}${integer}${cents}`;
}

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

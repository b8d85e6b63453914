/**
 * An amount in Chinese capitals (大写) as a bill or a bank writes it, worked out from the digits of its decimal text so
 * that no binary fraction touches money: the console's printed sheet and the platform's PDF of it both use it.
 */

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

/** Citizen identity numbers (公民身份号码), GB 11643-1999: 6 region digits, 8 birth-date digits, 3 sequence, 1 check. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CODES = '10X98765432';

export type IdProblem = 'format' | 'birth_date' | 'checksum';

/** Each problem's stable error code and Chinese reason, the same wherever an ID number is refused. */
export const ID_PROBLEMS = {
  format: { code: 'ID_FORMAT', message: '身份证号码应为 18 位（前 17 位数字，末位数字或 X）' },
  birth_date: { code: 'ID_BIRTH_DATE', message: '身份证号码中的出生日期无效' },
  checksum: { code: 'ID_CHECKSUM', message: '身份证号码校验位错误（GB 11643）' },
} as const satisfies Record<IdProblem, { code: string; message: string }>;

export interface IdInfo {
  region: string;
  birthDate: string; // yyyy-MM-dd
  /** "1" male, "2" female, as the interface's gend code. */
  gender: '1' | '2';
}

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CODES.charAt(sum % 11);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar day written yyyy-MM-dd (arithmetic, not Date: ledgers check millions of them). */
export function isValidDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** Parses an 18-digit ID, or says what is wrong with it. */
export function parseIdNumber(certno: string): { ok: true; info: IdInfo } | { ok: false; problem: IdProblem } {
  const id = certno.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id) || id.startsWith('0')) return { ok: false, problem: 'format' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidDate(birthDate) || birthDate < '1890-01-01') return { ok: false, problem: 'birth_date' };
  if (checkDigit(id.slice(0, 17)) !== id.charAt(17)) return { ok: false, problem: 'checksum' };
  const sequence = Number(id.charAt(16));
  return { ok: true, info: { region: id.slice(0, 6), birthDate, gender: sequence % 2 === 1 ? '1' : '2' } };
}

/** Masks an ID for listings: 341602********123X. */
export function maskIdNumber(certno: string): string {
  return certno.length < 10 ? '*'.repeat(certno.length) : `${certno.slice(0, 6)}********${certno.slice(-4)}`;
}

/**
 * China's clock: the platform's dates and times are China Standard Time (UTC+8, no daylight saving), whatever the
 * server's time zone. A settlement's date, a policy's epoch and a year are decided here.
 */

/** yyyyMMddHHmmssSSS in China Standard Time (UTC+8, no daylight saving). */
export function chinaStamp(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return shifted.replace(/[-:T.Z]/g, '').slice(0, 17);
}

/** yyyy-MM-dd in China Standard Time: the day a settlement or an import belongs to. */
export function chinaDate(at: Date): string {
  return chinaDateTime(at).slice(0, 10);
}

/** yyyy-MM-dd HH:mm:ss in China Standard Time. */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Full years of age on a date (both yyyy-MM-dd). */
export function ageOn(birth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) < birth.slice(5) ? years - 1 : years;
}

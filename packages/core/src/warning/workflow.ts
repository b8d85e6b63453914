/**
 * The follow-up of a warning (台账): fed back to the township and department, visited by the family doctor or the
 * township, then included in the department's monitoring or assisted, and closed. A higher level starts it again.
 */
export const WARNING_STATUSES = {
  new: '新预警',
  sent: '已反馈',
  visited: '已入户走访',
  monitored: '已纳入监测',
  assisted: '已救助帮扶',
  closed: '已办结',
} as const;
export type WarningStatus = keyof typeof WARNING_STATUSES;
export const WARNING_STATUS_CODES = Object.keys(WARNING_STATUSES) as WarningStatus[];

const NEXT: Record<WarningStatus, readonly WarningStatus[]> = {
  new: ['sent'],
  sent: ['visited'],
  visited: ['monitored', 'assisted', 'closed'],
  monitored: ['assisted', 'closed'],
  assisted: ['monitored', 'closed'],
  closed: [],
};

/** Steps that must say what was found or why: a visit's findings, a closing's reason. */
const NOTE_REQUIRED: readonly WarningStatus[] = ['visited', 'closed'];

/** Why the step from `from` to `to` cannot be taken (Chinese, for the user), or null when it can. */
export function refuseTransition(from: WarningStatus, to: WarningStatus, note: string): string | null {
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from].map((status) => `「${WARNING_STATUSES[status]}」`).join('、');
    return `预警当前为「${WARNING_STATUSES[from]}」，${allowed ? `只能转为${allowed}` : '已办结，不能再变更'}`;
  }
  if (NOTE_REQUIRED.includes(to) && note.trim() === '')
    return `转为「${WARNING_STATUSES[to]}」须填写说明（${to === 'visited' ? '走访情况' : '办结理由'}）`;
  return null;
}

export function nextStatuses(from: WarningStatus): readonly WarningStatus[] {
  return NEXT[from];
}

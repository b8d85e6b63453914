/**
 * Console users' roles and what each may do: the role and scope a user carries, the roles' names as shown, and the
 * checks a route makes before acting (requireRole, requireReviewer).
 */
import { ApiError } from './errors.js';

export type Role = 'administrator' | 'operator' | 'reviewer' | 'read_only';

export interface User {
  username: string;
  display_name: string;
  role: Role;
  scope_admdvs: string | null;
  /** A township user (乡镇): within the county, only that township's warnings. */
  township?: string | null;
  /** A department user (乡村振兴、民政 …): only the warnings routed to that department. */
  department?: string | null;
}

export const ROLE_NAMES: Record<Role, string> = {
  administrator: '管理员',
  operator: '经办人员',
  reviewer: '审核人员',
  read_only: '只读',
};

/**
 * What each role may do beyond reading: an operator registers (persons, categories, enrollments, applications), an
 * administrator also manages users; a reviewer only reads and decides applications (requireReviewer), so that the
 * clerk who registers an application and the one who approves its money are different people by role, not by habit.
 */
const RANK: Record<Role, number> = { read_only: 0, reviewer: 0, operator: 1, administrator: 2 };

export function requireRole(user: User, role: Role): void {
  if (RANK[user.role] < RANK[role]) throw new ApiError('FORBIDDEN', `需要「${ROLE_NAMES[role]}」权限`);
}

/** A bureau reviewer: the reviewer role, and neither a township's nor another department's user. */
export function requireReviewer(user: User): void {
  if (user.role !== 'reviewer')
    throw new ApiError('FORBIDDEN', `需要「${ROLE_NAMES.reviewer}」权限：登记申请的经办人员不能审核`);
  if (user.township) throw new ApiError('FORBIDDEN', '乡镇（街道）用户不能审核依申请救助');
  if (user.department && user.department !== 'medical_security')
    throw new ApiError('FORBIDDEN', '依申请救助由医疗保障经办机构审核');
}

/**
 * What the 依申请救助 parts share: the answers' types, the statuses by name and colour, who may register and who may
 * decide (the platform refuses the same), and a refusal in the platform's words.
 */
import type { paths } from '../../api/schema';
import type { Me } from '../../app/session';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type ApplicationItem = Json<paths['/api/assistance-applications']['get']['responses']['200']>['items'][number];
export type ApplicationDetail = Json<paths['/api/assistance-applications/{id}']['get']['responses']['200']>;
export type ApplicationStatus = ApplicationItem['status'];

export const STATUS_OPTIONS: { value: ApplicationStatus; label: string }[] = [
  { value: 'pending', label: '待审核' },
  { value: 'approved', label: '已批准' },
  { value: 'refused', label: '不予批准' },
];
export const STATUS_COLORS: Record<ApplicationStatus, string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
};

/** The medical security bureau's own staff (applications are its business; other departments read). */
const bureau = (me: Me): boolean => !me.township && (!me.department || me.department === 'medical_security');
/** Registers applications at the counter: the bureau's operators. */
export const mayRegister = (me: Me): boolean => bureau(me) && (me.role === 'operator' || me.role === 'administrator');
/** Decides them: the bureau's reviewers (not the clerk who registered the application). */
export const mayDecide = (me: Me): boolean => bureau(me) && me.role === 'reviewer';

export { failureText } from '../../lib/ui';

/** Who may use what, as the screens and their buttons ask (the platform refuses the same on its side). */
import type { Me } from './session';

/** Bureau staff: neither a township's office nor another department. */
export const bureau = (me: Me): boolean => !me.township && !me.department;
/** A bureau clerk who may act at the counter (an operator or an administrator). */
export const counter = (me: Me): boolean => bureau(me) && (me.role === 'operator' || me.role === 'administrator');
/** Everyone but a township's office (departments keep their own ledgers and read enrollment). */
export const notTownship = (me: Me): boolean => !me.township;
export const everyone = (): boolean => true;

/** The audit log: who did what, with what outcome, in one row per action. */

export interface Queryable {
  query(text: string, values: unknown[]): Promise<unknown>;
}

/** `actor` names who acted: `user:<username>`, `his:<fixmedins_code>`, `cli:<login>`. */
export async function audit(
  db: Queryable,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
  outcome = 'ok',
): Promise<void> {
  await db.query('insert into audit_log (actor, action, outcome, detail) values ($1, $2, $3, $4)', [
    actor,
    action,
    outcome,
    detail,
  ]);
}

/** Printed copies of settlement sheets: the first is the original, every later one a reprint (补打). */
import { inTransaction, type Pool } from '../db/pool.js';

export interface PrintRow {
  copy: number;
  printed_by: string;
  printed_by_name: string;
  printed_at: Date;
}

/** Records one more printed copy of a settlement (its row locked, so two clerks printing at once get 1 and 2). */
export async function recordPrint(pool: Pool, psnNo: string, setlId: string, username: string): Promise<PrintRow> {
  return inTransaction(pool, async (client) => {
    await client.query('select 1 from settlements where psn_no = $1 and setl_id = $2 for update', [psnNo, setlId]);
    const { rows } = await client.query<PrintRow>(
      `insert into settlement_prints (psn_no, setl_id, copy, printed_by)
       select $1, $2, coalesce(max(copy), 0) + 1, $3 from settlement_prints where psn_no = $1 and setl_id = $2
       returning copy, printed_by, (select display_name from users where username = $3) as printed_by_name, printed_at`,
      [psnNo, setlId, username],
    );
    return rows[0]!;
  });
}

export async function printsOf(pool: Pool, psnNo: string, setlId: string): Promise<PrintRow[]> {
  const { rows } = await pool.query<PrintRow>(
    `select p.copy, p.printed_by, coalesce(u.display_name, p.printed_by) as printed_by_name, p.printed_at
       from settlement_prints p left join users u on u.username = p.printed_by
      where p.psn_no = $1 and p.setl_id = $2 order by p.copy`,
    [psnNo, setlId],
  );
  return rows;
}

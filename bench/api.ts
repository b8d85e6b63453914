/**
 * npm run bench:api — settlements per second and p50/p99 latency of the HIS endpoint under many concurrent HIS
 * clients, and pgbench's TPC-B-like tps on the same PostgreSQL server in the same run, so that the ratio holds on a
 * noisy machine. Starts its own PostgreSQL (embedded, temporary folder) and the platform as a separate process.
 * Writes its figures into docs/BENCHMARKS.md between the bench:api markers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { demoSecret, freePort, PolicyRegistry, seedDemo } from '@sanbao/server';
import { measuredOn, publish, withScratchDatabase } from './benchmarks-doc.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const PERSONS = Number(process.env['BENCH_PERSONS'] ?? 20000);

function pgbenchPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('pgbench not found: apt-get install -y postgresql-client (it ships pgbench)');
  }
}

await withScratchDatabase(8, async (pool, database) => {
  const today = new Date();
  await seedDemo(pool, new PolicyRegistry(), PERSONS, today, () => {});

  // Open outpatient visits, one per request the load can send: insured people at every demo institution.
  const visits = (
    await pool.query<{ psn_no: string; mdtrt_id: string; fixmedins_code: string }>(
      `with people as (select psn_no, row_number() over (order by psn_no) as n from enrollments where year = extract(year from now() at time zone 'Asia/Shanghai')::int),
            places as (select fixmedins_code, row_number() over (order by fixmedins_code) - 1 as k, count(*) over () as total from institutions)
       insert into encounters (psn_no, mdtrt_id, fixmedins_code, med_type, insutype, begntime, status, created_msgid)
       select p.psn_no, 'MB' || lpad(g::text, 10, '0'), pl.fixmedins_code, '11', '390', now(), 'open', 'bench'
         from generate_series(1, $1) g
         join people p on p.n = 1 + (g::bigint * 7919) % (select count(*) from people)
         join places pl on pl.k = g % pl.total
       returning psn_no, mdtrt_id, fixmedins_code`,
      [CONNECTIONS * SECONDS * 1500],
    )
  ).rows;

  const port = await freePort();
  const server = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : []),
      fileURLToPath(new URL('../packages/server/dist/main.js', import.meta.url)),
    ],
    {
      env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), SANBAO_DEMO: '0', LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    },
  );
  // A benchmark that fails part-way must not leave the platform running.
  process.once('exit', () => server.kill('SIGTERM'));
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      if (attempt > 300) throw new Error('platform did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  let next = 0;
  const stamp = new Date(today.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const load = (seconds: number): Promise<autocannon.Result> =>
    autocannon({
      url: `http://127.0.0.1:${port}/fsi/api/rsfComIfsService/callService`,
      connections: CONNECTIONS,
      duration: seconds,
      method: 'POST',
      requests: [
        {
          setupRequest: (request) => {
            const visit = visits[next++ % visits.length]!;
            const medfee = 50 + (next % 997) * 1.37;
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                authorization: `Basic ${Buffer.from(`${visit.fixmedins_code}:${demoSecret(visit.fixmedins_code)}`).toString('base64')}`,
              },
              body: JSON.stringify({
                infno: '2207',
                msgid: `B${String(next).padStart(12, '0')}`,
                mdtrtarea_admvs: '341600',
                opter: 'bench',
                inf_time: stamp,
                fixmedins_code: visit.fixmedins_code,
                input: {
                  data: {
                    psn_no: visit.psn_no,
                    mdtrt_id: visit.mdtrt_id,
                    med_type: next % 3 === 0 ? '14' : '11',
                    medfee_sumamt: Math.round(medfee * 100) / 100,
                    fulamt_ownpay_amt: 0,
                    overlmt_selfpay: 0,
                    preselfpay_amt: 0,
                  },
                },
              }),
            };
          },
        },
      ],
    });

  // pgbench's TPC-B-like load on the same server, same client count.
  const pgbench = pgbenchPath();
  // Only the superuser creates databases; pgbench runs as the platform's role, like the platform.
  const admin = database.adminUrlFor('postgres');
  execFileSync('psql', [admin, '-qc', `create database pgbench owner ${database.appRole}`], { stdio: 'ignore' });
  const benchUrl = database.urlFor('pgbench');
  execFileSync(pgbench, ['-i', '-q', '-s', '10', benchUrl], { stdio: 'ignore' });
  const runPgbench = (seconds: number): { tps: number; transactions: number } => {
    const output = execFileSync(pgbench, ['-c', String(CONNECTIONS), '-j', '2', '-T', String(seconds), benchUrl], {
      encoding: 'utf8',
    });
    return {
      tps: Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN),
      transactions: Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? NaN),
    };
  };

  // CPU seconds spent so far by the machine, the platform process and PostgreSQL's processes (Linux /proc), so that
  // each load's CPU per transaction can be set side by side.
  const ticks = (stat: string): number => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime + the same of reaped children (backends that ended), in clock ticks of 1/100 s
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  };
  // Only this run's PostgreSQL: its postmaster (the first line of postmaster.pid) and the backends it started; other
  // servers on a shared machine are not counted.
  const postmaster = Number(readFileSync(join(database.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const cpuSeconds = (): { machine: number; platform: number; postgres: number } => {
    const all = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const machine = (all.reduce((sum, value) => sum + value, 0) - all[3]! - all[4]!) / 100; // minus idle and iowait
    let postgres = 0;
    let platform = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number(pid) === server.pid) platform = ticks(stat);
        else if (Number(pid) === postmaster || parent === postmaster) postgres += ticks(stat);
      } catch {
        // the process ended while we looked
      }
    }
    return { machine, platform, postgres };
  };
  const settlementCpu = { machine: 0, platform: 0, postgres: 0 };
  let pgbenchCpu = 0;
  let pgbenchTransactions = 0;

  // The two loads alternate in slices, so that a noisy neighbour slows both alike and the ratio holds.
  const SLICES = 4;
  const slice = SECONDS / SLICES;
  const results: autocannon.Result[] = [];
  const tpsSlices: number[] = [];
  const countSettled = async (): Promise<number> =>
    Number((await pool.query("select count(*) from settlements where kind = 'settlement'")).rows[0].count);
  await load(3); // warm-up, not counted: JIT, and each connection preparing its statements
  const settledBefore = await countSettled();
  for (let round = 0; round < SLICES; round++) {
    const atStart = cpuSeconds();
    results.push(await load(slice));
    const atSwitch = cpuSeconds();
    const pgbenchRun = runPgbench(slice);
    const atEnd = cpuSeconds();
    for (const key of ['machine', 'platform', 'postgres'] as const) settlementCpu[key] += atSwitch[key] - atStart[key];
    pgbenchCpu += atEnd.machine - atSwitch.machine;
    pgbenchTransactions += pgbenchRun.transactions;
    tpsSlices.push(pgbenchRun.tps);
  }
  server.kill('SIGTERM');
  const settled = (await countSettled()) - settledBefore;
  const refused = Number((await pool.query("select count(*) from audit_log where actor like 'his:%'")).rows[0].count);
  const settlementsPerSecond = settled / SECONDS;
  const tps = tpsSlices.reduce((sum, value) => sum + value, 0) / SLICES;
  const result = {
    latency: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
    },
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };

  const ratio = settlementsPerSecond / tps;
  const perSettlement = (seconds: number): string => `${((seconds * 1000) / settled).toFixed(2)} ms`;
  const perPgbench = `${((pgbenchCpu * 1000) / pgbenchTransactions).toFixed(2)} ms`;
  const report = [
    `${measuredOn()}, embedded PostgreSQL 18; the platform, PostgreSQL, the load generator and pgbench all on this machine.`,
    `Command: \`npm run bench:api\` (BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_SECONDS=${SECONDS}, BENCH_PERSONS=${PERSONS}).`,
    '',
    `Load: ${CONNECTIONS} concurrent HIS clients (autocannon) sending 2207 outpatient settlements (one third 门诊慢特病) for ${new Set(visits.map((v) => v.psn_no)).size.toLocaleString('en-US')} persons at ${new Set(visits.map((v) => v.fixmedins_code)).size} institutions, each a full transaction: message log, encounter and person-year locks, engine with trace, settlement, postings, accumulators. Alternating with it in ${SLICES} slices of ${slice} s each: \`pgbench -c ${CONNECTIONS} -j 2\` (TPC-B-like, scale 10) on the same server. Latency: the worst slice's p50 and p99, after a 3 s warm-up that is not counted; pgbench: the mean of its slices.`,
    '',
    '| measure | value | target |',
    '|---|---:|---:|',
    `| settlements per second | ${settlementsPerSecond.toFixed(0)} | |`,
    `| latency p50 | ${result.latency.p50} ms | |`,
    `| latency p99 | ${result.latency.p99} ms | < 50 ms |`,
    `| pgbench tps (same server, same run) | ${tps.toFixed(0)} | |`,
    `| settlements/s ÷ pgbench tps | ${ratio.toFixed(2)} | ≥ 0.5 |`,
    `| non-2xx replies / refused messages / errors | ${result.non2xx} / ${refused} / ${result.errors} | 0 |`,
    '',
    "CPU per transaction, from /proc over the same slices (busy time divided by the transactions done; PostgreSQL: this run's server and its backends only):",
    '',
    '| load | machine | platform process | PostgreSQL |',
    '|---|---:|---:|---:|',
    `| one settlement | ${perSettlement(settlementCpu.machine)} | ${perSettlement(settlementCpu.platform)} | ${perSettlement(settlementCpu.postgres)} |`,
    `| one pgbench transaction (pgbench itself included) | ${perPgbench} | | |`,
  ].join('\n');
  publish('api', report);
});

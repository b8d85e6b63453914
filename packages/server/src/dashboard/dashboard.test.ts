/**
 * The front page (GET /api/dashboard): the funds' amounts and person-times today, this month, by month and by county,
 * net of cancellations, and the counts waiting for the user, each within the user's scope — from settlements made
 * through the HIS interface, on days set by the app's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { PolicyRegistry } from '../policies.js';
import { insertPersons } from '../persons/repository.js';
import { accepted } from '../test-support/his-calls.js';
import {
  certnoOf,
  consoleApi,
  createWorld,
  envelope,
  idNumber,
  registerVisit,
  signIn,
  type World,
} from '../test-support/world.js';

let world: World;
const others: World[] = [];
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

/** The same database and policies behind an app whose clock says `moment`: settlements made on another day. */
async function worldAt(moment: string): Promise<World> {
  const app = await buildApp({
    pool: world.pool,
    policies: new PolicyRegistry(),
    bodyLimit: 200_000,
    logLevel: 'silent',
    clock: () => new Date(moment),
  });
  const other = { ...world, app, close: () => app.close() };
  others.push(other);
  return other;
}

/** A chronic-disease outpatient visit (门诊慢特病, med_type 14) at the county hospital, settled by its total. */
async function chronic(w: World, psnNo: string, medfee: number, begntime: string): Promise<string> {
  const mdtrtId = await registerVisit(w, psnNo, { begntime });
  const data = {
    psn_no: psnNo,
    mdtrt_id: mdtrtId,
    med_type: '14',
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  const settled = await accepted(w, envelope('2207', { data }));
  ids[`${psnNo}:${medfee}`] = mdtrtId;
  return settled.output['setlinfo'].setl_id as string;
}

/** 2208 of a visit's settlement; returns the cancellation's msgid (for a 2601 of it). */
async function cancel(psnNo: string, mdtrtId: string, setlId: string): Promise<string> {
  const body = envelope('2208', { data: { psn_no: psnNo, mdtrt_id: mdtrtId, setl_id: setlId } });
  await accepted(world, body);
  return body['msgid'] as string;
}

/** The Bozhou county stay of his.test.ts: admitted 2026-06-01, discharged 2026-06-14, settled today. */
async function countyStay(psnNo: string): Promise<string> {
  const admission = await accepted(
    world,
    envelope('2401', {
      mdtrtinfo: {
        psn_no: psnNo,
        insutype: '390',
        begntime: '2026-06-01 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: await certnoOf(world, psnNo),
        med_type: '21',
        ipt_no: 'ZY001',
      },
      diseinfo: [{ diag_code: 'I63.9' }],
    }),
  );
  const mdtrtId = admission.output['result'].mdtrt_id as string;
  const lines = [
    { chrgitm_lv: '01', det_item_fee_sumamt: 50000, pric: 50000 },
    { chrgitm_lv: '02', det_item_fee_sumamt: 5000, pric: 5000, selfpay_prop: 0 },
    { chrgitm_lv: '03', det_item_fee_sumamt: 5000, pric: 5000 },
  ];
  const feedetail = lines.map((line, index) => ({
    feedetl_sn: `F${index + 1}`,
    mdtrt_id: mdtrtId,
    psn_no: psnNo,
    fee_ocur_time: '2026-06-02 09:00:00',
    med_list_codg: `X${index}`,
    cnt: 1,
    ...line,
  }));
  await accepted(world, envelope('2301', { feedetail }));
  await accepted(
    world,
    envelope('2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' },
      diseinfo: [],
    }),
  );
  const data = { psn_no: psnNo, mdtrt_id: mdtrtId, medfee_sumamt: 60000, insutype: '390', mid_setl_flag: '0' };
  return (await accepted(world, envelope('2304', { data }))).output['setlinfo'].setl_id as string;
}

beforeAll(async () => {
  world = await createWorld('dashboard');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  // Beside the world's P001 (低保, 古井镇), P002 (ordinary, 古井镇) and P003 (insured 2025 only, 古井镇): an ordinary
  // resident of another township of 谯城区, and one of 涡阳县.
  await insertPersons(world.pool, [
    {
      psnNo: 'P201',
      certno: idNumber('341602', '1970-03-03', '311'),
      name: '周平',
      admdvs: '341602',
      township: '十八里镇',
    },
    { psnNo: 'P301', certno: idNumber('341621', '1982-08-08', '412'), name: '吴芳', admdvs: '341621', township: '' },
  ]);
  await world.pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) values ('P201', 2026, '2026-01-01', '2026-12-31'), ('P301', 2026, '2026-01-01', '2026-12-31')",
  );
  for (const user of [
    { username: 'admin', display_name: '管理员', role: 'administrator', scope_admdvs: null },
    { username: 'viewer', display_name: '市局查询', role: 'read_only', scope_admdvs: '341600' },
    { username: 'clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' },
    { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' },
    { username: 'gujing', display_name: '古井镇', role: 'operator', scope_admdvs: '341602', township: '古井镇' },
    {
      username: 'rural',
      display_name: '谯城区乡村振兴局',
      role: 'operator',
      scope_admdvs: '341602',
      department: 'rural_revitalization',
    },
  ] as const) {
    tokens[user.username] = await signIn(world, user);
  }

  // Chronic-disease outpatient, Bozhou: basic 60% of the bill (no deductible, 10,000 a year), critical illness only
  // above 12,000 of the year's in-scope burden, no assistance for ordinary residents: a bill of B pays 0.6 × B.
  // 2025-12-20, P003: 800 → basic 480.00 (last year: in the twelve months, not in this year's counties).
  await chronic(await worldAt('2025-12-20T02:00:00Z'), 'P003', 800, '2025-12-20 08:00:00');
  // 2026-05-10, P002: 300 → basic 180.00.
  await chronic(await worldAt('2026-05-10T02:00:00Z'), 'P002', 300, '2026-05-10 08:00:00');
  // 2026-06-03, P201: 400 → basic 240.00, personal 160.00.
  await chronic(await worldAt('2026-06-03T02:00:00Z'), 'P201', 400, '2026-06-03 08:00:00');
  // Today, 2026-06-15 (the world's clock):
  // P001's county stay (his.test.ts): basic 43,600.00, critical illness 3,510.00, assistance 5,917.50, personal
  // 6,972.50 of 60,000.00.
  ids['stay'] = await countyStay('P001');
  // P002: 1,000 → basic 600.00, personal 400.00; and 500 → basic 300.00, cancelled the same day (net 0).
  ids['b1'] = await chronic(world, 'P002', 1000, '2026-06-15 08:00:00');
  ids['b2'] = await chronic(world, 'P002', 500, '2026-06-15 08:30:00');
  await cancel('P002', ids['P002:500']!, ids['b2']);
  // P201: 2,000 → basic 1,200.00, personal 800.00; cancelled, and the cancellation reversed (2601): it stands again,
  // once — the cancellation and its reversal are void.
  ids['c'] = await chronic(world, 'P201', 2000, '2026-06-15 09:00:00');
  const cancellation = await cancel('P201', ids['P201:2000']!, ids['c']);
  await accepted(world, envelope('2601', { data: { psn_no: 'P201', omsgid: cancellation, oinfno: '2208' } }));
  // P301 of 涡阳县: 1,000 → basic 600.00, personal 400.00.
  ids['d'] = await chronic(world, 'P301', 1000, '2026-06-15 09:30:00');

  // Warnings (year, level, status, township, department): only this year's, with a level, not closed, count.
  await world.pool.query(
    `insert into warnings (psn_no, year, level, population, amount, admdvs, township, department, status, feedback_due,
                           raised_at, level_at, updated_at)
     select psn_no, year, level, 'ordinary', 100000, admdvs, township, department, status, '2026-06-30', now(), now(), now()
       from (values ('P001', 2026, 'blue', '341602', '古井镇', 'rural_revitalization', 'new'),
                    ('P201', 2026, 'yellow', '341602', '十八里镇', 'civil_affairs', 'visited'),
                    ('P002', 2026, 'red', '341602', '古井镇', 'rural_revitalization', 'closed'),
                    ('P002', 2025, 'red', '341602', '古井镇', 'rural_revitalization', 'sent'),
                    ('P003', 2026, 'none', '341602', '古井镇', 'rural_revitalization', 'new'),
                    ('P301', 2026, 'red', '341621', '', 'rural_revitalization', 'sent'))
            as w(psn_no, year, level, admdvs, township, department, status)`,
  );
  // Applications: three pending (P002, P201 of 谯城区, P301 of 涡阳县), one refused, one approved.
  await world.pool.query(
    `insert into assistance_applications (psn_no, year, status, burden, qualifying, applied_by, applied_at, decided_by, decided_at, reason)
     values ('P002', 2026, 'pending', 2000000, 1000000, 'clerk', now(), null, null, null),
            ('P201', 2026, 'pending', 2000000, 1000000, 'clerk', now(), null, null, null),
            ('P301', 2026, 'pending', 2000000, 1000000, 'guoyang', now(), null, null, null),
            ('P001', 2025, 'refused', 2000000, 1000000, 'clerk', now(), 'reviewer', now(), '不符合条件'),
            ('P003', 2025, 'approved', 2000000, 1000000, 'clerk', now(), 'reviewer', now(), null)`,
  );
  // Ledger imports with re-settlements listed: #1 (谯城区) P002's 1,000 (standing) and 500 (cancelled since); #2
  // (谯城区) only the cancelled 500; #3 (涡阳县) P301's 1,000.
  const imports = await world.pool.query<{ import_id: number }>(
    `insert into ledger_imports (source_dept, region, ledger_date, file_name, file_sha256, mode, status, total_rows, good_rows, bad_rows, actor)
     values ('civil_affairs', '341602', '2026-06-01', 'a.csv', 'a', 'atomic', 'imported', 1, 1, 0, 'clerk'),
            ('civil_affairs', '341602', '2026-06-02', 'b.csv', 'b', 'atomic', 'imported', 1, 1, 0, 'clerk'),
            ('civil_affairs', '341621', '2026-06-01', 'c.csv', 'c', 'atomic', 'imported', 1, 1, 0, 'guoyang')
     returning import_id`,
  );
  const [first, second, third] = imports.rows.map((row) => row.import_id);
  await world.pool.query(
    `insert into ledger_import_resettlements (import_id, psn_no, setl_id, code, spell_end)
     values ($1, 'P002', $4, 'monitored', '2026-05-31'), ($1, 'P002', $5, 'monitored', '2026-05-31'),
            ($2, 'P002', $5, 'monitored', '2026-05-31'), ($3, 'P301', $6, 'monitored', '2026-05-31')`,
    [first, second, third, ids['b1'], ids['b2'], ids['d']],
  );
});
afterAll(async () => {
  for (const other of others) await other.close();
  await world.close();
});

async function dashboard(user: string, query = ''): Promise<any> {
  const answer = await consoleApi(world, tokens[user]!)('GET', `/api/dashboard${query}`);
  expect(answer.status).toBe(200);
  return answer.json;
}

const nothing = { hifp_pay: '0.00', hifmi_pay: '0.00', maf_pay: '0.00', person_times: 0 };

/** The twelve months 2025-07 … 2026-06 with nothing, but for the months given. */
function months(given: Record<string, Partial<typeof nothing>>): unknown[] {
  return ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']
    .concat(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'])
    .map((month) => ({ month, ...nothing, ...given[month] }));
}

describe('GET /api/dashboard', () => {
  it('gives the whole system today, this month, twelve months and the counties, net of cancellations', async () => {
    const answer = await dashboard('admin');
    expect(answer.year).toBe(2026);
    expect(answer.today).toEqual({
      date: '2026-06-15',
      // Basic: 43,600 (stay) + 600 (P002) + 300 − 300 (P002, cancelled) + 1,200 (P201, reinstated) + 600 (P301).
      hifp_pay: '46000.00',
      hifmi_pay: '3510.00',
      maf_pay: '5917.50',
      // Settlements with basic paid: the stay, P002 ×2, P201, P301 = 5, less P002's cancellation = 4; P201's
      // cancellation and its reversal are void and count nothing.
      hifp_person_times: 4,
      hifmi_person_times: 1,
      maf_person_times: 1,
      settlements: 4,
      // 60,000 + 1,000 + 500 − 500 + 2,000 + 1,000.
      medfee_sumamt: '64000.00',
      // 6,972.50 + 400 + 200 − 200 + 800 + 400.
      psn_part_amt: '8572.50',
    });
    expect(answer.month).toEqual({
      from: '2026-06-01',
      to: '2026-06-15',
      // Today and P201's 400 of 2026-06-03: 46,000 + 240; 64,000 + 400; 8,572.50 + 160.
      hifp_pay: '46240.00',
      hifmi_pay: '3510.00',
      maf_pay: '5917.50',
      hifp_person_times: 5,
      hifmi_person_times: 1,
      maf_person_times: 1,
      settlements: 5,
      medfee_sumamt: '64400.00',
      psn_part_amt: '8732.50',
    });
    expect(answer.monthly).toEqual(
      months({
        '2025-12': { hifp_pay: '480.00', person_times: 1 },
        '2026-05': { hifp_pay: '180.00', person_times: 1 },
        '2026-06': { hifp_pay: '46240.00', hifmi_pay: '3510.00', maf_pay: '5917.50', person_times: 5 },
      }),
    );
    // 2026 only: 谯城区 43,600 + 600 + 1,200 + 240 + 180 = 45,820.00 in 5 settlements (P003's of 2025 left out);
    // 涡阳县 600.00 in 1.
    expect(answer.by_county).toEqual([
      {
        admdvs: '341602',
        name: '谯城区',
        hifp_pay: '45820.00',
        hifmi_pay: '3510.00',
        maf_pay: '5917.50',
        person_times: 5,
      },
      { admdvs: '341621', name: '涡阳县', hifp_pay: '600.00', hifmi_pay: '0.00', maf_pay: '0.00', person_times: 1 },
    ]);
    expect(answer.pending_applications).toBe(3);
    // Blue P001, yellow P201, red P301; P002's red is closed (and its 2025 one another year), P003's has no level.
    expect(answer.open_warnings).toEqual({ blue: 1, yellow: 1, red: 1 });
    // #1 (P002's standing 1,000) and #3 (P301's); #2 listed only a settlement cancelled since.
    expect(answer.ledger_imports).toEqual({ awaiting_resettlement: 2, resettlements: 2 });
  });

  it('lets a read-only user of the city read the same figures', async () => {
    const admin = await dashboard('admin');
    const viewer = await dashboard('viewer');
    expect(viewer).toEqual(admin);
    expect(viewer.today.hifp_pay).toBe('46000.00');
  });

  it('shows a county only its own, and another county none of them', async () => {
    const clerk = await dashboard('clerk');
    // 谯城区 today: 43,600 + 600 + 1,200 = 45,400.00 in 3 settlements; medfee 60,000 + 1,000 + 2,000.
    expect(clerk.today).toMatchObject({ hifp_pay: '45400.00', settlements: 3, medfee_sumamt: '63000.00' });
    expect(clerk.by_county.map((county: { admdvs: string }) => county.admdvs)).toEqual(['341602']);
    expect(clerk.monthly[5]).toEqual({ month: '2025-12', ...nothing, hifp_pay: '480.00', person_times: 1 });
    expect(clerk.pending_applications).toBe(2);
    expect(clerk.open_warnings).toEqual({ blue: 1, yellow: 1, red: 0 });
    expect(clerk.ledger_imports).toEqual({ awaiting_resettlement: 1, resettlements: 1 });

    const guoyang = await dashboard('guoyang');
    // 涡阳县: P301's 600.00 and nothing of 谯城区.
    expect(guoyang.today).toMatchObject({
      hifp_pay: '600.00',
      hifmi_pay: '0.00',
      maf_pay: '0.00',
      hifp_person_times: 1,
      settlements: 1,
      medfee_sumamt: '1000.00',
      psn_part_amt: '400.00',
    });
    expect(guoyang.monthly).toEqual(months({ '2026-06': { hifp_pay: '600.00', person_times: 1 } }));
    expect(guoyang.by_county).toEqual([
      { admdvs: '341621', name: '涡阳县', hifp_pay: '600.00', hifmi_pay: '0.00', maf_pay: '0.00', person_times: 1 },
    ]);
    expect(guoyang.pending_applications).toBe(1);
    expect(guoyang.open_warnings).toEqual({ blue: 0, yellow: 0, red: 1 });
    expect(guoyang.ledger_imports).toEqual({ awaiting_resettlement: 1, resettlements: 1 });
  });

  it('narrows by admdvs within the scope, never beyond it', async () => {
    const narrowed = await dashboard('admin', '?admdvs=341621');
    expect(narrowed.today).toMatchObject({ hifp_pay: '600.00', settlements: 1 });
    expect(narrowed.by_county.map((county: { admdvs: string }) => county.admdvs)).toEqual(['341621']);
    expect(narrowed.open_warnings).toEqual({ blue: 0, yellow: 0, red: 1 });
    // 涡阳县 naming 谯城区 sees nothing of it.
    const beyond = await dashboard('guoyang', '?admdvs=341602');
    expect(beyond.today).toMatchObject({ hifp_pay: '0.00', hifmi_pay: '0.00', settlements: 0 });
    expect(beyond.monthly).toEqual(months({}));
    expect(beyond.by_county).toEqual([]);
    expect(beyond.pending_applications).toBe(0);
    expect(beyond.open_warnings).toEqual({ blue: 0, yellow: 0, red: 0 });
    expect(beyond.ledger_imports).toEqual({ awaiting_resettlement: 0, resettlements: 0 });
    const bad = await consoleApi(world, tokens['admin']!)('GET', '/api/dashboard?admdvs=34');
    expect(bad).toMatchObject({ status: 400, json: { code: 'SCHEMA' } });
  });

  it('shows a township user only that township’s persons and warnings', async () => {
    const gujing = await dashboard('gujing');
    // 古井镇 (P001, P002, P003) today: the stay and P002's 1,000 (its 500 cancelled): basic 43,600 + 600 = 44,200.00;
    // medfee 60,000 + 1,000; personal 6,972.50 + 400. P201 (十八里镇) is not in it.
    expect(gujing.today).toEqual({
      date: '2026-06-15',
      hifp_pay: '44200.00',
      hifmi_pay: '3510.00',
      maf_pay: '5917.50',
      hifp_person_times: 2,
      hifmi_person_times: 1,
      maf_person_times: 1,
      settlements: 2,
      medfee_sumamt: '61000.00',
      psn_part_amt: '7372.50',
    });
    // No settlement of 古井镇 on 2026-06-03: the month is today.
    expect(gujing.month).toMatchObject({ hifp_pay: '44200.00', settlements: 2 });
    // This year: 44,200 + 180 (P002 in May) = 44,380.00 in 3.
    expect(gujing.by_county).toEqual([
      {
        admdvs: '341602',
        name: '谯城区',
        hifp_pay: '44380.00',
        hifmi_pay: '3510.00',
        maf_pay: '5917.50',
        person_times: 3,
      },
    ]);
    expect(gujing.pending_applications).toBe(1);
    // A township sees a warning once the bureau has handed it down (下放): none yet, then its one blue.
    expect(gujing.open_warnings).toEqual({ blue: 0, yellow: 0, red: 0 });
    const handed = await consoleApi(world, tokens['clerk']!)('POST', '/api/warning-handovers', {
      basis: 'township',
      township: '古井镇',
    });
    expect(handed.status).toBe(201);
    expect((await dashboard('gujing')).open_warnings).toEqual({ blue: 1, yellow: 0, red: 0 });
  });

  it('shows a department user the region’s settlements but only the warnings routed to the department', async () => {
    const clerk = await dashboard('clerk');
    const rural = await dashboard('rural');
    expect(rural.today).toEqual(clerk.today);
    expect(rural.by_county).toEqual(clerk.by_county);
    // P201's yellow went to civil affairs.
    expect(rural.open_warnings).toEqual({ blue: 1, yellow: 0, red: 0 });
  });

  it('refuses a caller who is not signed in', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/api/dashboard' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});

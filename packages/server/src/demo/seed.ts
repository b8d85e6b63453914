/**
 * The demo city, loaded into an empty database on first start: Bozhou (亳州) with its four counties, a city,
 * county and township hospital network with locations, residents with realistic category shares and enrollments,
 * and a history of settlements made through the HIS endpoint itself.
 */
import { checkDigit, loadPolicy, premiumSubsidy, seededRandom, type CategoryCode } from '@sanbao/core';
import type { Pool } from '../db/pool.js';
import { createUser, type User } from '../console/auth.js';
import { callService, hashSecret } from '../his/endpoint.js';
import { chinaDateTime } from '../his/protocol.js';
import type { PolicyRegistry } from '../policies.js';

const POLICY = 'anhui/bozhou';

const COUNTIES = [
  {
    admdvs: '341602',
    name: '谯城区',
    lat: 33.87,
    lon: 115.78,
    townships: ['古井镇', '十八里镇', '魏岗镇', '城父镇', '立德镇'],
  },
  {
    admdvs: '341621',
    name: '涡阳县',
    lat: 33.49,
    lon: 116.21,
    townships: ['城关街道', '高公镇', '义门镇', '石弓镇', '丹城镇'],
  },
  {
    admdvs: '341622',
    name: '蒙城县',
    lat: 33.27,
    lon: 116.56,
    townships: ['城关街道', '双涧镇', '小涧镇', '坛城镇', '立仓镇'],
  },
  {
    admdvs: '341623',
    name: '利辛县',
    lat: 33.14,
    lon: 116.21,
    townships: ['城关镇', '阚疃镇', '张村镇', '江集镇', '孙庙乡'],
  },
];

/** Shares of the residents certified in each category, and the department that certifies it. */
const CATEGORY_SHARES: { code: CategoryCode; share: number; dept: string }[] = [
  { code: 'extreme_poverty', share: 0.006, dept: 'civil_affairs' },
  { code: 'subsistence_allowance', share: 0.03, dept: 'civil_affairs' },
  { code: 'low_income_margin', share: 0.01, dept: 'civil_affairs' },
  { code: 'returned_to_poverty', share: 0.005, dept: 'rural_revitalization' },
  { code: 'monitored', share: 0.02, dept: 'rural_revitalization' },
  { code: 'stable_exit', share: 0.04, dept: 'rural_revitalization' },
  { code: 'illness_impoverished', share: 0.002, dept: 'medical_security' },
];

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰建国志强淑珍海燕春梅德胜文明红梅家乐雨欣子涵浩然';

/** Console users of the demo city: one per role, with different region scopes. */
export const DEMO_USERS: (User & { password: string })[] = [
  { username: 'admin', display_name: '系统管理员', role: 'administrator', scope_admdvs: null, password: 'demo-admin' },
  {
    username: 'operator',
    display_name: '谯城区经办员',
    role: 'operator',
    scope_admdvs: '341602',
    password: 'demo-operator',
  },
  {
    username: 'viewer',
    display_name: '市局查询员',
    role: 'read_only',
    scope_admdvs: '341600',
    password: 'demo-viewer',
  },
];

export interface DemoInstitution {
  code: string;
  name: string;
  secret: string;
}

export function demoSecret(code: string): string {
  return `demo-${code}`;
}

/** Loads the demo city unless the database already has institutions. Returns the demo institutions' credentials. */
export async function seedDemo(
  pool: Pool,
  policies: PolicyRegistry,
  persons: number,
  today: Date,
  log: (line: string) => void,
): Promise<DemoInstitution[] | null> {
  const existing = await pool.query('select 1 from institutions limit 1');
  if (existing.rowCount) return null;
  const rand = seededRandom(20220101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

  await pool.query("insert into regions (admdvs, name, parent, policy_id) values ('341600', '亳州市', null, $1)", [
    POLICY,
  ]);
  for (const county of COUNTIES)
    await pool.query('insert into regions (admdvs, name, parent, policy_id) values ($1, $2, $3, $4)', [
      county.admdvs,
      county.name,
      '341600',
      POLICY,
    ]);

  const institutions: { code: string; name: string; level: string; admdvs: string; lat: number; lon: number }[] = [
    { code: 'H34160000001', name: '亳州市人民医院', level: 'city', admdvs: '341602', lat: 33.858, lon: 115.776 },
    { code: 'H34160000002', name: '亳州市中医院', level: 'city', admdvs: '341602', lat: 33.862, lon: 115.792 },
  ];
  COUNTIES.forEach((county, c) => {
    institutions.push({
      code: `H${county.admdvs}00001`,
      name: `${county.name}人民医院`,
      level: 'county',
      admdvs: county.admdvs,
      lat: county.lat + 0.01,
      lon: county.lon,
    });
    institutions.push({
      code: `H${county.admdvs}00002`,
      name: `${county.name}中医院`,
      level: 'county',
      admdvs: county.admdvs,
      lat: county.lat - 0.01,
      lon: county.lon + 0.01,
    });
    county.townships.forEach((township, t) => {
      const angle = ((c * 5 + t) / 20) * 2 * Math.PI;
      institutions.push({
        code: `H${county.admdvs}1${String(t + 1).padStart(4, '0')}`,
        name: `${county.name}${township}卫生院`,
        level: 'township',
        admdvs: county.admdvs,
        lat: county.lat + 0.12 * Math.sin(angle),
        lon: county.lon + 0.12 * Math.cos(angle),
      });
    });
  });
  for (const institution of institutions) {
    await pool.query(
      'insert into institutions (fixmedins_code, name, level, admdvs, lat, lon, secret_sha256) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        institution.code,
        institution.name,
        institution.level,
        institution.admdvs,
        institution.lat,
        institution.lon,
        hashSecret(demoSecret(institution.code)),
      ],
    );
  }

  const year = Number(chinaDateTime(today).slice(0, 4));
  const policy = loadPolicy(POLICY);
  const certnos = new Set<string>();
  const rows = {
    psn: [] as string[],
    certno: [] as string[],
    name: [] as string[],
    gend: [] as string[],
    brdy: [] as string[],
    admdvs: [] as string[],
    township: [] as string[],
  };
  const spells = { psn: [] as string[], code: [] as string[], begin: [] as string[], dept: [] as string[] };
  const enrol = {
    psn: [] as string[],
    year: [] as number[],
    begin: [] as string[],
    end: [] as string[],
    contribution: [] as number[],
    subsidy: [] as number[],
    category: [] as (string | null)[],
    fiscal: [] as number[],
    rule: [] as string[],
    paidOn: [] as string[],
  };
  for (let i = 0; i < persons; i++) {
    const county = pick(COUNTIES);
    const birth = new Date(
      Date.UTC(1940 + Math.floor(rand() * 82), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    );
    const brdy = birth.toISOString().slice(0, 10);
    let certno = '';
    do {
      const first17 = `${county.admdvs}${brdy.replaceAll('-', '')}${String(Math.floor(rand() * 1000)).padStart(3, '0')}`;
      certno = first17 + checkDigit(first17);
    } while (certnos.has(certno));
    certnos.add(certno);
    const psnNo = `P${county.admdvs}${String(i + 1).padStart(8, '0')}`;
    rows.psn.push(psnNo);
    rows.certno.push(certno);
    rows.name.push(pick([...SURNAMES]) + pick([...GIVEN]) + (rand() < 0.6 ? pick([...GIVEN]) : ''));
    rows.gend.push(Number(certno.charAt(16)) % 2 === 1 ? '1' : '2');
    rows.brdy.push(brdy);
    rows.admdvs.push(county.admdvs);
    rows.township.push(pick(county.townships));
    let category: CategoryCode | null = null;
    let roll = rand();
    for (const share of CATEGORY_SHARES) {
      roll -= share.share;
      if (roll < 0) {
        category = share.code;
        spells.psn.push(psnNo);
        spells.code.push(share.code);
        spells.begin.push(`${year - 1 - Math.floor(rand() * 2)}-0${1 + Math.floor(rand() * 9)}-01`);
        spells.dept.push(share.dept);
        break;
      }
    }
    // 99% insured for last year and this year; a few targets uninsured, for 应保尽保 follow-up.
    for (const coverageYear of [year - 1, year]) {
      if (rand() < 0.01) continue;
      const subsidy = premiumSubsidy(
        policy.at(`${coverageYear}-01-01`),
        category ? [{ code: category, begin: '2000-01-01', end: null }] : [],
        `${coverageYear}-01-01`,
      );
      enrol.psn.push(psnNo);
      enrol.year.push(coverageYear);
      enrol.begin.push(`${coverageYear}-01-01`);
      enrol.end.push(`${coverageYear}-12-31`);
      enrol.contribution.push(subsidy.contribution);
      enrol.subsidy.push(subsidy.subsidy);
      enrol.category.push(subsidy.rule ? subsidy.category : null);
      enrol.fiscal.push(subsidy.fiscal);
      enrol.rule.push(subsidy.explanation);
      enrol.paidOn.push(`${coverageYear - 1}-11-15`); // collected in the autumn before (当年缴费，次年享受)
    }
  }
  await pool.query(
    `insert into persons (psn_no, certno, psn_name, gend, brdy, admdvs, township)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[])`,
    [rows.psn, rows.certno, rows.name, rows.gend, rows.brdy, rows.admdvs, rows.township],
  );
  await pool.query(
    'insert into person_categories (psn_no, code, begin_date, source_dept) select * from unnest($1::text[], $2::text[], $3::date[], $4::text[])',
    [spells.psn, spells.code, spells.begin, spells.dept],
  );
  await pool.query(
    `insert into enrollments (psn_no, year, begin_date, end_date, contribution, subsidy, subsidy_category, fiscal, subsidy_rule, paid_on)
     select * from unnest($1::text[], $2::int[], $3::date[], $4::date[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::date[])`,
    [
      enrol.psn,
      enrol.year,
      enrol.begin,
      enrol.end,
      enrol.contribution,
      enrol.subsidy,
      enrol.category,
      enrol.fiscal,
      enrol.rule,
      enrol.paidOn,
    ],
  );
  log(`演示数据：${institutions.length} 家定点医疗机构，${persons} 名参保居民，${spells.psn.length} 人有救助身份`);

  await settleHistory(
    pool,
    policies,
    institutions,
    rows.psn.filter((_, index) => index % 97 === 0),
    today,
    rand,
  );
  for (const user of DEMO_USERS) await createUser(pool, user, user.password);
  return institutions.map((institution) => ({
    code: institution.code,
    name: institution.name,
    secret: demoSecret(institution.code),
  }));
}

/** Some settlements, made the way a HIS makes them: admission, discharge, settlement through the endpoint. */
async function settleHistory(
  pool: Pool,
  policies: PolicyRegistry,
  institutions: { code: string; level: string }[],
  people: string[],
  today: Date,
  rand: () => number,
): Promise<void> {
  const insured = await pool.query<{ psn_no: string }>(
    'select psn_no from enrollments where psn_no = any($1) and year = $2',
    [people, Number(chinaDateTime(today).slice(0, 4))],
  );
  let sequence = 0;
  const call = async (
    code: string,
    infno: string,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>> => {
    sequence += 1;
    const envelope = {
      infno,
      msgid: `${code}${chinaDateTime(today).replace(/\D/g, '')}${String(sequence).padStart(4, '0')}`,
      mdtrtarea_admvs: '341600',
      insuplc_admdvs: '341600',
      opter: 'demo',
      opter_name: '演示',
      inf_time: chinaDateTime(today),
      fixmedins_code: code,
      fixmedins_name: code,
      input,
    };
    const auth = `Basic ${Buffer.from(`${code}:${demoSecret(code)}`).toString('base64')}`;
    const { reply } = await callService({ pool, policies, clock: () => today }, envelope, auth);
    if (reply.infcode !== 0) throw new Error(`demo ${infno} failed: ${reply.err_msg}`);
    return reply.output;
  };
  const now = chinaDateTime(today);
  for (const { psn_no: psnNo } of insured.rows) {
    const institution = institutions[Math.floor(rand() * institutions.length)] as { code: string; level: string };
    const medfee = Math.round(2000 * Math.exp(1.2 * rand() + (institution.level === 'township' ? 0 : 1)) * 100) / 100;
    const selfPaid = Math.round(medfee * 0.08 * rand() * 100) / 100;
    const admission = await call(institution.code, '2401', {
      mdtrtinfo: {
        psn_no: psnNo,
        insutype: '390',
        begntime: now,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: psnNo,
        med_type: '21',
        ipt_no: `ZY${sequence}`,
      },
      diseinfo: [],
    });
    const mdtrtId = String((admission['result'] as Record<string, unknown>)['mdtrt_id']);
    await call(institution.code, '2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: now },
      diseinfo: [],
    });
    await call(institution.code, '2304', {
      data: {
        psn_no: psnNo,
        mdtrt_id: mdtrtId,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: psnNo,
        medfee_sumamt: medfee,
        fulamt_ownpay_amt: selfPaid,
        overlmt_selfpay: 0,
        preselfpay_amt: 0,
        psn_setlway: '01',
        insutype: '390',
        acct_used_flag: '0',
        mid_setl_flag: '0',
      },
    });
  }
}

/**
 * The demo, loaded into an empty database on first start: the city of Bozhou (亳州) with its four counties, a city,
 * county and township hospital network with locations, residents with realistic category shares and enrollments,
 * and a history of settlements made through the HIS endpoint itself; then Guanxian (冠县), the county of the
 * 蓝黄红 warning, with its warnings and applications for assistance.
 */
import { loadPolicy, seededRandom } from '@sanbao/core';
import type { Pool } from '../db/pool.js';
import { createUser, type User } from '../console/auth.js';
import { chinaDateTime } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { GUANXIAN_USERS, seedGuanxian } from './guanxian.js';
import { demoSecret, hisCaller, insertHospitals, settleHistory, type Hospital } from './his.js';
import { generateResidents, insertResidents } from './people.js';

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

/** Console users of the demo: one per role, with different region scopes; then Guanxian's. */
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
  ...GUANXIAN_USERS,
];

export interface DemoInstitution {
  code: string;
  name: string;
  secret: string;
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

  const institutions: Hospital[] = [
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
  await insertHospitals(pool, institutions);

  const year = Number(chinaDateTime(today).slice(0, 4));
  const residents = generateResidents(rand, COUNTIES, persons, loadPolicy(POLICY), year);
  await insertResidents(pool, residents);
  log(
    `演示数据：${institutions.length} 家定点医疗机构，${persons} 名参保居民，${residents.spells.psn.length} 人有救助身份`,
  );
  const his = hisCaller(pool, policies, today, '341600');
  await settleHistory(pool, his, institutions, residents.rows.psn, today, rand);
  const guanxian = await seedGuanxian(pool, policies, today, rand, Math.ceil(persons / 10), log);
  for (const user of DEMO_USERS) await createUser(pool, user, user.password);
  return [...institutions, ...guanxian].map((institution) => ({
    code: institution.code,
    name: institution.name,
    secret: demoSecret(institution.code),
  }));
}

/**
 * 政策 over the console API: a region's policy on a date with every value in yuan or percent and its source (checked
 * against the YAML by hand), the differences of two dates or two regions, the worked cases run on demand, and the
 * refusals: township and department users, regions outside the scope, dates outside the policy, bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../console/auth.js';
import { consoleApi, createWorld, signIn, type World } from '../test-support/world.js';

let world: World;
const api: Record<string, ReturnType<typeof consoleApi>> = {};

const USERS: User[] = [
  { username: 'admin', display_name: '管理员', role: 'administrator', scope_admdvs: null },
  { username: 'qiaocheng', display_name: '谯城区经办', role: 'operator', scope_admdvs: '341602' },
  { username: 'city-viewer', display_name: '市局只读', role: 'read_only', scope_admdvs: '341600' },
  { username: 'guanxian', display_name: '冠县审核', role: 'reviewer', scope_admdvs: '371525' },
  { username: 'yanzhuang', display_name: '烟庄街道', role: 'operator', scope_admdvs: '371525', township: '烟庄街道' },
  {
    username: 'rural',
    display_name: '冠县乡村振兴局',
    role: 'operator',
    scope_admdvs: '371525',
    department: 'rural_revitalization',
  },
];

/** A county of its own whose policy is a file written here, with worked cases two of which are wrong on purpose. */
const folder = mkdtempSync(join(tmpdir(), 'sanbao-policy-routes-'));
const testPolicy = join(folder, 'test-county.yaml');
writeFileSync(
  testPolicy,
  `name: 测试县城乡居民医保
region: '341699'
extends: anhui
sources:
  T: { cite: 测试县文件, confidence: assumed }
parameters:
  premium:
    individual:
      - { from: 2022-01-01, value: 350, source: T }
`,
);
writeFileSync(
  join(folder, 'test-county.cases.yaml'),
  `cases:
  - name: 2022 年个人缴费标准
    date: 2022-07-01
    parameters: { premium.individual: 350 }
  - name: 写错的个人缴费标准
    date: 2022-07-01
    parameters: { premium.individual: 400 }
  - name: 特困人员县级住院（写错的基本医保金额）
    person:
      categories: [{ code: extreme_poverty, begin: 2000-01-01 }]
    claims:
      - med_type: '21'
        setl_time: 2022-03-10
        institution_level: county
        medfee_sumamt: 60000
        fulamt_ownpay_amt: 5000
        expected:
          basic: 43000
`,
);

beforeAll(async () => {
  world = await createWorld('policy_routes');
  await world.pool.query(
    `insert into regions (admdvs, name, parent, policy_id) values
       ('371500', '聊城市', null, 'shandong/liaocheng'), ('371525', '冠县', '371500', 'shandong/liaocheng/guanxian'),
       ('330200', '宁波市', null, 'zhejiang/ningbo'), ('330213', '奉化区', '330200', 'zhejiang/ningbo/fenghua'),
       ('341699', '测试县', '341600', $1)`,
    [testPolicy],
  );
  for (const user of USERS) api[user.username] = consoleApi(world, await signIn(world, user));
});
afterAll(async () => {
  await world?.close();
});

interface Item {
  path: string;
  name: string;
  value: string;
  source: null | {
    cite: string;
    confidence: string;
    confidence_name: string;
    file: string;
    file_name: string;
    line: number;
    from: string;
  };
}

function items(answer: unknown): Map<string, Item> {
  const json = answer as { sections: { name: string; items: Item[] }[] };
  return new Map(json.sections.flatMap((section) => section.items.map((item) => [item.path, item] as const)));
}

describe('GET /api/policy', () => {
  it('lists every value of 谯城区 on a date by section, in yuan and percent, each with its source', async () => {
    const { status, json } = await api['qiaocheng']!('GET', '/api/policy?admdvs=341602&date=2026-06-15');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      admdvs: '341602',
      region_name: '谯城区',
      policy_id: 'anhui/bozhou',
      policy_name: '亳州市城乡居民医保',
      date: '2026-06-15',
      version_from: '2022-01-01',
      version_until: null,
      files: [
        { file: 'anhui', name: '安徽省城乡居民医保（省级基准）' },
        { file: 'anhui/bozhou', name: '亳州市城乡居民医保' },
      ],
    });
    const sections = json.sections.map((section: { name: string }) => section.name);
    for (const name of ['基本信息', '基本医保', '大病保险', '医疗救助', '再救助（倾斜救助）', '缴费标准', '参保资助'])
      expect(sections).toContain(name);
    expect(sections).not.toContain('预警'); // Bozhou's files set no warning
    const all = items(json);
    expect(json.count).toBe(all.size);
    // policies/anhui/bozhou.yaml line 13: critical_illness.deductible 12000 yuan from 2022-01-01, source S002 (seed).
    expect(all.get('critical_illness.deductible')).toEqual({
      path: 'critical_illness.deductible',
      name: '起付线',
      value: '12,000.00 元',
      source: {
        cite: '亳州晚报 2021-12-28《告别“351”“180”，医保扶贫织起三重保障》（亳州市巩固拓展医疗保障脱贫攻坚成果实施方案）',
        confidence: 'seed',
        confidence_name: '原始文件',
        from: '2022-01-01',
        until: null,
        file: 'anhui/bozhou',
        file_name: '亳州市城乡居民医保',
        line: 13,
      },
    });
    // policies/anhui.yaml lines 61–65: county { deductible: 500, ratio: 80% }, source WZB2019 (public).
    expect(all.get('basic.inpatient.levels.county.deductible')?.value).toBe('500.00 元');
    expect(all.get('basic.inpatient.levels.county.ratio')).toMatchObject({
      name: '住院 · 二级和县级 · 支付比例',
      value: '80%',
      source: { confidence_name: '公开文件', file_name: '安徽省城乡居民医保（省级基准）', line: 61 },
    });
    // policies/anhui.yaml lines 121–129: bands 0/50,000/100,000/200,000 at 60/70/75/80%, marked assumed (暂定).
    expect(all.get('critical_illness.bands')).toMatchObject({
      value: '0–50,000 元 60%；50,000–100,000 元 70%；100,000–200,000 元 75%；200,000 元以上 80%',
      source: { confidence: 'assumed', confidence_name: '暂定' },
    });
    // policies/anhui/bozhou.yaml line 19: 低保 subsidy 90% of the individual contribution of 320 (anhui.yaml line 212).
    expect(all.get('subsidy.categories.subsistence_allowance')?.value).toBe('按个人缴费标准的 90% 资助');
    expect(all.get('premium.individual')?.value).toBe('320.00 元');
    // Defaults the files do not write have no source.
    expect(all.get('assistance.measure')?.source).toBeNull();
    // Nothing in fen or basis points: every number is yuan with two decimals, a percentage, or a count in words.
    for (const item of all.values()) expect(item.value).not.toMatch(/^\d+$/);
  });

  it('takes today by the platform’s clock when no date is given, and refuses a date before the policy', async () => {
    const today = await api['admin']!('GET', '/api/policy?admdvs=341600');
    expect(today.status).toBe(200);
    expect(today.json.date).toBe('2026-06-15');
    const before = await api['admin']!('GET', '/api/policy?admdvs=341600&date=2019-12-31');
    expect(before.status).toBe(400);
    expect(before.json).toEqual({
      code: 'POLICY_NOT_IN_FORCE',
      message: '亳州市的亳州市城乡居民医保在 2019-12-31 没有生效的版本（最早自 2020-01-01 起施行）',
    });
  });

  it('shows Guanxian’s own values to its county user: the warning and its department named, not coded', async () => {
    const { status, json } = await api['guanxian']!('GET', '/api/policy?admdvs=371525&date=2026-06-15');
    expect(status).toBe(200);
    const all = items(json);
    // policies/shandong/liaocheng.yaml line 94: critical_illness.deductible 11000 (S001, seed).
    expect(all.get('critical_illness.deductible')).toMatchObject({
      value: '11,000.00 元',
      source: { file: 'shandong/liaocheng', line: 94, file_name: '聊城市城乡居民医保' },
    });
    // policies/shandong/liaocheng/guanxian.yaml lines 77 and 86: blue line 30000; fed back to rural revitalization.
    expect(all.get('warning.populations.0.thresholds.blue')?.value).toBe('30,000.00 元');
    expect(all.get('warning.department')?.value).toBe('乡村振兴部门');
  });

  it('answers a region outside the scope as one that does not exist, and refuses bad input by its place', async () => {
    for (const [user, admdvs] of [
      ['qiaocheng', '341600'],
      ['qiaocheng', '371525'],
      ['city-viewer', '371525'],
      ['guanxian', '341602'],
      ['admin', '999999'],
    ] as const) {
      const { status, json } = await api[user]!('GET', `/api/policy?admdvs=${admdvs}`);
      expect(status, `${user} ${admdvs}`).toBe(404);
      expect(json.code).toBe('NOT_FOUND');
    }
    // The city's viewer sees the counties under the city.
    expect((await api['city-viewer']!('GET', '/api/policy?admdvs=341602')).status).toBe(200);
    const bad = await api['admin']!('GET', '/api/policy?admdvs=34');
    expect([bad.status, bad.json.code]).toEqual([400, 'SCHEMA']);
    expect(bad.json.message).toContain('query.admdvs');
    const day = await api['admin']!('GET', '/api/policy?admdvs=341602&date=2026-02-30');
    expect([day.status, day.json.code]).toEqual([400, 'SCHEMA']);
  });
});

describe('GET /api/policy/diff', () => {
  it('across Fenghua’s dated change (fenghua.yaml line 49, from 2023-01-08) shows exactly the temporary rules', async () => {
    const { status, json } = await api['admin']!(
      'GET',
      '/api/policy/diff?a_admdvs=330213&a_date=2023-01-07&b_admdvs=330213&b_date=2023-01-08',
    );
    expect(status).toBe(200);
    expect(json.a).toMatchObject({ region_name: '奉化区', version_from: '2022-01-01', version_until: '2023-01-08' });
    expect(json.b).toMatchObject({ region_name: '奉化区', version_from: '2023-01-08', version_until: null });
    expect(json.count).toBe(json.items.length);
    // fenghua.yaml lines 51–65: two rules, 6 and 8 values (window, encounter types, prefixes, levels, effect).
    expect(json.items).toHaveLength(14);
    for (const item of json.items) {
      expect(item.path.startsWith('temporary.')).toBe(true);
      expect(item.section).toBe('临时政策');
      expect(item.a).toBeNull();
      expect(item.b.source).toMatchObject({ file_name: '宁波市奉化区城乡居民医保', line: 49, from: '2023-01-08' });
    }
    // fenghua.yaml line 65: the outpatient rule pays 75% with no deductible and no limit.
    const ratio = json.items.find((item: Item) => item.path === 'temporary.covid_outpatient.effect.ratio');
    expect(ratio).toMatchObject({ name: '基层医疗机构新冠门诊专项保障 · 待遇 · 支付比例', b: { value: '75%' } });
  });

  it('across Anhui’s 2022 change shows the new contribution with both sides', async () => {
    const { json } = await api['qiaocheng']!(
      'GET',
      '/api/policy/diff?a_admdvs=341602&a_date=2021-12-31&b_admdvs=341602&b_date=2022-01-01',
    );
    // policies/anhui.yaml lines 211–212: premium.individual 280 (2020, S004) → 320 (2022, S000).
    const individual = json.items.find((item: Item) => item.path === 'premium.individual');
    expect(individual).toMatchObject({ a: { value: '280.00 元' }, b: { value: '320.00 元' } });
    expect([individual.a.source.line, individual.b.source.line]).toEqual([211, 212]);
    // Values that did not change are not listed.
    expect(json.items.map((item: Item) => item.path)).not.toContain('basic.inpatient.levels.county.ratio');
  });

  it('between two regions on one day lists the values that differ and those of one side only', async () => {
    const { status, json } = await api['admin']!(
      'GET',
      '/api/policy/diff?a_admdvs=341602&a_date=2026-06-15&b_admdvs=371525&b_date=2026-06-15',
    );
    expect(status).toBe(200);
    const all = new Map((json.items as Item[]).map((item) => [item.path, item]));
    // bozhou.yaml line 13: 12000; liaocheng.yaml line 94: 11000.
    expect(all.get('critical_illness.deductible')).toMatchObject({
      a: { value: '12,000.00 元' },
      b: { value: '11,000.00 元' },
    });
    // Guanxian warns (guanxian.yaml line 86); Bozhou does not.
    expect(all.get('warning.department')).toMatchObject({ a: null, b: { value: '乡村振兴部门' } });
  });

  it('refuses a side outside the scope as not found', async () => {
    const { status, json } = await api['qiaocheng']!('GET', '/api/policy/diff?a_admdvs=341602&b_admdvs=371525');
    expect([status, json.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('POST /api/policy/cases', () => {
  it('runs Bozhou’s eight worked cases, all passing', async () => {
    const { status, json } = await api['qiaocheng']!('POST', '/api/policy/cases?admdvs=341602');
    expect(status).toBe(200);
    // policies/anhui/bozhou.cases.yaml holds 8 cases.
    expect(json).toMatchObject({ file: 'anhui/bozhou.cases.yaml', total: 8, passed: 8, failed: 0 });
    expect(json.message).toBe('8 个算例全部通过');
    expect(json.cases[0]).toMatchObject({
      name: '亳州晚报报道 低保对象：大病起付线减半、各段比例提高 5 个百分点，救助 75% 无起付线',
      kind_name: '结算算例',
      passed: true,
      failures: [],
    });
  });

  it('names a failure with what the case expected and what the policy gives, in yuan', async () => {
    const { status, json } = await api['admin']!('POST', '/api/policy/cases?admdvs=341699');
    expect(status).toBe(200);
    expect(json).toMatchObject({ total: 3, passed: 1, failed: 2, message: '3 个算例中 2 个未通过' });
    expect(json.cases[0]).toMatchObject({ passed: true, kind_name: '政策取值核对' });
    // The test county's individual contribution is 350 (its file); the case says 400.
    expect(json.cases[1].failures).toEqual([
      {
        claim: null,
        item: '缴费标准 · 个人缴费标准',
        expected: '400.00 元',
        actual: '350.00 元',
        expected_yuan: '400.00',
        actual_yuan: '350.00',
      },
    ]);
    // 60,000 − 5,000 self-paid = 55,000 in scope; county deductible 500, 80% (anhui.yaml line 65):
    // (55,000 − 500) × 80% = 43,600; the case says 43,000.
    expect(json.cases[2].failures).toEqual([
      {
        claim: 1,
        item: '基本医保统筹基金',
        expected: '43,000.00 元',
        actual: '43,600.00 元',
        expected_yuan: '43000.00',
        actual_yuan: '43600.00',
      },
    ]);
  });

  it('says so in Chinese when the region’s policy has no worked cases', async () => {
    const { status, json } = await api['admin']!('POST', '/api/policy/cases?admdvs=330200');
    expect(status).toBe(200);
    expect(json).toMatchObject({ file: null, total: 0, cases: [] });
    expect(json.message).toBe('宁波市的政策（宁波市城乡居民医保）旁没有算例文件，没有可运行的算例');
  });

  it('refuses a region outside the scope as not found', async () => {
    const { status, json } = await api['guanxian']!('POST', '/api/policy/cases?admdvs=341602');
    expect([status, json.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('who may use it', () => {
  const routes = [
    ['GET', '/api/policy?admdvs=371525'],
    ['GET', '/api/policy/diff?a_admdvs=371525&b_admdvs=371525'],
    ['POST', '/api/policy/cases?admdvs=371525'],
  ] as const;

  it('refuses a township’s office and another department with 403, even for their own county', async () => {
    for (const user of ['yanzhuang', 'rural'])
      for (const [method, url] of routes) {
        const { status, json } = await api[user]!(method, url);
        expect([status, json.code], `${user} ${url}`).toEqual([403, 'FORBIDDEN']);
        expect(json.message).toBe('政策查询仅限医疗保障经办机构使用');
      }
    // The county's bureau user of the same county reads it.
    for (const [method, url] of routes) expect((await api['guanxian']!(method, url)).status).toBe(200);
  });

  it('refuses a request without a session', async () => {
    for (const [method, url] of routes) {
      const response = await world.app.inject({ method, url });
      expect(response.statusCode).toBe(401);
    }
  });
});

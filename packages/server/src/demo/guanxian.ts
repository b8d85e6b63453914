/**
 * Guanxian (冠县, 聊城市; 冠县《防止返贫致贫“蓝黄红”预警机制实施方案》, as the Liaocheng rural revitalization briefing,
 * 《聊城乡村振兴简报》2022年第13期「冠县落实落细医保帮扶政策」, reports it) beside the demo city: the county of the 蓝黄红 warning. Its residents and
 * hospitals, some ordinary stays, and this year's catastrophic stays of five people — targets and ordinary insured
 * across the blue, yellow and red lines — screened into the warning ledger. Two ordinary insured people have applied
 * for assistance (依申请): one approved and topped up, one waiting for the reviewer.
 */
import { loadPolicy, type CategoryCode } from '@sanbao/core';
import { apply, approve, lockPending } from '../applications/service.js';
import type { User } from '../console/auth.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { openCertno } from '../security/identity.js';
import { screen } from '../warnings/screening.js';
import { demoSecret, hisCaller, insertHospitals, settleHistory, settleStay, type Hospital } from './his.js';
import { addResident, generateResidents, idNumberOf, insertResidents } from './people.js';

const COUNTY = {
  admdvs: '371525',
  name: '冠县',
  lat: 36.48,
  lon: 115.44,
  townships: ['清泉街道', '崇文街道', '烟庄街道', '店子镇', '贾镇', '柳林镇'],
};
const COUNTY_HOSPITAL = 'H37152500001';

export const GUANXIAN_USERS: (User & { password: string })[] = [
  {
    username: 'guanxian',
    display_name: '冠县医保局经办员',
    role: 'operator',
    scope_admdvs: COUNTY.admdvs,
    password: 'demo-guanxian',
  },
  {
    username: 'guanxian-review',
    display_name: '冠县医保局审核员',
    role: 'reviewer',
    scope_admdvs: COUNTY.admdvs,
    password: 'demo-guanxian-review',
  },
  {
    username: 'yanzhuang',
    display_name: '烟庄街道办事处',
    role: 'operator',
    scope_admdvs: COUNTY.admdvs,
    township: '烟庄街道',
    password: 'demo-yanzhuang',
  },
  {
    username: 'guanxian-rural',
    display_name: '冠县乡村振兴局',
    role: 'operator',
    scope_admdvs: COUNTY.admdvs,
    department: 'rural_revitalization',
    password: 'demo-guanxian-rural',
  },
];

interface Story {
  name: string;
  brdy: string;
  township: string;
  category: { code: CategoryCode; dept: string } | null;
  /** Stays at the county hospital, in yuan: the bill and its fully self-paid part. */
  stays: { medfee: number; selfPaid: number }[];
  application?: 'pending' | 'approved';
}

/** Out-of-pocket amounts by hand (county hospital: 500, 70%; CI from 11,000 at 60%, 低保 from 5,500 at 65%). */
const STORIES: Story[] = [
  // 监测: in scope 20,000 → basic 13,650, assistance (6,350 − 3,000) × 50% = 1,675; 4,675 + 40,000 self-paid: blue.
  {
    name: '赵桂兰',
    brdy: '1962-03-04',
    township: '烟庄街道',
    category: { code: 'monitored', dept: 'rural_revitalization' },
    stays: [{ medfee: 60000, selfPaid: 40000 }],
  },
  // 低保: in scope 40,000 → 27,650, CI 4,452.50, assistance 5,528.25; 2,369.25 + 110,000: yellow.
  {
    name: '吴长顺',
    brdy: '1958-02-02',
    township: '店子镇',
    category: { code: 'subsistence_allowance', dept: 'civil_affairs' },
    stays: [{ medfee: 150000, selfPaid: 110000 }],
  },
  // Ordinary, two stays: 112,740 + 4,870 = 117,610 (the application test's numbers): yellow, applied.
  {
    name: '孙立新',
    brdy: '1970-08-08',
    township: '烟庄街道',
    category: null,
    stays: [
      { medfee: 150000, selfPaid: 100000 },
      { medfee: 40000, selfPaid: 0 },
    ],
    application: 'pending',
  },
  // Ordinary: in scope 70,000 → 48,650, CI 6,210; 15,140 + 110,000 = 125,140: yellow; approved, top-up 6,070.
  {
    name: '钱玉珍',
    brdy: '1966-05-05',
    township: '清泉街道',
    category: null,
    stays: [{ medfee: 180000, selfPaid: 110000 }],
    application: 'approved',
  },
  // Ordinary, 320,000 fully self-paid: red at once, raised by the settlement.
  {
    name: '周海燕',
    brdy: '1985-11-11',
    township: '店子镇',
    category: null,
    stays: [{ medfee: 320000, selfPaid: 320000 }],
  },
];

function hospitals(): Hospital[] {
  const list: Hospital[] = [
    { code: 'H37150000001', name: '聊城市人民医院', level: 'city', admdvs: '371500', lat: 36.45, lon: 115.98 },
    { code: COUNTY_HOSPITAL, name: '冠县人民医院', level: 'county', admdvs: COUNTY.admdvs, lat: 36.49, lon: 115.44 },
    { code: 'H37152500002', name: '冠县中医医院', level: 'county', admdvs: COUNTY.admdvs, lat: 36.47, lon: 115.45 },
  ];
  COUNTY.townships.forEach((township, t) => {
    const angle = (t / COUNTY.townships.length) * 2 * Math.PI;
    list.push({
      code: `H${COUNTY.admdvs}1${String(t + 1).padStart(4, '0')}`,
      name: `冠县${township}卫生院`,
      level: 'township',
      admdvs: COUNTY.admdvs,
      lat: COUNTY.lat + 0.1 * Math.sin(angle),
      lon: COUNTY.lon + 0.1 * Math.cos(angle),
    });
  });
  return list;
}

/** Loads Guanxian; returns its hospitals' credentials. */
export async function seedGuanxian(
  pool: Pool,
  policies: PolicyRegistry,
  today: Date,
  rand: () => number,
  persons: number,
  log: (line: string) => void,
): Promise<{ code: string; name: string; secret: string }[]> {
  await pool.query(
    `insert into regions (admdvs, name, parent, policy_id)
     values ('371500', '聊城市', null, 'shandong/liaocheng'), ($1, $2, '371500', 'shandong/liaocheng/guanxian')`,
    [COUNTY.admdvs, COUNTY.name],
  );
  const institutions = hospitals();
  await insertHospitals(pool, institutions);
  const date = chinaDate(today);
  const year = Number(date.slice(0, 4));
  const policy = loadPolicy('shandong/liaocheng/guanxian');
  const residents = generateResidents(rand, [COUNTY], persons, policy, year);
  // The ordinary stays are for the generated residents only: the stories' amounts are worked out by hand.
  const generated = [...residents.rows.psn];
  const stories = STORIES.map((story, k) => ({ ...story, psnNo: `P${COUNTY.admdvs}${90000001 + k}` }));
  for (const [k, story] of stories.entries()) {
    const category = story.category && { ...story.category, begin: `${year - 1}-01-01` };
    addResident(
      residents,
      {
        psnNo: story.psnNo,
        certno: idNumberOf(COUNTY.admdvs, story.brdy, 901 + k),
        name: story.name,
        brdy: story.brdy,
        admdvs: COUNTY.admdvs,
        township: story.township,
        category,
        insured: [year],
      },
      policy,
    );
  }
  await insertResidents(pool, residents);

  const his = hisCaller(pool, policies, today, '371500');
  await settleHistory(pool, his, institutions, generated, today, rand);
  const cards = await pool.query<{ psn_no: string; certno_sm4: string }>(
    'select psn_no, certno_sm4 from persons where psn_no = any($1)',
    [stories.map((story) => story.psnNo)],
  );
  const certnoOf = new Map(cards.rows.map((row) => [row.psn_no, openCertno(row.certno_sm4)]));
  for (const story of stories)
    for (const stay of story.stays)
      await settleStay(his, COUNTY_HOSPITAL, story.psnNo, certnoOf.get(story.psnNo) ?? '', today, {
        ...stay,
        diagnosis: 'C34.9',
      });
  const screened = await screen(pool, policies, { date, now: today, region: COUNTY.admdvs });

  const [clerk, reviewer] = GUANXIAN_USERS.map((user) => `user:${user.username}`);
  if (!clerk || !reviewer) throw new Error('Guanxian needs a clerk and a reviewer');
  for (const story of stories.filter((entry) => entry.application)) {
    await inTransaction(pool, async (client) => {
      const note = '住院费用负担重，本人到医保窗口申请医疗救助';
      const { applicationId } = await apply(client, policies, {
        psnNo: story.psnNo,
        year,
        note,
        actor: clerk,
        now: today,
      });
      if (story.application !== 'approved') return;
      const application = await lockPending(client, applicationId, reviewer);
      await approve(client, policies, application, { reason: '经入户核实，符合认定条件', actor: reviewer, now: today });
    });
  }
  log(
    `演示数据：冠县 ${institutions.length} 家定点医疗机构，${residents.rows.psn.length} 名参保居民；预警 蓝 ${screened.raised.blue} 黄 ${screened.raised.yellow}（红码在结算时即已发出），依申请救助 2 件（1 件待审核）`,
  );
  return institutions.map((institution) => ({
    code: institution.code,
    name: institution.name,
    secret: demoSecret(institution.code),
  }));
}

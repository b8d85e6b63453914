/** Residents of a demo county: names, ID numbers, categories in realistic shares, enrollments with their subsidies. */
import { checkDigit, premiumSubsidy, type CategoryCode, type Policy } from '@sanbao/core';
import type { Pool } from '../db/pool.js';
import { insertPersons } from '../persons/repository.js';

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

/** Column arrays, inserted with one unnest per table. */
export interface Residents {
  rows: {
    psn: string[];
    certno: string[];
    name: string[];
    gend: string[];
    brdy: string[];
    admdvs: string[];
    township: string[];
  };
  spells: { psn: string[]; code: string[]; begin: string[]; dept: string[] };
  enrol: {
    psn: string[];
    year: number[];
    begin: string[];
    end: string[];
    contribution: number[];
    subsidy: number[];
    category: (string | null)[];
    fiscal: number[];
    rule: string[];
    paidOn: string[];
  };
}

export function emptyResidents(): Residents {
  return {
    rows: { psn: [], certno: [], name: [], gend: [], brdy: [], admdvs: [], township: [] },
    spells: { psn: [], code: [], begin: [], dept: [] },
    enrol: {
      psn: [],
      year: [],
      begin: [],
      end: [],
      contribution: [],
      subsidy: [],
      category: [],
      fiscal: [],
      rule: [],
      paidOn: [],
    },
  };
}

export function idNumberOf(admdvs: string, brdy: string, sequence: number): string {
  const first17 = `${admdvs}${brdy.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

export interface Resident {
  psnNo: string;
  certno: string;
  name: string;
  brdy: string;
  admdvs: string;
  township: string;
  category: { code: CategoryCode; begin: string; dept: string } | null;
  /** The years the person is insured (enrolled for the whole year, the policy's subsidy for the category). */
  insured: readonly number[];
}

export function addResident(residents: Residents, person: Resident, policy: Policy): void {
  const { rows, spells, enrol } = residents;
  rows.psn.push(person.psnNo);
  rows.certno.push(person.certno);
  rows.name.push(person.name);
  rows.gend.push(Number(person.certno.charAt(16)) % 2 === 1 ? '1' : '2');
  rows.brdy.push(person.brdy);
  rows.admdvs.push(person.admdvs);
  rows.township.push(person.township);
  const category = person.category;
  if (category) {
    spells.psn.push(person.psnNo);
    spells.code.push(category.code);
    spells.begin.push(category.begin);
    spells.dept.push(category.dept);
  }
  for (const year of person.insured) {
    const subsidy = premiumSubsidy(
      policy.at(`${year}-01-01`),
      category ? [{ code: category.code, begin: '2000-01-01', end: null }] : [],
      `${year}-01-01`,
    );
    enrol.psn.push(person.psnNo);
    enrol.year.push(year);
    enrol.begin.push(`${year}-01-01`);
    enrol.end.push(`${year}-12-31`);
    enrol.contribution.push(subsidy.contribution);
    enrol.subsidy.push(subsidy.subsidy);
    enrol.category.push(subsidy.rule ? subsidy.category : null);
    enrol.fiscal.push(subsidy.fiscal);
    enrol.rule.push(subsidy.explanation);
    enrol.paidOn.push(`${year - 1}-11-15`); // collected in the autumn before (当年缴费，次年享受)
  }
}

/** Random residents of the counties: categories in realistic shares, 99% insured last year and this. */
export function generateResidents(
  rand: () => number,
  counties: readonly { admdvs: string; townships: readonly string[] }[],
  persons: number,
  policy: Policy,
  year: number,
): Residents {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const certnos = new Set<string>();
  const residents = emptyResidents();
  for (let i = 0; i < persons; i++) {
    const county = pick(counties);
    const birth = new Date(
      Date.UTC(1940 + Math.floor(rand() * 82), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    );
    const brdy = birth.toISOString().slice(0, 10);
    let certno = '';
    do certno = idNumberOf(county.admdvs, brdy, Math.floor(rand() * 1000));
    while (certnos.has(certno));
    certnos.add(certno);
    const name = pick([...SURNAMES]) + pick([...GIVEN]) + (rand() < 0.6 ? pick([...GIVEN]) : '');
    const township = pick(county.townships);
    let category: Resident['category'] = null;
    let roll = rand();
    for (const share of CATEGORY_SHARES) {
      roll -= share.share;
      if (roll < 0) {
        const begin = `${year - 1 - Math.floor(rand() * 2)}-0${1 + Math.floor(rand() * 9)}-01`;
        category = { code: share.code, begin, dept: share.dept };
        break;
      }
    }
    // A few targets uninsured, for 应保尽保 follow-up.
    const insured = [year - 1, year].filter(() => rand() >= 0.01);
    const psnNo = `P${county.admdvs}${String(i + 1).padStart(8, '0')}`;
    addResident(residents, { psnNo, certno, name, brdy, admdvs: county.admdvs, township, category, insured }, policy);
  }
  return residents;
}

export async function insertResidents(pool: Pool, { rows, spells, enrol }: Residents): Promise<void> {
  await insertPersons(
    pool,
    rows.psn.map((psnNo, i) => ({
      psnNo,
      certno: rows.certno[i]!,
      name: rows.name[i]!,
      gend: rows.gend[i] as '1' | '2',
      brdy: rows.brdy[i]!,
      admdvs: rows.admdvs[i]!,
      township: rows.township[i]!,
    })),
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
}

/**
 * 政策 over the console API: a region's policy on a date — every value with its source, in yuan and percent — the
 * differences between two regions or two dates, and the region's worked cases run on demand. For the bureau's staff
 * of every role within their scope; not for a township's office or another department.
 */
import { compareCatalogues, policyCatalogue } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, region } from '../console/parse.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { chinaDate } from '../time.js';
import {
  bySection,
  DiffAnswer,
  differenceAnswer,
  fileNames,
  policyOf,
  policyOn,
  PolicyAnswer,
  side,
} from './answers.js';
import { CasesAnswer, runRegionCases } from './cases.js';
import { regionPolicy } from './queries.js';

const tag = '政策';
const Region = region.describe('区划代码（6 位，须在管辖范围内）');
const Day = isoDate.optional().describe('日期（yyyy-MM-dd；不填为今天）');

/** The policy screen is the bureau's: a township's office or another department has no use for it. */
function requireBureau(me: User): void {
  if (me.township || me.department) throw new ApiError('FORBIDDEN', '政策查询仅限医疗保障经办机构使用');
}

export function registerPolicyRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/policy',
    tag,
    summary: '区划在某日适用的政策：全部参数按分类列出，金额为元、比例为百分数，每项附依据与可信度',
    access: 'signed_in',
    guard: requireBureau,
    query: z.object({ admdvs: Region, date: Day }),
    response: PolicyAnswer,
    handler: async ({ me, query }) => {
      const date = query.date ?? chinaDate(clock());
      const found = await regionPolicy(pool, me, query.admdvs);
      const { policy, version } = policyOn(policies, found, date);
      const names = fileNames(policies, policy);
      const entries = policyCatalogue(version);
      return {
        ...side(found, policy, version, date),
        files: policy.files.map((file) => ({ file, name: names.get(file) ?? file })),
        count: entries.length,
        sections: bySection(entries, names),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/policy/diff',
    tag,
    summary: '对比两个区划或两个日期的政策：只列出取值或依据不同的参数（及只有一方有的参数），两方并列',
    access: 'signed_in',
    guard: requireBureau,
    query: z.object({
      a_admdvs: Region.describe('原值一方的区划代码'),
      a_date: Day.describe('原值一方的日期（不填为今天）'),
      b_admdvs: Region.describe('新值一方的区划代码'),
      b_date: Day.describe('新值一方的日期（不填为今天）'),
    }),
    response: DiffAnswer,
    handler: async ({ me, query }) => {
      const today = chinaDate(clock());
      const sides = await Promise.all(
        (
          [
            [query.a_admdvs, query.a_date ?? today],
            [query.b_admdvs, query.b_date ?? today],
          ] as const
        ).map(async ([admdvs, date]) => {
          const found = await regionPolicy(pool, me, admdvs);
          const { policy, version } = policyOn(policies, found, date);
          return { found, policy, version, date, names: fileNames(policies, policy) };
        }),
      );
      const [a, b] = sides as [(typeof sides)[number], (typeof sides)[number]];
      const names = new Map([...a.names, ...b.names]);
      const items = compareCatalogues(policyCatalogue(a.version), policyCatalogue(b.version)).map((difference) =>
        differenceAnswer(difference, names),
      );
      return {
        a: side(a.found, a.policy, a.version, a.date),
        b: side(b.found, b.policy, b.version, b.date),
        count: items.length,
        items,
      };
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/policy/cases',
    tag,
    summary: '运行区划政策文件旁的算例：每个算例是否通过，未通过的列出算例写明的与计算所得的金额（元）',
    access: 'signed_in',
    guard: requireBureau,
    query: z.object({ admdvs: Region }),
    response: CasesAnswer,
    handler: async ({ me, query }) => {
      const found = await regionPolicy(pool, me, query.admdvs);
      return runRegionCases(found.policy_id, policyOf(policies, found), found);
    },
  });
}

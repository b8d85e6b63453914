/**
 * What the 政策 screen is answered: a region's policy on a date as core's catalogue lists it (every value as text in
 * yuan, percent, counts and names, with its source), grouped by section, and the differences of two such catalogues.
 */
import {
  describeConfidence,
  SanbaoError,
  type CatalogueDifference,
  type CatalogueEntry,
  type Policy,
  type PolicyAtDate,
  type Provenance,
} from '@sanbao/core';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { IsoDay } from '../console/units.js';
import type { PolicyRegistry } from '../policies.js';
import type { RegionPolicy } from './queries.js';

export const Source = z
  .object({
    cite: z.string().describe('依据的文件（引用）'),
    confidence: z
      .enum(['seed', 'public', 'assumed'])
      .describe('可信度代码：seed 原始文件、public 公开文件、assumed 暂定'),
    confidence_name: z.string().describe('可信度：原始文件、公开文件或暂定'),
    from: IsoDay.describe('该取值的起始日期'),
    until: IsoDay.nullable().describe('该取值的截止日期（含当日；为空表示直至下一条取值）'),
    file: z.string().describe('写明该取值的政策文件（内置政策编号或文件路径）'),
    file_name: z.string().describe('该政策文件的名称'),
    line: z.number().int().describe('政策文件中的行号'),
  })
  .nullable()
  .describe('取值的依据；为空表示政策文件未写明、按程序默认值');

export const Parameter = z.object({
  path: z.string().describe('参数路径（政策文件中的位置，如 critical_illness.deductible）'),
  name: z.string().describe('参数名称'),
  value: z.string().describe('取值（金额为元，两位小数；比例为百分数；分段、次数、名称为文字）'),
  source: Source,
});

export const Side = z.object({
  admdvs: z.string().describe('区划代码'),
  region_name: z.string().describe('区划名称'),
  policy_id: z.string().describe('政策编号'),
  policy_name: z.string().describe('政策名称'),
  date: IsoDay.describe('查看的日期'),
  version_from: IsoDay.describe('该日所适用版本的起始日期'),
  version_until: IsoDay.nullable().describe('该版本之后下一版本的起始日期（为空表示仍在施行）'),
});

export const PolicyAnswer = Side.extend({
  files: z
    .array(z.object({ file: z.string().describe('政策文件'), name: z.string().describe('政策文件名称') }))
    .describe('政策文件的继承链（省 → 市 → 县）'),
  count: z.number().int().describe('参数个数'),
  sections: z
    .array(z.object({ name: z.string().describe('分类名称'), items: z.array(Parameter) }))
    .describe('按分类列出该日生效的全部参数'),
});

const DiffSide = z.object({ value: z.string().describe('取值'), source: Source }).nullable();

export const DiffAnswer = z.object({
  a: Side.describe('对比的一方（原值）'),
  b: Side.describe('对比的另一方（新值）'),
  count: z.number().int().describe('不同的参数个数'),
  items: z
    .array(
      z.object({
        path: z.string().describe('参数路径'),
        section: z.string().describe('分类名称'),
        name: z.string().describe('参数名称'),
        a: DiffSide.describe('原值（为空表示该方没有此参数）'),
        b: DiffSide.describe('新值（为空表示该方没有此参数）'),
      }),
    )
    .describe('取值或依据不同的参数，以及只有一方有的参数'),
});

/** The policy that settles a region's claims; a file that cannot be read or is wrong is refused in Chinese. */
export function policyOf(policies: PolicyRegistry, region: RegionPolicy): Policy {
  try {
    return policies.get(region.policy_id);
  } catch (error) {
    if (!(error instanceof SanbaoError)) throw error;
    throw new ApiError(error.code, `${region.name}的政策文件无法读取：${error.problems[0]?.message ?? error.message}`);
  }
}

/** The policy of a region and its version on a date; a date outside every version is refused in Chinese. */
export function policyOn(
  policies: PolicyRegistry,
  region: RegionPolicy,
  date: string,
): { policy: Policy; version: PolicyAtDate } {
  const policy = policyOf(policies, region);
  try {
    return { policy, version: policy.at(date) };
  } catch (error) {
    if (!(error instanceof SanbaoError) || error.code !== 'POLICY_NOT_IN_FORCE') throw error;
    const first = policy.epochs[0]?.from ?? '';
    throw new ApiError(
      'POLICY_NOT_IN_FORCE',
      `${region.name}的${policy.name}在 ${date} 没有生效的版本（最早自 ${first} 起施行）`,
    );
  }
}

/** The names of a policy's files, each read from the file (its ref where it cannot be read on its own). */
export function fileNames(policies: PolicyRegistry, policy: Policy): Map<string, string> {
  const names = new Map<string, string>();
  for (const file of policy.files) {
    try {
      names.set(file, file === policy.id ? policy.name : policies.get(file).name);
    } catch {
      names.set(file, file);
    }
  }
  return names;
}

export function side(region: RegionPolicy, policy: Policy, version: PolicyAtDate, date: string): z.input<typeof Side> {
  return {
    admdvs: region.admdvs,
    region_name: region.name,
    policy_id: policy.id,
    policy_name: policy.name,
    date,
    version_from: version.from,
    version_until: version.until,
  };
}

export function sourceAnswer(source: Provenance | undefined, names: Map<string, string>): z.input<typeof Source> {
  if (!source) return null;
  return {
    cite: source.cite,
    confidence: source.confidence,
    confidence_name: describeConfidence(source.confidence),
    from: source.from,
    until: source.until,
    file: source.file,
    file_name: names.get(source.file) ?? source.file,
    line: source.line,
  };
}

/** The catalogue by section, in the order the sections first appear. */
export function bySection(
  entries: CatalogueEntry[],
  names: Map<string, string>,
): z.input<typeof PolicyAnswer>['sections'] {
  const sections = new Map<string, z.input<typeof Parameter>[]>();
  for (const entry of entries) {
    const items = sections.get(entry.section) ?? [];
    items.push({ path: entry.path, name: entry.name, value: entry.value, source: sourceAnswer(entry.source, names) });
    sections.set(entry.section, items);
  }
  return [...sections].map(([name, items]) => ({ name, items }));
}

export function differenceAnswer(
  difference: CatalogueDifference,
  names: Map<string, string>,
): z.input<typeof DiffAnswer>['items'][number] {
  const shown = (entry: CatalogueEntry | null): z.input<typeof DiffSide> =>
    entry && { value: entry.value, source: sourceAnswer(entry.source, names) };
  return {
    path: difference.path,
    section: difference.section,
    name: difference.name,
    a: shown(difference.a),
    b: shown(difference.b),
  };
}

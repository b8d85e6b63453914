/**
 * One policy file, parsed: its header, its sources and its parameter tree's dated leaves, each entry with the
 * line it was written on. A leaf is a list of dated entries; any other mapping is a branch:
 *
 *   parameters:
 *     critical_illness:
 *       deductible:
 *         - { from: 2022-01-01, value: 12000, source: S002 }
 */
import { LineCounter, parseDocument, isMap, isSeq, type Document } from 'yaml';
import { z } from 'zod';
import { formatPath, problem, type Problem } from '../errors.js';
import { isValidDate } from '../ids.js';

export type Confidence = 'seed' | 'public' | 'assumed';

export interface Source {
  key: string;
  cite: string;
  confidence: Confidence;
  url?: string | undefined;
}

export interface LeafEntry {
  from: string;
  /** Last day in force (inclusive), or null when it lasts until the next entry. */
  until: string | null;
  value: unknown;
  /** A region switching off what it inherits from this date. */
  removed: boolean;
  source: Source;
  confidence: Confidence;
  note?: string | undefined;
  file: string;
  line: number;
  /** Path of this entry's value inside the YAML document, to find the line of a problem inside the value. */
  docPath: (string | number)[];
}

export interface Leaf {
  path: string[];
  entries: LeafEntry[];
}

export interface PolicyFile {
  /** What the user called it: a built-in id or the path given. */
  file: string;
  id: string | undefined;
  name: string;
  region: string;
  extends: string | undefined;
  leaves: Leaf[];
  lineOf(docPath: readonly (string | number)[]): number | undefined;
}

const confidence = z.enum(['seed', 'public', 'assumed']);
const headerSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/, '政策编号只能由小写字母、数字、-、_ 和 / 组成')
      .optional(),
    name: z.string().min(1),
    region: z.string().regex(/^\d{6}$/, '应为 6 位行政区划代码'),
    extends: z.string().min(1).optional(),
    sources: z.record(
      z.string().regex(/^[A-Za-z0-9_-]+$/),
      z.object({ cite: z.string().min(1), confidence, url: z.string().optional() }).strict(),
    ),
    parameters: z.record(z.string(), z.unknown()),
  })
  .strict();

const dateString = z.string().refine(isValidDate, { message: '应为 yyyy-MM-dd 格式的有效日期' });
const entrySchema = z
  .object({
    from: dateString,
    until: dateString.optional(),
    value: z.unknown().optional(),
    removed: z.literal(true).optional(),
    source: z.string(),
    confidence: confidence.optional(),
    note: z.string().optional(),
  })
  .strict();

export function parsePolicyFile(
  text: string,
  file: string,
): { ok: true; policy: PolicyFile } | { ok: false; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) =>
        problem('YAML_MALFORMED', error.message.split('\n')[0] ?? error.message, {
          file,
          line: lineCounter.linePos(error.pos[0]).line,
        }),
      ),
    };
  }
  const lineOf = (docPath: readonly (string | number)[]): number | undefined => nodeLine(doc, lineCounter, docPath);
  const header = headerSchema.safeParse(doc.toJS());
  if (!header.success) {
    return {
      ok: false,
      problems: header.error.issues.map((issue) =>
        problem('POLICY_INVALID', issueMessage(issue), {
          file,
          path: formatPath(issue.path as (string | number)[]),
          line: lineOf(issue.path as (string | number)[]),
        }),
      ),
    };
  }
  const sources = new Map<string, Source>();
  for (const [key, source] of Object.entries(header.data.sources)) sources.set(key, { key, ...source });

  const problems: Problem[] = [];
  const leaves: Leaf[] = [];
  const walk = (node: unknown, path: string[]): void => {
    const docPath = ['parameters', ...path];
    if (Array.isArray(node)) {
      leaves.push({ path, entries: readEntries(node, path, docPath) });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (!/^[a-z0-9_]+$/.test(key)) {
          problems.push(
            problem('POLICY_INVALID', `参数名 "${key}" 只能由小写字母、数字和 _ 组成`, {
              file,
              path: formatPath([...path, key]),
              line: lineOf([...docPath, key]),
            }),
          );
        } else {
          walk(child, [...path, key]);
        }
      }
    } else {
      problems.push(
        problem('POLICY_INVALID', '此处应为参数分组，或带日期的取值列表（- { from: …, value: …, source: … }）', {
          file,
          path: formatPath(path),
          line: lineOf(docPath),
        }),
      );
    }
  };
  const readEntries = (list: unknown[], path: string[], docPath: (string | number)[]): LeafEntry[] => {
    const entries: LeafEntry[] = [];
    list.forEach((raw, index) => {
      const where = { file, path: formatPath([...path, index]), line: lineOf([...docPath, index]) };
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push(
            problem('POLICY_INVALID', issueMessage(issue), {
              ...where,
              path: formatPath([...path, index, ...(issue.path as (string | number)[])]),
            }),
          );
        }
        return;
      }
      const entry = parsed.data;
      const hasValue = typeof raw === 'object' && raw !== null && 'value' in raw;
      if (hasValue === (entry.removed === true)) {
        problems.push(
          problem('POLICY_INVALID', '每条取值须有 value，或写 removed: true 停用继承的取值（二者只能有一个）', where),
        );
        return;
      }
      const source = sources.get(entry.source);
      if (!source) {
        problems.push(problem('SOURCE_UNKNOWN', `依据 "${entry.source}" 未在 sources 中声明`, where));
        return;
      }
      if (entry.until !== undefined && entry.until < entry.from) {
        problems.push(problem('DATE_ORDER', `截止日期 ${entry.until} 早于起始日期 ${entry.from}`, where));
        return;
      }
      const previous = entries[entries.length - 1];
      if (previous && (entry.from <= previous.from || (previous.until !== null && entry.from <= previous.until))) {
        problems.push(problem('DATE_ORDER', `取值的起始日期 ${entry.from} 必须晚于上一条的生效期`, where));
        return;
      }
      entries.push({
        from: entry.from,
        until: entry.until ?? null,
        value: entry.value ?? null,
        removed: entry.removed === true,
        source,
        confidence: entry.confidence ?? source.confidence,
        note: entry.note,
        file,
        line: where.line ?? 0,
        docPath: [...docPath, index, 'value'],
      });
    });
    if (list.length === 0)
      problems.push(
        problem('POLICY_INVALID', '取值列表不能为空', { file, path: formatPath(path), line: lineOf(docPath) }),
      );
    return entries;
  };
  walk(header.data.parameters, []);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    policy: {
      file,
      id: header.data.id,
      name: header.data.name,
      region: header.data.region,
      extends: header.data.extends,
      leaves,
      lineOf,
    },
  };
}

/** The 1-based line of the node at docPath, or of its nearest existing ancestor. */
function nodeLine(doc: Document, counter: LineCounter, docPath: readonly (string | number)[]): number | undefined {
  for (let length = docPath.length; length >= 0; length--) {
    const node = doc.getIn(docPath.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
    if (length === 0 && (isMap(doc.contents) || isSeq(doc.contents))) return 1;
  }
  return undefined;
}

export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '缺少必填项' : `类型错误：应为 ${typeName(issue.expected)}`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_value':
      return `取值应为以下之一：${issue.values.map(String).join('、')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `至少需要 ${String(issue.minimum)} 项`
        : `取值过小（最小 ${String(issue.minimum)}）`;
    case 'too_big':
      return `取值过大（最大 ${String(issue.maximum)}）`;
    case 'invalid_format':
      return issue.message && !issue.message.startsWith('Invalid') ? issue.message : '格式错误';
    case 'invalid_union':
      return '不符合任何一种允许的写法';
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: '文本',
    number: '数字',
    boolean: '是/否（true/false）',
    object: '对象',
    array: '列表',
  };
  return names[expected] ?? expected;
}

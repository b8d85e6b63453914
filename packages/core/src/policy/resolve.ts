/**
 * Resolves a chain of policy files (province → city → county) for a date: the most derived file's entry in force
 * wins, leaf by leaf. A policy is split into epochs at every date where some value changes; each epoch is resolved,
 * validated and compiled once, so settling a claim only has to find its epoch.
 */
import { createHash } from 'node:crypto';
import { formatPath, problem, SanbaoError, type Problem } from '../errors.js';
import type { Confidence, LeafEntry, PolicyFile } from './file.js';
import { issueMessage } from './file.js';
import { policyRulesSchema, type PolicyRules } from './schema.js';
import { annotate, deriveTables, type EffectiveTables } from './effective.js';

export interface Provenance {
  /** The parameter path as written in the file that set it. */
  path: string;
  cite: string;
  sourceKey: string;
  confidence: Confidence;
  from: string;
  until: string | null;
  file: string;
  line: number;
}

export interface PolicyAtDate {
  id: string;
  name: string;
  region: string;
  /** First day of this epoch and the first day after it (null: open-ended). */
  from: string;
  until: string | null;
  /** The resolved values; each object also knows its members' paths and sources (annotate), for the trace. */
  rules: PolicyRules;
  tables: EffectiveTables;
  /** sha256 of the resolved values: which exact numbers a settlement used. */
  fingerprint: string;
  /** What the engine works out from this epoch on first use (the layers each kind of claim can reach …). */
  readonly memo: { [what: string]: unknown };
  /**
   * Where the value at a parameter path written as text (or its nearest enclosing leaf) comes from. The engine does
   * not use it: it reads each value with its own source (engine/parameters.ts), which never falls back to a parent's.
   */
  source(path: string): Provenance | undefined;
}

export interface Policy {
  id: string;
  name: string;
  region: string;
  files: string[];
  epochs: PolicyAtDate[];
  /** The policy in force on an ISO date; throws POLICY_NOT_IN_FORCE outside every epoch. */
  at(date: string): PolicyAtDate;
}

export function nextDay(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function covers(entry: LeafEntry, next: LeafEntry | undefined, date: string): boolean {
  if (date < entry.from) return false;
  if (entry.until !== null) return date <= entry.until;
  return next === undefined || date < next.from;
}

function entryAt(entries: LeafEntry[], date: string): LeafEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry && covers(entry, entries[i + 1], date)) return entry;
  }
  return undefined;
}

interface Resolved {
  tree: Record<string, unknown>;
  provenance: Map<string, Provenance>;
  origins: Map<string, { file: PolicyFile; entry: LeafEntry }>;
}

function resolveTree(chain: PolicyFile[], date: string): Resolved {
  const tree: Record<string, unknown> = {};
  const provenance = new Map<string, Provenance>();
  const origins = new Map<string, { file: PolicyFile; entry: LeafEntry }>();
  for (const file of chain) {
    for (const leaf of file.leaves) {
      const entry = entryAt(leaf.entries, date);
      if (!entry) continue;
      const key = leaf.path.join('.');
      for (const existing of [...provenance.keys()]) {
        if (existing === key || existing.startsWith(`${key}.`)) {
          provenance.delete(existing);
          origins.delete(existing);
        }
      }
      setIn(tree, leaf.path, entry.removed ? undefined : entry.value);
      if (!entry.removed) {
        provenance.set(key, {
          path: key,
          cite: entry.source.cite,
          sourceKey: entry.source.key,
          confidence: entry.confidence,
          from: entry.from,
          until: entry.until,
          file: entry.file,
          line: entry.line,
        });
        origins.set(key, { file, entry });
      }
    }
  }
  return { tree, provenance, origins };
}

function setIn(tree: Record<string, unknown>, path: string[], value: unknown): void {
  let node = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const child = node[key];
    // Copy on write: a parent's value object must never be changed by a child's finer override.
    const copy =
      child !== null && typeof child === 'object' && !Array.isArray(child)
        ? { ...(child as Record<string, unknown>) }
        : {};
    node[key] = copy;
    node = copy;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

function lookup(
  provenance: Map<string, Provenance>,
  cache: Map<string, Provenance | undefined>,
  path: string,
): Provenance | undefined {
  if (cache.has(path)) return cache.get(path);
  let candidate = path;
  let found: Provenance | undefined;
  for (;;) {
    found = provenance.get(candidate);
    if (found) break;
    const dot = candidate.lastIndexOf('.');
    if (dot < 0) break;
    candidate = candidate.slice(0, dot);
  }
  cache.set(path, found);
  return found;
}

/** Compiles a chain (root first) into its epochs, validating each; all problems are reported together. */
export function compilePolicy(chain: PolicyFile[], id: string): Policy {
  const leafFile = chain[chain.length - 1];
  if (!leafFile) throw new SanbaoError([problem('POLICY_NOT_FOUND', `政策 ${id} 没有文件`)]);
  const boundaries = new Set<string>();
  for (const file of chain) {
    for (const leaf of file.leaves) {
      for (const entry of leaf.entries) {
        boundaries.add(entry.from);
        if (entry.until !== null) boundaries.add(nextDay(entry.until));
      }
    }
  }
  const starts = [...boundaries].sort();
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const epochs: PolicyAtDate[] = [];
  starts.forEach((from, index) => {
    const resolved = resolveTree(chain, from);
    if (Object.keys(resolved.tree).length === 0) return; // nothing in force: a gap, not an error
    const parsed = policyRulesSchema.safeParse(resolved.tree);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // An unknown key is reported at its own path, so that it points at the file and line that wrote it.
        const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
        for (const path of paths as (string | number)[][]) {
          const located = locate(resolved, path);
          const report = problem('POLICY_INVALID', `${issueMessage(issue)}（${from} 起生效的取值）`, {
            file: located.file ?? leafFile.file,
            path: formatPath(path),
            line: located.line,
          });
          const key = `${report.file}|${report.path}|${issueMessage(issue)}`;
          if (!seen.has(key)) {
            seen.add(key);
            problems.push(report);
          }
        }
      }
      return;
    }
    const cache = new Map<string, Provenance | undefined>();
    const source = (path: string): Provenance | undefined => lookup(resolved.provenance, cache, path);
    annotate(parsed.data, source);
    epochs.push({
      id,
      name: leafFile.name,
      region: leafFile.region,
      from,
      until: starts[index + 1] ?? null,
      rules: parsed.data,
      tables: deriveTables(parsed.data),
      fingerprint: createHash('sha256').update(JSON.stringify(resolved.tree)).digest('hex'),
      memo: {},
      source,
    });
  });
  if (problems.length > 0) throw new SanbaoError(problems);
  if (epochs.length === 0)
    throw new SanbaoError([problem('POLICY_INVALID', '政策没有任何生效的取值', { file: leafFile.file })]);
  return {
    id,
    name: leafFile.name,
    region: leafFile.region,
    files: chain.map((file) => file.file),
    epochs,
    at: epochFinder(epochs, id),
  };
}

/** policy.at: claims come in runs of the same year, so the epoch found last is tried first. */
function epochFinder(epochs: PolicyAtDate[], id: string): (date: string) => PolicyAtDate {
  let last = epochs[0] as PolicyAtDate;
  return (date) => {
    if (date >= last.from && (last.until === null || date < last.until)) return last;
    last = policyAt(epochs, id, date);
    return last;
  };
}

function policyAt(epochs: PolicyAtDate[], id: string, date: string): PolicyAtDate {
  let low = 0;
  let high = epochs.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const epoch = epochs[middle] as PolicyAtDate;
    if (date < epoch.from) high = middle - 1;
    else if (epoch.until !== null && date >= epoch.until) low = middle + 1;
    else return epoch;
  }
  throw new SanbaoError([problem('POLICY_NOT_IN_FORCE', `政策 ${id} 在 ${date} 没有生效的取值`)]);
}

/** Finds the file and line behind a problem at a path of the resolved tree. */
function locate(resolved: Resolved, path: (string | number)[]): { file?: string; line?: number } {
  for (let length = path.length; length > 0; length--) {
    const key = path.slice(0, length).join('.');
    const origin = resolved.origins.get(key);
    if (origin) {
      const inside = path.slice(length);
      const line = origin.file.lineOf([...origin.entry.docPath, ...inside]) ?? origin.entry.line;
      return { file: origin.file.file, line };
    }
  }
  // A required key missing from a group: point at the first leaf written inside the nearest enclosing group.
  for (let length = path.length; length >= 0; length--) {
    const prefix = `${path.slice(0, length).join('.')}.`;
    for (const [key, origin] of resolved.origins) {
      if (length === 0 || key.startsWith(prefix)) return { file: origin.file.file, line: origin.entry.line };
    }
  }
  return {};
}

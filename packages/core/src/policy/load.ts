/** Reads policy files from disk: built-in ones by id (anhui/bozhou), a bureau's own by path. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problem, SanbaoError } from '../errors.js';
import { parsePolicyFile, type PolicyFile } from './file.js';
import { compilePolicy, type Policy } from './resolve.js';

const ID_PATTERN = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/;

/** The repository's policies/ folder (this file sits at packages/core/{src,dist}/policy/). */
export function builtInPolicyDir(): string {
  return process.env['SANBAO_POLICY_DIR'] ?? fileURLToPath(new URL('../../../../policies/', import.meta.url));
}

export function listBuiltInPolicies(dir = builtInPolicyDir()): string[] {
  const ids: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      // A policy's worked cases (bozhou.cases.yaml) sit beside it and are not a policy.
      else if (entry.name.endsWith('.yaml') && !entry.name.endsWith('.cases.yaml'))
        ids.push(relative(dir, full).slice(0, -'.yaml'.length).split('\\').join('/'));
    }
  };
  walk(dir);
  return ids.sort();
}

export function isPolicyId(ref: string): boolean {
  return ID_PATTERN.test(ref);
}

interface Located {
  path: string;
  /** How to name it to a user: the id for a built-in, the path as given otherwise. */
  display: string;
  builtInId: string | undefined;
}

function locate(ref: string, relativeTo: string | undefined, dir: string): Located {
  if (isPolicyId(ref)) {
    const path = join(dir, `${ref}.yaml`);
    if (!existsSync(path))
      throw new SanbaoError([
        problem('POLICY_NOT_FOUND', `没有编号为 ${ref} 的内置政策；可用：${listBuiltInPolicies(dir).join('、')}`),
      ]);
    return { path, display: ref, builtInId: ref };
  }
  const path = isAbsolute(ref) ? ref : resolve(relativeTo ?? process.cwd(), ref);
  if (!existsSync(path)) throw new SanbaoError([problem('POLICY_NOT_FOUND', `找不到政策文件 ${ref}`)]);
  return { path, display: ref, builtInId: undefined };
}

function readPolicyFile(located: Located): PolicyFile {
  let text: string;
  try {
    text = readFileSync(located.path, 'utf8');
  } catch (error) {
    throw new SanbaoError([
      problem('FILE_UNREADABLE', `无法读取：${(error as Error).message}`, { file: located.display }),
    ]);
  }
  const parsed = parsePolicyFile(text, located.display);
  if (!parsed.ok) throw new SanbaoError(parsed.problems);
  const { policy } = parsed;
  if (located.builtInId !== undefined && policy.id !== located.builtInId) {
    throw new SanbaoError([
      problem('POLICY_INVALID', `内置政策文件的 id 应为 ${located.builtInId}，实为 ${String(policy.id)}`, {
        file: located.display,
        path: 'id',
        line: policy.lineOf(['id']),
      }),
    ]);
  }
  return policy;
}

const builtInCache = new Map<string, Policy>();

/** Loads and compiles a policy with everything it extends. Built-in policies are compiled once per process. */
export function loadPolicy(ref: string, options: { dir?: string; relativeTo?: string } = {}): Policy {
  const dir = options.dir ?? builtInPolicyDir();
  const first = locate(ref, options.relativeTo, dir);
  const cached = builtInCache.get(first.path);
  if (cached) return cached;
  const chain: PolicyFile[] = [];
  const visited: string[] = [];
  let current: Located | undefined = first;
  while (current) {
    if (visited.includes(current.path)) {
      throw new SanbaoError([
        problem(
          'POLICY_CYCLE',
          `继承关系形成循环：${[...visited, current.path].map((p) => relative(process.cwd(), p)).join(' → ')}`,
          { file: current.display },
        ),
      ]);
    }
    visited.push(current.path);
    const file = readPolicyFile(current);
    chain.unshift(file);
    current = file.extends === undefined ? undefined : locate(file.extends, dirname(current.path), dir);
  }
  const policy = compilePolicy(chain, first.builtInId ?? chain[chain.length - 1]?.id ?? ref);
  if (first.builtInId !== undefined) builtInCache.set(first.path, policy);
  return policy;
}

/** `sanbao policy list | check <id-or-file> | show <id-or-file> [--date yyyy-MM-dd]`. */
import { formatBands, formatRatio, formatYuan, listBuiltInPolicies, loadPolicy, type Policy } from '@sanbao/core';

export function policyList(): string {
  return `${listBuiltInPolicies()
    .map((id) => {
      const policy = loadPolicy(id);
      return `${id.padEnd(32)} ${policy.name}（区划 ${policy.region}，${policy.epochs.map((e) => e.from).join('、')} 起）`;
    })
    .join('\n')}\n`;
}

export function loadByRef(ref: string, cwd: string): Policy {
  return loadPolicy(ref, { relativeTo: cwd });
}

export function policyCheck(ref: string, cwd: string): string {
  const policy = loadByRef(ref, cwd);
  const epochs = policy.epochs.map(
    (epoch) => `  ${epoch.from} 至 ${epoch.until ?? '今'}  指纹 ${epoch.fingerprint.slice(0, 12)}`,
  );
  return `政策 ${policy.id}（${policy.name}）校验通过：文件 ${policy.files.join(' → ')}\n${epochs.join('\n')}\n`;
}

/** Every resolved value on a date with where it comes from, in the order a reader of the YAML expects. */
export function policyShow(ref: string, cwd: string, date: string): string {
  const policy = loadByRef(ref, cwd).at(date);
  const lines = [`${policy.name}（${policy.id}）${date} 适用的取值（${policy.from} 起）`];
  const walk = (value: unknown, path: string[]): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      return;
    }
    const key = path.join('.');
    const source = policy.source(key);
    lines.push(
      `  ${key} = ${show(key, value)}${source ? `    [${source.confidence}] ${source.cite}（${source.file} 第 ${source.line} 行）` : ''}`,
    );
  };
  walk(policy.rules, []);
  return `${lines.join('\n')}\n`;
}

function show(key: string, value: unknown): string {
  if (typeof value === 'number') {
    if (/(ratio|factor|points)$/.test(key) || /\.ratio\./.test(key)) return formatRatio(value);
    if (/newborn_months$/.test(key)) return String(value);
    return `${formatYuan(value)} 元`;
  }
  if (Array.isArray(value) && value.every((item) => item && typeof item === 'object' && 'above' in item))
    return formatBands(value as never);
  return JSON.stringify(value);
}

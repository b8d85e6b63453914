/**
 * What 系统管理's tabs share: the filters of a tab kept in the address (with ?tab=), the forms' choices by their
 * Chinese names, and a refusal shown in the platform's words. (The address filters could be shared by other screens.)
 */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';

export type Choices = paths['/api/admin/choices']['get']['responses']['200']['content']['application/json'];

/** The choices of the forms: policies, levels, roles, departments, audit actions (cached for the session). */
export function useChoices(): Choices | undefined {
  return useQuery({
    queryKey: ['admin', 'choices'],
    queryFn: () => answer(api.GET('/api/admin/choices')),
    staleTime: 600_000,
  }).data;
}

/** A code's name among choices, or the code itself when the list does not know it. */
export function nameOf(list: { code: string; name: string }[] | undefined, code: string): string {
  return list?.find((choice) => choice.code === code)?.name ?? code;
}

export interface TabFilters<K extends string> {
  filter: Partial<Record<K, string>>;
  page: number;
  size: number;
  /** New filters: back to the first page, the tab kept. */
  search: (next: Partial<Record<K, string | undefined>>) => void;
  turn: (page: number, size: number) => void;
}

/** The tab's filters, page and size, read from and written to the address. */
export function useTabFilters<K extends string>(tab: string, keys: readonly K[]): TabFilters<K> {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(
    keys.map((key) => [key, params.get(key) || undefined]).filter(([, value]) => value),
  ) as Partial<Record<K, string>>;
  const page = Number(params.get('page') ?? 1) || 1;
  const size = Number(params.get('size') ?? 20) || 20;
  const write = (values: Record<string, string | undefined>): void => {
    const next: Record<string, string> = { tab };
    for (const [key, value] of Object.entries(values)) if (value?.trim()) next[key] = value.trim();
    setParams(next);
  };
  return {
    filter,
    page,
    size,
    search: (next) => write(next),
    turn: (nextPage, nextSize) => write({ ...filter, page: String(nextPage), size: String(nextSize) }),
  };
}

export { failureText } from '../../lib/ui';

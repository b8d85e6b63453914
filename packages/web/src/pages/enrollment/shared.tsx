/**
 * What the enrollment tabs share: the platform's today (the default year, month and date — the platform's clock,
 * not the browser's), the filters kept in the address, the year picker, a person picker, the export button, and who
 * may register and adjust (the bureau's counter: operators and administrators without a township or department).
 */
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Select } from 'antd';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api, ApiFailure, download } from '../../api/client';
import { counter } from '../../app/access';

/** Registering and adjusting are the bureau counter's. */
export const atCounter = counter;

/** The platform's today, year and month. */
export function useCalendar(): { today: string; year: number; month: string } | undefined {
  return useQuery({
    queryKey: ['enrollment-calendar'],
    queryFn: () => answer(api.GET('/api/enrollments/calendar')),
    staleTime: 600_000,
  }).data;
}

/** The tab's filters in the address: read, and set (a new filter goes back to the first page). */
export function useFilters(): {
  get: (key: string) => string | undefined;
  set: (changes: Record<string, string | undefined>) => void;
  page: number;
  size: number;
} {
  const [params, setParams] = useSearchParams();
  return {
    get: (key) => params.get(key) || undefined,
    set: (changes) => {
      const next = new URLSearchParams(params);
      if (!('page' in changes)) next.delete('page');
      for (const [key, value] of Object.entries(changes))
        if (value) next.set(key, value);
        else next.delete(key);
      setParams(next);
    },
    page: Number(params.get('page') ?? 1),
    size: Number(params.get('size') ?? 20),
  };
}

export function YearSelect({ value, onChange }: { value: number; onChange: (year: number) => void }): ReactNode {
  const calendar = useCalendar();
  const now = calendar?.year ?? value;
  const years = [now + 1, now, now - 1, now - 2].filter((year, i, all) => all.indexOf(year) === i);
  if (!years.includes(value)) years.push(value);
  return (
    <Select
      style={{ width: 110 }}
      value={value}
      onChange={onChange}
      options={years.sort((a, b) => b - a).map((year) => ({ value: year, label: `${year}年度` }))}
    />
  );
}

/** 导出 XLSX: the workbook of what the filters show, downloaded with the session's token. */
export function ExportButton({ path, name, testId }: { path: string; name: string; testId?: string }): ReactNode {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      data-testid={testId}
      onClick={() => {
        setBusy(true);
        download(path, name)
          .catch((error: unknown) => message.error(error instanceof ApiFailure ? error.message : '导出未成功'))
          .finally(() => setBusy(false));
      }}
    >
      导出 XLSX
    </Button>
  );
}

/**
 * The JSON answer of a route that also answers a workbook (?format=xlsx): its type is a union with the file's, and a
 * JSON request gets JSON.
 */
export async function json<T>(call: Promise<T>): Promise<Exclude<T, string>> {
  const data = await call;
  if (typeof data === 'string') throw new ApiFailure(0, 'UNKNOWN', '平台的应答格式有误，请稍后再试');
  return data as Exclude<T, string>;
}

/** A query string of the filters that are set. */
export function queryOf(values: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') query.set(key, String(value));
  return query.toString();
}

/** Small pieces every screen uses: a page's title bar, an amount cell, a refusal shown in the catalogue's words. */
import { Alert, Card, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ApiFailure } from '../api/client';
import { yuanText } from './money';

export function Page({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }): ReactNode {
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }} className="page-title">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        <div className="no-print">{extra}</div>
      </div>
      {children}
    </Space>
  );
}

/** An amount in yuan, right-aligned with thousands separators. */
export function Yuan({ value, strong }: { value: string | null | undefined; strong?: boolean }): ReactNode {
  const text = yuanText(value);
  return <span className="amount">{strong ? <strong>{text}</strong> : text}</span>;
}

/** A column of amounts for antd tables. */
export function yuanColumn<T>(
  title: string,
  key: keyof T & string,
): {
  title: string;
  dataIndex: string;
  key: string;
  align: 'right';
  render: (value: string) => ReactNode;
} {
  return { title, dataIndex: key, key, align: 'right', render: (value: string) => <Yuan value={value} /> };
}

/** The platform's Chinese message of a failed request, or the screen's own when it is not the platform's refusal. */
export function failureText(error: unknown, fallback: string): string {
  return error instanceof ApiFailure ? error.message : fallback;
}

export function Failure({ error }: { error: unknown }): ReactNode {
  const message = error instanceof ApiFailure ? error.message : '加载失败，请稍后再试';
  return <Alert type="error" showIcon title={message} data-testid="failure" />;
}

export function Section({
  title,
  extra,
  children,
}: {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
}): ReactNode {
  return (
    <Card title={title} extra={extra} size="small">
      {children}
    </Card>
  );
}

/** A time of the platform ("2026-06-15T10:00:00+08:00") as a clerk reads it: "2026-06-15 10:00". */
export function timeText(value: string | null | undefined): string {
  if (!value) return '—';
  return value.slice(0, 16).replace('T', ' ');
}

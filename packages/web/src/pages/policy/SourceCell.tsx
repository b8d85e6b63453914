/**
 * Where a value comes from: the document it cites, how sure that source is (原始文件, 公开文件 or 暂定, by colour), the
 * policy file and line that wrote it, and the day it holds from.
 */
import { Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Source } from './types';

/** The same colours as a settlement's trace: original documents blue, public pages green, assumptions orange. */
export const CONFIDENCE_COLORS: Record<string, string> = { seed: 'blue', public: 'green', assumed: 'orange' };

export function ConfidenceTag({ source }: { source: NonNullable<Source> }): ReactNode {
  return (
    <Tag color={CONFIDENCE_COLORS[source.confidence]} style={{ marginInlineEnd: 0 }}>
      {source.confidence_name}
    </Tag>
  );
}

export function SourceCell({ source }: { source: Source }): ReactNode {
  if (!source)
    return (
      <Space size={4}>
        <Tag style={{ marginInlineEnd: 0 }}>默认值</Tag>
        <Typography.Text type="secondary">政策文件未写明，按平台默认</Typography.Text>
      </Space>
    );
  return (
    <Space orientation="vertical" size={0}>
      <Space size={6} align="start">
        <ConfidenceTag source={source} />
        <span>{source.cite}</span>
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {source.file_name} 第 {source.line} 行 · 自 {source.from} 起{source.until ? ` 至 ${source.until}` : ''}
      </Typography.Text>
    </Space>
  );
}

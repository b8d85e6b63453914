/**
 * A region's policy on a date: what it is and which version applies, then every value by section with its source;
 * a search narrows the rows to those whose name, value or document contains the words.
 */
import { Descriptions, Empty, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Section } from '../../lib/ui';
import { CONFIDENCE_COLORS, SourceCell } from './SourceCell';
import type { Parameter, PolicyAnswer } from './types';

function matches(item: Parameter, section: string, words: string[]): boolean {
  const text = [section, item.name, item.value, item.source?.cite ?? '', item.source?.confidence_name ?? '默认值']
    .join(' ')
    .toLowerCase();
  return words.every((word) => text.includes(word));
}

export function PolicySummary({ policy }: { policy: PolicyAnswer }): ReactNode {
  return (
    <Section title="政策概况">
      <Descriptions size="small" column={3} data-testid="policy-summary">
        <Descriptions.Item label="区划">{policy.region_name}</Descriptions.Item>
        <Descriptions.Item label="政策">{policy.policy_name}</Descriptions.Item>
        <Descriptions.Item label="查看日期">{policy.date}</Descriptions.Item>
        <Descriptions.Item label="适用版本">
          自 {policy.version_from} 起{policy.version_until ? `，至 ${policy.version_until} 前` : '施行至今'}
        </Descriptions.Item>
        <Descriptions.Item label="政策文件" span={2}>
          {policy.files.map((file) => file.name).join(' → ')}
        </Descriptions.Item>
        <Descriptions.Item label="可信度" span={3}>
          <Space size={4} wrap>
            <Tag color={CONFIDENCE_COLORS.seed}>原始文件</Tag>
            <Typography.Text type="secondary">取自原始发布的文件；</Typography.Text>
            <Tag color={CONFIDENCE_COLORS.public}>公开文件</Tag>
            <Typography.Text type="secondary">取自公开的转载或页面；</Typography.Text>
            <Tag color={CONFIDENCE_COLORS.assumed}>暂定</Tag>
            <Typography.Text type="secondary">未见公开文件的暂定值，应按本地文件核实替换。</Typography.Text>
          </Space>
        </Descriptions.Item>
      </Descriptions>
    </Section>
  );
}

export function PolicyTable({ policy, search }: { policy: PolicyAnswer; search: string }): ReactNode {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const sections = policy.sections
    .map((section) => ({ ...section, items: section.items.filter((item) => matches(item, section.name, words)) }))
    .filter((section) => section.items.length > 0);
  const shown = sections.reduce((sum, section) => sum + section.items.length, 0);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="policy-table">
      <Typography.Text type="secondary" data-testid="policy-count">
        共 {policy.count} 项参数{words.length > 0 ? `，符合搜索的 ${shown} 项` : ''}
      </Typography.Text>
      {sections.length === 0 && <Empty description="没有符合搜索的参数" />}
      {sections.map((section) => (
        <Section key={section.name} title={`${section.name}（${section.items.length} 项）`}>
          <Table<Parameter>
            rowKey="path"
            size="small"
            pagination={false}
            dataSource={section.items}
            columns={[
              { title: '参数', dataIndex: 'name', width: '32%' },
              {
                title: '取值',
                dataIndex: 'value',
                width: '26%',
                render: (value: string) => <strong className="policy-value">{value}</strong>,
              },
              {
                title: '依据',
                dataIndex: 'source',
                render: (source: Parameter['source']) => <SourceCell source={source} />,
              },
            ]}
          />
        </Section>
      ))}
    </Space>
  );
}

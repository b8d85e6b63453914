/** 参保人: search by name, ID number or psn_no (server-side paging); a row opens the person's page. */
import { useQuery } from '@tanstack/react-query';
import { Input, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { Failure, Page } from '../../lib/ui';

export default function PersonSearch(): ReactNode {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1);
  const [size, setSize] = useState(20);
  const found = useQuery({
    queryKey: ['persons', q, page, size],
    queryFn: () => answer(api.GET('/api/persons', { params: { query: { q: q || undefined, page, size } } })),
  });

  return (
    <Page title="参保人">
      <Input.Search
        placeholder="姓名、身份证号或人员编号"
        defaultValue={q}
        allowClear
        enterButton="查询"
        style={{ maxWidth: 480 }}
        onSearch={(value) => setParams(value ? { q: value.trim() } : {})}
        data-testid="person-search"
      />
      {found.error && <Failure error={found.error} />}
      <Table
        rowKey="psn_no"
        size="middle"
        loading={found.isPending}
        dataSource={found.data?.items}
        pagination={{
          current: page,
          pageSize: size,
          total: found.data?.total,
          showTotal: (total) => `共 ${total} 人`,
          onChange: (next, nextSize) => {
            setSize(nextSize);
            setParams({ ...(q ? { q } : {}), page: String(next) });
          },
        }}
        columns={[
          {
            title: '姓名',
            dataIndex: 'psn_name',
            render: (name: string, row) => <Link to={`/persons/${encodeURIComponent(row.psn_no)}`}>{name}</Link>,
          },
          { title: '人员编号', dataIndex: 'psn_no' },
          { title: '身份证号', dataIndex: 'certno' },
          { title: '性别', dataIndex: 'gend', render: (gend: string) => (gend === '1' ? '男' : '女') },
          { title: '出生日期', dataIndex: 'brdy' },
          { title: '乡镇（街道）', dataIndex: 'township' },
          {
            title: '人员类别',
            dataIndex: 'categories',
            render: (categories: { code: string; name: string }[]) =>
              categories.length === 0 ? '普通参保居民' : categories.map((c) => <Tag key={c.code}>{c.name}</Tag>),
          },
        ]}
      />
    </Page>
  );
}

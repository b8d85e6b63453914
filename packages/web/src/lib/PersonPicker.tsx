/** A person picked by name, ID number or psn_no, searched on the server within the user's scope (零星报销, 参保登记). */
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../api/client';

export function PersonPicker({
  id,
  value,
  onChange,
  width = '100%',
  testId = 'person-picker',
}: {
  id?: string;
  width?: number | string;
  testId?: string;
  value?: string;
  onChange?: (psnNo: string | undefined) => void;
}): ReactNode {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['person-picker', q],
    queryFn: () => answer(api.GET('/api/persons', { params: { query: { q, size: 20 } } })),
    enabled: q.trim().length >= 1,
  });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value}
      onChange={(next?: string) => onChange?.(next)}
      placeholder="输入姓名、身份证号或人员编号查找"
      notFoundContent={q ? (found.isFetching ? '正在查找…' : '未找到') : '请输入查找条件'}
      style={{ width }}
      data-testid={testId}
      options={found.data?.items.map((person) => ({
        value: person.psn_no,
        label: [person.psn_name, person.certno, person.township].filter(Boolean).join(' · '),
      }))}
    />
  );
}

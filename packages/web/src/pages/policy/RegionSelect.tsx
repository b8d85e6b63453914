/**
 * One region of the user's scope, by name (the policy screen always shows one region, so there is no "all"), and the
 * default: the user's own region, or the first of the scope. Could be shared beside lib/pickers.tsx's RegionPicker.
 */
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import type { ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { useMe } from '../../app/session';

const regionsQuery = {
  queryKey: ['regions'],
  queryFn: () => answer(api.GET('/api/regions')),
  staleTime: 600_000,
};

/** The user's own region, or for a user of the whole platform the first region listed (a city). */
export function useDefaultRegion(): string | undefined {
  const me = useMe();
  const regions = useQuery(regionsQuery);
  return me.scope_admdvs ?? regions.data?.items[0]?.admdvs;
}

export function RegionSelect({
  value,
  onChange,
  width = 180,
  testId,
}: {
  value?: string;
  onChange: (value: string) => void;
  width?: number;
  testId?: string;
}): ReactNode {
  const regions = useQuery(regionsQuery);
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      placeholder="请选择区划"
      style={{ width }}
      value={value}
      onChange={onChange}
      loading={regions.isPending}
      data-testid={testId}
      options={regions.data?.items.map((region) => ({
        value: region.admdvs,
        label: region.parent ? region.name : `${region.name}（全市）`,
      }))}
    />
  );
}

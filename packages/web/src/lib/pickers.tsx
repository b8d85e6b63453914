/** Pickers of the user's own regions and institutions, by name (the codes stay behind the names). */
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import type { ReactNode } from 'react';
import { answer, api } from '../api/client';

interface PickerProps {
  /** Set by a Form.Item, so its label names the picker. */
  id?: string;
  value?: string;
  onChange?: (value: string | undefined) => void;
  width?: number | string;
}

export function RegionPicker({ id, value, onChange, width = 160 }: PickerProps): ReactNode {
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: () => answer(api.GET('/api/regions')),
    staleTime: 600_000,
  });
  return (
    <Select
      id={id}
      allowClear
      placeholder="全部"
      style={{ width }}
      value={value}
      onChange={(next?: string) => onChange?.(next)}
      loading={regions.isPending}
      options={regions.data?.items.map((region) => ({
        value: region.admdvs,
        label: region.parent ? region.name : `${region.name}（全市）`,
      }))}
    />
  );
}

export function InstitutionPicker({ id, value, onChange, width = 220 }: PickerProps): ReactNode {
  const institutions = useQuery({
    queryKey: ['institutions'],
    queryFn: () => answer(api.GET('/api/institutions')),
    staleTime: 600_000,
  });
  return (
    <Select
      id={id}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder="全部"
      style={{ width }}
      value={value}
      onChange={(next?: string) => onChange?.(next)}
      loading={institutions.isPending}
      options={institutions.data?.items.map((institution) => ({
        value: institution.fixmedins_code,
        label: institution.name,
      }))}
    />
  );
}

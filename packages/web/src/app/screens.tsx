/**
 * The console's screens, declared once: path, menu title, who may use it, and the component (loaded on demand). The
 * menu and the router are both made from this list, so a screen a role may not use is neither shown nor reachable.
 */
import {
  AlertOutlined,
  CalculatorOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  FundOutlined,
  ReadOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { bureau, everyone, notTownship } from './access';
import type { Me } from './session';

export interface Screen {
  path: string;
  title: string;
  icon?: ReactNode;
  /** Shown in the menu (a detail page is reached from its list). */
  menu: boolean;
  /** Who may use it. */
  allows(me: Me): boolean;
  component: LazyExoticComponent<ComponentType>;
}

export const SCREENS: Screen[] = [
  {
    path: '/',
    title: '工作台',
    icon: <DashboardOutlined />,
    menu: true,
    allows: everyone,
    component: lazy(() => import('../pages/dashboard/Dashboard')),
  },
  {
    path: '/persons',
    title: '参保人',
    icon: <TeamOutlined />,
    menu: true,
    allows: everyone,
    component: lazy(() => import('../pages/persons/PersonSearch')),
  },
  {
    path: '/persons/:psnNo',
    title: '参保人详情',
    menu: false,
    allows: everyone,
    component: lazy(() => import('../pages/persons/PersonPage')),
  },
  {
    path: '/settlements',
    title: '结算查询',
    icon: <FileSearchOutlined />,
    menu: true,
    allows: bureau,
    component: lazy(() => import('../pages/settlements/SettlementList')),
  },
  {
    path: '/settlements/:psnNo/:setlId',
    title: '结算详情',
    menu: false,
    allows: bureau,
    component: lazy(() => import('../pages/settlements/SettlementPage')),
  },
  {
    path: '/manual',
    title: '零星报销',
    icon: <CalculatorOutlined />,
    menu: true,
    allows: bureau,
    component: lazy(() => import('../pages/manual/ManualSettlement')),
  },
  {
    path: '/ledger',
    title: '台账导入',
    icon: <UploadOutlined />,
    menu: true,
    allows: notTownship,
    component: lazy(() => import('../pages/ledger/LedgerImport')),
  },
  {
    path: '/enrollment',
    title: '资助参保',
    icon: <FundOutlined />,
    menu: true,
    allows: notTownship,
    component: lazy(() => import('../pages/enrollment/Enrollment')),
  },
  {
    path: '/warnings',
    title: '预警台账',
    icon: <AlertOutlined />,
    menu: true,
    allows: everyone,
    component: lazy(() => import('../pages/warnings/WarningLedger')),
  },
  {
    path: '/applications',
    title: '依申请救助',
    icon: <SolutionOutlined />,
    menu: true,
    allows: notTownship,
    component: lazy(() => import('../pages/applications/Applications')),
  },
  {
    path: '/policy',
    title: '政策',
    icon: <ReadOutlined />,
    menu: true,
    allows: bureau,
    component: lazy(() => import('../pages/policy/PolicyView')),
  },
  {
    path: '/admin',
    title: '系统管理',
    icon: <SettingOutlined />,
    menu: true,
    allows: (me) => bureau(me) && me.role === 'administrator',
    component: lazy(() => import('../pages/admin/Admin')),
  },
];

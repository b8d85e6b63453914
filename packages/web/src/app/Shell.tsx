/** The frame of every screen: the menu of the screens this user may use, and the user's name, role and actions. */
import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { Dropdown, Layout, Menu, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { PasswordDialog } from '../pages/PasswordDialog';
import { SCREENS } from './screens';
import { useMe, useSession } from './session';

const { Header, Sider, Content } = Layout;

/** The menu entry a path belongs to: "/persons/P1" is under "/persons". */
function selectedKey(pathname: string): string {
  const entries = SCREENS.filter((screen) => screen.menu && screen.path !== '/');
  return entries.find((screen) => pathname === screen.path || pathname.startsWith(`${screen.path}/`))?.path ?? '/';
}

export function Shell({ children }: { children: ReactNode }): ReactNode {
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [changingPassword, setChangingPassword] = useState(false);
  const where = [me.scope_name, me.township, me.department_name].filter(Boolean).join(' · ');

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={208} theme="dark" breakpoint="lg" collapsedWidth={0}>
        <div style={{ color: '#fff', fontSize: 17, fontWeight: 600, padding: '18px 20px', letterSpacing: 1 }}>
          三保一站式结算
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selectedKey(location.pathname)]}
          items={SCREENS.filter((screen) => screen.menu && screen.allows(me)).map((screen) => ({
            key: screen.path,
            icon: screen.icon,
            label: screen.title,
          }))}
          onClick={({ key }) => void navigate(key)}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Dropdown
            menu={{
              items: [
                { key: 'password', label: '修改密码' },
                { key: 'logout', label: '退出登录' },
              ],
              onClick: ({ key }) => {
                if (key === 'password') setChangingPassword(true);
                else void signOut().then(() => navigate('/login'));
              },
            }}
          >
            <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
              <UserOutlined />
              <span>{me.display_name}</span>
              <Typography.Text type="secondary">
                {me.role_name}
                {where ? `（${where}）` : ''}
              </Typography.Text>
              <DownOutlined />
            </Space>
          </Dropdown>
        </Header>
        <Content style={{ margin: 16 }}>{children}</Content>
      </Layout>
      <PasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
    </Layout>
  );
}

/** The console's routes: the login screen, and every screen of SCREENS inside the shell for the roles it allows. */
import { Result, Spin } from 'antd';
import { Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router-dom';
import { Login } from '../pages/Login';
import { SCREENS, type Screen } from './screens';
import { useSession } from './session';
import { Shell } from './Shell';

function Guarded({ screen }: { screen: Screen }): ReactNode {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Spin fullscreen tip="正在加载…" />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const Component = screen.component;
  return (
    <Shell>
      {screen.allows(me) ? (
        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} tip="正在加载…" />}>
          <Component />
        </Suspense>
      ) : (
        <Result status="403" title="无权访问" subTitle={`您的账号不能使用「${screen.title}」。`} />
      )}
    </Shell>
  );
}

function NotFound(): ReactNode {
  const { me, loading } = useSession();
  if (loading) return <Spin fullscreen tip="正在加载…" />;
  if (!me) return <Navigate to="/login" replace />;
  return (
    <Shell>
      <Result status="404" title="页面不存在" subTitle="请从左侧菜单选择要办理的事项。" />
    </Shell>
  );
}

export const router = createBrowserRouter([
  { path: '/login', element: <Login /> },
  ...SCREENS.map((screen) => ({ path: screen.path, element: <Guarded screen={screen} /> })),
  { path: '*', element: <NotFound /> },
]);

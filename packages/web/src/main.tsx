/** The console's entry: Chinese locale for antd and dayjs, the query cache, the signed-in user, the screens. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { ApiFailure } from './api/client';
import { router } from './app/router';
import { SessionProvider } from './app/session';
import './app/global.css';

dayjs.locale('zh-cn');

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A refusal is an answer: only a lost connection or an unavailable database is worth another try.
      retry: (count, error) => count < 2 && error instanceof ApiFailure && (error.status === 0 || error.status === 503),
    },
  },
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#1668dc', borderRadius: 4 } }}>
        <AntApp>
          <QueryClientProvider client={queries}>
            <SessionProvider>
              <RouterProvider router={router} />
            </SessionProvider>
          </QueryClientProvider>
        </AntApp>
      </ConfigProvider>
    </StrictMode>,
  );

import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { SessionProvider, useSession } from '../modules/access/session';
import { Shell } from './Shell';

const LoginPage = lazy(() => import('../pages/access/LoginPage'));
const AreasPage = lazy(() => import('../pages/registry/AreasPage'));
const SearchPage = lazy(() => import('../pages/registry/SearchPage'));
const PersonPage = lazy(() => import('../pages/registry/PersonPage'));
const ImportPage = lazy(() => import('../pages/registry/ImportPage'));

const FONT = "'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif";

function Routed() {
  const { me, loading } = useSession();
  if (loading) return <Spin fullscreen />;
  if (!me)
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to="/areas" replace />} />
        <Route path="/areas/:code?" element={<AreasPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/people/:kind/:id" element={<PersonPage />} />
        <Route path="/import" element={<ImportPage />} />
        <Route path="*" element={<Navigate to="/areas" replace />} />
      </Routes>
    </Shell>
  );
}

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language.startsWith('en') ? enUS : zhCN} theme={{ token: { colorPrimary: '#b71c1c', fontFamily: FONT, borderRadius: 6 } }}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <Suspense fallback={<Spin fullscreen />}>
              <Routed />
            </Suspense>
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

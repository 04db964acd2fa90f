import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { SessionProvider, useSession } from '../modules/access/session';
import { useBusy } from '../shared/retry';
import { FONT } from '../shared/font';
import './base.css';
import { Shell } from './Shell';
import { BusyBanner } from './BusyBanner';

const LoginPage = lazy(() => import('../pages/access/LoginPage'));
const AreasPage = lazy(() => import('../pages/registry/AreasPage'));
const SearchPage = lazy(() => import('../pages/registry/SearchPage'));
const PersonPage = lazy(() => import('../pages/registry/PersonPage'));
const ImportPage = lazy(() => import('../pages/registry/ImportPage'));
const CallupsPage = lazy(() => import('../pages/mobilization/CallupsPage'));
const BoardPage = lazy(() => import('../pages/mobilization/BoardPage'));
const VillageCodePage = lazy(() => import('../pages/mobilization/VillageCodePage'));
const RosterPage = lazy(() => import('../pages/mobilization/RosterPage'));
const MyCallupPage = lazy(() => import('../pages/mobilization/MyCallupPage'));
const CheckinPage = lazy(() => import('../pages/mobilization/CheckinPage'));
const PhonePage = lazy(() => import('../pages/notify/PhonePage'));
const CampaignsPage = lazy(() => import('../pages/testing/CampaignsPage'));
const CampaignPage = lazy(() => import('../pages/testing/CampaignPage'));
const StationPage = lazy(() => import('../pages/testing/StationPage'));
const LabPage = lazy(() => import('../pages/testing/LabPage'));
const ResidentPage = lazy(() => import('../pages/testing/ResidentPage'));
const CodesPrintPage = lazy(() => import('../pages/testing/CodesPrintPage'));
const TransportPage = lazy(() => import('../pages/testing/TransportPage'));

/** Where each role starts: the station for a sampler, the upload for a lab. */
const HOME: Record<string, string> = { sampler: '/station', lab: '/lab', courier: '/transport' };


/** Pages a phone opens without an account: the personal link, the village code, a resident's code and results. */
function PublicRoutes() {
  return (
    <Routes>
      <Route path="/m/:token" element={<MyCallupPage />} />
      <Route path="/checkin/:village" element={<CheckinPage />} />
      <Route path="/r/:code" element={<ResidentPage />} />
      <Route path="/lookup" element={<ResidentPage />} />
    </Routes>
  );
}
const PUBLIC = /^\/(m|checkin|r|lookup)(\/|$)/;
/** The simulator's phone: a page of its own, shaped as a handset, for a signed-in commander (its SMS carry personal links). */
const PHONE = /^\/phone(\/|$)/;

function Routed() {
  const { me, loading } = useSession();
  const busy = useBusy();
  const { t } = useTranslation();
  const { pathname } = useLocation();
  if (PUBLIC.test(pathname))
    return (
      <>
        <BusyBanner />
        <PublicRoutes />
      </>
    );
  if (loading) return <Spin fullscreen description={busy === null ? undefined : t('common.busy', { s: busy })} />;
  if (!me)
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  if (PHONE.test(pathname))
    return (
      <Routes>
        <Route path="/phone/:phone?" element={<PhonePage />} />
      </Routes>
    );
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to={HOME[me.role] ?? '/areas'} replace />} />
        <Route path="/areas/:code?" element={<AreasPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/people/:kind/:id" element={<PersonPage />} />
        <Route path="/import" element={<ImportPage />} />
        <Route path="/callups" element={<CallupsPage />} />
        <Route path="/callups/:id" element={<BoardPage />} />
        <Route path="/villages/:code/code" element={<VillageCodePage />} />
        <Route path="/roster" element={<RosterPage />} />
        <Route path="/campaigns" element={<CampaignsPage />} />
        <Route path="/campaigns/:id" element={<CampaignPage />} />
        <Route path="/codes/:area" element={<CodesPrintPage />} />
        <Route path="/station" element={<StationPage />} />
        <Route path="/transport" element={<TransportPage />} />
        <Route path="/lab" element={<LabPage />} />
        <Route path="*" element={<Navigate to={HOME[me.role] ?? '/areas'} replace />} />
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

import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { Button, Dropdown, Grid, Layout, Menu, Space, Typography } from 'antd';
import { CarOutlined, ApartmentOutlined, CloudUploadOutlined, ExperimentOutlined, MobileOutlined, NotificationOutlined, ScanOutlined, ScheduleOutlined, GlobalOutlined, LogoutOutlined, SearchOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/access/session';
import { setLanguage } from './i18n';
import { BusyBanner } from './BusyBanner';

/** Header with the sections; on a phone the sections move to a bottom bar. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { me, signOut } = useSession();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const loc = useLocation();
  const section = '/' + (loc.pathname.split('/')[1] || 'areas');
  const lead = !!me && ['commander', 'lead'].includes(me.role);
  const entry = (key: string, icon: ReactNode, text: string) => ({
    key,
    icon: phone ? undefined : icon,
    label: (
      <Link to={key} style={phone ? { color: 'inherit', display: 'block' } : undefined}>
        {phone && <div style={{ fontSize: 18 }}>{icon}</div>}
        {text}
      </Link>
    ),
  });
  const role = me?.role;
  // a station and a lab see their own work only
  const items =
    role === 'sampler' ? [entry('/station', <ScanOutlined />, t('nav.station')), entry('/transport', <CarOutlined />, t('nav.transport'))]
    : role === 'courier' ? [entry('/transport', <CarOutlined />, t('nav.transport'))]
    : role === 'lab' ? [entry('/lab', <ExperimentOutlined />, t('nav.lab'))]
    : [
        ...(lead ? [entry('/callups', <NotificationOutlined />, t('nav.callups')), entry('/campaigns', <ExperimentOutlined />, t('nav.campaigns')), entry('/roster', <ScheduleOutlined />, t('nav.roster'))] : []),
        entry('/areas', <ApartmentOutlined />, t('nav.areas')),
        entry('/search', <SearchOutlined />, t('nav.search')),
        ...(lead ? [entry('/import', <CloudUploadOutlined />, t('nav.import'))] : []),
      ];
  const toggleLang = () => setLanguage(i18n.language.startsWith('en') ? 'zh-CN' : 'en');
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="no-print" style={{ display: 'flex', alignItems: 'center', gap: 16, padding: phone ? '0 12px' : '0 24px', background: '#8e1414' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: phone ? 16 : 18, whiteSpace: 'nowrap' }}>
          {phone ? t('app.short') : t('app.name')}
        </Typography.Text>
        {!phone && <Menu theme="dark" mode="horizontal" selectedKeys={[section]} items={items} style={{ flex: 1, background: 'transparent' }} />}
        <Space style={{ marginLeft: 'auto' }}>
          <Button type="text" icon={<GlobalOutlined />} onClick={toggleLang} style={{ color: '#fff' }} aria-label="language">
            {phone ? null : t('nav.language')}
          </Button>
          <Dropdown
            menu={{
              items: [
                { key: 'who', label: `${me?.displayName} · ${t(`roles.${me?.role}`)}`, disabled: true },
                { key: 'lang', label: t('nav.language'), icon: <GlobalOutlined />, onClick: toggleLang },
                { key: 'phone', label: <Link to="/phone">{t('nav.phone')}</Link>, icon: <MobileOutlined /> },
                { key: 'out', label: t('nav.signOut'), icon: <LogoutOutlined />, onClick: () => void signOut() },
              ],
            }}
          >
            <Button type="text" icon={<UserOutlined />} style={{ color: '#fff' }}>
              {phone ? null : me?.displayName}
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <BusyBanner />
      <Layout.Content style={{ padding: phone ? 8 : 24, paddingBottom: phone ? 72 : 24 }}>{children}</Layout.Content>
      {phone && (
        <nav className="no-print" style={{ position: 'fixed', bottom: 0, left: 0, right: 0, display: 'flex', background: '#fff', borderTop: '1px solid #eee', zIndex: 10, paddingBottom: 'env(safe-area-inset-bottom)' }}>
          {items.map((it) => (
            <div key={it.key} style={{ flex: 1, textAlign: 'center', padding: '6px 0', fontSize: 12, color: section === it.key ? '#b71c1c' : '#555' }}>
              {it.label}
            </div>
          ))}
        </nav>
      )}
    </Layout>
  );
}

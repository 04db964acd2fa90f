import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Empty, Form, Input, List, Modal, Progress, Select, Space, Tag, Typography, type InputRef } from 'antd';
import { CameraOutlined, CloudSyncOutlined, LockOutlined, UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { testingApi, type Campaign } from '../../modules/testing/api';
import { BoxPanel } from '../../modules/testing/BoxPanel';
import { CameraScan, prefetchBarcodeReader } from '../../modules/testing/CameraScan';
import { outbox, retryable, syncOnce, type Scan } from '../../modules/testing/outbox';

const CODE = /p\.[0-9a-z]{1,12}\.[\w-]{16}/;
const TUBE = /^[0-9A-Za-z-]{4,32}$/;

/** Retries with exponential backoff and jitter: 1 s, 2 s, 4 s … up to 30 s, each 0.5–1.5 of the step. */
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random());

/**
 * The sampling station (采样台) for a phone or tablet: scan a tube, then up to
 * the pooling ratio of personal codes, then seal. Every scan goes to the
 * device's outbox first, so the station works offline and a reload loses
 * nothing; the outbox syncs whenever the network allows.
 */
export default function StationPage() {
  const { t } = useTranslation();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [tube, setTube] = useState<string | null>(null);
  const [members, setMembers] = useState<Scan[]>([]);
  const [waiting, setWaiting] = useState(0);
  const [online, setOnline] = useState(navigator.onLine);
  const [retry, setRetry] = useState<{ attempt: number; inS: number } | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [input, setInput] = useState('');
  const [camera, setCamera] = useState(false);
  const [walkIn, setWalkIn] = useState(false);
  const [walkInError, setWalkInError] = useState<string | null>(null);
  const field = useRef<InputRef>(null);
  const attempt = useRef(0);
  const timer = useRef<number | undefined>(undefined);

  // The open tube, read by every refresh when it runs (not the one open when the refresh was made):
  // a sync begun before a reload's saved tube was read must not show that tube empty.
  const openTube = useRef<string | null>(null);
  const setOpenTube = (value: string | null) => {
    openTube.current = value;
    setTube(value);
  };
  const refreshes = useRef(0);
  // the count waiting and the tube's scans are read first and shown together: the screen never
  // says "all synced" beside scans still marked waiting; only the latest refresh is shown
  const refresh = useCallback(async () => {
    const mine = ++refreshes.current;
    const current = openTube.current;
    const [n, scans] = await Promise.all([outbox.waiting(), current ? outbox.scansOf(current) : []]);
    if (mine !== refreshes.current) return;
    setWaiting(n);
    setMembers(scans);
  }, []);

  useEffect(prefetchBarcodeReader, []);
  // what the station was doing before a reload
  useEffect(() => {
    void (async () => {
      // the open tube and its members are rebuilt from the outbox (IndexedDB), reachable offline
      const saved = await outbox.getState<{ campaign: Campaign; tube: string | null }>('station');
      if (saved) {
        setCampaign(saved.campaign);
        setOpenTube(saved.tube);
      }
      await refresh();
      testingApi.campaigns().then((cs) => {
        const running = cs.filter((c) => c.status === 'running' && c.actions.includes('sample'));
        setCampaigns(running);
        if (!saved && running.length === 1) setCampaign(running[0]);
      }, () => {});
    })();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (campaign) void outbox.setState('station', { campaign, tube });
  }, [campaign, tube]);

  const sync = useCallback(async () => {
    window.clearTimeout(timer.current);
    try {
      await syncOnce();
      attempt.current = 0;
      setRetry(null);
    } catch (e) {
      if (!retryable(e)) throw e;
      const wait = backoffMs(attempt.current++);
      setRetry({ attempt: attempt.current, inS: Math.round(wait / 1000) });
      timer.current = window.setTimeout(() => void sync(), wait);
    }
    await refresh();
  }, [refresh]);

  useEffect(() => {
    const on = () => {
      setOnline(true);
      attempt.current = 0;
      void sync();
    };
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    void sync();
    const beat = window.setInterval(() => navigator.onLine && void sync(), 15_000);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
      window.clearInterval(beat);
    };
  }, [sync]);

  const scanned = async (text: string) => {
    const value = text.trim();
    setInput('');
    setWarning(null);
    if (!value || !campaign) return;
    if (!tube) {
      if (!TUBE.test(value)) return setWarning(t('station.badTube'));
      if (await outbox.sealed(value)) return setWarning(t('station.tubeSealed'));
      setOpenTube(value);
      await refresh();
      return;
    }
    const code = value.match(CODE)?.[0];
    if (!code) return setWarning(t('station.badCode'));
    const inTube = await outbox.scansOf(tube);
    if (inTube.some((s) => s.person === code)) return setWarning(t('station.alreadyInTube'));
    if (inTube.filter((s) => s.state !== 'refused').length >= campaign.poolSize) return setWarning(t('station.full', { n: campaign.poolSize }));
    await outbox.addScan({ id: crypto.randomUUID(), campaignId: campaign.id, tube, person: code, at: new Date().toISOString() });
    await refresh();
    void sync();
  };

  const seal = async () => {
    if (!tube || !campaign) return;
    await outbox.addSeal(tube, campaign.id);
    setOpenTube(null);
    await refresh();
    void sync();
  };

  useEffect(() => field.current?.focus(), [tube, campaign]);

  // someone not in the registry: registered at the table (needs the network), then scanned like anyone
  const register = async (v: { name: string; idNumber: string; phone?: string; address: string }) => {
    setWalkInError(null);
    try {
      const r = await testingApi.walkIn(campaign!.id, v);
      setWalkIn(false);
      await scanned(r.code);
    } catch (e) {
      setWalkInError(retryable(e) ? t('station.walkInOffline') : (e as Error).message);
    }
  };

  const filled = members.filter((m) => m.state !== 'refused').length;
  const mask = (code: string) => code.slice(0, 4) + '…' + code.slice(-4);
  const stateTag = (s: Scan) =>
    s.state === 'waiting' ? <Tag color="orange">{t('station.waiting')}</Tag>
    : s.state === 'refused' ? <Tag color="red">{t(`station.refused.${s.note}`, { defaultValue: s.note })}</Tag>
    : s.note === 'REPEAT' ? <Tag color="gold">{t('station.repeat')}</Tag>
    : <Tag color="green">{t('station.recorded')}</Tag>;

  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560, margin: '0 auto', display: 'flex' }}>
      {!online && <Alert type="warning" showIcon title={t('station.offline')} data-testid="offline" />}
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Select
            style={{ minWidth: 200 }}
            placeholder={t('station.campaign')}
            value={campaign?.id}
            options={(campaigns.length ? campaigns : campaign ? [campaign] : []).map((c) => ({ value: c.id, label: `${c.title} · ${t('station.pool', { n: c.poolSize })}` }))}
            onChange={(id) => setCampaign(campaigns.find((c) => c.id === id) ?? null)}
          />
          <Badge status={waiting ? 'warning' : 'success'} text={<span data-testid="sync-status">{waiting ? t('station.toSync', { n: waiting }) : t('station.synced')}</span>} />
        </Space>
        {retry && waiting > 0 && (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }} data-testid="retrying" data-attempt={retry.attempt}>
            <CloudSyncOutlined /> {t('station.retrying', { n: retry.attempt, s: retry.inS })}
          </Typography.Text>
        )}
      </Card>

      {campaign ? (
        <Card size="small" title={tube ? <span data-testid="tube">{t('station.tube')} {tube}</span> : t('station.scanTube')}
          extra={tube && <Button type="primary" danger icon={<LockOutlined />} onClick={() => void seal()} data-testid="seal">{t('station.seal')}</Button>}>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              ref={field}
              size="large"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              onPressEnter={() => void scanned(input)}
              placeholder={tube ? t('station.scanPerson') : t('station.scanTube')}
              autoComplete="off"
              data-testid="scan-input"
            />
            {navigator.mediaDevices && <Button size="large" icon={<CameraOutlined />} onClick={() => setCamera(true)} aria-label={t('station.camera')} />}
          </Space.Compact>
          {warning && <Alert type="error" showIcon title={warning} style={{ marginTop: 8 }} data-testid="warning" />}
          {members.some((m) => m.state === 'refused' && m.note === 'WRONG_SITE') && <Alert type="error" showIcon title={t('station.wrongSite')} style={{ marginTop: 8 }} data-testid="wrong-site" />}
          {tube && (
            <>
              <Progress percent={Math.round((100 * filled) / campaign.poolSize)} format={() => <span data-testid="tube-fill">{filled} / {campaign.poolSize}</span>} style={{ marginTop: 12 }} />
              <Button icon={<UserAddOutlined />} onClick={() => setWalkIn(true)} block style={{ marginBottom: 8 }}>{t('station.walkIn')}</Button>
              <List
                size="small"
                dataSource={members}
                locale={{ emptyText: t('station.empty') }}
                renderItem={(m, i) => (
                  <List.Item extra={stateTag(m)} data-testid="member">
                    {i + 1}. {mask(m.person)}
                  </List.Item>
                )}
              />
            </>
          )}
        </Card>
      ) : (
        <Empty description={t('station.noCampaign')} />
      )}
      {campaign && online && <BoxPanel />}
      <Modal open={walkIn} title={t('station.walkIn')} footer={null} onCancel={() => setWalkIn(false)} destroyOnHidden>
        <Form layout="vertical" onFinish={register}>
          <Form.Item name="name" label={t('person.name')} rules={[{ required: true, max: 30 }]}><Input /></Form.Item>
          <Form.Item name="idNumber" label={t('person.idNumber')} rules={[{ required: true, min: 15, max: 18 }]}><Input maxLength={18} /></Form.Item>
          <Form.Item name="phone" label={t('person.phone')}><Input inputMode="tel" maxLength={11} /></Form.Item>
          <Form.Item name="address" label={t('person.address')} rules={[{ required: true, max: 200 }]}><Input /></Form.Item>
          {walkInError && <Alert type="error" showIcon title={walkInError} style={{ marginBottom: 8 }} />}
          <Button type="primary" htmlType="submit" block>{t('station.registerAndScan')}</Button>
        </Form>
      </Modal>
      {camera && <CameraScan onCode={(v) => { setCamera(false); void scanned(v); }} onClose={() => setCamera(false)} />}
    </Space>
  );
}

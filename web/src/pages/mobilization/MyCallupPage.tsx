import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Card, Result, Space, Spin, Steps, Typography } from 'antd';
import { AimOutlined, CheckCircleOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { mobilizationApi, shanghai, TOKEN_KEY, type Me, type Shift } from '../../modules/mobilization/api';
import { withRetry } from '../../shared/retry';

/** The cadre's phone page, opened from the SMS link: acknowledge, then check in on arrival. */
export default function MyCallupPage() {
  const { t } = useTranslation();
  const { token } = useParams() as { token: string };
  const [data, setData] = useState<Awaited<ReturnType<typeof mobilizationApi.mine>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [shifts, setShifts] = useState<Shift[]>([]);

  useEffect(() => {
    localStorage.setItem(TOKEN_KEY, token);
    mobilizationApi.mine(token).then(setData, (e) => setError(e.message));
    mobilizationApi.myShifts(token).then(setShifts, () => setShifts([]));
  }, [token]);

  const act = async (what: string, fn: () => Promise<Me>) => {
    setBusy(what);
    setError(null);
    try {
      const me = await withRetry(fn, 5, setWaiting);
      setData((d) => (d ? { ...d, me } : d));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const locate = () =>
    act('location', async () => {
      const pos = await new Promise<GeolocationPosition>((resolve, reject) => navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 15000 }));
      return mobilizationApi.checkin(token, { lat: pos.coords.latitude, lng: pos.coords.longitude });
    });

  if (!data) return <div style={{ padding: 24 }}>{error ? <Alert type="error" showIcon title={error} /> : <Spin />}</div>;
  const { callup, me } = data;
  const step = me.checkinAt ? 2 : me.ackAt ? 1 : 0;
  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
      <Card title={<span>{t('mob.myTitle')} · {callup.title}</span>}>
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <div>
            <Typography.Text type="secondary">{t('mob.assigned')}</Typography.Text>
            <Typography.Title level={3} style={{ margin: '4px 0' }} data-testid="my-village">{me.areaName}</Typography.Title>
            <Typography.Text strong>{me.name}</Typography.Text> · <Typography.Text>{t('mob.due', { deadline: shanghai(callup.deadline) })}</Typography.Text>
          </div>
          <Steps size="small" direction="horizontal" responsive={false} current={step} items={[{ title: t('mob.ack') }, { title: t('mob.checkin') }, { title: t('mob.arrived') }]} />
          {error && <Alert type="error" showIcon title={error} data-testid="my-error" />}
          {waiting !== null && <Alert type="warning" showIcon title={t('common.busy', { s: waiting })} />}
          {me.checkinAt ? (
            <Result status="success" title={t('mob.checkedIn', { time: shanghai(me.checkinAt) })} subTitle={me.checkinMethod ? t(`mob.methods.${me.checkinMethod}`) : undefined} data-testid="checked-in" />
          ) : callup.status === 'closed' ? (
            <Alert type="info" showIcon title={t('mob.closedForMe')} data-testid="callup-closed" />
          ) : (
            <>
              {me.ackAt ? (
                <Alert type="success" showIcon icon={<CheckCircleOutlined />} title={t('mob.acked')} data-testid="acked" />
              ) : (
                <Button type="primary" size="large" block style={{ height: 56, fontSize: 20 }} loading={busy === 'ack'} onClick={() => act('ack', () => mobilizationApi.ack(token))}>
                  {t('mob.ack')}
                </Button>
              )}
              <Button size="large" block icon={<AimOutlined />} loading={busy === 'location'} onClick={locate}>
                {t('mob.byLocation')}
              </Button>
              <Alert type="info" icon={<QrcodeOutlined />} showIcon title={t('mob.byCode')} description={t('mob.byCodeHelp')} />
            </>
          )}
        </Space>
      </Card>
      <Card size="small" title={t('mob.myShifts')} style={{ marginTop: 12 }}>
        {shifts.length === 0 ? (
          <Typography.Text type="secondary">{t('mob.noShifts')}</Typography.Text>
        ) : (
          shifts.map((s) => (
            <div key={s.id} data-testid="my-shift" style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
              <Typography.Text strong>{t(`mob.posts.${s.post}`)}</Typography.Text>
              <div>{shanghai(s.startsAt)} – {shanghai(s.endsAt)}（{s.hours} {t('mob.hours')}）</div>
            </div>
          ))
        )}
      </Card>
    </div>
  );
}

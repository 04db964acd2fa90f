import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Card, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { mobilizationApi, shanghai, TOKEN_KEY, type Me } from '../../modules/mobilization/api';
import { withRetry } from '../../shared/retry';

/** Opened by scanning the code at a village committee: checks in the holder of the personal link kept on this phone. */
export default function CheckinPage() {
  const { t } = useTranslation();
  const { village } = useParams() as { village: string };
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<number | null>(null);
  useEffect(() => {
    const token = localStorage.getItem(TOKEN_KEY);
    if (!token) return setError(t('mob.noToken'));
    withRetry(() => mobilizationApi.checkin(token, { village }), 5, setWaiting).then(setMe, (e) => setError(e.message));
  }, [village, t]);
  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
      <Card>
        {me ? (
          <Result status="success" title={t('mob.checkedIn', { time: shanghai(me.checkinAt!) })} subTitle={me.areaName} data-testid="checked-in" />
        ) : error ? (
          <Alert type="error" showIcon title={error} data-testid="checkin-error" />
        ) : (
          <Spin />
        )}
        {waiting !== null && <Alert type="warning" showIcon title={t('common.busy', { s: waiting })} style={{ marginTop: 12 }} />}
      </Card>
    </div>
  );
}

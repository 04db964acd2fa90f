import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Input, List, Space, Typography } from 'antd';
import { CarOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { shanghai } from '../../modules/mobilization/api';
import { testingApi, type BoxOnTheRoad } from '../../modules/testing/api';

/** 转运交接: transport scans each box it takes at a site, and sees every box on the road until a lab scans it on arrival. */
export default function TransportPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState('');
  const [onTheRoad, setOnTheRoad] = useState<BoxOnTheRoad[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => testingApi.inTransit().then(setOnTheRoad, (e) => setError((e as Error).message)), []);
  useEffect(() => void reload(), [reload]);
  const pickUp = async () => {
    setError(null);
    try {
      await testingApi.pickUp(box.trim());
      setBox('');
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560, margin: '0 auto', display: 'flex' }}>
      <Card size="small" title={t('transport.title')}>
        <Space.Compact style={{ width: '100%' }}>
          <Input size="large" prefix={<CarOutlined />} value={box} onChange={(e) => setBox(e.target.value)} onPressEnter={() => void pickUp()} placeholder={t('box.code')} autoFocus />
          <Button size="large" type="primary" disabled={!box.trim()} onClick={() => void pickUp()}>{t('transport.take')}</Button>
        </Space.Compact>
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
      </Card>
      {onTheRoad && (
        <Card size="small" title={t('transport.onTheRoad', { n: onTheRoad.length })}>
          <List
            dataSource={onTheRoad} locale={{ emptyText: t('transport.none') }} data-testid="on-the-road"
            renderItem={(b) => (
              <List.Item extra={<Typography.Text type="secondary">{t('transport.since', { at: shanghai(b.shippedAt) })}</Typography.Text>}>
                <List.Item.Meta title={b.box} description={`${b.areaName ?? b.areaCode}${b.lab ? ` → ${t('transport.to', { lab: b.lab })}` : ''} · ${t('transport.tubes', { n: b.tubes })} · ${t('transport.swabs', { n: b.swabs })}`} />
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}

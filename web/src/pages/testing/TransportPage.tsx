import { useState } from 'react';
import { Alert, Button, Card, Input, List, Space } from 'antd';
import { CarOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { testingApi } from '../../modules/testing/api';

/** 转运交接: transport scans each box it takes at a site; the lab scans it on arrival. */
export default function TransportPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState('');
  const [taken, setTaken] = useState<{ box: string; tubes: number }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const pickUp = async () => {
    setError(null);
    try {
      const r = await testingApi.pickUp(box.trim());
      setTaken([r, ...taken]);
      setBox('');
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
      <Card size="small" title={t('transport.taken', { n: taken.length })}>
        <List dataSource={taken} renderItem={(b) => <List.Item>{b.box} · {t('transport.tubes', { n: b.tubes })}</List.Item>} />
      </Card>
    </Space>
  );
}

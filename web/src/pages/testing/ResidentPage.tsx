import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Card, Empty, Form, Input, List, Space, Tag, Typography } from 'antd';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { shanghai } from '../../modules/mobilization/api';
import { testingApi, type MyResults } from '../../modules/testing/api';

const RESULT_COLOR: Record<string, string> = { negative: 'green', positive: 'red', invalid: 'orange' };

/**
 * A resident's own page, for a phone: the personal code (个人码) to show at the
 * sampling table, and their samples and results. Opened from the personal link,
 * or found by the public lookup (ID number, name and phone).
 */
export default function ResidentPage() {
  const { t } = useTranslation();
  const { code } = useParams() as { code?: string };
  const [me, setMe] = useState<MyResults | null>(null);
  const [svg, setSvg] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (code) testingApi.me(code).then(setMe, (e) => setError(e.message));
  }, [code]);
  useEffect(() => {
    if (me) void QRCode.toString(me.code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(setSvg);
  }, [me]);

  const find = async (v: { idNumber: string; name: string; phone: string }) => {
    setBusy(true);
    setError(null);
    try {
      setMe(await testingApi.lookup(v));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
      <Typography.Title level={4} style={{ textAlign: 'center' }}>{t('resident.title')}</Typography.Title>
      {!me && !code && (
        <Card size="small">
          <Form layout="vertical" onFinish={find}>
            <Form.Item name="name" label={t('person.name')} rules={[{ required: true }]}><Input autoComplete="name" /></Form.Item>
            <Form.Item name="idNumber" label={t('person.idNumber')} rules={[{ required: true, pattern: /^\d{17}[\dXx]$/, message: t('resident.idHelp') }]}><Input inputMode="text" maxLength={18} /></Form.Item>
            <Form.Item name="phone" label={t('person.phone')} rules={[{ required: true, pattern: /^1\d{10}$/, message: t('resident.phoneHelp') }]}><Input inputMode="tel" maxLength={11} /></Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={busy}>{t('resident.find')}</Button>
          </Form>
        </Card>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {me && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" style={{ textAlign: 'center' }}>
            <Typography.Title level={5} style={{ margin: 0 }}>{me.name}</Typography.Title>
            <Typography.Text type="secondary">{me.areaName}</Typography.Text>
            <div style={{ width: 220, margin: '12px auto' }} dangerouslySetInnerHTML={{ __html: svg }} data-testid="personal-qr" />
            <Typography.Text type="secondary">{t('resident.show')}</Typography.Text>
          </Card>
          <Card size="small" title={t('resident.samples')}>
            {me.samples.length ? (
              <List
                dataSource={me.samples}
                renderItem={(s) => (
                  <List.Item extra={s.result ? <Tag color={RESULT_COLOR[s.result]}>{t(`resident.result.${s.result}`)}</Tag> : s.recall === 'pending_retest' ? <Tag color="red">{t('resident.retest')}</Tag> : <Tag>{t('resident.pending')}</Tag>}>
                    <List.Item.Meta title={s.campaign} description={`${shanghai(s.scannedAt)}${s.pooled ? ' · ' + t('resident.pooled') : ''}`} />
                  </List.Item>
                )}
              />
            ) : (
              <Empty description={t('resident.none')} />
            )}
          </Card>
        </Space>
      )}
    </div>
  );
}

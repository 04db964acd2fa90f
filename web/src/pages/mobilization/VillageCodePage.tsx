import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Card, Spin, Typography } from 'antd';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { mobilizationApi } from '../../modules/mobilization/api';

/** The check-in code of a village, to print and post at the committee. */
export default function VillageCodePage() {
  const { t } = useTranslation();
  const { code } = useParams() as { code: string };
  const [svg, setSvg] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    mobilizationApi.villageCode(code).then(async (v) => {
      setUrl(v.url);
      setSvg(await QRCode.toString(v.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
    }, (e) => setError(e.message));
  }, [code]);
  if (error) return <Alert type="error" title={error} />;
  if (!svg) return <Spin />;
  return (
    <Card style={{ maxWidth: 420, margin: '0 auto', textAlign: 'center' }} title={t('mob.villageCode')}>
      <div style={{ width: 280, margin: '0 auto' }} dangerouslySetInnerHTML={{ __html: svg }} data-testid="village-qr" />
      <Typography.Paragraph type="secondary">{t('mob.villageCodeHelp')}</Typography.Paragraph>
      <Typography.Text copyable style={{ wordBreak: 'break-all', fontSize: 12 }} data-testid="village-url">{url}</Typography.Text>
    </Card>
  );
}

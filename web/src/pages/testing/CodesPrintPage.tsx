import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Space, Spin, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { testingApi, type PrintableCode } from '../../modules/testing/api';

/**
 * Personal codes of a village's residents on paper, for those without a phone: a sheet of
 * cards (name, household, address, QR code), 200 to a page, ready for the printer.
 */
export default function CodesPrintPage() {
  const { t } = useTranslation();
  const { area } = useParams() as { area: string };
  const [after, setAfter] = useState(0);
  const [page, setPage] = useState<{ codes: (PrintableCode & { svg: string })[]; next: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPage(null);
    testingApi.codes(area, after).then(
      async (p) => setPage({ next: p.next, codes: await Promise.all(p.codes.map(async (c) => ({ ...c, svg: await QRCode.toString(c.code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) }))) }),
      (e) => setError(e.message),
    );
  }, [area, after]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!page) return <Spin />;
  return (
    <>
      <Space className="no-print" style={{ marginBottom: 12 }} wrap>
        <Typography.Text>{t('codes.help', { n: page.codes.length })}</Typography.Text>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>{t('codes.print')}</Button>
        {page.next !== null && <Button onClick={() => setAfter(page.next!)}>{t('codes.next')}</Button>}
      </Space>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 8 }}>
        {page.codes.map((c) => (
          <div key={c.residentId} style={{ border: '1px dashed #bbb', padding: 8, textAlign: 'center', breakInside: 'avoid', background: '#fff' }} data-testid="printed-code">
            <div style={{ width: 120, margin: '0 auto' }} dangerouslySetInnerHTML={{ __html: c.svg }} />
            <Typography.Text strong>{c.name}</Typography.Text>
            <div style={{ fontSize: 12, color: '#555' }}>{c.householdNo ? `${t('person.householdNo')} ${c.householdNo}` : ''}</div>
            <div style={{ fontSize: 12, color: '#555' }}>{c.address}</div>
          </div>
        ))}
      </div>
    </>
  );
}

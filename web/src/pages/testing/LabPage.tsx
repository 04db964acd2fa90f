import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Input, Row, Space, Statistic, Table, Typography, Upload } from 'antd';
import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { shanghai } from '../../modules/mobilization/api';
import { testingApi, type LabQueue, type ResultsReport } from '../../modules/testing/api';
import { ageText, minutesSince, num } from '../../modules/testing/format';

/** The laboratory: its queue, receive boxes by their code, upload results as CSV or XLSX, see every refused row. */
export default function LabPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState('');
  const [received, setReceived] = useState<string | null>(null);
  const [report, setReport] = useState<ResultsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [queue, setQueue] = useState<LabQueue | null>(null);
  const reload = useCallback(() => testingApi.labQueue().then(setQueue, (e) => setError((e as Error).message)), []);
  useEffect(() => void reload(), [reload]);

  const receive = async () => {
    setError(null);
    try {
      const r = await testingApi.receive(box.trim());
      setReceived(t('lab.received', { box: r.box, n: r.tubes }));
      setBox('');
      void reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      setReport(await testingApi.uploadResults(file));
      void reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
    return false;
  };

  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 900 }} size="middle">
      <Card size="small" title={t('lab.receive')}>
        <Space.Compact style={{ width: '100%' }}>
          <Input size="large" value={box} onChange={(e) => setBox(e.target.value)} onPressEnter={() => void receive()} placeholder={t('lab.boxCode')} prefix={<InboxOutlined />} />
          <Button size="large" type="primary" onClick={() => void receive()} disabled={!box.trim()}>{t('lab.receiveButton')}</Button>
        </Space.Compact>
        {received && <Alert type="success" showIcon title={received} style={{ marginTop: 8 }} />}
      </Card>
      {queue && (
        <Card size="small" title={t('lab.queue')} extra={<Typography.Text type="secondary">{t('lab.capacity', { n: num(queue.capacityPerDay) })}</Typography.Text>}>
          <Row gutter={12}>
            <Col span={12}><Statistic title={t('lab.backlog')} value={queue.backlog} data-testid="lab-backlog" /></Col>
            <Col span={12}><Statistic title={t('lab.oldest')} value={queue.oldestReceivedAt ? ageText(minutesSince(queue.oldestReceivedAt), t).text : '—'} /></Col>
          </Row>
          <Table size="small" rowKey="code" dataSource={queue.tubes} pagination={{ pageSize: 10, hideOnSinglePage: true }} style={{ marginTop: 8 }} locale={{ emptyText: t('lab.empty') }}
            columns={[
              { title: t('testing.tube'), dataIndex: 'code' },
              { title: t('lab.box'), dataIndex: 'boxCode', responsive: ['sm' as const] },
              { title: t('lab.members'), dataIndex: 'members', align: 'right' as const },
              { title: t('lab.receivedAt'), dataIndex: 'receivedAt', render: shanghai },
            ]} />
        </Card>
      )}
      <Card size="small" title={t('lab.upload')} extra={t('lab.columns')}>
        <Upload.Dragger accept=".csv,.xlsx,.txt" showUploadList={false} beforeUpload={(f) => (void upload(f), Upload.LIST_IGNORE)} disabled={busy}>
          <p><UploadOutlined style={{ fontSize: 28 }} /></p>
          <p>{t('lab.drop')}</p>
        </Upload.Dragger>
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
        {report && (
          <>
            <Descriptions size="small" column={{ xs: 1, sm: 4 }} style={{ marginTop: 12 }} data-testid="lab-report">
              <Descriptions.Item label={t('lab.recorded')}>{report.recorded}</Descriptions.Item>
              <Descriptions.Item label={t('lab.corrected')}>{report.corrected}</Descriptions.Item>
              <Descriptions.Item label={t('lab.recalled')}>{report.recalled}</Descriptions.Item>
              <Descriptions.Item label={t('lab.rejected')}>{report.rejected.length}</Descriptions.Item>
            </Descriptions>
            {report.rejected.length > 0 && (
              <Table size="small" rowKey={(r) => `${r.row}-${r.field}`} dataSource={report.rejected}
                columns={[{ title: t('import.row'), dataIndex: 'row' }, { title: t('testing.tube'), dataIndex: 'tube' }, { title: t('import.reason'), dataIndex: 'message' }]} />
            )}
          </>
        )}
      </Card>
    </Space>
  );
}

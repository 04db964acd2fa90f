import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Progress, Result, Segmented, Space, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { registryApi, type ImportJob, type PersonKind, type Rejection } from '../../modules/registry/api';
import { uuid } from '../../shared/uuid';

const TEMPLATES: Record<PersonKind, string> = {
  residents: '姓名,身份证号,手机号,住址,户号,区划代码,卧床,独居老人,残疾\r\n',
  staff: '姓名,身份证号,手机号,工作单位,是否党员,角色,分包村\r\n',
};

function downloadTemplate(kind: PersonKind) {
  const blob = new Blob(['\ufeff' + TEMPLATES[kind]], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${kind}-template.csv`;
  a.click();
  URL.revokeObjectURL(a.href);
}

export default function ImportPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<PersonKind>('residents');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [rejections, setRejections] = useState<Rejection[]>([]);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number>(undefined);

  // Poll the job until it ends; the server keeps the progress, so a reload loses nothing.
  useEffect(() => {
    if (!job || job.status !== 'running') return;
    timer.current = window.setTimeout(async () => {
      try {
        const next = await registryApi.importJob(job.id);
        if (next.status !== 'running' && next.rejected > 0) setRejections(await registryApi.rejections(job.id));
        setJob(next);
      } catch (e) {
        setError((e as Error).message);
      }
    }, 400);
    return () => window.clearTimeout(timer.current);
  }, [job]);

  const start = async (file: File) => {
    setError(null);
    setRejections([]);
    try {
      setJob(await registryApi.startImport(kind, file, uuid()));
    } catch (e) {
      setError((e as Error).message);
    }
    return false;
  };

  const percent = job ? Math.round((100 * job.readBytes) / Math.max(1, job.totalBytes)) : 0;
  return (
    <Card size="small" title={t('import.title')} style={{ maxWidth: 960, margin: '0 auto' }}>
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        {(!job || job.status !== 'running') && (
          <>
            <Space wrap>
              <Typography.Text>{t('import.kind')}</Typography.Text>
              <Segmented value={kind} onChange={(v) => setKind(v as PersonKind)} options={[{ value: 'residents', label: t('import.residents') }, { value: 'staff', label: t('import.staff') }]} />
              <Button type="link" icon={<DownloadOutlined />} onClick={() => downloadTemplate(kind)}>{t('import.template')}</Button>
            </Space>
            <Upload.Dragger accept=".csv,.xlsx,.txt" multiple={false} showUploadList={false} beforeUpload={start} data-testid="import-upload">
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{t('import.drop')}</p>
              <p className="ant-upload-hint">{t('import.formats')}</p>
            </Upload.Dragger>
          </>
        )}
        {error && <Alert type="error" showIcon title={error} />}
        {job && (
          <Card size="small" type="inner" title={job.filename}>
            <Progress percent={job.status === 'done' ? 100 : percent} status={job.status === 'failed' ? 'exception' : job.status === 'running' ? 'active' : 'success'} />
            <Typography.Paragraph data-testid="import-summary" style={{ margin: '8px 0 0' }}>
              <strong>{t(`import.${job.status}`)}</strong> · {t('import.rows', { rows: job.rowsRead })} · {t('import.summary', { ...job })}
            </Typography.Paragraph>
            {job.failure && <Alert type="error" showIcon title={job.failure} style={{ marginTop: 8 }} />}
          </Card>
        )}
        {rejections.length > 0 && job && (
          <>
            <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
              <Typography.Title level={5} style={{ margin: 0 }}>{t('import.rejections')}</Typography.Title>
              <Button icon={<DownloadOutlined />} href={registryApi.reportUrl(job.id)}>{t('import.report')}</Button>
            </Space>
            <Table<Rejection>
              data-testid="import-rejections"
              size="small"
              rowKey={(r) => `${r.rowNo}-${r.field}`}
              dataSource={rejections}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              scroll={{ x: true }}
              columns={[
                { title: t('import.row'), dataIndex: 'rowNo', width: 70 },
                { title: t('import.field'), dataIndex: 'field', width: 120 },
                { title: t('import.reason'), dataIndex: 'message' },
              ]}
            />
          </>
        )}
        {job && job.status !== 'running' && rejections.length === 0 && job.status === 'done' && <Result status="success" title={t('import.done')} subTitle={t('import.summary', { ...job })} />}
      </Space>
    </Card>
  );
}

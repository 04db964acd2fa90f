import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Descriptions, Form, Grid, Input, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import { NotificationOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { shanghai } from '../mobilization/api';
import { testingApi, type HomeVisit, type Plan, type Site } from './api';
import { NameCell, PhoneCell } from './contact';

/** 能力测算 of the area shown (the board's drill-down), its assumptions editable; what is missing shows in red, what has no data as not checked. */
export function PlanPanel({ campaignId, area }: { campaignId: string; area?: string }) {
  const { t } = useTranslation();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback((a: Partial<Plan['assumptions']> = {}) => testingApi.plan(campaignId, a, area).then(setPlan, (e) => setError(e.message)), [campaignId, area]);
  useEffect(() => void load(), [load]);
  if (!plan) return error ? <Alert type="error" title={error} /> : null;
  const c = plan.campaign;
  const missing = (n: number | null) =>
    n === null ? <Tag data-testid="not-checked">{t('plan.notChecked')}</Tag> : n ? <Typography.Text type="danger" strong>{n}</Typography.Text> : <Tag color="green">0</Tag>;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {plan.areaName && <Typography.Text strong data-testid="plan-area">{t('plan.shown', { name: plan.areaName })}</Typography.Text>}
      <Form layout="inline" initialValues={plan.assumptions} onFinish={(v) => void load(v)} style={{ rowGap: 8 }}>
        {(['residentsPerSite', 'residentsPerTable', 'swabsPerTableHour', 'turnaroundHours', 'labTubesPerDay'] as const).map((k) => (
          <Form.Item key={k} name={k} label={t(`plan.${k}`)}><InputNumber min={0} style={{ width: 110 }} /></Form.Item>
        ))}
        <Button htmlType="submit">{t('plan.recompute')}</Button>
      </Form>
      {c.onTime === null ? (
        <Alert type="warning" showIcon title={t('plan.noLab')} />
      ) : (
        <Alert type={c.onTime ? 'success' : 'error'} showIcon title={c.onTime ? t('plan.onTime', { at: shanghai(c.resultsEnd!) }) : t('plan.late', { at: c.resultsEnd ? shanghai(c.resultsEnd) : '—', target: shanghai(c.targetEnd) })} />
      )}
      {c.villagesUnchecked > 0 && <Alert type="info" showIcon title={t('plan.unchecked', { n: c.villagesUnchecked })} />}
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 4 }} data-testid="plan-summary">
        <Descriptions.Item label={t('plan.samplingEnd')}>{shanghai(c.samplingEnd)}</Descriptions.Item>
        <Descriptions.Item label={t('plan.resultsEnd')}>{c.resultsEnd ? shanghai(c.resultsEnd) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('plan.sitesTables')}>{c.sites} / {c.tables}</Descriptions.Item>
        <Descriptions.Item label={t('plan.tubes')}>{c.tubes}</Descriptions.Item>
        <Descriptions.Item label={t('plan.missingTables')}>{missing(c.missingTables)}</Descriptions.Item>
        <Descriptions.Item label={t('plan.missingSamplers')}>{missing(c.missingSamplers)}</Descriptions.Item>
        <Descriptions.Item label={t('plan.missingLab')}>{missing(c.missingLabTubesPerDay)}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small" rowKey="code" dataSource={plan.villages} pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('testing.area'), dataIndex: 'name' },
          { title: t('testing.expected'), dataIndex: 'residents', align: 'right' as const },
          { title: t('plan.tables'), dataIndex: 'tables', align: 'right' as const, render: (n: number, v: Plan['villages'][number]) => <>{n}{v.sitesPlanned ? '' : <Typography.Text type="secondary"> *</Typography.Text>}</> },
          { title: t('plan.samplingEnd'), dataIndex: 'samplingEnd', render: (s: string) => shanghai(s) },
          { title: t('plan.resultsEnd'), dataIndex: 'resultsEnd', responsive: ['md' as const], render: (s: string | null) => (s ? shanghai(s) : '—') },
          { title: t('plan.missingTables'), dataIndex: 'missingTables', align: 'right' as const, render: missing },
          { title: t('plan.missingSamplers'), dataIndex: 'missingSamplers', align: 'right' as const, responsive: ['sm' as const], render: missing },
        ]}
      />
      <Typography.Text type="secondary">{t('plan.guidance')}</Typography.Text>
    </Space>
  );
}

/** Sampling sites of the area, a form to add one, and the SMS that gives households their time slots. */
export function SitesPanel({ campaignId, area, village }: { campaignId: string; area?: string; village?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sites, setSites] = useState<Site[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => testingApi.sites(campaignId, area).then(setSites, (e) => setError(e.message)), [campaignId, area]);
  useEffect(() => void load(), [load]);
  const save = async (v: { areaCode: string; name: string; address: string; tables: number; samplers: number; hours: [dayjs.Dayjs, dayjs.Dayjs] }) => {
    setError(null);
    try {
      await testingApi.saveSite(campaignId, { areaCode: v.areaCode, name: v.name, address: v.address, tables: v.tables, samplers: v.samplers, opensAt: v.hours[0].toISOString(), closesAt: v.hours[1].toISOString() });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const notify = async (s: Site) => {
    const r = await testingApi.notifySlots(campaignId, s.id);
    message.success(t('sites.notified', { households: r.households, queued: r.queued, without: r.withoutPhone }));
    await load();
  };
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={15}>
        <Table
          size="small" rowKey="id" dataSource={sites} pagination={false} locale={{ emptyText: t('sites.none') }}
          columns={[
            { title: t('sites.name'), dataIndex: 'name', render: (n: string, s: Site) => <><div>{n}</div><Typography.Text type="secondary">{s.address}</Typography.Text></> },
            { title: t('sites.tables'), dataIndex: 'tables', align: 'right' as const },
            { title: t('sites.cadres'), dataIndex: 'cadres', responsive: ['md' as const], render: (c: Site['cadres']) => (c?.length ? c.map((x) => x.name).join('、') : '—') },
            { title: t('sites.hours'), dataIndex: 'opensAt', responsive: ['md' as const], render: (o: string, s: Site) => `${shanghai(o)}–${shanghai(s.closesAt)}` },
            { title: '', dataIndex: 'id', render: (_: number, s: Site) => <Button size="small" icon={<NotificationOutlined />} onClick={() => void notify(s)}>{s.notifiedAt ? t('sites.notifiedAt') : t('sites.notify')}</Button> },
          ]}
        />
      </Col>
      <Col xs={24} lg={9}>
        <Form key={village} layout="vertical" onFinish={save} initialValues={{ areaCode: village, tables: 4, samplers: 4, hours: [dayjs().startOf('hour').add(1, 'hour'), dayjs().startOf('hour').add(13, 'hour')] }}>
          <Form.Item name="areaCode" label={t('sites.village')} extra={village ? undefined : t('sites.villageHelp')} rules={[{ required: true, pattern: /^\d{12,15}$/, message: t('sites.villageHelp') }]}><Input inputMode="numeric" /></Form.Item>
          <Form.Item name="name" label={t('sites.name')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
          <Form.Item name="address" label={t('person.address')} rules={[{ required: true, max: 200 }]}><Input /></Form.Item>
          <Space>
            <Form.Item name="tables" label={t('sites.tables')}><InputNumber min={1} max={500} /></Form.Item>
            <Form.Item name="samplers" label={t('sites.samplers')}><InputNumber min={1} max={2000} /></Form.Item>
          </Space>
          <Form.Item name="hours" label={t('sites.hours')} rules={[{ required: true }]}><DatePicker.RangePicker showTime format="MM-DD HH:mm" style={{ width: '100%' }} /></Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
          <Button htmlType="submit" block>{t('sites.save')}</Button>
        </Form>
      </Col>
    </Row>
  );
}

/** 上门采样: who cannot come, who is sent to them, and who is done. */
export function HomeVisitsPanel({ campaignId, area }: { campaignId: string; area?: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<{ total: number; done: number; visits: HomeVisit[] } | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [sampler, setSampler] = useState('');
  const wide = Grid.useBreakpoint().md;
  const load = useCallback(() => testingApi.homeVisits(campaignId, area).then(setData, () => {}), [campaignId, area]);
  useEffect(() => void load(), [load]);
  if (!data) return null;
  const assign = async () => {
    await testingApi.assignHomeVisits(campaignId, selected, sampler.trim());
    setSelected([]);
    await load();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>{t('homeVisits.progress', { done: data.done, total: data.total })}</Typography.Text>
        <Input placeholder={t('homeVisits.sampler')} value={sampler} onChange={(e) => setSampler(e.target.value)} style={{ width: 180 }} />
        <Button disabled={!selected.length || !sampler.trim()} onClick={() => void assign()}>{t('homeVisits.assign', { n: selected.length })}</Button>
      </Space>
      <Table
        size="small" rowKey="residentId" dataSource={data.visits}
        rowSelection={{ selectedRowKeys: selected, onChange: (k) => setSelected(k as number[]), getCheckboxProps: (v) => ({ disabled: v.done }) }}
        columns={[
          { title: t('person.name'), dataIndex: 'name', render: (n: string, v: HomeVisit) => <NameCell name={n} address={v.address} showAddress={!wide} /> },
          { title: t('person.phone'), dataIndex: 'phone', render: (p: string | null, v: HomeVisit) => <PhoneCell phone={p} householdPhone={v.householdPhone} /> },
          { title: t('person.address'), dataIndex: 'address', responsive: ['md' as const] },
          { title: t('homeVisits.sampler'), dataIndex: 'sampler', render: (s: string | null) => s ?? '—' },
          { title: '', dataIndex: 'done', render: (d: boolean) => (d ? <Tag color="green">{t('homeVisits.done')}</Tag> : <Tag color="orange">{t('homeVisits.open')}</Tag>) },
        ]}
      />
    </Space>
  );
}

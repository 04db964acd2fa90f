import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Grid, Row, Select, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import { mobilizationApi, POSTS, shanghai, type Shift } from '../../modules/mobilization/api';
import { registryApi, type Person } from '../../modules/registry/api';
import { uuid } from '../../shared/uuid';
import './narrow-picker.css';

type Hours = Awaited<ReturnType<typeof mobilizationApi.shifts>>['hours'][number];

/** The secretary's roster: put cadres on posts in shifts; the rules are checked by the server. */
export default function RosterPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const phone = !Grid.useBreakpoint().md;
  const [cadres, setCadres] = useState<Person[]>([]);
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [hours, setHours] = useState<Hours[]>([]);
  const [rules, setRules] = useState<{ maxContinuousHours: number; minRestHours: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => mobilizationApi.shifts().then((r) => (setShifts(r.shifts), setHours(r.hours), setRules(r.rules)), (e) => setError(e.message)), []);
  useEffect(() => {
    void load();
    registryApi.people('staff', { limit: 200 }).then((p) => setCadres(p.items), () => setCadres([]));
  }, [load]);

  const assign = async (v: { staffId: number; post: string; range: [dayjs.Dayjs, dayjs.Dayjs] }) => {
    setBusy(true);
    setError(null);
    const cadre = cadres.find((c) => c.id === v.staffId)!;
    try {
      await mobilizationApi.assign({ clientId: uuid(), staffId: v.staffId, areaCode: cadre.areaCode, post: v.post, startsAt: v.range[0].toISOString(), endsAt: v.range[1].toISOString() });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={10}>
        <Card size="small" title={`${t('mob.roster')} · ${me?.areaName ?? ''}`}>
          {rules && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('mob.rules', { max: rules.maxContinuousHours, rest: rules.minRestHours })}</Typography.Paragraph>}
          <Form layout="vertical" onFinish={assign} initialValues={{ post: 'gate_duty', range: [dayjs().add(1, 'hour').startOf('hour'), dayjs().add(9, 'hour').startOf('hour')] }}>
            <Form.Item name="staffId" label={t('mob.cadre')} rules={[{ required: true }]}>
              <Select showSearch optionFilterProp="label" options={cadres.map((c) => ({ value: c.id, label: `${c.name} · ${c.areaName ?? ''}` }))} />
            </Form.Item>
            <Form.Item name="post" label={t('mob.post')} rules={[{ required: true }]}>
              <Select options={POSTS.map((p) => ({ value: p, label: t(`mob.posts.${p}`) }))} />
            </Form.Item>
            <Form.Item name="range" label={`${t('mob.start')} – ${t('mob.end')}`} rules={[{ required: true }]}>
              {/* on a phone the date and the time panels stack, and the popup starts at the field's left edge: side by side they are wider than the screen */}
              <DatePicker.RangePicker showTime format="MM-DD HH:mm" style={{ width: '100%' }} placement="bottomLeft" classNames={phone ? { popup: { root: 'narrow-picker' } } : undefined} />
            </Form.Item>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="roster-error" />}
            <Button type="primary" htmlType="submit" block loading={busy}>{t('mob.assign')}</Button>
          </Form>
        </Card>
        <Card size="small" title={t('mob.hoursTitle')} style={{ marginTop: 16 }} extra={<a href="/api/v1/mobilization/shifts/export?format=xlsx">{t('export.xlsx')}</a>}>
          <Table size="small" rowKey="staffId" dataSource={hours} pagination={{ pageSize: 10, hideOnSinglePage: true }}
            columns={[{ title: t('mob.cadre'), dataIndex: 'name' }, { title: t('mob.shiftsCount'), dataIndex: 'shifts' }, { title: t('mob.hours'), dataIndex: 'hours' }]} />
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card size="small" title={t('mob.roster')}>
          <Table<Shift> size="small" rowKey="id" dataSource={shifts} scroll={{ x: true }} pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              { title: t('mob.cadre'), dataIndex: 'staffName' },
              { title: t('mob.post'), dataIndex: 'post', render: (p: string) => t(`mob.posts.${p}`) },
              { title: t('mob.start'), dataIndex: 'startsAt', render: shanghai },
              { title: t('mob.end'), dataIndex: 'endsAt', render: shanghai },
              { title: t('mob.hours'), dataIndex: 'hours' },
              { title: '', key: 'x', render: (_: unknown, r: Shift) => <Button size="small" type="link" danger onClick={() => mobilizationApi.cancelShift(r.id).then(load, (e) => setError(e.message))}>{t('mob.cancel')}</Button> },
            ]} />
        </Card>
      </Col>
    </Row>
  );
}

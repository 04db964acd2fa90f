import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, List, Row, Select, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import { shanghai } from '../../modules/mobilization/api';
import { testingApi, type Campaign } from '../../modules/testing/api';

/** Campaigns of the account's area; a commander starts one here. */
export default function CampaignsPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const navigate = useNavigate();
  const { modal } = App.useApp();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commander = me?.role === 'commander';
  useEffect(() => {
    testingApi.campaigns().then(setCampaigns, (e) => setError(e.message));
  }, []);

  const close = (c: Campaign) =>
    modal.confirm({
      title: t('testing.confirmClose', { title: c.title }),
      content: t('testing.closeMeans'),
      okText: t('testing.close'),
      onOk: async () => {
        const closed = await testingApi.closeCampaign(c.id);
        setCampaigns((all) => all.map((x) => (x.id === closed.id ? closed : x)));
      },
    });

  const create = async (v: { title: string; poolSize: number; window: [dayjs.Dayjs, dayjs.Dayjs] }) => {
    setBusy(true);
    setError(null);
    try {
      const c = await testingApi.create({ title: v.title, poolSize: v.poolSize, startsAt: v.window[0].toISOString(), targetEnd: v.window[1].toISOString() });
      navigate(`/campaigns/${c.id}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={[16, 16]}>
      {commander && (
        <Col xs={24} lg={10}>
          <Card size="small" title={t('testing.new')}>
            <Form layout="vertical" onFinish={create} initialValues={{ title: '全员核酸检测', poolSize: 10, window: [dayjs().startOf('hour'), dayjs().startOf('hour').add(24, 'hour')] }}>
              <Form.Item name="title" label={t('testing.title')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
              <Form.Item name="poolSize" label={t('testing.poolSize')} extra={t('testing.poolHelp')}>
                <Select options={[1, 5, 10, 20].map((n) => ({ value: n, label: n === 1 ? t('testing.single') : t('testing.pooled', { n }) }))} />
              </Form.Item>
              <Form.Item name="window" label={t('testing.window')} extra={t('testing.windowHelp')} rules={[{ required: true }]}>
                <DatePicker.RangePicker showTime format="MM-DD HH:mm" style={{ width: '100%' }} />
              </Form.Item>
              {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={busy} block>{t('testing.start')}</Button>
            </Form>
          </Card>
        </Col>
      )}
      <Col xs={24} lg={commander ? 14 : 24}>
        <Card size="small" title={t('testing.campaigns')}>
          <List
            dataSource={campaigns}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Link key="b" to={`/campaigns/${c.id}`}>{t('testing.board')}</Link>,
                  ...(c.actions.includes('close') ? [<Button key="c" type="link" size="small" onClick={() => close(c)}>{t('testing.close')}</Button>] : []),
                ]}
              >
                <List.Item.Meta
                  title={<>{c.title} <Tag color={c.status === 'running' ? 'red' : undefined}>{t(`testing.status.${c.status}`)}</Tag></>}
                  description={`${t('testing.pooled', { n: c.poolSize })} · ${shanghai(c.startsAt)} → ${shanghai(c.targetEnd)}`}
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}

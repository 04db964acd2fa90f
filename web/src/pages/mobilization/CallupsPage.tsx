import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Form, Input, InputNumber, List, Row, Select, Space, Tag, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import { mobilizationApi, shanghai, type Callup, type Preview } from '../../modules/mobilization/api';

/** The message the command centre usually sends, signed with its own area's name. */
const defaultTemplate = (areaName: string) => `【${areaName}疫情防控指挥部】{name}同志：请于{deadline}前到{area}报到，收到请点击 {link}`;

export default function CallupsPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const [callups, setCallups] = useState<Callup[]>([]);
  const [draft, setDraft] = useState<Callup | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commander = me?.role === 'commander';
  useEffect(() => {
    mobilizationApi.list().then(setCallups, (e) => setError(e.message));
  }, []);

  const create = async (v: { title: string; template: string; deadline: dayjs.Dayjs; area?: string; workUnit?: string; party?: string; resendAfterMin?: number | null; escalateAfterMin?: number | null }) => {
    setBusy(true);
    setError(null);
    try {
      const c = await mobilizationApi.create({
        title: v.title,
        template: v.template,
        deadline: v.deadline.toISOString(),
        target: { area: v.area || undefined, workUnit: v.workUnit || undefined, partyMember: v.party === 'yes' ? true : v.party === 'no' ? false : undefined },
        escalation: { resendAfterMin: v.resendAfterMin ?? undefined, escalateAfterMin: v.escalateAfterMin ?? undefined },
      });
      setDraft(c);
      setPreview(await mobilizationApi.preview(c.id));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const send = () =>
    modal.confirm({
      title: t('mob.confirmSend', { n: (preview?.reach ?? 0) - (preview?.withoutPhone ?? 0) }),
      okText: t('mob.send'),
      onOk: async () => {
        await mobilizationApi.send(draft!.id);
        navigate(`/callups/${draft!.id}`);
      },
    });

  return (
    <Row gutter={[16, 16]}>
      {commander && (
        <Col xs={24} lg={12}>
          <Card size="small" title={t('mob.new')}>
            <Form layout="vertical" onFinish={create} initialValues={{ template: defaultTemplate(me?.areaName ?? ''), deadline: dayjs().add(5, 'hour').startOf('hour'), area: me?.areaCode, party: 'any', title: '集结号', resendAfterMin: 30, escalateAfterMin: 60 }}>
              <Form.Item name="title" label={t('mob.title')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
              <Form.Item name="template" label={t('mob.template')} extra={t('mob.templateHelp')} rules={[{ required: true, max: 500 }]}><Input.TextArea rows={3} showCount maxLength={500} /></Form.Item>
              <Form.Item name="deadline" label={t('mob.deadline')} rules={[{ required: true }]}><DatePicker showTime format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} /></Form.Item>
              <Row gutter={8}>
                <Col span={12}><Form.Item name="area" label={t('mob.targetArea')}><Input inputMode="numeric" /></Form.Item></Col>
                <Col span={12}><Form.Item name="party" label={t('mob.party')}><Select options={[{ value: 'any', label: t('mob.partyAny') }, { value: 'yes', label: t('mob.partyYes') }, { value: 'no', label: t('mob.partyNo') }]} /></Form.Item></Col>
              </Row>
              <Form.Item name="workUnit" label={t('mob.workUnit')}><Input /></Form.Item>
              {/* empty = no resend, no escalation */}
              <Row gutter={8}>
                <Col span={12}><Form.Item name="resendAfterMin" label={t('mob.resendAfter')}><InputNumber min={1} max={1440} addonAfter={t('mob.minutes')} style={{ width: '100%' }} /></Form.Item></Col>
                <Col span={12}><Form.Item name="escalateAfterMin" label={t('mob.escalateAfter')}><InputNumber min={1} max={1440} addonAfter={t('mob.minutes')} style={{ width: '100%' }} /></Form.Item></Col>
              </Row>
              {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
              <Button htmlType="submit" loading={busy} block>{t('mob.preview')}</Button>
            </Form>
            {preview && draft && (
              <Card type="inner" size="small" style={{ marginTop: 16 }} data-testid="callup-preview">
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('mob.reach')}><strong data-testid="preview-reach">{preview.reach}</strong> {t('mob.people')}</Descriptions.Item>
                  <Descriptions.Item label={t('mob.withoutPhone')}><Typography.Text type={preview.withoutPhone ? 'danger' : undefined}>{preview.withoutPhone}</Typography.Text></Descriptions.Item>
                  <Descriptions.Item label={t('mob.example')}><Typography.Text style={{ wordBreak: 'break-all' }}>{preview.example}</Typography.Text></Descriptions.Item>
                  <Descriptions.Item label={t('mob.smsLabel')}>{t('mob.parts', { characters: preview.characters, parts: preview.parts, total: preview.totalParts })}</Descriptions.Item>
                </Descriptions>
                <Button type="primary" danger size="large" block icon={<SendOutlined />} onClick={send}>{t('mob.send')}</Button>
              </Card>
            )}
          </Card>
        </Col>
      )}
      <Col xs={24} lg={commander ? 12 : 24}>
        <Card size="small" title={t('mob.callups')}>
          <List
            dataSource={callups}
            renderItem={(c) => (
              <List.Item actions={[<Link key="b" to={`/callups/${c.id}`}>{t('mob.board')}</Link>]}>
                <List.Item.Meta title={<Space>{c.title}<Tag color={c.status === 'sent' ? 'red' : undefined}>{t(`mob.status.${c.status}`)}</Tag></Space>} description={`${t('mob.deadline')} ${shanghai(c.deadline)}`} />
              </List.Item>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}

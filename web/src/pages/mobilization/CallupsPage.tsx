import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Form, Input, InputNumber, List, Row, Select, Space, Tag, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import { AreaPicker } from '../../modules/mobilization/AreaPicker';
import { mobilizationApi, shanghai, type Callup, type CallupBody, type Preview } from '../../modules/mobilization/api';

/** The message the command centre usually sends, signed with its own area's name. */
const defaultTemplate = (areaName: string) => `【${areaName}疫情防控指挥部】{name}同志：请于{deadline}前到{area}报到，收到请点击 {link}`;

interface Values {
  title: string;
  template: string;
  deadline: dayjs.Dayjs;
  area?: string;
  workUnit?: string;
  party?: string;
  resendAfterMin?: number | null;
  escalateAfterMin?: number | null;
}

const bodyOf = (v: Values): CallupBody => ({
  title: v.title,
  template: v.template,
  deadline: v.deadline.toISOString(),
  target: { area: v.area || undefined, workUnit: v.workUnit || undefined, partyMember: v.party === 'yes' ? true : v.party === 'no' ? false : undefined },
  escalation: { resendAfterMin: v.resendAfterMin ?? undefined, escalateAfterMin: v.escalateAfterMin ?? undefined },
});

const valuesOf = (c: Callup): Values => ({
  title: c.title,
  template: c.template,
  deadline: dayjs(c.deadline),
  area: c.target.area,
  workUnit: c.target.workUnit,
  party: c.target.partyMember === true ? 'yes' : c.target.partyMember === false ? 'no' : 'any',
  resendAfterMin: c.escalation.resendAfterMin ?? null,
  escalateAfterMin: c.escalation.escalateAfterMin ?? null,
});

/**
 * 集结号: the commander writes a call-up, picks its area from the tree, previews it (the area by
 * name and its count of cadres) and sends it. Each preview saves the draft it shows; previewing
 * again after a change updates that draft. Drafts are listed here to be resumed or deleted; a
 * sent call-up can be closed. A village secretary sees the sent call-ups reaching their village.
 */
export default function CallupsPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [callups, setCallups] = useState<Callup[]>([]);
  const [draft, setDraft] = useState<Callup | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commander = me?.role === 'commander';
  const reload = useCallback(() => mobilizationApi.list().then(setCallups, (e) => setError(e.message)), []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const initial: Partial<Values> = { template: defaultTemplate(me?.areaName ?? ''), deadline: dayjs().add(5, 'hour').startOf('hour'), area: me?.areaCode, party: 'any', title: '集结号', resendAfterMin: 30, escalateAfterMin: 60 };

  const previewDraft = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      // the draft being shown is changed in place: one draft however often it is previewed
      const c = draft ? await mobilizationApi.update(draft.id, bodyOf(v)) : await mobilizationApi.create(bodyOf(v));
      setDraft(c);
      setPreview(await mobilizationApi.preview(c.id));
      void reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const resume = (c: Callup) => {
    setDraft(c);
    setPreview(null);
    setError(null);
    form.setFieldsValue(valuesOf(c));
  };

  const startOver = () => {
    setDraft(null);
    setPreview(null);
    form.resetFields();
  };

  const remove = (c: Callup) =>
    modal.confirm({
      title: t('mob.confirmDelete', { title: c.title }),
      okText: t('mob.deleteDraft'),
      okButtonProps: { danger: true },
      onOk: async () => {
        await mobilizationApi.remove(c.id);
        if (draft?.id === c.id) startOver();
        await reload();
      },
    });

  const close = (c: Callup) =>
    modal.confirm({
      title: t('mob.confirmClose', { title: c.title }),
      content: t('mob.closeMeans'),
      okText: t('mob.close'),
      onOk: async () => {
        await mobilizationApi.close(c.id);
        await reload();
      },
    });

  const send = () =>
    modal.confirm({
      title: t('mob.confirmSend', { n: (preview?.reach ?? 0) - (preview?.withoutPhone ?? 0) }),
      content: preview ? t('mob.reachOf', { name: preview.area.name, n: preview.reach }) : undefined,
      okText: t('mob.send'),
      onOk: async () => {
        await mobilizationApi.send(draft!.id);
        navigate(`/callups/${draft!.id}`);
      },
    });

  const actionsOf = (c: Callup) => {
    const out = [];
    if (c.status !== 'draft') out.push(<Link key="b" to={`/callups/${c.id}`}>{t('mob.board')}</Link>);
    if (c.actions.includes('edit')) out.push(<Button key="e" type="link" size="small" onClick={() => resume(c)} data-testid={`resume-${c.id}`}>{t('mob.resume')}</Button>);
    if (c.actions.includes('delete')) out.push(<Button key="d" type="link" size="small" danger onClick={() => remove(c)}>{t('mob.deleteDraft')}</Button>);
    if (c.actions.includes('close')) out.push(<Button key="c" type="link" size="small" onClick={() => close(c)}>{t('mob.close')}</Button>);
    return out;
  };

  return (
    <Row gutter={[16, 16]}>
      {commander && (
        <Col xs={24} lg={12}>
          <Card size="small" title={draft ? t('mob.editing', { id: draft.id }) : t('mob.new')} extra={draft && <Button size="small" onClick={startOver}>{t('mob.startOver')}</Button>}>
            <Form form={form} layout="vertical" onFinish={previewDraft} initialValues={initial} onValuesChange={() => setPreview(null)}>
              <Form.Item name="title" label={t('mob.title')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
              <Form.Item name="template" label={t('mob.template')} extra={t('mob.templateHelp')} rules={[{ required: true, max: 500 }]}><Input.TextArea rows={3} showCount maxLength={500} /></Form.Item>
              <Form.Item name="deadline" label={t('mob.deadline')} rules={[{ required: true }]}><DatePicker showTime format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} /></Form.Item>
              <Row gutter={8}>
                <Col span={16}><Form.Item name="area" label={t('mob.targetArea')} rules={[{ required: true }]}><AreaPicker /></Form.Item></Col>
                <Col span={8}><Form.Item name="party" label={t('mob.party')}><Select options={[{ value: 'any', label: t('mob.partyAny') }, { value: 'yes', label: t('mob.partyYes') }, { value: 'no', label: t('mob.partyNo') }]} /></Form.Item></Col>
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
                <Typography.Title level={5} data-testid="preview-area" style={{ marginTop: 0 }}>{t('mob.reachOf', { name: preview.area.name, n: preview.reach })}</Typography.Title>
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
            data-testid="callup-list"
            renderItem={(c) => (
              <List.Item actions={actionsOf(c)}>
                <List.Item.Meta
                  title={<Space>{c.title}<Tag color={c.status === 'sent' ? 'red' : undefined}>{t(`mob.status.${c.status}`)}</Tag>{draft?.id === c.id && <Tag color="blue">{t('mob.open')}</Tag>}</Space>}
                  description={`${t('mob.deadline')} ${shanghai(c.deadline)}`}
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}

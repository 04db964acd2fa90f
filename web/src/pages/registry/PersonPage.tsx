import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Space, Spin, Typography } from 'antd';
import { ArrowLeftOutlined, EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { registryApi, type Person, type PersonKind, type Pii } from '../../modules/registry/api';
import { PersonFlags, PersonList, ageOf } from '../../modules/registry/components/PersonList';

export default function PersonPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { kind, id } = useParams() as { kind: PersonKind; id: string };
  const [p, setP] = useState<(Person & { household: Person[] }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pii, setPii] = useState<Pii | null>(null);
  useEffect(() => {
    setP(null);
    setPii(null);
    registryApi.person(kind, id).then(setP, (e) => setError(e.status === 404 ? t('person.notFound') : e.message));
  }, [kind, id, t]);
  const back = <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>{t('person.back')}</Button>;
  if (error) return <Space direction="vertical">{back}<Alert type="warning" title={error} showIcon /></Space>;
  if (!p) return <Spin />;
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 900 }} size="middle">
      {back}
      <Card
        size="small"
        title={<Space wrap><Typography.Title level={4} style={{ margin: 0 }}>{p.name}</Typography.Title><PersonFlags p={p} /></Space>}
      >
        <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered>
          <Descriptions.Item label={t('person.idNumber')}>{pii?.idNumber ?? p.idMasked}</Descriptions.Item>
          <Descriptions.Item label={t('person.phone')}>{pii ? (pii.phone ?? '—') : (p.phoneMasked ?? '—')}</Descriptions.Item>
          <Descriptions.Item label={t('person.sex')}>{t(`person.${p.sex}`)}</Descriptions.Item>
          {/* the birth date is the masked part of the ID number: shown with it, else only the decade */}
          {pii ? (
            <Descriptions.Item label={t('person.birthDate')}>{pii.birthDate}（{t('person.age', { age: ageOf(pii.birthDate) })}）</Descriptions.Item>
          ) : (
            <Descriptions.Item label={t('person.birthDecade')}>{t('person.decade', { decade: p.birthDecade })}</Descriptions.Item>
          )}
          {kind === 'residents' ? (
            <>
              <Descriptions.Item label={t('person.address')}>{p.address}</Descriptions.Item>
              <Descriptions.Item label={t('person.householdNo')}>{p.householdNo ?? '—'}</Descriptions.Item>
            </>
          ) : (
            <>
              <Descriptions.Item label={t('person.workUnit')}>{p.workUnit}</Descriptions.Item>
              <Descriptions.Item label={t('person.role')}>{t(`roles.${p.role}`)}</Descriptions.Item>
            </>
          )}
          <Descriptions.Item label={t('person.area')}>{p.areaName} <Typography.Text type="secondary">{p.areaCode}</Typography.Text></Descriptions.Item>
        </Descriptions>
        {p.actions.includes('revealPii') && !pii && (
          <Button style={{ marginTop: 12 }} icon={<EyeOutlined />} onClick={() => registryApi.pii(kind, p.id).then(setPii)}>
            {t('person.reveal')}
          </Button>
        )}
        {pii && <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('person.revealed')}</Typography.Paragraph>}
      </Card>
      {kind === 'residents' && p.household.length > 0 && (
        <Card size="small" title={t('person.household')}>
          <PersonList kind="residents" items={p.household} />
        </Card>
      )}
    </Space>
  );
}

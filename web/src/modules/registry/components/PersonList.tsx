import { List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { Person, PersonKind } from '../api';

export function ageOf(birthDate: string) {
  const b = new Date(birthDate);
  const n = new Date();
  return n.getFullYear() - b.getFullYear() - (n < new Date(n.getFullYear(), b.getMonth(), b.getDate()) ? 1 : 0);
}

export function PersonFlags({ p }: { p: Person }) {
  const { t } = useTranslation();
  return (
    <>
      {p.bedridden && <Tag color="red">{t('person.bedridden')}</Tag>}
      {p.elderlyAlone && <Tag color="orange">{t('person.elderlyAlone')}</Tag>}
      {p.disabled && <Tag color="purple">{t('person.disabled')}</Tag>}
      {p.role === 'lead' && <Tag color="geekblue">{t('roles.lead')}</Tag>}
      {p.partyMember && <Tag color="red">{t('person.partyMember')}</Tag>}
      {p.unitHead && <Tag color="gold">{t('person.unitHead')}</Tag>}
    </>
  );
}

/** People as a list that reads on a phone as well as on a desk: one line of who, one of where. */
export function PersonList({ kind, items, loading, footer }: { kind: PersonKind; items: Person[]; loading?: boolean; footer?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <List
      loading={loading}
      dataSource={items}
      footer={footer}
      locale={{ emptyText: t('areas.empty') }}
      renderItem={(p) => (
        <List.Item key={p.id} data-testid="person-item">
          <List.Item.Meta
            title={
              <Space wrap size={4}>
                <Link to={`/people/${kind}/${p.id}`}>{p.name}</Link>
                <Typography.Text type="secondary">
                  {t(`person.${p.sex}`)} · {t('person.bornIn', { decade: p.birthDecade })}
                </Typography.Text>
                <PersonFlags p={p} />
              </Space>
            }
            description={
              <Space wrap size={[12, 0]}>
                <span>{p.idMasked}</span>
                {p.phoneMasked && <span>{p.phoneMasked}</span>}
                <span>{kind === 'staff' ? p.workUnit : p.address}</span>
                <Typography.Text type="secondary">{p.areaName}</Typography.Text>
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}

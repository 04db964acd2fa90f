import { useState } from 'react';
import { Alert, Card, Input, Segmented, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PersonKind } from '../../modules/registry/api';
import { PersonList } from '../../modules/registry/components/PersonList';
import { usePeople } from '../../modules/registry/hooks';

export default function SearchPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<PersonKind>('residents');
  const [q, setQ] = useState('');
  const people = usePeople(kind, undefined, q || undefined);
  return (
    <Card size="small" style={{ maxWidth: 900, margin: '0 auto' }}>
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Segmented block value={kind} onChange={(v) => setKind(v as PersonKind)} options={[{ value: 'residents', label: t('search.residents') }, { value: 'staff', label: t('search.staff') }]} />
        <Input.Search
          size="large"
          allowClear
          enterButton
          placeholder={t('search.placeholder')}
          onSearch={(v) => setQ(v.trim())}
          aria-label={t('search.placeholder')}
        />
        <Typography.Text type="secondary">{t('search.tip')}</Typography.Text>
        {people.error && <Alert type="error" title={people.error} />}
        {q && <PersonList kind={kind} items={people.items} loading={people.loading} />}
      </Space>
    </Card>
  );
}

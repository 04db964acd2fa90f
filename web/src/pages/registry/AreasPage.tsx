import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Grid, Row, Segmented, Space, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import type { Area, PersonKind } from '../../modules/registry/api';
import { AreaTree } from '../../modules/registry/components/AreaTree';
import { ExportButtons } from '../../modules/registry/components/ExportButtons';
import { PersonList } from '../../modules/registry/components/PersonList';
import { usePeople } from '../../modules/registry/hooks';

export default function AreasPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const { code } = useParams();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [area, setArea] = useState<Area | null>(null);
  const [kind, setKind] = useState<PersonKind>('residents');
  const selected = code ?? area?.code;
  const people = usePeople(kind, selected);
  const canFull = !!me && ['commander', 'lead'].includes(me.role);
  const levelName = (a: Area) => t(`areas.levels.${a.level === 'village' && a.kind === 'community' ? 'community' : a.level}`);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={9} lg={7}>
        <Card size="small" title={t('areas.tree')} styles={{ body: { maxHeight: screens.md ? 'calc(100vh - 180px)' : 320, overflow: 'auto' } }}>
          <AreaTree
            selected={selected}
            onSelect={(a) => {
              setArea(a);
              navigate(`/areas/${a.code}`, { replace: true });
            }}
          />
        </Card>
      </Col>
      <Col xs={24} md={15} lg={17}>
        {!area && !code ? (
          <Typography.Text type="secondary">{t('areas.select')}</Typography.Text>
        ) : (
          <Card
            size="small"
            title={
              <Space wrap>
                <span data-testid="area-title">{area?.name ?? code}</span>
                {area && <Typography.Text type="secondary">{levelName(area)} · {area.code}</Typography.Text>}
                {area?.level === 'village' && canFull && <Link to={`/villages/${area.code}/code`}>{t('mob.villageCode')}</Link>}
              </Space>
            }
            extra={!screens.xs && <ExportButtons list={kind} area={selected} canFull={canFull} />}
          >
            {area && (
              <Row gutter={16} style={{ marginBottom: 12 }}>
                <Col span={12}><Statistic title={t('areas.residents')} value={area.residents} /></Col>
                <Col span={12}><Statistic title={t('areas.staff')} value={area.staff} /></Col>
              </Row>
            )}
            {screens.xs && <div style={{ marginBottom: 12 }}><ExportButtons list={kind} area={selected} canFull={canFull} /></div>}
            <Segmented
              block
              value={kind}
              onChange={(v) => setKind(v as PersonKind)}
              options={[{ value: 'residents', label: t('areas.residents') }, { value: 'staff', label: t('areas.staff') }]}
            />
            {people.error && <Alert type="error" title={people.error} style={{ marginTop: 12 }} />}
            <PersonList
              kind={kind}
              items={people.items}
              loading={people.loading}
              footer={people.more && <Button block onClick={people.more}>{t('areas.loadMore')}</Button>}
            />
          </Card>
        )}
      </Col>
    </Row>
  );
}

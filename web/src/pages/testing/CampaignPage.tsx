import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Badge, Breadcrumb, Button, Card, Col, Empty, Grid, Progress, Row, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { shanghai } from '../../modules/mobilization/api';
import { HourlyChart } from '../../modules/testing/HourlyChart';
import { NameCell, PhoneCell } from '../../modules/testing/contact';
import { ageText, num } from '../../modules/testing/format';
import { HomeVisitsPanel, PlanPanel, SitesPanel } from '../../modules/testing/PlanningPanels';
import { Link } from 'react-router-dom';
import { testingApi, type Board, type Campaign, type Conflict, type CoverageRow, type Recall } from '../../modules/testing/api';

const pct = (n: number, d: number) => (d ? Math.round((100 * n) / d) : 0);

/**
 * The campaign board: coverage (应检尽检) per area with drill-down, the pipeline
 * stage by stage with the age of its oldest tube, each lab's backlog against its
 * capacity, the recall list. Reloads within a moment of any swab, result or recall.
 */
export default function CampaignPage() {
  const { t } = useTranslation();
  const { id } = useParams() as { id: string };
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [recalls, setRecalls] = useState<{ toRetest: number; confirmed: number; recalls: Recall[] }>({ toRetest: 0, confirmed: 0, recalls: [] });
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [path, setPath] = useState<{ code: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  /** the area the board opens on, the root of the drill-down: a lead's village, a commander's district */
  const [rootName, setRootName] = useState<string | null>(null);
  const pending = useRef<number | undefined>(undefined);
  const area = path[path.length - 1]?.code;
  const wide = Grid.useBreakpoint().md;

  const load = useCallback(() => {
    testingApi.board(id, area).then((b) => {
      setBoard(b);
      if (!area) setRootName(b.areaName);
    }, (e) => setError(e.message));
    testingApi.recalls(id, area).then(setRecalls, () => {});
    testingApi.conflicts(id, area).then((r) => setConflicts(r.conflicts), () => {});
  }, [id, area]);
  useEffect(() => {
    testingApi.campaign(id).then(setCampaign, (e) => setError(e.message));
  }, [id]);
  useEffect(() => {
    load();
    const es = new EventSource(testingApi.eventsUrl(id));
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    // a burst of swabs makes one reload a second at most
    es.addEventListener('changed', () => {
      if (pending.current) return;
      pending.current = window.setTimeout(() => {
        pending.current = undefined;
        load();
      }, 1000);
    });
    return () => es.close();
  }, [id, load]);

  if (!board || !campaign) return error ? <Alert type="error" title={error} /> : <Spin />;
  const { totals } = board;
  // a site belongs to a village (or a grid): the one shown, a lead's own or where a commander drilled down to
  const shown = area ?? board.area;
  const village = shown.length >= 12 ? shown : undefined;
  const stat = (key: 'sampled' | 'resulted') => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small">
        <Statistic title={t(`testing.${key}`)} value={totals[key]} suffix={`/ ${num(totals.expected)}`} data-testid={`stat-${key}`} />
        <Progress percent={pct(totals[key], totals.expected)} size="small" />
      </Card>
    </Col>
  );
  // a pool is not a person: positive tubes, their members still to retest, and people a single tube confirmed, apart
  const positive = (key: 'positivePools' | 'toRetest' | 'confirmed') => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small">
        <Statistic title={t(`testing.${key}`)} value={totals[key]} suffix={key === 'positivePools' ? t('testing.positivePoolsUnit') : t('testing.people')} valueStyle={totals[key] ? { color: '#cf1322' } : undefined} data-testid={`stat-${key}`} />
      </Card>
    </Col>
  );
  const red = (n: number) => (n ? <Typography.Text type="danger" strong>{num(n)}</Typography.Text> : 0);
  const coverageColumns = [
    { title: t('testing.area'), dataIndex: 'name', render: (n: string, r: CoverageRow) => (r.level === 'unassigned' ? t(board.children[0]?.level === 'grid' ? 'testing.unassigned' : 'testing.unassignedHere') : r.level === 'grid' ? n : <a onClick={() => setPath([...path, { code: r.code, name: n }])}>{n}</a>) },
    { title: t('testing.expected'), dataIndex: 'expected', align: 'right' as const, responsive: ['sm' as const], render: num },
    { title: t('testing.sampled'), dataIndex: 'sampled', align: 'right' as const, render: (n: number, r: CoverageRow) => <Space size={4}>{num(n)}<Typography.Text type="secondary">{pct(n, r.expected)}%</Typography.Text></Space> },
    { title: t('testing.resulted'), dataIndex: 'resulted', align: 'right' as const, render: num },
    { title: t('testing.positivePools'), dataIndex: 'positivePools', align: 'right' as const, responsive: ['sm' as const], render: red },
    { title: t('testing.toRetest'), dataIndex: 'toRetest', align: 'right' as const, render: red },
    { title: t('testing.confirmed'), dataIndex: 'confirmed', align: 'right' as const, responsive: ['sm' as const], render: red },
    { title: '', dataIndex: 'code', responsive: ['md' as const], render: (code: string, r: CoverageRow) => (r.level === 'village' || r.level === 'grid' ? <Link to={`/codes/${code}`}>{t('codes.print')}</Link> : null) },
  ];
  const recallColumns = [
    // on a phone the address column is hidden: it goes under the name, since the retest is at home
    { title: t('person.name'), dataIndex: 'name', render: (n: string, r: Recall) => <NameCell name={n} address={r.address} showAddress={!wide} /> },
    { title: t('person.phone'), dataIndex: 'phone', render: (p: string | null, r: Recall) => <PhoneCell phone={p} householdPhone={r.householdPhone} /> },
    { title: t('person.address'), dataIndex: 'address', responsive: ['md' as const] },
    { title: t('testing.tube'), dataIndex: 'tube', responsive: ['md' as const] },
    { title: t('testing.recallStatus'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'pending_retest' ? 'red' : s === 'negative' ? 'green' : s === 'positive' ? 'magenta' : undefined}>{t(`testing.recall.${s}`)}</Tag> },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {campaign.title} <Tag>{t('testing.pooled', { n: campaign.poolSize })}</Tag>
        </Typography.Title>
        <Space>
          <Badge status={live ? 'processing' : 'default'} text={t('mob.live')} />
          <Typography.Text type="secondary">{t('testing.target')} {shanghai(campaign.targetEnd)}</Typography.Text>
        </Space>
      </Space>
      <Breadcrumb items={[{ title: <a onClick={() => setPath([])}>{rootName ?? t('testing.all')}</a> }, ...path.map((p, i) => ({ title: <a onClick={() => setPath(path.slice(0, i + 1))}>{p.name}</a> }))]} />
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={4}>
          <Card size="small"><Statistic title={t('testing.expected')} value={totals.expected} data-testid="stat-expected" /></Card>
        </Col>
        {stat('sampled')}
        {stat('resulted')}
        {positive('positivePools')}
        {positive('toRetest')}
        {positive('confirmed')}
      </Row>
      {board.recalls.pending > 0 && <Alert type="error" showIcon title={t('testing.recallAlert', { n: board.recalls.pending })} />}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('testing.pipeline')}>
            <Table
              size="small" pagination={false} rowKey="status" dataSource={board.stages}
              columns={[
                { title: t('testing.stage'), dataIndex: 'status', render: (s: string) => t(`testing.stages.${s}`) },
                { title: t('testing.tubes'), dataIndex: 'tubes', align: 'right' as const, render: num },
                { title: t('testing.swabs'), dataIndex: 'swabs', align: 'right' as const, render: num },
                { title: t('testing.oldest'), dataIndex: 'oldestMinutes', align: 'right' as const, render: (m: number | null) => {
                  if (m === null) return '—';
                  const age = ageText(m, t);
                  return age.long ? <Typography.Text type="danger">{age.text}</Typography.Text> : age.text;
                } },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('testing.labs')}>
            <Table
              size="small" pagination={false} rowKey="labId" dataSource={board.labs} locale={{ emptyText: t('testing.noLabs') }}
              columns={[
                { title: t('testing.lab'), dataIndex: 'name' },
                { title: t('testing.backlog'), dataIndex: 'backlog', align: 'right' as const, render: num },
                { title: t('testing.capacity'), dataIndex: 'capacityPerDay', align: 'right' as const, render: (c: number, l: Board['labs'][number]) => <Progress percent={pct(l.backlog, c)} size="small" status={l.backlog > c ? 'exception' : undefined} format={() => num(c)} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('testing.rate')}>
        {board.hourly.some((h) => h.swabs > 0) ? <HourlyChart hourly={board.hourly} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('testing.noSwabsYet')} />}
      </Card>
      <Card size="small">
        <Tabs
          items={[
            { key: 'coverage', label: t('testing.coverage'), children: <Table size="small" rowKey="code" dataSource={board.children} columns={coverageColumns} pagination={{ pageSize: 50, hideOnSinglePage: true }} /> },
            { key: 'recalls', label: <Space size={4}>{t('testing.recalls')}<Badge count={board.recalls.pending} size="small" /></Space>, children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text data-testid="recall-counts">{t('testing.recallCounts', { toRetest: recalls.toRetest, confirmed: recalls.confirmed })}</Typography.Text>
                  <Table size="small" rowKey="id" dataSource={recalls.recalls} columns={recallColumns} />
                </Space>
              ) },
            {
              key: 'conflicts', label: <Space size={4}>{t('testing.conflicts')}<Badge count={board.conflicts} size="small" color="gold" /></Space>,
              children: (
                <Table size="small" rowKey="residentId" dataSource={conflicts} locale={{ emptyText: t('testing.noConflicts') }}
                  columns={[
                    { title: t('person.name'), dataIndex: 'name' },
                    { title: t('testing.area'), dataIndex: 'areaName', responsive: ['md' as const] },
                    { title: t('testing.swabsTaken'), dataIndex: 'swabs', render: (s: Conflict['swabs']) => s.map((x) => `${x.tube} · ${x.station} · ${shanghai(x.scannedAt)}`).join('；') },
                  ]} />
              ),
            },
            { key: 'plan', label: t('plan.tab'), children: <PlanPanel campaignId={id} area={area} /> },
            { key: 'sites', label: t('sites.tab'), children: <SitesPanel campaignId={id} area={area} village={village} /> },
            { key: 'home', label: t('homeVisits.tab'), children: <HomeVisitsPanel campaignId={id} area={area} /> },
          ]}
          // on a phone the button is its icon only: its words had left the tabs a third of the width
          tabBarExtraContent={<Button icon={<DownloadOutlined />} href={testingApi.untestedUrl(id, area)} aria-label={t('testing.untested')} title={t('testing.untested')}>{wide && t('testing.untested')}</Button>}
        />
      </Card>
    </Space>
  );
}

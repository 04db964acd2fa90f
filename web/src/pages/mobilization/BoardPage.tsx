import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Badge, Button, Card, Col, Progress, Row, Segmented, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../modules/access/session';
import { ArrivalCurve } from '../../modules/mobilization/ArrivalCurve';
import { mobilizationApi, shanghai, type Board, type Chase, type Counts } from '../../modules/mobilization/api';

const pct = (n: number, d: number) => (d ? Math.round((100 * n) / d) : 0);

/** The live arrival board: reloads within a moment of any acknowledgement or arrival in the account's area. */
export default function BoardPage() {
  const { t } = useTranslation();
  const { id } = useParams() as { id: string };
  const { me } = useSession();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [level, setLevel] = useState<'towns' | 'villages'>(me?.role === 'commander' ? 'towns' : 'villages');
  const pending = useRef<number | undefined>(undefined);

  const load = useCallback(() => mobilizationApi.board(id).then(setBoard, (e) => setError(e.message)), [id]);
  useEffect(() => {
    void load();
    const es = new EventSource(mobilizationApi.eventsUrl(id));
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    // many arrivals at once make one reload
    es.addEventListener('changed', () => {
      window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => void load(), 150);
    });
    // deliveries are not events of an area: counted on a slower beat
    const poll = window.setInterval(() => void load(), 5000);
    return () => {
      es.close();
      window.clearInterval(poll);
    };
  }, [id, load]);

  if (!board) return error ? <Alert type="error" title={error} /> : <Spin />;
  const { totals } = board;
  const stat = (key: keyof Counts, color?: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={t(`mob.${key}`)} value={totals[key]} suffix={key === 'unreachable' ? undefined : `/ ${totals.total}`} valueStyle={color ? { color } : undefined} />
        {key !== 'unreachable' && <Progress percent={pct(totals[key], totals.total)} size="small" showInfo />}
      </Card>
    </Col>
  );
  const chaseColumns = [
    { title: t('person.name'), dataIndex: 'name' },
    { title: t('mob.phone'), dataIndex: 'phone', render: (p: string | null) => (p ? <a href={`tel:${p}`}>{p}</a> : '—') },
    { title: t('mob.area'), dataIndex: 'areaName' },
    { title: t('person.workUnit'), dataIndex: 'workUnit', responsive: ['md' as const] },
    { title: t('mob.note'), dataIndex: 'note', render: (n: string | null) => (n ? t(`mob.sms.${n}`, { defaultValue: n }) : '') },
  ];
  const chase = (rows: Chase[], present: boolean) => (
    <Table<Chase>
      size="small"
      rowKey="staffId"
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: true }}
      columns={[
        ...chaseColumns,
        ...(present && board.callup.status !== 'closed' ? [{ title: '', key: 'a', render: (_: unknown, r: Chase) => <Button size="small" onClick={() => mobilizationApi.present(id, r.staffId).then(load)}>{t('mob.markPresent')}</Button> }] : []),
      ]}
    />
  );
  const rows = level === 'towns' ? board.towns : board.villages;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {board.callup.title} · {t('mob.deadline')} {shanghai(board.callup.deadline)}
        </Typography.Title>
        {board.callup.status === 'closed' ? <Tag data-testid="board-closed">{t('mob.status.closed')}</Tag> : <Badge status={live ? 'processing' : 'default'} text={t('mob.live')} />}
      </Space>
      <Row gutter={[12, 12]} data-testid="board-totals">
        {stat('received')}
        {stat('acknowledged')}
        {stat('arrived', '#3f8600')}
        {stat('unreachable', totals.unreachable ? '#cf1322' : undefined)}
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('mob.curve')}>
            <ArrivalCurve curve={board.curve} total={totals.total} sentAt={board.callup.sentAt} deadline={board.callup.deadline} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" extra={<Segmented size="small" value={level} onChange={(v) => setLevel(v as typeof level)} options={[{ value: 'towns', label: t('mob.byTown') }, { value: 'villages', label: t('mob.byVillage') }]} />}>
            <Table
              size="small"
              rowKey="code"
              dataSource={rows}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('mob.area'), dataIndex: 'name' },
                { title: t('mob.total'), dataIndex: 'total', width: 60 },
                { title: t('mob.acknowledged'), key: 'ack', render: (_: unknown, r: Counts) => `${pct(r.acknowledged, r.total)}%` },
                { title: t('mob.arrived'), key: 'arr', render: (_: unknown, r: Counts) => <Progress percent={pct(r.arrived, r.total)} size="small" /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Tabs
          items={[
            { key: 'ack', label: `${t('mob.notAcknowledged')} (${board.counts.notAcknowledged})`, children: chase(board.notAcknowledged, false) },
            { key: 'arr', label: `${t('mob.notArrived')} (${board.counts.notArrived})`, children: chase(board.notArrived, true) },
            { key: 'unr', label: `${t('mob.unreachable')} (${board.counts.unreachable})`, children: chase(board.unreachable, true) },
          ]}
        />
      </Card>
    </Space>
  );
}

import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, Select, Space, Tag } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { testingApi } from './api';

/** 装箱: sealed tubes scanned into a box at the site for the lab it names, ready for transport (needs the network). */
export function BoxPanel() {
  const { t } = useTranslation();
  const [labs, setLabs] = useState<{ id: number; name: string }[]>([]);
  const [lab, setLab] = useState<number | null>(null);
  const [box, setBox] = useState('');
  const [tubes, setTubes] = useState<string[]>([]);
  const [input, setInput] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    testingApi.labChoices().then((ls) => {
      setLabs(ls);
      if (ls.length === 1) setLab(ls[0].id);
    }, () => {});
  }, []);
  const add = () => {
    const v = input.trim();
    setInput('');
    if (v && !tubes.includes(v)) setTubes([...tubes, v]);
  };
  const pack = async () => {
    setError(null);
    try {
      const r = await testingApi.pack(box.trim(), tubes, lab!);
      setDone(t('box.packed', { box: r.box, n: r.tubes, lab: r.lab }));
      setBox('');
      setTubes([]);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card size="small" title={t('box.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select size="large" style={{ width: '100%' }} placeholder={t('box.lab')} value={lab ?? undefined} onChange={setLab} options={labs.map((l) => ({ value: l.id, label: l.name }))} data-testid="box-lab" />
        <Input size="large" prefix={<InboxOutlined />} value={box} onChange={(e) => setBox(e.target.value)} placeholder={t('box.code')} />
        <Input size="large" value={input} onChange={(e) => setInput(e.target.value)} onPressEnter={add} placeholder={t('box.tube')} />
        <div>{tubes.map((x) => <Tag key={x} closable onClose={() => setTubes(tubes.filter((y) => y !== x))}>{x}</Tag>)}</div>
        {error && <Alert type="error" showIcon title={error} />}
        {done && <Alert type="success" showIcon title={done} />}
        <Button type="primary" block disabled={!lab || !box.trim() || !tubes.length} onClick={() => void pack()}>{t('box.pack', { n: tubes.length })}</Button>
      </Space>
    </Card>
  );
}

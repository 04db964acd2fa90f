import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Empty, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { notifyApi, type InboxItem } from '../../modules/notify/api';
import { useSession } from '../../modules/access/session';

/** Renders a message with its links clickable, as a phone's SMS app does. */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return (
    <>
      {parts.map((p, i) =>
        /^https?:\/\//.test(p) ? (
          <a key={i} href={new URL(p).pathname} data-testid="sms-link">{p}</a>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

/** The simulator's phone: the SMS a number received, and a reply box; for a commander (App.tsx asks for a sign-in first). */
export default function PhonePage() {
  const { t } = useTranslation();
  const { me } = useSession();
  if (me?.role !== 'commander')
    return (
      <div style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
        <Alert type="warning" showIcon title={t('phone.commanderOnly')} data-testid="phone-commander-only" />
      </div>
    );
  return <Phone />;
}

function Phone() {
  const { t } = useTranslation();
  const { phone } = useParams();
  const navigate = useNavigate();
  const [items, setItems] = useState<InboxItem[]>([]);
  const [phones, setPhones] = useState<{ phone: string; messages: number }[]>([]);
  const [text, setText] = useState('');
  const end = useRef<HTMLDivElement>(null);
  const load = useCallback(() => {
    if (phone) notifyApi.inbox(phone).then(setItems, () => setItems([]));
  }, [phone]);
  useEffect(() => {
    notifyApi.phones().then(setPhones, () => setPhones([]));
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [load]);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [items.length]);
  const send = async () => {
    if (!phone || !text.trim()) return;
    await notifyApi.reply(phone, text.trim());
    setText('');
    load();
  };
  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
      <Card
        size="small"
        title={<span>{t('phone.title')} {phone && <Typography.Text type="secondary">{phone}</Typography.Text>}</span>}
        extra={
          phones.length > 0 && (
            <Select size="small" style={{ width: 150 }} placeholder={t('phone.pick')} value={phone} onChange={(v) => navigate(`/phone/${v}`)} options={phones.map((p) => ({ value: p.phone, label: `${p.phone} (${p.messages})` }))} />
          )
        }
      >
        <div style={{ minHeight: 300, maxHeight: '65vh', overflow: 'auto', background: '#f5f5f5', padding: 8, borderRadius: 8 }}>
          {items.length === 0 && <Empty description={t('phone.empty')} />}
          {items.map((m) => (
            <div key={m.kind + m.id} style={{ display: 'flex', justifyContent: m.kind === 'in' ? 'flex-start' : 'flex-end', margin: '6px 0' }}>
              <div data-testid={m.kind === 'in' ? 'sms-in' : 'sms-out'} style={{ maxWidth: '85%', padding: '8px 12px', borderRadius: 12, background: m.kind === 'in' ? '#fff' : '#95ec69', wordBreak: 'break-all' }}>
                <Linkified text={m.body} />
                <div style={{ fontSize: 11, color: '#999', marginTop: 4 }}>{new Date(m.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}</div>
              </div>
            </div>
          ))}
          <div ref={end} />
        </div>
        {phone && (
          <Space.Compact style={{ width: '100%', marginTop: 8 }}>
            <Input value={text} onChange={(e) => setText(e.target.value)} onPressEnter={send} placeholder={t('phone.placeholder')} aria-label={t('phone.reply')} />
            <Button type="primary" onClick={send}>{t('phone.sendReply')}</Button>
          </Space.Compact>
        )}
      </Card>
    </div>
  );
}

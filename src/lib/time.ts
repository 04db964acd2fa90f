/**
 * Times as Chinese messages and sheets show them, in Asia/Shanghai whatever the
 * server's zone. One formatter for the process: building one costs more than
 * formatting ten thousand messages.
 */
const FORMAT = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

const parts = (d: Date | number) => Object.fromEntries(FORMAT.formatToParts(d).map((x) => [x.type, x.value]));

/** 1月7日 05:00 */
export function shanghaiText(d: Date | number): string {
  const p = parts(d);
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** 05:00 */
export function shanghaiClock(d: Date | number): string {
  const p = parts(d);
  return `${p.hour}:${p.minute}`;
}

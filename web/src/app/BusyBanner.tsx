import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { useBusy } from '../shared/retry';

/** While the server sheds the page's reads and they are retried: "the system is busy, retrying in N s". */
export function BusyBanner() {
  const { t } = useTranslation();
  const busy = useBusy();
  return busy === null ? null : <Alert banner type="warning" className="no-print" data-testid="busy" title={t('common.busy', { s: busy })} />;
}

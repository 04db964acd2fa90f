import { useState } from 'react';
import { Checkbox, Dropdown, Space } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { registryApi } from '../api';

/** Streams an export as a download; full ID numbers only for roles that may see them. */
export function ExportButtons({ list, area, canFull }: { list: 'residents' | 'staff' | 'areas'; area?: string; canFull: boolean }) {
  const { t } = useTranslation();
  const [full, setFull] = useState(false);
  const href = (format: string) => registryApi.exportUrl(list, { area, format, full: full && list !== 'areas' });
  return (
    <Space wrap>
      <Dropdown.Button
        size="small"
        icon={<DownloadOutlined />}
        onClick={() => (window.location.href = href('xlsx'))}
        menu={{
          items: [
            { key: 'csv', label: <a href={href('csv')}>{t('export.csv')}</a> },
            { key: 'gbk', label: <a href={href('csv-gbk')}>{t('export.gbk')}</a> },
          ],
        }}
      >
        <DownloadOutlined /> {t('export.xlsx')}
      </Dropdown.Button>
      {canFull && list !== 'areas' && (
        <Checkbox checked={full} onChange={(e) => setFull(e.target.checked)}>
          {t('export.full')}
        </Checkbox>
      )}
    </Space>
  );
}


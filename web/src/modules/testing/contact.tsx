import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Whom to call: their own phone, or else their household's, marked so (a child, an elder). */
export function PhoneCell({ phone, householdPhone }: { phone: string | null; householdPhone: string | null }) {
  const { t } = useTranslation();
  const number = phone ?? householdPhone;
  if (!number) return <>—</>;
  return (
    <Space size={4} wrap>
      <a href={`tel:${number}`}>{number}</a>
      {!phone && <Tag>{t('testing.householdPhone')}</Tag>}
    </Space>
  );
}

/** A name, with the address under it where the table has no room for an address column (a phone). */
export function NameCell({ name, address, showAddress }: { name: string; address: string | null; showAddress: boolean }) {
  return (
    <>
      {name}
      {showAddress && address && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{address}</Typography.Text>
        </div>
      )}
    </>
  );
}

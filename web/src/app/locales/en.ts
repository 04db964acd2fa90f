import type zh from './zh-CN';

const en: typeof zh = {
  app: { name: 'Bastion command centre', short: 'Bastion' },
  nav: { areas: 'Areas & people', search: 'Find a person', import: 'Import', signOut: 'Sign out', language: '中文' },
  roles: { commander: 'Commander', lead: 'Area lead', cadre: 'Cadre', sampler: 'Sampler', lab: 'Laboratory', merchant: 'Merchant', inspector: 'Inspector', courier: 'Courier team', resident: 'Resident' },
  login: { title: 'Sign in', username: 'User name', password: 'Password', submit: 'Sign in', required: 'Enter the {{field}}', hint: 'Demo: commander / shanyin, password bastion2021' },
  areas: { tree: 'Areas', residents: 'Residents', staff: 'Cadres', count: '{{residents}} residents · {{staff}} cadres', select: 'Choose an area', loadMore: 'Load more', empty: 'Nobody here yet', levels: { city: 'City', district: 'District', town: 'Town', village: 'Village', community: 'Community', grid: 'Grid' } },
  person: {
    name: 'Name', idNumber: 'ID number', sex: 'Sex', M: 'Male', F: 'Female', birthDate: 'Born', phone: 'Phone', address: 'Address', area: 'Area',
    household: 'Household', householdNo: 'Household no.', flags: 'Needs', bedridden: 'Bed-ridden', elderlyAlone: 'Elderly, alone', disabled: 'Disabled',
    workUnit: 'Work unit', partyMember: 'Party member', role: 'Role', reveal: 'Show full ID number and phone', revealed: 'This read is audited', notFound: 'Not found, or outside your area', back: 'Back',
  },
  search: { placeholder: 'Name, pinyin initials, ID tail or phone tail', residents: 'Residents', staff: 'Cadres', none: 'Nobody matches', tip: 'e.g. 张伟, zw, 1234, 13812345678' },
  export: { title: 'Export', xlsx: 'Export XLSX', csv: 'Export CSV', gbk: 'CSV (GBK)', full: 'With full ID numbers (audited)' },
  import: {
    title: 'Import', kind: 'What', residents: 'Residents', staff: 'Cadres', drop: 'Click or drop a file', formats: 'CSV (UTF-8 or GBK, with or without BOM) or XLSX; Chinese or English headers; unknown columns are ignored',
    template: 'Template', running: 'Importing…', done: 'Import finished', failed: 'Import failed', summary: '{{imported}} new, {{updated}} updated, {{rejected}} rejected',
    rows: '{{rows}} rows read', rejections: 'Rejected rows', row: 'Row', field: 'Field', reason: 'Reason', report: 'Download error report (XLSX)', again: 'Import another file',
  },
  common: { error: 'Something went wrong', retry: 'Retry', loading: 'Loading…' },
};
export default en;

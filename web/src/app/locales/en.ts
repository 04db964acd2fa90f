import type zh from './zh-CN';

const en: typeof zh = {
  app: { name: 'Bastion command centre', short: 'Bastion' },
  nav: { callups: 'Call-ups', roster: 'Roster', phone: 'Phone', areas: 'Areas & people', search: 'Find a person', import: 'Import', signOut: 'Sign out', language: '中文' },
  roles: { commander: 'Commander', lead: 'Area lead', cadre: 'Cadre', sampler: 'Sampler', lab: 'Laboratory', merchant: 'Merchant', inspector: 'Inspector', courier: 'Courier team', resident: 'Resident' },
  login: { title: 'Sign in', username: 'User name', password: 'Password', submit: 'Sign in', required: 'Enter the {{field}}', hint: 'Demo: commander / shanyin, password bastion2021' },
  areas: { tree: 'Areas', residents: 'Residents', staff: 'Cadres', count: '{{residents}} residents · {{staff}} cadres', select: 'Choose an area', loadMore: 'Load more', empty: 'Nobody here yet', levels: { city: 'City', district: 'District', town: 'Town', village: 'Village', community: 'Community', grid: 'Grid' } },
  person: {
    name: 'Name', idNumber: 'ID number', sex: 'Sex', M: 'Male', F: 'Female', birthDate: 'Born', phone: 'Phone', address: 'Address', area: 'Area',
    household: 'Household', householdNo: 'Household no.', flags: 'Needs', bedridden: 'Bed-ridden', elderlyAlone: 'Elderly, alone', disabled: 'Disabled',
    workUnit: 'Work unit', partyMember: 'Party member', unitHead: 'Head of unit', role: 'Role', reveal: 'Show full ID number and phone', revealed: 'This read is audited', notFound: 'Not found, or outside your area', back: 'Back',
  },
  search: { placeholder: 'Name, pinyin initials, ID tail or phone tail', residents: 'Residents', staff: 'Cadres', none: 'Nobody matches', tip: 'e.g. 张伟, zw, 1234, 13812345678' },
  export: { title: 'Export', xlsx: 'Export XLSX', csv: 'Export CSV', gbk: 'CSV (GBK)', full: 'With full ID numbers (audited)' },
  import: {
    title: 'Import', kind: 'What', residents: 'Residents', staff: 'Cadres', drop: 'Click or drop a file', formats: 'CSV (UTF-8 or GBK, with or without BOM) or XLSX; Chinese or English headers; unknown columns are ignored',
    template: 'Template', running: 'Importing…', done: 'Import finished', failed: 'Import failed', summary: '{{imported}} new, {{updated}} updated, {{rejected}} rejected',
    rows: '{{rows}} rows read', rejections: 'Rejected rows', row: 'Row', field: 'Field', reason: 'Reason', report: 'Download error report (XLSX)', again: 'Import another file',
  },
  mob: {
    nav: 'Call-ups', callups: 'Call-ups', new: 'New call-up', title: 'Title', template: 'Message', templateHelp: 'Placeholders: {name}, {area} (assigned village), {deadline}, {link} (personal link, required)',
    deadline: 'Be in place by', targetArea: 'Area (code)', workUnit: 'Work unit (optional)', resendAfter: 'Resend if not acknowledged after', escalateAfter: 'Tell secretary and unit head after', minutes: 'min', party: 'Party members', partyAny: 'All', partyYes: 'Party members only', partyNo: 'Non-members only',
    create: 'Save draft', preview: 'Preview before sending', reach: 'Reaches', people: 'people', withoutPhone: 'No valid mobile', example: 'Example message', parts: '{{characters}} characters, {{parts}} SMS each, {{total}} in all',
    send: 'Send now', sent: 'Sent', confirmSend: 'Send the call-up to {{n}} people?', board: 'Arrival board', status: { draft: 'Draft', sent: 'Sent', closed: 'Closed' },
    received: 'Received', acknowledged: 'Acknowledged', arrived: 'Arrived', unreachable: 'Unreachable', total: 'Expected', notAcknowledged: 'Not acknowledged', notArrived: 'Not arrived',
    byTown: 'By town', byVillage: 'By village', curve: 'Arrivals', deadlineLine: 'Deadline', markPresent: 'Mark present', live: 'Live', area: 'Area', phone: 'Phone', note: 'Note', NO_PHONE: 'No phone',
    myTitle: 'Call-up', assigned: 'Your village', due: 'Be there by {{deadline}}', ack: 'Received', acked: 'Acknowledged', checkin: 'Check in', checkedIn: 'Checked in at {{time}}',
    byCode: 'Scan the code at the village committee', byCodeHelp: 'Scan the check-in code posted at the village committee with the phone camera', byLocation: 'Check in by location', locating: 'Locating…', noToken: 'Open the personal link from your SMS first, then scan the code',
    sms: { NO_PHONE: 'No phone', queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', failed: 'Failed', replied: 'Replied' },
    roster: 'Roster', myShifts: 'My shifts', noShifts: 'No shifts yet', assign: 'Assign', cadre: 'Cadre', post: 'Post', start: 'Start', end: 'End', hours: 'hours', shiftsCount: 'Shifts', hoursTitle: 'Hours on duty', rules: 'Rules: one place at a time; at most {{max}} h on duty in a row; at least {{rest}} h of rest between stretches',
    posts: { gate_duty: 'Gate duty', sampling_support: 'Sampling support', door_to_door: 'Door to door', delivery_escort: 'Delivery escort', traffic_checkpoint: 'Traffic checkpoint' },
    cancel: 'Cancel',
    smsLabel: 'SMS',
    villageCode: 'Check-in code', villageCodeHelp: 'Print it and post it at the village committee; cadres scan it to check in', methods: { qr: 'code', location: 'location', lead: 'by the secretary' },
  },
  phone: { title: 'Simulated phone', pick: 'Number', reply: 'Reply', placeholder: 'Type a reply (1 = received)', empty: 'No messages yet', sendReply: 'Send' },
  common: { error: 'Something went wrong', retry: 'Retry', loading: 'Loading…' },
};
export default en;

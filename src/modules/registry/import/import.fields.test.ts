import { describe, expect, it } from 'vitest';
import { checkDigit } from '../../../lib/idcard.js';
import { RowJudge, mapHeader, type AreaResolver } from './import.fields.js';

const id = (first17: string) => first17 + checkDigit(first17);
const GOOD = id('13011019800101001'); // male, 1980-01-01
const areas: AreaResolver = {
  resolve: (v) => (v === '130110108201' || v === '山尹村' ? { code: '130110108201', level: 'village' } : v === '130110108' ? { code: v, level: 'town' } : v === '130110109201' ? { code: v, level: 'village' } : 'unknown'),
  inScope: (c) => c.startsWith('130110108'),
};
const header = ['姓名', '身份证号码', '联系电话', '住址', '所属村(社区)', '卧床', '备注'];
const h = mapHeader('residents', header);
const judge = (row: unknown[], seen = new Set<string>()) => new RowJudge('residents', h, areas, seen).judge(row);
const reasons = (r: ReturnType<typeof judge>) => ('rejections' in r ? r.rejections.map((x) => `${x.field}:${x.reason}`) : []);

describe('header mapping', () => {
  it('knows Chinese and English spellings and ignores unknown columns', () => {
    expect(h.columns).toMatchObject({ name: 0, idNumber: 1, phone: 2, address: 3, area: 4, bedridden: 5 });
    expect(h.missing).toEqual([]);
    const en = mapHeader('residents', ['Name', 'ID Number', 'Mobile', 'Address', 'Area Code', 'Comment']);
    expect(en.missing).toEqual([]);
    const staff = mapHeader('staff', ['姓名', '身份证号', '手机号', '工作单位', '政治面貌', '分包村']);
    expect(staff.missing).toEqual([]);
  });

  it('reports the required columns that are missing', () => {
    expect(mapHeader('residents', ['姓名', '电话']).missing).toEqual(['idNumber', 'address', 'area']);
  });
});

describe('staff rows', () => {
  const sh = mapHeader('staff', ['姓名', '身份证号', '手机号', '工作单位', '是否党员', '角色', '分包村']);
  const judgeStaff = (row: unknown[]) => new RowJudge('staff', sh, areas).judge(row);
  it('need a phone and a known role', () => {
    expect(judgeStaff(['刘一', GOOD, '13800000000', '区财政局', '是', '村支书', '130110108201'])).toMatchObject({ values: { role: 'lead', partyMember: true } });
    const r = judgeStaff(['刘二', GOOD, '', '区财政局', '是', '皇帝', '130110108201']);
    expect(reasons(r)).toEqual(['phone:REQUIRED', 'role:ROLE_INVALID']);
  });
});

describe('a row is cleaned, then judged', () => {
  it('accepts a good row and derives sex and birth date from the ID', () => {
    const r = judge(['张三', GOOD, '13812345678', '山尹村1号', '130110108201', '否']);
    expect(r).toMatchObject({ values: { idNumber: GOOD, sex: 'M', birthDate: '1980-01-01', phone: '13812345678', areaCode: '130110108201', nameInitials: 'zs', bedridden: false } });
  });

  it('cleans full-width digits, stray spaces, a lowercase check digit and a village name', () => {
    const x = id('13011019800101002');
    const messy = x.endsWith('X') ? x.slice(0, 17) + 'x' : x;
    const fullWidth = [...messy].map((c) => (/\d/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
    const r = judge([' 李 四 ', ` ${fullWidth} `, '１３８ 1234 5678', ' 山尹村2号', '山尹村', '是']);
    expect(r).toMatchObject({ values: { idNumber: x, name: '李 四', phone: '13812345678', areaCode: '130110108201', bedridden: true } });
  });

  it('upgrades a legacy 15-digit ID', () => {
    const r = judge(['王五', '130110800101001', '', '山尹村3号', '130110108201', '']);
    expect(r).toMatchObject({ values: { idNumber: id('13011019800101001') } });
  });

  it.each([
    ['a wrong check digit', ['张三', GOOD.slice(0, 17) + ((Number(GOOD[17]) + 1) % 10), '', 'a', '130110108201'], 'idNumber:ID_CHECK_DIGIT'],
    ['scientific notation', ['张三', '1.30110E+17', '', 'a', '130110108201'], 'idNumber:ID_MANGLED'],
    ['an ID that is a spreadsheet number', ['张三', 130110198001010020, '', 'a', '130110108201'], 'idNumber:ID_MANGLED'],
    ['a missing name', ['', GOOD, '', 'a', '130110108201'], 'name:REQUIRED'],
    ['a missing ID', ['张三', '', '', 'a', '130110108201'], 'idNumber:REQUIRED'],
    ['a missing address', ['张三', GOOD, '', '', '130110108201'], 'address:REQUIRED'],
    ['a landline instead of a mobile', ['张三', GOOD, '0311-8888888', 'a', '130110108201'], 'phone:PHONE_INVALID'],
    ['a mobile with a digit missing', ['张三', GOOD, '1381234567', 'a', '130110108201'], 'phone:PHONE_INVALID'],
    ['an unknown area code', ['张三', GOOD, '', 'a', '999999999999'], 'area:AREA_UNKNOWN'],
    ['an area outside the importer’s scope', ['张三', GOOD, '', 'a', '130110109201'], 'area:AREA_OUT_OF_SCOPE'],
    ['a town instead of a village', ['张三', GOOD, '', 'a', '130110108'], 'area:AREA_NOT_VILLAGE'],
    ['a name with digits', ['张三3', GOOD, '', 'a', '130110108201'], 'name:NAME_INVALID'],
    ['a name of 31 characters', ['张'.repeat(31), GOOD, '', 'a', '130110108201'], 'name:NAME_INVALID'],
    ['a flag that is neither yes nor no', ['张三', GOOD, '', 'a', '130110108201', '也许'], 'bedridden:BOOLEAN_INVALID'],
  ])('rejects %s', (_what, row, reason) => {
    expect(reasons(judge(row))).toContain(reason);
  });

  it('rejects an ID already seen earlier in the same file', () => {
    const seen = new Set<string>();
    expect(judge(['张三', GOOD, '', 'a', '130110108201'], seen)).toHaveProperty('values');
    expect(reasons(judge(['张三', GOOD, '', 'b', '130110108201'], seen))).toEqual(['idNumber:ID_DUPLICATE_IN_FILE']);
  });

  it('names every problem of a row, not only the first', () => {
    expect(reasons(judge(['', '123', '999', '', '1']))).toEqual(['name:REQUIRED', 'idNumber:ID_FORMAT', 'phone:PHONE_INVALID', 'address:REQUIRED', 'area:AREA_UNKNOWN']);
  });
});

import { MOBILE, parseIdNumber } from '../../../lib/idcard.js';
import { nameInitials } from '../../../lib/pinyin.js';
import { cleanCode, cleanText, isValidName, normaliseHeader, normaliseName } from '../../../lib/text.js';

/** The columns an import understands, in the spellings offices use. Others are ignored. */
const AREA = ['区划代码', '所属村(社区)', '所属村', '所属社区', '村(社区)', '村(社区)代码', '行政区划代码', '所属区划', 'area', 'areacode', 'area_code', 'village', 'community'];
const ALIASES = {
  name: ['姓名', '名字', 'name', 'fullname', 'full name'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号码', '居民身份证号码', 'idnumber', 'id number', 'id_number', 'idcard', 'id card', 'id no', 'id'],
  phone: ['手机号', '手机号码', '联系电话', '电话', '电话号码', '联系方式', '手机', 'phone', 'mobile', 'phone number', 'mobile phone', 'tel'],
  address: ['住址', '地址', '家庭住址', '现住址', '居住地址', '详细地址', 'address'],
  householdNo: ['户号', '户编号', '家庭户号', 'household', 'household no', 'household_no', 'householdno'],
  bedridden: ['卧床', '是否卧床', '长期卧床', '卧床人员', 'bedridden'],
  elderlyAlone: ['独居老人', '是否独居老人', '独居', 'elderly alone', 'elderly_alone', 'lives alone'],
  disabled: ['残疾', '是否残疾', '残疾人', 'disabled', 'disability'],
  workUnit: ['工作单位', '单位', '所在单位', '派出单位', 'work unit', 'work_unit', 'workunit', 'unit', 'employer'],
  partyMember: ['是否党员', '党员', '政治面貌', 'party member', 'party_member', 'party'],
  unitHead: ['单位负责人', '是否单位负责人', '单位主要负责人', 'unit head', 'unit_head', 'head of unit'],
  role: ['角色', '岗位', 'role'],
  area: AREA,
} as const;
const STAFF_AREA = [...AREA, '分包村', '包联村', '包村', '分包村(社区)', '包联村(社区)', '负责村(社区)', 'assigned area', 'assigned_area', 'assignedarea'];

export type Field = keyof typeof ALIASES;
export type ImportKind = 'residents' | 'staff';

export const REQUIRED: Record<ImportKind, Field[]> = {
  residents: ['name', 'idNumber', 'address', 'area'],
  staff: ['name', 'idNumber', 'phone', 'workUnit', 'area'],
};
const USED: Record<ImportKind, Field[]> = {
  residents: ['name', 'idNumber', 'phone', 'address', 'householdNo', 'bedridden', 'elderlyAlone', 'disabled', 'area'],
  staff: ['name', 'idNumber', 'phone', 'address', 'workUnit', 'partyMember', 'unitHead', 'role', 'area'],
};


export interface HeaderMap {
  /** column index for each field found */
  columns: Partial<Record<Field, number>>;
  /** the header text as the file spells it, for naming the field in a rejection */
  labels: Partial<Record<Field, string>>;
  missing: Field[];
}

export function mapHeader(kind: ImportKind, header: unknown[]): HeaderMap {
  const columns: HeaderMap['columns'] = {};
  const labels: HeaderMap['labels'] = {};
  const norm = header.map((h) => normaliseHeader(String(h ?? '')));
  for (const field of USED[kind]) {
    const aliases = (field === 'area' && kind === 'staff' ? STAFF_AREA : ALIASES[field]).map((a) => normaliseHeader(a));
    const idx = norm.findIndex((h) => aliases.includes(h));
    if (idx >= 0) {
      columns[field] = idx;
      labels[field] = cleanText(String(header[idx]));
    }
  }
  return { columns, labels, missing: REQUIRED[kind].filter((f) => columns[f] === undefined) };
}

export interface Rejection {
  field: Field;
  reason: string;
}

export interface PersonValues {
  idNumber: string;
  name: string;
  nameInitials: string;
  sex: string;
  birthDate: string;
  phone: string | null;
  address: string | null;
  areaCode: string;
}
export interface ResidentValues extends PersonValues {
  householdNo: string | null;
  bedridden: boolean;
  elderlyAlone: boolean;
  disabled: boolean;
}
export interface StaffValues extends PersonValues {
  workUnit: string;
  partyMember: boolean;
  unitHead: boolean;
  role: string;
}

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '有']);
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '×', '无', '']);

function bool(v: string, partyColumn = false): boolean | null {
  const s = v.toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  if (partyColumn) return /^(中共)?(预备)?党员$/.test(s) ? true : /^(群众|共青团员|无党派|民主党派|无|.*党派.*|.*会员)$/.test(s) ? false : null;
  return null;
}

const ROLE_WORDS: Record<string, string> = {
  '': 'cadre', cadre: 'cadre', 干部: 'cadre', 包村干部: 'cadre', 党员干部: 'cadre',
  lead: 'lead', 村支书: 'lead', 书记: 'lead', 村书记: 'lead', 社区书记: 'lead', 负责人: 'lead',
  sampler: 'sampler', 采样员: 'sampler', inspector: 'inspector', 检查员: 'inspector', 执法人员: 'inspector',
  courier: 'courier', 配送员: 'courier',
};

/** Resolves what an office writes in the area column: a code, or the name of a village or community. */
export interface AreaResolver {
  resolve(value: string): { code: string; level: string } | 'unknown';
  inScope(code: string): boolean;
}

const cell = (v: unknown): string => (v == null ? '' : typeof v === 'string' ? v : String(v));

/**
 * Cleans and judges the rows of one file. Cleaning changes form only
 * (full-width, spaces, case of the check digit, a legacy 15-digit ID to 18);
 * anything else wrong rejects the row with the field and the reason.
 * One judge per file: it remembers the IDs seen, to refuse a repeat.
 */
export class RowJudge {
  private row: unknown[] = [];
  private rejections: Rejection[] = [];

  constructor(
    private readonly kind: ImportKind,
    private readonly h: HeaderMap,
    private readonly areas: AreaResolver,
    private readonly seenIds = new Set<string>(),
  ) {}

  judge(row: unknown[]): { values: ResidentValues | StaffValues } | { rejections: Rejection[] } {
    this.row = row;
    this.rejections = [];
    const name = normaliseName(this.required('name', this.text('name')));
    if (name && !isValidName(name)) this.reject('name', 'NAME_INVALID');
    const id = this.idNumber();
    const phone = this.required('phone', cleanCode(cell(this.raw('phone'))).replace(/^\+?86(?=1\d{10}$)/, ''));
    if (phone && !MOBILE.test(phone)) this.reject('phone', 'PHONE_INVALID');
    const address = this.required('address', this.text('address'));
    const areaCode = this.area();
    const extra = this.kind === 'residents' ? this.residentFields() : this.staffFields();
    if (this.rejections.length || !id) return { rejections: this.rejections };
    return {
      values: {
        idNumber: id.id,
        name,
        nameInitials: nameInitials(name),
        sex: id.sex,
        birthDate: id.birthDate,
        phone: phone || null,
        address: address || null,
        areaCode,
        ...extra,
      } as ResidentValues | StaffValues,
    };
  }

  private raw(f: Field): unknown {
    const i = this.h.columns[f];
    return i === undefined ? '' : this.row[i];
  }
  private text(f: Field): string {
    return cleanText(cell(this.raw(f)));
  }
  private reject(field: Field, reason: string) {
    this.rejections.push({ field, reason });
  }
  private required(f: Field, v: string): string {
    if (!v && REQUIRED[this.kind].includes(f)) this.reject(f, 'REQUIRED');
    return v;
  }

  private idNumber() {
    const raw = this.raw('idNumber');
    // A number cell with more than 15 digits has already lost digits in the spreadsheet.
    const text = typeof raw === 'number' && raw >= 1e15 ? 'mangled' : cleanCode(cell(raw));
    if (!this.required('idNumber', text)) return null;
    const parsed = text === 'mangled' ? 'ID_MANGLED' : parseIdNumber(text);
    if (typeof parsed === 'string') this.reject('idNumber', parsed);
    else if (this.seenIds.has(parsed.id)) this.reject('idNumber', 'ID_DUPLICATE_IN_FILE');
    else {
      this.seenIds.add(parsed.id);
      return parsed;
    }
    return null;
  }

  private area(): string {
    const value = this.required('area', this.text('area'));
    if (!value) return '';
    const code = cleanCode(value);
    const found = this.areas.resolve(/^\d+$/.test(code) ? code : value);
    if (found === 'unknown') this.reject('area', 'AREA_UNKNOWN');
    else if (!this.areas.inScope(found.code)) this.reject('area', 'AREA_OUT_OF_SCOPE');
    else if (found.level !== 'village' && found.level !== 'grid') this.reject('area', 'AREA_NOT_VILLAGE');
    else return found.code;
    return '';
  }

  private flag(f: Field, party = false): boolean {
    const v = bool(this.text(f), party);
    if (v === null) this.reject(f, 'BOOLEAN_INVALID');
    return v ?? false;
  }

  private residentFields(): Partial<ResidentValues> {
    return {
      householdNo: cleanCode(cell(this.raw('householdNo'))) || null,
      bedridden: this.flag('bedridden'),
      elderlyAlone: this.flag('elderlyAlone'),
      disabled: this.flag('disabled'),
    };
  }

  private staffFields(): Partial<StaffValues> {
    const role = ROLE_WORDS[this.text('role').toLowerCase()];
    if (!role) this.reject('role', 'ROLE_INVALID');
    return {
      workUnit: this.required('workUnit', this.text('workUnit')),
      partyMember: this.flag('partyMember', true),
      unitHead: this.flag('unitHead'),
      role: role ?? 'cadre',
    };
  }
}

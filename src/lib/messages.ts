/**
 * Every stable code has a message in zh-CN (default) and English. Errors and
 * import rejections carry codes; the words are chosen for the reader's language.
 */
export type Lang = 'zh' | 'en';

const WORDS = {
  VALIDATION_FAILED: { zh: '输入有误', en: 'The input is not valid' },
  UNAUTHENTICATED: { zh: '请先登录', en: 'Please sign in' },
  FORBIDDEN: { zh: '无权执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { zh: '未找到', en: 'Not found' },
  CONFLICT: { zh: '与现有记录冲突', en: 'Conflicts with an existing record' },
  BAD_CREDENTIALS: { zh: '用户名或密码错误', en: 'Wrong user name or password' },
  RATE_LIMITED: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests, try again later' },
  OVERLOADED: { zh: '系统繁忙，请稍后自动重试', en: 'The system is busy: retry shortly' },
  UNSUPPORTED_FILE: { zh: '不支持的文件格式，请上传 CSV 或 XLSX', en: 'Unsupported file: upload CSV or XLSX' },
  PAYLOAD_TOO_LARGE: { zh: '文件过大', en: 'The upload is too large' },
  AREA_UNKNOWN: { zh: '区划代码不存在', en: 'Unknown area code' },
  AREA_OUT_OF_SCOPE: { zh: '区划不在您的管辖范围内', en: 'The area is outside your scope' },
  TOKEN_INVALID: { zh: '链接无效', en: 'This link is not valid' },
  TOKEN_EXPIRED: { zh: '链接已过期', en: 'This link has expired' },
  CALLUP_NOT_DRAFT: { zh: '集结令已发出，不能再修改', en: 'The call-up has been sent and can no longer change' },
  WRONG_VILLAGE: { zh: '您的分包村是{right}，这里是{here}，请到{right}报到', en: 'You are assigned to {right}, not {here}: check in at {right}' },
  TOO_FAR: { zh: '您距{right}报到点约{distance}米，请到达后再签到（范围{radius}米）', en: 'You are about {distance} m from the check-in point of {right}; check in within {radius} m' },
  CHECKIN_POINT_MISSING: { zh: '{right}尚未设置报到点，请扫码签到或由村书记登记', en: '{right} has no check-in point yet: scan its code or ask the secretary to mark you present' },
  DOUBLE_BOOKED: { zh: '{name}在{from}至{to}已有排班，不能同时在两处', en: '{name} is already on duty from {from} to {to}: nobody can be in two places at once' },
  REST_TOO_SHORT: { zh: '{name}两班之间只休息{restHours}小时，至少应休息{minRestHours}小时', en: '{name} would rest only {restHours} h between shifts; the minimum is {minRestHours} h' },
  DUTY_TOO_LONG: { zh: '{name}将连续值守{hours}小时，超过上限{maxHours}小时', en: '{name} would be on duty {hours} h in a row; the maximum is {maxHours} h' },
  INTERNAL: { zh: '服务器内部错误', en: 'Internal server error' },
  DATABASE_UNAVAILABLE: { zh: '数据库暂时无法连接，请稍后自动重试', en: 'The database cannot be reached right now: retry shortly' },
  // import rejection reasons
  REQUIRED: { zh: '必填项为空', en: 'Required value is missing' },
  ID_MANGLED: { zh: '身份证号被表格软件改成了科学计数法或小数，请将该列设为文本后重新导出', en: 'The ID number was mangled by a spreadsheet (scientific notation or decimals); format the column as text and export again' },
  ID_FORMAT: { zh: '身份证号应为18位（或15位旧号）', en: 'An ID number has 18 characters (or 15 digits for a legacy ID)' },
  ID_BIRTH_DATE: { zh: '身份证号中的出生日期无效', en: 'The birth date inside the ID number is not a valid date' },
  ID_CHECK_DIGIT: { zh: '身份证号校验位错误', en: 'The check digit of the ID number is wrong' },
  ID_NAME_MISMATCH: { zh: '身份证号与姓名不符，或不是本辖区的居民：请居民出示本人的个人码', en: 'The ID number does not go with this name among the residents of your area: ask for the person’s own personal code' },
  ID_DUPLICATE_IN_FILE: { zh: '身份证号与本文件前面的行重复', en: 'The ID number repeats an earlier row of this file' },
  PHONE_INVALID: { zh: '不是有效的大陆手机号', en: 'Not a valid mainland mobile number' },
  NAME_INVALID: { zh: '姓名须为1–30个汉字或英文字母，可含空格和间隔号', en: 'A name is 1–30 CJK or Latin letters, spaces and the middle dot' },
  BOOLEAN_INVALID: { zh: '应填 是/否', en: 'Expected yes or no' },
  AREA_NOT_VILLAGE: { zh: '区划须为村（社区）或网格', en: 'The area must be a village, a community or a grid' },
  ROLE_INVALID: { zh: '角色无法识别（干部、村支书、采样员、检查员、配送员）', en: 'Unknown role (cadre, lead, sampler, inspector, courier)' },
  HEADER_MISSING: { zh: '缺少必需的列：{missing}', en: 'Required column(s) missing: {missing}' },
  IMPORT_INTERRUPTED: { zh: '导入中断：处理它的进程已停止，已导入的行保留，请重新导入', en: 'The import was interrupted (its process stopped); the rows already imported stay' },
  FILE_EMPTY: { zh: '文件是空的', en: 'The file is empty' },
  FILE_MISSING: { zh: '请附上文件', en: 'Attach the file as multipart field "file"' },
  FILE_TOO_LARGE: { zh: '文件大于{limitMb}兆', en: 'The file is larger than {limitMb} MB' },
  BODY_NOT_JSON: { zh: '请求内容无法解析', en: 'The body is not JSON' },
  // values a form refuses (lib/errors.ts invalid): the words name what to change
  DATE_INVALID: { zh: '不是有效的日期和时间', en: 'Not a date and time' },
  ENDS_BEFORE_START: { zh: '结束时间须晚于开始时间', en: 'The end must come after the start' },
  DEADLINE_PASSED: { zh: '到岗时限已过', en: 'The deadline has passed' },
  TEMPLATE_NO_LINK: { zh: '短信内容须包含 {link}，干部通过它确认收到', en: 'The message must carry {link}: the cadre acknowledges through it' },
  SITE_OUTSIDE_CAMPAIGN: { zh: '采样点须在本轮检测的区域内', en: 'The site must be inside the campaign’s area' },
  POOL_SIZE_INVALID: { zh: '混采每管人数须为{sizes}之一', en: 'Pooling: one of {sizes} to a tube' },
  TUBE_CODE_INVALID: { zh: '管号须为4–32位字母、数字或 -', en: 'A tube barcode is 4–32 letters, digits or -' },
  USERNAME_INVALID: { zh: '用户名须为2–64位字母、数字或 . _ @ -', en: 'A user name is 2–64 letters, digits, . _ @ -' },
  PASSWORD_TOO_SHORT: { zh: '密码至少8个字符', en: 'A password has at least 8 characters' },
  ACCOUNT_ROLE_INVALID: { zh: '角色无法识别', en: 'Unknown role' },
  AREA_CODE_INVALID: { zh: '区划须为区划代码（2–15位数字）', en: 'An area is a division code (2–15 digits)' },
  // a request's shape (JSON schema, server/errors.ts): {field} is the field's name as sent
  SCHEMA_REQUIRED: { zh: '缺少必填项 {field}', en: '{field}: required' },
  SCHEMA_TYPE: { zh: '{field} 的类型不对', en: '{field}: wrong type' },
  SCHEMA_TOO_SHORT: { zh: '{field} 至少{limit}个字符', en: '{field}: at least {limit} characters' },
  SCHEMA_TOO_LONG: { zh: '{field} 最多{limit}个字符', en: '{field}: at most {limit} characters' },
  SCHEMA_TOO_SMALL: { zh: '{field} 不能小于{limit}', en: '{field}: at least {limit}' },
  SCHEMA_TOO_BIG: { zh: '{field} 不能大于{limit}', en: '{field}: at most {limit}' },
  SCHEMA_TOO_FEW: { zh: '{field} 至少{limit}项', en: '{field}: at least {limit} items' },
  SCHEMA_TOO_MANY: { zh: '{field} 最多{limit}项', en: '{field}: at most {limit} items' },
  SCHEMA_NOT_ALLOWED: { zh: '不接受的字段 {field}', en: '{field}: not a field of this request' },
  SCHEMA_CHOICE: { zh: '{field} 不是可选的值', en: '{field}: not one of the allowed values' },
  SCHEMA_FORMAT: { zh: '{field} 格式不正确', en: '{field}: wrong format' },
  // files beyond what a reader takes (PAYLOAD_TOO_LARGE, lib/rows.ts READ_LIMITS)
  XLSX_UNPACKS_TOO_LARGE: { zh: '表格解压后过大（可能是压缩炸弹），请拆分成几个较小的文件再上传', en: 'The workbook is too large once unpacked (it may be a zip bomb): split it into smaller files' },
  TOO_MANY_ROWS: { zh: '行数超过上限，请拆分成几个文件再上传', en: 'The file has too many rows: split it into several files' },
  CELL_TOO_LONG: { zh: '有单元格内容过长（超过 32767 个字符）', en: 'A cell is longer than 32,767 characters' },
  // registry search
  SEARCH_TAIL_TOO_LONG: { zh: '按身份证号或手机号尾号搜索最多输入后4位（完整号码仅限有权查看者搜索）', en: 'Search by at most the last 4 digits of an ID number or phone (a whole number only with the right to see it)' },
  // testing: tubes, scans and lab results
  TUBE_UNKNOWN: { zh: '没有这个管号', en: 'No such tube' },
  TUBE_NOT_SEALED: { zh: '试管尚未封管，或已经送出', en: 'The tube is not sealed, or has already left' },
  TUBE_NOT_RECEIVED: { zh: '本实验室尚未接收这支试管', en: 'This laboratory has not received the tube' },
  TUBE_SEALED: { zh: '试管已封管', en: 'The tube is sealed' },
  TUBE_FULL: { zh: '试管已满，请封管后换新管', en: 'The tube is full: seal it and take a new one' },
  WRONG_CAMPAIGN: { zh: '这支试管属于另一轮检测', en: 'This tube belongs to another campaign' },
  WRONG_SITE: { zh: '这支试管属于另一个采样点，请换用本采样点的试管', en: 'This tube belongs to another sampling site: take one of this site' },
  CODE_INVALID: { zh: '不是有效的个人码', en: 'Not a valid personal code' },
  CAMPAIGN_CLOSED: { zh: '本轮检测已结束', en: 'The campaign is closed' },
  CAMPAIGN_UNKNOWN: { zh: '没有这一轮检测，或不在您的区域', en: 'No such campaign in your area' },
  DUPLICATE_IN_FILE: { zh: '管号与本文件前面的行重复', en: 'The tube repeats an earlier row of this file' },
  DUPLICATE_RESULT: { zh: '该管已有相同结果', en: 'The tube already has this result' },
  RESULT_INVALID: { zh: '结果应为 阴性/阳性/无效', en: 'A result is negative, positive or invalid' },
} satisfies Record<string, { zh: string; en: string }>;
/** A code with words: an error code, or a reason (an import row's, a refused value's). */
export type Reason = keyof typeof WORDS;
export const MESSAGES: Record<string, { zh: string; en: string } | undefined> = WORDS;

/** The words for a code; `{name}` placeholders are filled from params. */
export function message(code: string, lang: Lang, fallback?: string, params?: Record<string, unknown>): string {
  const text = MESSAGES[code]?.[lang] ?? fallback ?? code;
  const fill = (v: unknown) => (Array.isArray(v) ? v.join(lang === 'zh' ? '、' : ', ') : String(v));
  return params ? text.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : fill(params[k]))) : text;
}

export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0].trim().toLowerCase();
  return first.startsWith('en') ? 'en' : 'zh';
}

/** The `{name}` placeholders of a text, sorted: a code's zh and en texts carry the same. */
export const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/**
 * Every stable code has a message in zh-CN (default) and English. Errors and
 * import rejections carry codes; the words are chosen for the reader's language.
 */
export type Lang = 'zh' | 'en';

const MESSAGES: Record<string, { zh: string; en: string }> = {
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
  HEADER_MISSING: { zh: '缺少必需的列', en: 'A required column is missing' },
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
};

/** The words for a code; `{name}` placeholders are filled from params. */
export function message(code: string, lang: Lang, fallback?: string, params?: Record<string, unknown>): string {
  const text = MESSAGES[code]?.[lang] ?? fallback ?? code;
  return params ? text.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k]))) : text;
}

export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0].trim().toLowerCase();
  return first.startsWith('en') ? 'en' : 'zh';
}

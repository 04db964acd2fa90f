const zh = {
  app: { name: 'Bastion 疫情防控指挥平台', short: '指挥平台' },
  nav: { callups: '集结号', phone: '模拟手机', areas: '区划与人员', search: '查找人员', import: '批量导入', signOut: '退出登录', language: 'English' },
  roles: { commander: '指挥部', lead: '村（社区）书记', cadre: '包村干部', sampler: '采样人员', lab: '检测机构', merchant: '商户', inspector: '检查人员', courier: '配送队', resident: '居民' },
  login: { title: '登录', username: '用户名', password: '密码', submit: '登录', required: '请填写{{field}}', hint: '演示账号：commander / shanyin，密码 bastion2021' },
  areas: { tree: '区划', residents: '居民', staff: '干部', count: '{{residents}} 人 · 干部 {{staff}}', select: '请选择左侧区划', loadMore: '加载更多', empty: '暂无人员', levels: { city: '市', district: '区县', town: '乡镇（街道）', village: '村', community: '社区', grid: '网格' } },
  person: {
    name: '姓名', idNumber: '身份证号', sex: '性别', M: '男', F: '女', birthDate: '出生日期', phone: '手机号', address: '住址', area: '所属区划',
    household: '同户成员', householdNo: '户号', flags: '重点人群', bedridden: '卧床', elderlyAlone: '独居老人', disabled: '残疾',
    workUnit: '工作单位', partyMember: '党员', role: '角色', reveal: '查看完整证件号与手机号', revealed: '已记录查看日志', notFound: '未找到此人，或不在您的管辖范围内', back: '返回',
  },
  search: { placeholder: '姓名、拼音首字母、身份证后几位或手机尾号', residents: '居民', staff: '干部', none: '没有找到匹配的人员', tip: '例：张伟、zw、1234、13812345678' },
  export: { title: '导出', xlsx: '导出 XLSX', csv: '导出 CSV', gbk: 'CSV (GBK)', full: '含完整证件号（将记录日志）' },
  import: {
    title: '批量导入', kind: '导入内容', residents: '居民', staff: '干部', drop: '点击或拖入文件', formats: '支持 CSV（UTF-8 或 GBK，含或不含 BOM）与 XLSX；表头可用中文或英文，无法识别的列将被忽略',
    template: '下载模板', running: '正在导入…', done: '导入完成', failed: '导入失败', summary: '新增 {{imported}}，更新 {{updated}}，拒绝 {{rejected}}',
    rows: '已读取 {{rows}} 行', rejections: '被拒绝的行', row: '行号', field: '字段', reason: '原因', report: '下载错误报告 (XLSX)', again: '再导入一个文件',
  },
  mob: {
    nav: '集结号', callups: '集结令', new: '新建集结令', title: '标题', template: '短信内容', templateHelp: '可用占位符：{name} 姓名，{area} 分包村，{deadline} 到岗时限，{link} 个人链接（必填）',
    deadline: '到岗时限', targetArea: '范围（区划代码）', workUnit: '工作单位（可选）', party: '党员', partyAny: '不限', partyYes: '仅党员', partyNo: '仅非党员',
    create: '保存草稿', preview: '发送前预览', reach: '将发送给', people: '人', withoutPhone: '无有效手机号', example: '示例短信', parts: '每条 {{characters}} 字，{{parts}} 条短信，共 {{total}} 条',
    send: '一键发送', sent: '已发送', confirmSend: '确定向 {{n}} 人发送集结令？', board: '到岗看板', status: { draft: '草稿', sent: '已发送', closed: '已结束' },
    received: '已收到', acknowledged: '已确认', arrived: '已到岗', unreachable: '无法送达', total: '应到', notAcknowledged: '未确认', notArrived: '未到岗',
    byTown: '按乡镇', byVillage: '按村（社区）', curve: '到岗曲线', deadlineLine: '时限', markPresent: '标记到岗', live: '实时', area: '区划', phone: '电话', note: '说明', NO_PHONE: '无手机号',
    myTitle: '集结令', assigned: '您的分包村', due: '请于 {{deadline}} 前到岗', ack: '收到', acked: '已确认收到', checkin: '报到', checkedIn: '已于 {{time}} 报到',
    byCode: '扫描村委会二维码报到', byCodeHelp: '用手机相机扫描村委会张贴的报到码', byLocation: '定位报到', locating: '正在定位…', noToken: '请先打开短信中的个人链接，再扫描报到码',
    sms: { NO_PHONE: '无手机号', queued: '排队中', sending: '发送中', sent: '已发出', delivered: '已送达', failed: '发送失败', replied: '已回复' },
    villageCode: '报到码', villageCodeHelp: '打印后张贴在村委会，包村干部用手机扫码报到', methods: { qr: '扫码', location: '定位', lead: '书记登记' },
  },
  phone: { title: '模拟手机', pick: '选择号码', reply: '回复', placeholder: '输入回复内容（回复 1 表示收到）', empty: '还没有短信', sendReply: '发送' },
  common: { error: '出错了', retry: '重试', loading: '加载中…' },
};
export default zh;

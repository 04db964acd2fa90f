const zh = {
  app: { name: 'Bastion 疫情防控指挥平台', short: '指挥平台' },
  nav: { areas: '区划与人员', search: '查找人员', import: '批量导入', signOut: '退出登录', language: 'English' },
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
  common: { error: '出错了', retry: '重试', loading: '加载中…' },
};
export default zh;

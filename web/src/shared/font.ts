/**
 * The pages' font list, one for the DOM (Ant Design's token) and the charts' canvas (ECharts draws
 * text with its own font setting, `sans-serif` unless told). `Noto Sans SC` is self-hosted
 * (@fontsource/noto-sans-sc), so a machine without CJK fonts still draws Chinese.
 */
export const FONT = "'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif";
/** the self-hosted face, which a canvas can use only once it is loaded */
export const SELF_HOSTED_FONT = 'Noto Sans SC';

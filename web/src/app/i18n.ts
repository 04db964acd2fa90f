import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zh from './locales/zh-CN';
import en from './locales/en';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';


const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('bastion.lang') : null;

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: saved ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

// the date pickers' month and weekday names and first day of the week (Monday in China) are dayjs's,
// Ant Design's locale (App.tsx) only its words: both follow the language
const dayjsLocale = (lng: string) => (lng.startsWith('en') ? 'en' : 'zh-cn');
dayjs.locale(dayjsLocale(i18n.language ?? saved ?? 'zh-CN'));
i18n.on('languageChanged', (lng) => dayjs.locale(dayjsLocale(lng)));

export function setLanguage(lng: 'zh-CN' | 'en') {
  localStorage.setItem('bastion.lang', lng);
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export default i18n;

import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { vi } from './vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const stored = localStorage.getItem('ioc.lang');
const initial: Language = stored === 'en' ? 'en' : 'vi';

void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});
document.documentElement.lang = initial;

export function setLanguage(lang: Language): void {
  localStorage.setItem('ioc.lang', lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const locale = (lang: string) => (lang === 'en' ? 'en-GB' : 'vi-VN');

export default i18n;

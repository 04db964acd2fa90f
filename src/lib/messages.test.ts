import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';
import { MESSAGES, message, placeholders } from './messages.js';

describe('the words of every code', () => {
  it('every error code has a message', () => {
    expect(ERROR_CODES.filter((code) => !MESSAGES[code])).toEqual([]);
  });
  it.each(Object.keys(MESSAGES))('%s has zh-CN and English words with the same placeholders, and its zh-CN words no English', (code) => {
    const { zh, en } = MESSAGES[code]!;
    expect(zh.trim()).not.toBe('');
    expect(en.trim()).not.toBe('');
    expect(placeholders(zh)).toEqual(placeholders(en));
    // beside {placeholders} and acronyms in capitals (CSV, XLSX), the Chinese says it in Chinese
    expect(zh.replace(/\{\w+\}|\b[A-Z]{2,5}\b/g, '')).not.toMatch(/[A-Za-z]/);
  });
  it('a list in a placeholder reads as a list in each language', () => {
    expect(message('HEADER_MISSING', 'zh', undefined, { missing: ['管号', '结果'] })).toBe('缺少必需的列：管号、结果');
    expect(message('HEADER_MISSING', 'en', undefined, { missing: ['管号', '结果'] })).toBe('Required column(s) missing: 管号, 结果');
  });
});

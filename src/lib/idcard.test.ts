import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { birthDecade, checkDigit, maskId, maskPhone, parseIdNumber } from './idcard.js';
import { cleanCode, cleanText, isValidName } from './text.js';

describe('GB 11643 ID numbers', () => {
  it('accepts a valid ID and derives sex and birth date', () => {
    // 11010519491231002X is the standard's published example
    expect(parseIdNumber('11010519491231002X')).toEqual({ id: '11010519491231002X', sex: 'F', birthDate: '1949-12-31', upgraded: false });
  });

  it('refuses a wrong check digit', () => {
    expect(parseIdNumber('110105194912310021')).toBe('ID_CHECK_DIGIT');
  });

  it('upgrades a legacy 15-digit ID to 18 digits with its check digit', () => {
    const r = parseIdNumber('110105491231002');
    expect(r).toMatchObject({ id: '11010519491231002X', upgraded: true, sex: 'F' });
  });

  it('recognises what a spreadsheet does to an 18-digit number', () => {
    for (const v of ['1.30110E+17', '1.3011019900101E+17', '130110199001011234.0', '1.30110199001011e17']) expect(parseIdNumber(v)).toBe('ID_MANGLED');
  });

  it('refuses impossible birth dates and wrong lengths', () => {
    const bad = '11010519490231' + '002';
    expect(parseIdNumber(bad + checkDigit(bad))).toBe('ID_BIRTH_DATE');
    expect(parseIdNumber('1101051949123100')).toBe('ID_FORMAT');
    expect(parseIdNumber('11010519491231002Y')).toBe('ID_FORMAT');
  });

  it('any valid ID parses, and changing any one digit of it is caught', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 110000, max: 659999 }),
        fc.date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (region, birth, seq, pos, delta) => {
          const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
          const id = first17 + checkDigit(first17);
          const ok = parseIdNumber(id);
          expect(typeof ok === 'object' && ok.id === id).toBe(true);
          const digits = id.split('');
          digits[pos] = String((Number(digits[pos]) + delta) % 10);
          expect(typeof parseIdNumber(digits.join(''))).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('masks all but the first 6 and last 4 characters', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('leaves hundreds of ID numbers possible beside what a masked list shows of the birth (its decade)', () => {
    // every ID the mask, the check digit it shows and the birth shown could be
    const candidates = (masked: string, years: number[]) => {
      let n = 0;
      for (const y of years)
        for (let d = new Date(Date.UTC(y, 0, 1)); d.getUTCFullYear() === y; d.setUTCDate(d.getUTCDate() + 1)) {
          const first17 = masked.slice(0, 6) + d.toISOString().slice(0, 10).replace(/-/g, '') + masked.slice(14, 17);
          if (checkDigit(first17) === masked[17]) n++;
        }
      return n;
    };
    for (const id of ['11010519491231002X', '13011019850314123X', '130110200002290018']) {
      const decade = birthDecade(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
      expect(decade % 10).toBe(0);
      expect(candidates(maskId(id), Array.from({ length: 10 }, (_, i) => decade + i))).toBeGreaterThan(300);
      // what a birth year would have left: the reason lists do not show it
      expect(candidates(maskId(id), [Number(id.slice(6, 10))])).toBeLessThan(40);
    }
  });
});

describe('cleaning', () => {
  it('turns full-width digits and letters into ASCII, trims and collapses spaces', () => {
    expect(cleanCode(' １１０１０５１９４９１２３１００２ｘ ')).toBe('11010519491231002X');
    expect(cleanText('  张　三  ')).toBe('张 三');
    expect(cleanCode('138-1234 5678')).toBe('13812345678');
  });

  it('accepts CJK and Latin names with spaces and the middle dot, nothing else', () => {
    for (const ok of ['张三', '买买提·艾力', 'John Smith', '欧阳 修']) expect(isValidName(ok)).toBe(true);
    for (const bad of ['', '张三3', '<script>', '张'.repeat(31), '·', 'Zhang_San']) expect(isValidName(bad)).toBe(false);
  });
});

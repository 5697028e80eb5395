import { describe, expect, it } from 'vitest';
import { masked, weeks } from './datefield';

describe('the date mask', () => {
  it('puts the dots in while digits are typed, and accepts dots typed too', () => {
    let v = '';
    for (const ch of '14051979') v = masked(v + ch, v);
    expect(v, 'digits alone become ДД.ММ.ГГГГ').toBe('14.05.1979');
    v = '';
    for (const ch of '14.05.1979') v = masked(v + ch, v);
    expect(v, 'typing the dots yourself gives the same').toBe('14.05.1979');
  });

  it('lets a deletion through and leaves other forms to the core', () => {
    expect(masked('14.0', '14.05'), 'deleting does not put a dot back').toBe('14.0');
    expect(masked('2026-12-01', ''), 'an ISO date stays as typed').toBe('2026-12-01');
  });

  it('draws a month Monday first', () => {
    const dec = weeks(2026, 11);
    expect(dec[0], '1 December 2026 is a Tuesday').toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(dec.flat().filter(Boolean).length, 'December has 31 days').toBe(31);
  });
});

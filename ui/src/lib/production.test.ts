import { describe, expect, it } from 'vitest';
import { STAGES, mayDispose, mayPlanTests, mayRelease, stageClass, stagesFor } from './production';
import ru from '../i18n/ru.json';
import en from '../i18n/en.json';

describe('stagesFor', () => {
  it('offers production staff every stage that may follow', () => {
    expect(stagesFor(['storage', 'transport'], ['production'])).toEqual(['storage', 'transport']);
    expect(stagesFor(['quality_control'], ['production'])).toEqual(['quality_control']);
  });

  it('offers QC staff only the quality-control stage, and admins nothing', () => {
    expect(stagesFor(['quality_control'], ['qc'])).toEqual(['quality_control']);
    expect(stagesFor(['collection'], ['qc'])).toEqual([]);
    expect(stagesFor(['collection'], ['admin'])).toEqual([]);
  });
});

describe('the QC and disposal forms', () => {
  it('dispose of a batch with something recorded, not twice', () => {
    expect(mayDispose(null, ['production'])).toBe(false);
    expect(mayDispose('manufacture', ['production'])).toBe(true);
    expect(mayDispose('release', ['qc'])).toBe(true);
    expect(mayDispose('disposal', ['production'])).toBe(false);
    expect(mayDispose('manufacture', ['admin'])).toBe(false);
  });

  it('plan tests from manufacture until release, release after the QC stage', () => {
    expect(mayPlanTests('manufacture', ['qc'])).toBe(true);
    expect(mayPlanTests('quality_control', ['qc'])).toBe(true);
    expect(mayPlanTests('release', ['qc'])).toBe(false);
    expect(mayPlanTests('manufacture', ['production'])).toBe(false);
    expect(mayRelease('quality_control', ['qc'])).toBe(true);
    expect(mayRelease('manufacture', ['qc'])).toBe(false);
    expect(mayRelease('quality_control', ['production'])).toBe(false);
  });
});

describe('stages', () => {
  it('colours a released batch green, a disposed one red, one in work amber', () => {
    expect([null, 'manufacture', 'release', 'transport', 'administration', 'disposal'].map(stageClass)).toEqual([
      '', 'warn', 'ok', 'ok', 'info', 'bad',
    ]);
  });

  it('has a title for every stage in both catalogues', () => {
    for (const s of STAGES) expect(`stage.${s}` in ru && `stage.${s}` in en, s).toBe(true);
  });
});

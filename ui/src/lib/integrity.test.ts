import { afterEach, describe, expect, it } from 'vitest';
import { checkSchedule, findingKind, findingText, findingWording, formatCount, isFullPath } from './integrity';
import type { Finding } from './bindings';
import { DEFAULT_LOCALE, setLocale, t } from '../i18n';
import ru from '../i18n/ru.json';
import en from '../i18n/en.json';

const finding = (kind: string, state: string, subject: string, row = ''): Finding => ({ kind, state, subject, row });
const ru_ = (f: Finding) => findingText(f, t);
const en_ = (f: Finding) => {
  setLocale('en');
  try {
    return findingText(f, t);
  } finally {
    setLocale('ru');
  }
};

afterEach(() => setLocale(DEFAULT_LOCALE));

describe('findingText: rows changed behind the program', () => {
  it('names the table and the row for a changed, an added and a removed row', () => {
    expect(ru_(finding('row', 'changed', 'patients', 'a1b2')), 'a changed row names its table and id').toBe(
      'Запись изменена в обход программы: таблица patients, запись a1b2',
    );
    expect(ru_(finding('row', 'added', 'decisions', 'c3d4')), 'an added row names its table and id').toBe(
      'Запись добавлена в обход программы: таблица decisions, запись c3d4',
    );
    expect(ru_(finding('row', 'removed', 'votes', '17')), 'a removed row has only its rowid left, shown as a number').toBe(
      'Запись удалена в обход программы: таблица votes, № 17',
    );
  });

  it('says the same in English', () => {
    expect(en_(finding('row', 'removed', 'votes', '17')), 'the English wording is used after a switch').toBe(
      "A row was removed behind the program's back: table votes, row #17",
    );
  });
});

describe('findingText: the schema', () => {
  it('translates the object kind and keeps its name as SQLite has it', () => {
    expect(ru_(finding('schema', 'missing', 'audit_no_update', 'trigger')), 'a dropped trigger is how the audit trail is opened to edits').toBe(
      'Удалён объект схемы: триггер audit_no_update (так снимают защиту данных, например запрет правки журнала)',
    );
    expect(ru_(finding('schema', 'changed', 'patients', 'table')), 'an altered table differs from the migrations').toBe(
      'Изменён объект схемы: таблица patients отличается от заданного программой',
    );
    expect(ru_(finding('schema', 'extra', 'idx_x', 'index')), 'an extra index was not made by the program').toBe(
      'Лишний объект схемы, созданный не программой: индекс idx_x',
    );
  });

  it('shows an object kind the catalogue does not know as the core sent it', () => {
    expect(ru_(finding('schema', 'extra', 'v', 'module')), 'no catalogue word: the raw kind is better than nothing').toBe(
      'Лишний объект схемы, созданный не программой: module v',
    );
  });
});

describe('findingText: documents, the audit trail and the file', () => {
  it('names each kind of signed document in words', () => {
    const say = (kind: string) => ru_(finding('document', kind, 'D-1'));
    expect(say('decision'), 'a decision').toBe('Подписанный документ изменён после подписания: решение D-1');
    expect(say('consent'), 'a consent').toBe('Подписанный документ изменён после подписания: согласие D-1');
    expect(say('administration'), 'an administration record').toBe('Подписанный документ изменён после подписания: запись о введении D-1');
    expect(say('report'), 'a report').toBe('Подписанный документ изменён после подписания: отчёт D-1');
    expect(say('protocol'), 'an unknown kind is shown as sent, not dropped').toBe('Подписанный документ изменён после подписания: protocol D-1');
  });

  it('names the first broken audit entry', () => {
    expect(ru_(finding('audit', 'broken', '42')), 'the first entry whose link fails is where to look').toBe(
      'Журнал аудита нарушен начиная с записи № 42: запись изменена, удалена или переставлена',
    );
  });

  it("quotes SQLite's own words for a damaged file and says to restore", () => {
    expect(ru_(finding('sqlite', '', 'row 5 missing from index x')), 'the admin needs both the cause and the remedy').toBe(
      'Файл базы повреждён: row 5 missing from index x. Восстановите из резервной копии',
    );
  });

  it('shows a finding of an unknown kind or state rather than hiding it', () => {
    expect(ru_(finding('row', 'moved', 'patients', '7')), 'an unknown row state').toBe('Расхождение: row moved patients 7');
    expect(ru_(finding('cosmic', '', 'ray')), 'an unknown kind').toBe('Расхождение: cosmic ray');
  });
});

describe('findingWording and findingKind', () => {
  it('only names keys both catalogues hold, for every kind and state the core sends', () => {
    const all = [
      ...['changed', 'added', 'removed'].map((s) => finding('row', s, 't', '1')),
      ...['missing', 'changed', 'extra'].flatMap((s) => ['table', 'index', 'trigger', 'view'].map((o) => finding('schema', s, 'n', o))),
      ...['decision', 'consent', 'administration', 'report'].map((k) => finding('document', k, 'id')),
      finding('audit', 'broken', '1'),
      finding('sqlite', '', 'x'),
    ];
    for (const f of all) {
      const w = findingWording(f);
      const keys = [w.key, ...Object.values(w.params).flatMap((p) => (typeof p === 'string' ? [] : [p.key]))];
      const kind = findingKind(f);
      if (typeof kind !== 'string') keys.push(kind.key);
      for (const key of keys) expect(key in ru && key in en, `${key} for ${JSON.stringify(f)}`).toBe(true);
    }
  });

  it("gives each kind its column's word", () => {
    expect(['sqlite', 'audit', 'document', 'row', 'schema'].map((k) => findingKind(finding(k, '', '')))).toEqual(
      ['sqlite', 'audit', 'document', 'row', 'schema'].map((k) => ({ key: `integrity.kind.${k}` })),
    );
    expect(findingKind(finding('cosmic', '', '')), 'an unknown kind is shown as sent').toBe('cosmic');
  });
});

describe('formatCount', () => {
  it('groups thousands with a no-break space in Russian, so a figure never wraps across lines', () => {
    expect(formatCount(1234567, 'ru')).toBe('1\u00a0234\u00a0567');
    expect(formatCount(999, 'ru'), 'no separator below a thousand').toBe('999');
  });

  it('groups thousands with commas in English', () => {
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
  });
});

describe('checkSchedule', () => {
  const ok = { folder: '/mnt/backup', every_hours: '24', keep: '7' };

  it('passes the defaults with a full path', () => {
    expect(checkSchedule(ok), 'a valid schedule must reach the core').toEqual({});
  });

  it('files problems under the core field names, so they land where the core refusals do', () => {
    expect(Object.keys(checkSchedule({ folder: '', every_hours: '0', keep: '366' })).sort()).toEqual(['backup_every_hours', 'backup_folder', 'backup_keep']);
  });

  it('asks for a folder, and for a full path rather than a relative one', () => {
    expect(checkSchedule({ ...ok, folder: '  ' }).backup_folder, 'blank is missing').toEqual({ key: 'check.required' });
    expect(checkSchedule({ ...ok, folder: 'backups' }).backup_folder, 'relative to what? the core refuses it too').toEqual({ key: 'check.fullPath' });
  });

  it('holds the interval to 1–168 hours and the copies to 1–365, the core limits', () => {
    const hours = (h: string) => checkSchedule({ ...ok, every_hours: h }).backup_every_hours;
    const keep = (k: string) => checkSchedule({ ...ok, keep: k }).backup_keep;
    expect([hours('1'), hours('168'), hours(' 24 ')], 'the bounds are allowed').toEqual([undefined, undefined, undefined]);
    expect(hours('169'), 'more than a week').toEqual({ key: 'check.between', params: { min: 1, max: 168 } });
    expect([hours('0'), hours('2.5'), hours('-3'), hours('')].every(Boolean), 'zero, fractions, negatives and blanks are refused').toBe(true);
    expect([keep('1'), keep('365')], 'the bounds are allowed').toEqual([undefined, undefined]);
    expect(keep('366'), 'more than a year of daily copies').toEqual({ key: 'check.between', params: { min: 1, max: 365 } });
  });
});

describe('isFullPath', () => {
  it('takes Unix, Windows drive and UNC paths, and refuses relative ones', () => {
    expect(['/mnt/backup', 'D:\\Копии', 'd:/backup', '\\\\server\\share'].map(isFullPath), 'full paths').toEqual([true, true, true, true]);
    expect(['backup', './backup', 'D:backup', '~/backup'].map(isFullPath), 'relative paths').toEqual([false, false, false, false]);
  });
});

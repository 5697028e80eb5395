-- Issue 17. Patient search by any part of the ФИО through an FTS5 trigram index over `patients.name_key` (the
-- ФИО case- and ё-folded), inside the encrypted file like everything else. An external-content index: it
-- stores no copy of the names, only their trigrams, keyed by the patient row's rowid; triggers keep it in the
-- same transaction as the row. Derived data, so not sealed (the `search_` prefix): the integrity check
-- compares it with the sealed patients instead (`integrity-check`).
CREATE VIRTUAL TABLE search_patients USING fts5 (
    name_key,
    content = 'patients',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO search_patients (search_patients) VALUES ('rebuild');

CREATE TRIGGER search_patients_insert AFTER INSERT ON patients BEGIN
    INSERT INTO search_patients (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
CREATE TRIGGER search_patients_delete AFTER DELETE ON patients BEGIN
    INSERT INTO search_patients (search_patients, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
END;
CREATE TRIGGER search_patients_update AFTER UPDATE OF name_key ON patients BEGIN
    INSERT INTO search_patients (search_patients, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
    INSERT INTO search_patients (rowid, name_key) VALUES (new.rowid, new.name_key);
END;

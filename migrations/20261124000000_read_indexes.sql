-- Indexes for the app's screens: a case's timeline reads the audit log by entity, and the case list pages
-- newest first over 100,000 cases.
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX cases_created ON cases (created_at DESC, id DESC);
CREATE INDEX patients_birth ON patients (birth_date);

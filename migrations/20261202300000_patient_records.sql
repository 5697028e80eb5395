-- Issue 16. The patient's medical record number (№ медицинской карты): the second patient identifier the batch
-- label prints beside the name and date of birth. A table of its own: a column added to the sealed `patients`
-- table would change the seal of every existing row.
CREATE TABLE patient_records (
    patient_id    TEXT PRIMARY KEY REFERENCES patients (id),
    record_number TEXT NOT NULL
);

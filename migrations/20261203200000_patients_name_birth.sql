-- Issue 17. The patient list's order (the folded ФИО, then the date of birth) as an index, so that a search
-- matching tens of thousands of patients reads the first page in order and stops, instead of sorting them all.
CREATE INDEX patients_name_birth ON patients (name_key, birth_date);

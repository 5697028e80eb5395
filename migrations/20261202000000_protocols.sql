-- Issue 16. New tables rather than new columns (a column added to a sealed table would change the seal of every
-- existing row): the organization's registration details for its documents, and each meeting's protocol number
-- (per year of the meeting's date), time and place.
CREATE TABLE organization_details (
    id      INTEGER PRIMARY KEY CHECK (id = 1) REFERENCES organization (id),
    ogrn    TEXT NOT NULL,
    address TEXT NOT NULL
);

CREATE TABLE meeting_protocols (
    meeting_id TEXT PRIMARY KEY REFERENCES meetings (id),
    year       INTEGER NOT NULL,
    number     INTEGER NOT NULL CHECK (number > 0),
    starts_at  TEXT NOT NULL,
    place      TEXT NOT NULL,
    UNIQUE (year, number)
);

-- Meetings held before protocols were numbered get their numbers in the order they were held (then created);
-- no time or place is known for them. These rows are sealed on the first open after this migration.
INSERT INTO meeting_protocols (meeting_id, year, number, starts_at, place)
SELECT id, CAST(substr(meeting_date, 1, 4) AS INTEGER),
       row_number() OVER (PARTITION BY substr(meeting_date, 1, 4) ORDER BY meeting_date, created_at, rowid),
       '', ''
FROM meetings;

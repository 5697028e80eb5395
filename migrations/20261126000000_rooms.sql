-- Production rooms and their bookings (Resolution 213: different drugs are never made in one area at the same
-- time). A room may need cleaning time after each use before another drug may enter it.
CREATE TABLE rooms (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    cleaning_minutes INTEGER NOT NULL DEFAULT 0 CHECK (cleaning_minutes >= 0),
    created_at       TEXT NOT NULL
);

CREATE TABLE room_bookings (
    id           TEXT PRIMARY KEY,
    room_id      TEXT NOT NULL REFERENCES rooms (id),
    product_name TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    booked_by    TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX room_bookings_room ON room_bookings (room_id, starts_at);

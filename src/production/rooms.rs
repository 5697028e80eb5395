//! Production rooms and their bookings. Resolution 213 forbids making different drugs in one area at the same
//! time, so the core refuses a booking whose interval — extended by the room's cleaning time after each use —
//! overlaps a booking of another drug in the same room, and names that booking. The same drug may share the
//! room. A drug is identified by its product name.
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Duration, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Room {
    pub id: Uuid,
    pub name: String,
    pub cleaning_minutes: u32,
}

/// Adds a production room. Admins and production staff.
pub fn add_room(db: &mut Db, actor: &Actor, name: &str, cleaning_minutes: u32) -> Result<Uuid> {
    actor.require(Operation::RoomAdd)?;
    let name = validate::text("room_name", name, 200)?;
    if cleaning_minutes > 24 * 60 {
        return Err(Error::invalid("cleaning_minutes", Check::OneOf { allowed: "0–1440".into() }));
    }
    db.tx(|tx| {
        let taken: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM rooms WHERE name = ?1)", [&name], |r| r.get(0))?;
        if taken {
            return Err(Error::invalid("room_name", Check::Taken));
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO rooms (id, name, cleaning_minutes, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, cleaning_minutes, tx.now_text()],
        )?;
        audit::record(tx, actor, "room.add", "room", &id.to_string(), &(&name, cleaning_minutes))?;
        Ok(id)
    })
}

pub fn rooms(conn: &Connection) -> Result<Vec<Room>> {
    let mut stmt = conn.prepare("SELECT id, name, cleaning_minutes FROM rooms ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok(Room { id: r.get(0)?, name: r.get(1)?, cleaning_minutes: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default)]
pub struct NewBooking {
    pub room_id: Uuid,
    pub product_name: String,
    /// `ДД.ММ.ГГГГ ЧЧ:ММ`
    pub starts_at: String,
    pub ends_at: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Booking {
    pub id: Uuid,
    pub room_id: Uuid,
    pub product_name: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub purpose: String,
}

/// Books a room for making `product_name` over `[starts_at, ends_at)`. Production staff only.
pub fn book(db: &mut Db, actor: &Actor, b: &NewBooking) -> Result<Uuid> {
    actor.require(Operation::RoomBook)?;
    let product = validate::text("product_name", &b.product_name, 300)?;
    let purpose = validate::text("purpose", &b.purpose, 500)?;
    let starts = validate::instant("starts_at", &b.starts_at)?;
    let ends = validate::instant("ends_at", &b.ends_at)?;
    if ends <= starts {
        return Err(Error::invalid("ends_at", Check::EndBeforeStart));
    }
    db.tx(|tx| {
        let cleaning: u32 = tx
            .query_row("SELECT cleaning_minutes FROM rooms WHERE id = ?1", [b.room_id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { entity: "room", id: b.room_id.to_string() })?;
        let gap = Duration::minutes(cleaning as i64);
        // Another drug's booking [s, e) conflicts when s < ends + cleaning and starts < e + cleaning.
        let conflict: Option<(String, NaiveDateTime, NaiveDateTime)> = tx
            .query_row(
                "SELECT product_name, starts_at, ends_at FROM room_bookings
                 WHERE room_id = ?1 AND product_name <> ?2 AND starts_at < ?3 AND ends_at > ?4
                 ORDER BY starts_at LIMIT 1",
                params![b.room_id, product, ends + gap, starts - gap],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((other, s, e)) = conflict {
            return Err(Error::Refused(Rule::RoomBusy {
                product: other,
                from: s.format("%d.%m.%Y %H:%M").to_string(),
                to: e.format("%d.%m.%Y %H:%M").to_string(),
                cleaning,
            }));
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO room_bookings (id, room_id, product_name, starts_at, ends_at, purpose, booked_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, b.room_id, product, starts, ends, purpose, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "room.book", "room", &b.room_id.to_string(), &(&product, starts, ends))?;
        Ok(id)
    })
}

/// A room's bookings in time order.
pub fn bookings(conn: &Connection, room_id: Uuid) -> Result<Vec<Booking>> {
    let mut stmt = conn.prepare(
        "SELECT id, room_id, product_name, starts_at, ends_at, purpose FROM room_bookings WHERE room_id = ?1
         ORDER BY starts_at",
    )?;
    let rows = stmt.query_map([room_id], |r| {
        Ok(Booking {
            id: r.get(0)?,
            room_id: r.get(1)?,
            product_name: r.get(2)?,
            starts_at: r.get(3)?,
            ends_at: r.get(4)?,
            purpose: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

//! The commission's composition, set by the head physician's order for a period: at least three voting
//! members including the chair and the deputy chair, and a secretary (Order 180н). A new composition takes
//! over from the previous one the day it becomes effective.
use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::people::{roles_from_text, Actor, Operation, Role};
use crate::validate;
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

/// Fewest voting members a composition may have.
pub const MIN_VOTING: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatRole {
    Chair,
    DeputyChair,
    Secretary,
    Member,
}

impl SeatRole {
    pub fn code(self) -> &'static str {
        self.role().code()
    }

    /// The user role a person needs to hold this seat.
    pub fn role(self) -> Role {
        match self {
            SeatRole::Chair => Role::Chair,
            SeatRole::DeputyChair => Role::DeputyChair,
            SeatRole::Secretary => Role::Secretary,
            SeatRole::Member => Role::Member,
        }
    }

    pub fn parse(code: &str) -> Result<SeatRole> {
        match code.trim() {
            "chair" => Ok(SeatRole::Chair),
            "deputy_chair" => Ok(SeatRole::DeputyChair),
            "secretary" => Ok(SeatRole::Secretary),
            "member" => Ok(SeatRole::Member),
            _ => Err(Error::invalid(
                "seat_role",
                Check::OneOf { allowed: "chair, deputy_chair, secretary, member".into() },
            )),
        }
    }

    pub fn votes(self) -> bool {
        self != SeatRole::Secretary
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Seat {
    pub user_id: Uuid,
    pub login: String,
    pub full_name: String,
    pub role: SeatRole,
}

#[derive(Debug, Clone, Serialize)]
pub struct Composition {
    pub id: Uuid,
    pub order_ref: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub seats: Vec<Seat>,
}

impl Composition {
    pub fn voting(&self) -> impl Iterator<Item = &Seat> {
        self.seats.iter().filter(|s| s.role.votes())
    }

    pub fn seat(&self, user_id: Uuid) -> Option<&Seat> {
        self.seats.iter().find(|s| s.user_id == user_id)
    }
}

#[derive(Debug, Clone)]
pub struct NewComposition {
    /// The head physician's order that sets the composition (number and date).
    pub order_ref: String,
    /// ДД.ММ.ГГГГ
    pub effective_from: String,
    /// (login, seat)
    pub seats: Vec<(String, SeatRole)>,
}

/// Sets a new composition from its effective date (rule 3). Admins only.
pub fn compose(db: &mut Db, actor: &Actor, c: &NewComposition) -> Result<Uuid> {
    actor.require(Operation::CompositionCreate)?;
    let order_ref = validate::text("order_ref", &c.order_ref, 200)?;
    let from = validate::date("effective_from", &c.effective_from)?;
    let count = |r: SeatRole| c.seats.iter().filter(|(_, s)| *s == r).count();
    let voting = c.seats.iter().filter(|(_, s)| s.votes()).count();
    if voting < MIN_VOTING {
        return Err(Error::Refused(Rule::CompositionTooSmall { count: voting }));
    }
    if count(SeatRole::Chair) != 1 {
        return Err(Error::Refused(Rule::CompositionNeedsChair));
    }
    if count(SeatRole::DeputyChair) != 1 {
        return Err(Error::Refused(Rule::CompositionNeedsDeputyChair));
    }
    if count(SeatRole::Secretary) != 1 {
        return Err(Error::Refused(Rule::CompositionNeedsSecretary));
    }
    db.tx(|tx| {
        let latest: Option<(Uuid, NaiveDate)> = tx
            .query_row("SELECT id, effective_from FROM compositions ORDER BY effective_from DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((prev, prev_from)) = latest {
            if from <= prev_from {
                return Err(Error::Refused(Rule::CompositionOverlaps));
            }
            let until = from.checked_sub_days(Days::new(1)).unwrap_or(from);
            tx.execute("UPDATE compositions SET effective_to = ?1 WHERE id = ?2", params![until, prev])?;
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO compositions (id, order_ref, effective_from, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, order_ref, from, tx.now_text()],
        )?;
        for (login, seat) in &c.seats {
            let user = seat_user(tx, login)?;
            if !user.1.contains(&seat.role()) {
                return Err(Error::Refused(Rule::CompositionRoleMismatch { login: login.clone() }));
            }
            tx.execute(
                "INSERT INTO composition_members (composition_id, user_id, role) VALUES (?1, ?2, ?3)",
                params![id, user.0, seat.code()],
            )
            .map_err(|_| Error::invalid("seats", Check::Taken))?;
        }
        audit::record(tx, actor, "composition.create", "composition", &id.to_string(), &(&order_ref, from, &c.seats))?;
        Ok(id)
    })
}

fn seat_user(tx: &Tx, login: &str) -> Result<(Uuid, Vec<Role>)> {
    let login = login.trim().to_lowercase();
    let row: Option<(Uuid, String, bool)> = tx
        .query_row("SELECT id, roles, active FROM users WHERE login = ?1", [&login], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        None => Err(Error::NotFound { entity: "user", id: login }),
        Some((_, _, false)) => Err(Error::Refused(Rule::UserInactive)),
        Some((id, roles, true)) => Ok((id, roles_from_text(&roles))),
    }
}

/// The composition in force on `day`, if any.
pub fn effective_on(conn: &Connection, day: NaiveDate) -> Result<Option<Composition>> {
    let head: Option<(Uuid, String, NaiveDate, Option<NaiveDate>)> = conn
        .query_row(
            "SELECT id, order_ref, effective_from, effective_to FROM compositions
             WHERE effective_from <= ?1 AND (effective_to IS NULL OR effective_to >= ?1)
             ORDER BY effective_from DESC LIMIT 1",
            [day],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    head.map(|(id, order_ref, effective_from, effective_to)| {
        Ok(Composition { id, order_ref, effective_from, effective_to, seats: seats(conn, id)? })
    })
    .transpose()
}

pub(crate) fn by_id(conn: &Connection, id: Uuid) -> Result<Composition> {
    let (order_ref, effective_from, effective_to) = conn
        .query_row("SELECT order_ref, effective_from, effective_to FROM compositions WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or(Error::NotFound { entity: "composition", id: id.to_string() })?;
    Ok(Composition { id, order_ref, effective_from, effective_to, seats: seats(conn, id)? })
}

fn seats(conn: &Connection, id: Uuid) -> Result<Vec<Seat>> {
    let mut stmt = conn.prepare(
        "SELECT u.id, u.login, u.full_name, m.role FROM composition_members m JOIN users u ON u.id = m.user_id
         WHERE m.composition_id = ?1 ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'deputy_chair' THEN 1
         WHEN 'member' THEN 2 ELSE 3 END, u.full_name",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (user_id, login, full_name, role) = row?;
        out.push(Seat { user_id, login, full_name, role: SeatRole::parse(&role)? });
    }
    Ok(out)
}

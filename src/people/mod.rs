//! Users, their roles and the acting user (`Actor`) that every core operation takes.
//!
//! An `Actor` can only be obtained by signing in (or by the set-up that creates the first admin), so a
//! caller cannot claim roles it was not given. Each operation names the roles it needs and gets a typed
//! `Forbidden` error otherwise.
mod authz;
pub mod lockout;
mod users;

pub use authz::{readers, Operation};
pub use users::{
    bootstrap_admin, change_password, create, deactivate, list, sign_in, unlock, NewUser, User, MIN_PASSWORD,
};
pub(crate) use users::{record_sign_in_events, verify_password};

use crate::error::{Check, Error, Result};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Chair,
    DeputyChair,
    Secretary,
    Member,
    Physician,
    /// Production staff: rooms, batches and their stages.
    Production,
    /// Quality control: tests and batch release.
    Qc,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Chair,
        Role::DeputyChair,
        Role::Secretary,
        Role::Member,
        Role::Physician,
        Role::Production,
        Role::Qc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Chair => "chair",
            Role::DeputyChair => "deputy_chair",
            Role::Secretary => "secretary",
            Role::Member => "member",
            Role::Physician => "physician",
            Role::Production => "production",
            Role::Qc => "qc",
        }
    }

    pub fn parse(field: &'static str, code: &str) -> Result<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim()).ok_or_else(|| {
            let allowed = Role::ALL.map(|r| r.code()).join(", ");
            Error::invalid(field, Check::OneOf { allowed })
        })
    }

    /// Roles that sit on the commission and vote.
    pub fn votes(self) -> bool {
        matches!(self, Role::Chair | Role::DeputyChair | Role::Member)
    }
}

pub(crate) fn roles_to_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

pub(crate) fn roles_from_text(text: &str) -> Vec<Role> {
    text.split(',').filter_map(|c| Role::parse("roles", c).ok()).collect()
}

/// The signed-in user on whose behalf an operation runs.
#[derive(Debug, Clone)]
pub struct Actor {
    id: Uuid,
    pub login: String,
    pub full_name: String,
    roles: Vec<Role>,
    /// The login of the session where this user confirmed the act with their own password, when it is another
    /// user's (a member voting at the secretary's workstation).
    entered_at: Option<String>,
}

impl crate::audit::Author for Actor {
    fn login(&self) -> &str {
        &self.login
    }
}

impl Actor {
    pub(crate) fn new(id: Uuid, login: String, full_name: String, roles: Vec<Role>) -> Actor {
        Actor { id, login, full_name, roles, entered_at: None }
    }

    /// This user acting at the workstation (session) of `session_login`; nothing is noted for their own.
    pub(crate) fn at_session_of(mut self, session_login: &str) -> Actor {
        self.entered_at = (session_login != self.login).then(|| session_login.to_string());
        self
    }

    /// Whose session the act was entered at, when not the user's own.
    pub fn entered_at(&self) -> Option<&str> {
        self.entered_at.as_deref()
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the matrix lets any of the actor's roles do `op`.
    pub fn may(&self, op: Operation) -> bool {
        op.roles().iter().any(|r| self.has(*r))
    }

    /// Refuses with `Forbidden { action }` unless the matrix lets one of the actor's roles do `op`.
    /// Whether any of the actor's roles may read records of this kind (and so hear of their changes).
    pub fn may_read(&self, subject: crate::notices::Subject) -> bool {
        authz::readers(subject).iter().any(|r| self.has(*r))
    }

    /// The notices of `batch` this actor may receive.
    pub fn readable(&self, batch: &[crate::notices::Notice]) -> Vec<crate::notices::Notice> {
        batch.iter().filter(|n| self.may_read(n.subject)).cloned().collect()
    }

    pub fn require(&self, op: Operation) -> Result<()> {
        if self.may(op) {
            Ok(())
        } else {
            Err(Error::Forbidden { action: op.code() })
        }
    }
}

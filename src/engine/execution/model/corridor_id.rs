//! A corridor's identity: a venue and one of its accounts.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::venue::Venue;
use crate::engine::error::{Error, Result};

/// A venue and one of its accounts: the unit that is armed, halted, journaled and reconciled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CorridorId {
    pub venue: Venue,
    pub account: String,
}

impl CorridorId {
    pub fn new(venue: Venue, account: &str) -> Result<CorridorId> {
        let ok = !account.is_empty()
            && account.len() <= 64
            && account.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !ok {
            return Err(Error::bad_input(format!(
                "--account: '{account}' is not an account name (letters, digits, - and _, at most 64)"
            )));
        }
        Ok(CorridorId { venue, account: account.to_string() })
    }

    /// How alerts about this corridor name their source.
    pub fn alert_source(&self) -> String {
        format!("corridor:{self}")
    }
}

impl fmt::Display for CorridorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.venue, self.account)
    }
}

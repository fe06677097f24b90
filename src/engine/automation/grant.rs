//! A grant: the limits inside which one promoted candidate's intents on one corridor are
//! approved without a keypress, signed by the operator who typed its confirmation, together
//! with the policy in force and the public key of the automation key made for it. The record
//! and its signed bytes; making one is `make.rs`, reading what became of it `status.rs`.

use ed25519_dalek::{Signature, VerifyingKey};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::engine::execution::model::{CorridorId, OrderType};

pub const GRANT_SCHEMA: &str = "quantlab.grant";

/// The first line of a grant's signed bytes: a signature over any other kind of record never
/// verifies as a grant.
pub const GRANT_TAG: &str = "quantlab.grant.v1";

/// What a grant allows. Each is at most what the corridor's policy allows (checked when the
/// grant is made); an intent outside any of them waits for the keypress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantLimits {
    /// Symbols, as the venue spells them; a subset of the corridor's allowlist.
    pub symbols: Vec<String>,
    pub order_types: Vec<OrderType>,
    /// Largest notional of one order, quote currency.
    pub max_order_notional: Decimal,
    /// Automated approvals per UTC day under this grant.
    pub max_orders_per_day: u32,
    /// A loss today (realized and unrealized, positive number) at which automation stops.
    pub daily_loss_limit: Decimal,
    /// A fall of the session's PnL from its best (positive number) at which automation stops.
    pub max_drawdown: Decimal,
}

/// A grant as the console's form asks for it and its dialog shows it: plain data anyone may
/// write; a grant is made from it only through a `GrantConfirmation`, which only the dialog's
/// witness makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTarget {
    pub corridor: CorridorId,
    pub candidate: String,
    pub limits: GrantLimits,
    /// How long it lasts from the moment it is made.
    pub hours: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub schema: String,
    pub schema_version: u32,
    /// `grant_<UTC stamp>_<8 hex>`.
    pub id: String,
    pub corridor: CorridorId,
    /// The promotion board's candidate whose live sessions it covers.
    pub candidate: String,
    pub limits: GrantLimits,
    pub created: String,
    pub created_ms: i64,
    pub expires: String,
    pub expires_ms: i64,
    /// sha256 of the policy file in force when it was made: another policy revokes it.
    pub policy_fingerprint: String,
    /// The automation key's ed25519 public key, hex; its secret half is in the keyring only.
    pub automation_public_key: String,
    /// The operator who typed the confirmation, and their key (trusted in operators.json).
    pub operator: String,
    pub public_key: String,
    /// ed25519 over [`signed_bytes`], hex.
    pub signature: String,
}

/// The signer name an automated approval under `grant` records.
pub fn signer_name(grant: &str) -> String {
    format!("automation:{grant}")
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(",")
}

/// The bytes the operator signs, one `name=value` line each, in this order:
///
/// ```text
/// quantlab.grant.v1
/// id=<grant id>
/// corridor=<venue>/<account>
/// candidate=<candidate id>
/// symbols=<a,b,...>
/// order_types=<market,limit,...>
/// max_order_notional=<decimal>
/// max_orders_per_day=<n>
/// daily_loss_limit=<decimal>
/// max_drawdown=<decimal>
/// created_ms=<epoch ms>
/// expires_ms=<epoch ms>
/// policy_fingerprint=<sha256 hex>
/// automation_public_key=<hex>
/// operator=<name>
/// ```
///
/// every line ending in `\n`. A value holding a line break (or a list item a comma) is refused
/// when the grant is made, so two grants never read as the same bytes.
pub fn signed_bytes(g: &Grant) -> Vec<u8> {
    let l = &g.limits;
    let types: Vec<&str> = l.order_types.iter().map(|t| t.name()).collect();
    let fields = [
        ("id", g.id.clone()),
        ("corridor", g.corridor.to_string()),
        ("candidate", g.candidate.clone()),
        ("symbols", join(&l.symbols)),
        ("order_types", join(&types)),
        ("max_order_notional", l.max_order_notional.normalize().to_string()),
        ("max_orders_per_day", l.max_orders_per_day.to_string()),
        ("daily_loss_limit", l.daily_loss_limit.normalize().to_string()),
        ("max_drawdown", l.max_drawdown.normalize().to_string()),
        ("created_ms", g.created_ms.to_string()),
        ("expires_ms", g.expires_ms.to_string()),
        ("policy_fingerprint", g.policy_fingerprint.clone()),
        ("automation_public_key", g.automation_public_key.clone()),
        ("operator", g.operator.clone()),
    ];
    let mut out = format!("{GRANT_TAG}\n");
    for (name, value) in fields {
        out.push_str(&format!("{name}={value}\n"));
    }
    out.into_bytes()
}

/// Why a text cannot go into a signed line: a line break, or a comma inside a list item.
pub fn unsignable(value: &str, list_item: bool) -> bool {
    value.contains(['\n', '\r']) || (list_item && value.contains(','))
}

/// Does `signature` (hex) by `public_key` (hex) verify over `bytes`? Strict: no weak keys, no
/// malleable signatures. `Err` says what is wrong.
pub fn verify_hex(public_key: &str, signature: &str, bytes: &[u8]) -> Result<(), &'static str> {
    let key: Option<[u8; 32]> = hex::decode(public_key).ok().and_then(|b| b.try_into().ok());
    let Some(key) = key.and_then(|k| VerifyingKey::from_bytes(&k).ok()) else {
        return Err("its public key is not an ed25519 key");
    };
    let sig: Option<[u8; 64]> = hex::decode(signature).ok().and_then(|b| b.try_into().ok());
    let Some(sig) = sig.map(|s| Signature::from_bytes(&s)) else {
        return Err("its signature is not 64 bytes of hex");
    };
    key.verify_strict(bytes, &sig).map_err(|_| "its signature does not cover what it says")
}

impl Grant {
    /// Whether the operator's signature covers exactly this record (trust is separate).
    pub fn signature_holds(&self) -> Result<(), &'static str> {
        verify_hex(&self.public_key, &self.signature, &signed_bytes(self))
    }

    /// A short line for lists and the status bar.
    pub fn limits_line(&self) -> String {
        let l = &self.limits;
        let types: Vec<&str> = l.order_types.iter().map(|t| t.name()).collect();
        format!(
            "{} {} <= {} per order, {} orders/day, loss today < {}, drawdown < {}",
            l.symbols.join(","),
            types.join(","),
            l.max_order_notional,
            l.max_orders_per_day,
            l.daily_loss_limit,
            l.max_drawdown
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use ed25519_dalek::{Signer, SigningKey};

    pub(crate) fn sample(key: &SigningKey) -> Grant {
        let mut g = Grant {
            schema: GRANT_SCHEMA.into(),
            schema_version: 1,
            id: "grant_20261206T080000Z_0a1b2c3d".into(),
            corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
            candidate: "cand_x".into(),
            limits: GrantLimits {
                symbols: vec!["XBTUSD".into()],
                order_types: vec![OrderType::Market],
                max_order_notional: Decimal::from(500),
                max_orders_per_day: 3,
                daily_loss_limit: Decimal::from(100),
                max_drawdown: Decimal::from(200),
            },
            created: String::new(),
            created_ms: 1,
            expires: String::new(),
            expires_ms: 2,
            policy_fingerprint: "ab".repeat(32),
            automation_public_key: "cd".repeat(32),
            operator: "alice".into(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
            signature: String::new(),
        };
        g.signature = hex::encode(key.sign(&signed_bytes(&g)).to_bytes());
        g
    }

    #[test]
    fn a_signed_grant_holds_and_any_widened_limit_breaks_it() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let g = sample(&key);
        assert_eq!(g.signature_holds(), Ok(()));
        let mut wider = g.clone();
        wider.limits.max_order_notional = Decimal::from(5000);
        assert!(wider.signature_holds().is_err());
        let mut more = g.clone();
        more.limits.symbols.push("ETHUSD".into());
        assert!(more.signature_holds().is_err());
        let mut later = g.clone();
        later.expires_ms += 1;
        assert!(later.signature_holds().is_err());
        let mut other_key = g;
        other_key.automation_public_key = "ef".repeat(32);
        assert!(other_key.signature_holds().is_err());
    }

    #[test]
    fn the_signed_bytes_start_with_the_tag_and_name_every_limit() {
        let g = sample(&SigningKey::from_bytes(&[7; 32]));
        let text = String::from_utf8(signed_bytes(&g)).unwrap();
        assert!(text.starts_with("quantlab.grant.v1\nid=grant_"));
        for line in
            ["symbols=XBTUSD\n", "order_types=market\n", "max_order_notional=500\n", "max_orders_per_day=3\n"]
        {
            assert!(text.contains(line), "{line} in {text}");
        }
    }
}

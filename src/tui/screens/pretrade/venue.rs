//! What the Pre-trade form takes from the corridor's venue: the instrument's rules, the
//! account's equity and the exposure held, read in the background for the venue, account and
//! symbol on the form, and written into the fields the operator has not typed. A field the
//! venue cannot tell is emptied and named (never left at a stale default): the plan then says
//! what to type.

use std::collections::BTreeSet;

use crate::engine::execution::Venue;
use crate::engine::pretrade::{Fact, FromVenue, VenueFacts};

/// The form's fields the venue can fill, with the flag name a plan records them by.
pub const FILLED: [(&str, &str); 6] = [
    ("tick", "tick"),
    ("lot", "lot"),
    ("min_size", "min-size"),
    ("min_notional", "min-notional"),
    ("equity", "equity"),
    ("exposure", "exposure"),
];

/// Which instrument and account the facts are about.
pub type Subject = (Venue, String, String);

#[derive(Debug, Default)]
pub struct VenueSide {
    /// What was last asked of the venue.
    pub asked: Option<Subject>,
    /// The venue's answer for `asked`, once it came.
    pub facts: Option<VenueFacts>,
    /// Fields the operator typed: the venue's values never overwrite them.
    pub typed: BTreeSet<&'static str>,
    /// Fields the venue filled, with why one is unknown.
    pub filled: Vec<(&'static str, Result<String, String>)>,
}

impl VenueSide {
    /// Forget what the operator typed that no longer applies: the rules when the instrument
    /// changes, the equity and exposure when the account does.
    pub fn subject_changed(&mut self, old: &Subject, new: &Subject) {
        if old.0 != new.0 || old.2 != new.2 {
            for k in ["tick", "lot", "min_size", "min_notional"] {
                self.typed.remove(k);
            }
        }
        if old.0 != new.0 || old.1 != new.1 {
            self.typed.remove("equity");
            self.typed.remove("exposure");
        }
    }

    /// The venue's value for each fillable field not typed by the operator: `Ok(text)` to put
    /// in the field, `Err(why)` when the venue cannot tell (the field is emptied).
    pub fn fill(&mut self, facts: VenueFacts) -> Vec<(&'static str, Result<String, String>)> {
        let rules = facts.rules.known();
        fn why<T>(f: &Fact<T>) -> String {
            f.why().unwrap_or_default().to_string()
        }
        let rules_why = why(&facts.rules);
        let mut out = Vec::new();
        for (key, _) in FILLED {
            if self.typed.contains(key) {
                continue;
            }
            let v = match key {
                "tick" => {
                    rules.as_ref().map(|r| r.tick_size.normalize().to_string()).ok_or(rules_why.clone())
                }
                "lot" => rules.as_ref().map(|r| r.lot_size.normalize().to_string()).ok_or(rules_why.clone()),
                "min_size" => {
                    rules.as_ref().map(|r| r.min_size.normalize().to_string()).ok_or(rules_why.clone())
                }
                "min_notional" => {
                    rules.as_ref().map(|r| r.min_notional.normalize().to_string()).ok_or(rules_why.clone())
                }
                "equity" => facts.equity.known().map(|e| e.to_string()).ok_or_else(|| why(&facts.equity)),
                _ => facts.exposure.known().map(|e| e.to_string()).ok_or_else(|| why(&facts.exposure)),
            };
            out.push((key, v));
        }
        self.filled = out.clone();
        self.facts = Some(facts);
        out
    }

    /// The price-figures rule of the instrument, when its rules came from the venue.
    pub fn max_price_sig_figs(&self) -> Option<u32> {
        if self.typed.contains("tick") {
            return None;
        }
        self.facts.as_ref()?.rules.known()?.max_price_sig_figs
    }

    /// Why a field the venue filled is empty: the venue could not tell.
    pub fn unknown(&self, key: &str) -> Option<&str> {
        self.filled.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.as_ref().err()).map(String::as_str)
    }

    /// The plan's record of which inputs the venue gave.
    pub fn record(&self) -> Option<FromVenue> {
        let f = self.facts.as_ref()?;
        let fields: Vec<String> = FILLED
            .iter()
            .filter(|(k, _)| !self.typed.contains(k) && self.filled.iter().any(|(f, v)| f == k && v.is_ok()))
            .map(|(_, flag)| flag.to_string())
            .collect();
        (!fields.is_empty()).then(|| FromVenue {
            corridor: f.corridor.to_string(),
            as_of: f.as_of.clone(),
            fields,
        })
    }

    /// One line for the tab: where the fields came from, or what is unknown.
    pub fn summary(&self) -> Option<(String, bool)> {
        let f = self.facts.as_ref()?;
        let unknown: Vec<&str> = self.filled.iter().filter(|(_, v)| v.is_err()).map(|(k, _)| *k).collect();
        let flag = |k: &str| FILLED.iter().find(|(key, _)| *key == k).map_or(k, |(_, f)| *f).to_string();
        // The date too: a read left on screen overnight must not look like today's.
        let at = f.as_of.get(..19).map_or(f.as_of.clone(), |t| t.replace('T', " "));
        Some(match unknown.first() {
            None => (format!("from {} at {at}: rules, equity, exposure", f.corridor), true),
            Some(k) => (
                format!(
                    "{} unknown from {}: {}",
                    unknown.iter().map(|k| flag(k)).collect::<Vec<_>>().join(", "),
                    f.corridor,
                    self.unknown(k).unwrap_or("")
                ),
                false,
            ),
        })
    }
}

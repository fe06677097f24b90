//! `quantlab grants ...`: grants of automation (docs/automation.md).

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum GrantsCmd {
    /// Every grant, oldest first: corridor, candidate, limits, state (live, expired, revoked,
    /// untrusted) and today's automated orders against its budget.
    List,
    /// One grant: its limits, signer, expiry, state and why.
    Show { id: String },
    /// Revoke a live grant: its intents wait for the keypress again. Journaled with the reason.
    Revoke {
        id: String,
        /// Why it is revoked.
        #[arg(long)]
        reason: String,
    },
    /// Making (or widening) a grant from a script: always refused (exit 3), nothing written. A
    /// grant is made in the console: tab Corridors, `g`, then the corridor's name typed.
    #[command(hide = true)]
    Create {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long)]
        account: Option<String>,
        /// Anything else a script might pass: refused all the same.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
}

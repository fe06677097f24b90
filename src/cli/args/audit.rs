//! `quantlab audit ...`: checks across every corridor journal.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Verify every corridor journal's hash chain and head record, and every approval's
    /// signature against its record and the trusted operator keys (operators.json); names the
    /// first bad entry. Exit 0 if all hold, 3 if anything fails.
    Verify {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
    },
}

//! `quantlab incidents ...`: incident review.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum IncidentsCmd {
    /// Open incidents, newest first, each with its timeline (every incident with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// One incident: its triggers, timeline, what the operator saw and did, the venue's state
    /// before and after.
    Show { id: String },
    /// Close an incident with a note, journaled in each corridor it touched.
    Close {
        id: String,
        /// What was reviewed, and why the incident can close.
        #[arg(long)]
        note: String,
    },
}

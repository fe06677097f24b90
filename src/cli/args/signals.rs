//! `quantlab signals ...`: research signal intake, triage and routing.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SignalsCmd {
    /// Take in research signals: one JSON document, an array of them, or JSON lines (FILE, or
    /// - for stdin). Exit 2 if any is refused; the others are still taken in.
    Intake {
        /// The signal file, or - for stdin.
        file: String,
    },
    /// Signals with priority, decision and verdict, high priority first.
    List {
        /// test, needs_data, ignore, untested, supported, not_supported or inconclusive.
        #[arg(long)]
        status: Option<String>,
    },
    /// One signal: the document, its triage and its latest verdict with the runs behind it.
    Show {
        /// Signal id (or a unique prefix).
        id: String,
    },
    /// Triage again with the rules, data and time of now (every signal without an id).
    Triage { id: Option<String> },
    /// Research a `test` signal: sweeps, a walk-forward of the best, a verdict against its
    /// goal. Exit 3 for a signal triaged anything but `test`.
    Research { id: String },
    /// The triage and routing rules in force (written with the defaults on first use).
    Rules,
}

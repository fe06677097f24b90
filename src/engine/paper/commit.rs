//! Group commit: a session's per-bar lines (orders, fills, equity, signals) are buffered and
//! made durable together, then the snapshot that counts them is written.
//!
//! The crash guarantee rests on one order: a snapshot (state.json) names the last bar whose
//! lines are on disk, and it is written only after those lines are flushed and fsynced. A
//! resume drops the lines of later bars and processes those bars again from the snapshot, so
//! a bar is never counted twice and never lost, whether the process died or the machine did.
//! How often to commit is the runner's choice (every bar of a paced feed; every 250 ms of a
//! replay as fast as possible, where an fsync per bar would cost more than the bar).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::engine::error::{Error, Result};

/// One append-only file whose lines are buffered until [`Appender::sync`].
#[derive(Debug)]
pub struct Appender {
    path: PathBuf,
    /// Opened (create, append) on the first line, so a file trimmed or created by the runner
    /// before it is opened after.
    out: Option<BufWriter<File>>,
    /// Lines written since the last sync.
    dirty: bool,
}

impl Appender {
    pub fn new(path: impl Into<PathBuf>) -> Appender {
        Appender { path: path.into(), out: None, dirty: false }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Buffer one line (a newline is added). Opening the file fails here, at the bar that
    /// first writes to it (a missing folder names that bar); a full disk may show only at
    /// [`Appender::sync`].
    pub fn line(&mut self, line: &str) -> Result<()> {
        if self.out.is_none() {
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| Error::io("open", &self.path, e))?;
            self.out = Some(BufWriter::with_capacity(64 * 1024, f));
        }
        let out = self.out.as_mut().expect("opened above");
        self.dirty = true;
        // One write of the whole line: the buffer spills whole lines only, so a crash leaves
        // at most a torn last line (which a resume drops), never half a line mid-file.
        let mut whole = String::with_capacity(line.len() + 1);
        whole.push_str(line);
        whole.push('\n');
        out.write_all(whole.as_bytes()).map_err(|e| Error::io("append to", &self.path, e))
    }

    /// Write the buffered lines and fsync them: once this returns, they survive a crash of
    /// the process or of the machine.
    pub fn sync(&mut self) -> Result<()> {
        if !std::mem::take(&mut self.dirty) {
            return Ok(());
        }
        let Some(out) = self.out.as_mut() else { return Ok(()) };
        out.flush().map_err(|e| Error::io("append to", &self.path, e))?;
        out.get_ref().sync_data().map_err(|e| Error::io("cannot fsync", &self.path, e))
    }

    /// Close the file (its buffered lines are written, not fsynced): a runner that rewrites it
    /// opens it again on the next line.
    pub fn close(&mut self) -> Result<()> {
        if let Some(mut out) = self.out.take() {
            out.flush().map_err(|e| Error::io("append to", &self.path, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_reach_the_file_on_sync_not_before() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("orders.jsonl");
        std::fs::write(&p, "kept\n").unwrap();
        let mut a = Appender::new(&p);
        a.line("one").unwrap();
        a.line("two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "kept\n", "buffered until the commit");
        a.sync().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "kept\none\ntwo\n");
        a.sync().unwrap(); // nothing new: nothing written
        a.line("three").unwrap();
        a.close().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "kept\none\ntwo\nthree\n");
    }

    #[test]
    fn a_missing_folder_fails_on_the_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Appender::new(dir.path().join("gone").join("signals.jsonl"));
        assert!(a.line("x").is_err());
        a.sync().unwrap(); // nothing was buffered
    }
}

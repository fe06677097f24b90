//! The workspace: the `outputs/` tree every artifact lives in, atomic writes and the lock
//! that serializes index updates between concurrent processes.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::error::{Error, Result};
use crate::engine::workspace_error::WorkspaceError;

/// Environment variable that overrides the default workspace (`./outputs`).
pub const WORKSPACE_ENV: &str = "QUANTLAB_WORKSPACE";

#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// `explicit` (from `--workspace`) wins over the environment, which wins over `./outputs`.
    pub fn resolve(explicit: Option<&Path>) -> Workspace {
        let root = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(WORKSPACE_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("outputs"));
        Workspace { root }
    }

    pub fn at(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }
    pub fn run_dir(&self, run_id: &str) -> PathBuf {
        self.runs_dir().join(run_id)
    }
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn config_path(&self) -> PathBuf {
        self.root.join("quantlab.toml")
    }
    pub fn runs_index_path(&self, ext: &str) -> PathBuf {
        self.root.join(format!("runs_index.{ext}"))
    }

    /// Create the root if needed and make sure we can write into it.
    pub fn ensure(&self) -> Result<()> {
        fs::create_dir_all(&self.root).map_err(|e| Error::io("cannot create workspace", &self.root, e))
    }

    /// An exclusive, process-wide lock on the workspace for read-modify-write of shared files
    /// (the runs index, the data catalogue). Released when the guard drops.
    pub fn lock(&self) -> Result<WorkspaceLock> {
        self.lock_file(".lock")
    }

    /// An exclusive, process-wide lock of its own (`.<name>.lock` at the root) for one kind of
    /// decision that must not be made twice at once (a demotion, admitting a live session),
    /// apart from the workspace lock that code inside it may take.
    pub fn lock_named(&self, name: &str) -> Result<WorkspaceLock> {
        self.lock_file(&format!(".{name}.lock"))
    }

    fn lock_file(&self, file: &str) -> Result<WorkspaceLock> {
        self.ensure()?;
        let path = self.root.join(file);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("cannot open lock file", &path, e))?;
        file.lock().map_err(|e| Error::io("cannot lock", &path, e))?;
        Ok(WorkspaceLock { _file: file })
    }
}

/// Holds the workspace lock; the OS releases it when the file closes.
pub struct WorkspaceLock {
    _file: File,
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename,
/// then fsync the directory so the rename itself survives a crash. Readers see the old file or
/// the new one, never a torn write.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes).map_err(|e| Error::io("cannot write", path, e)))
}

/// Like [`write_atomic`], with a writer callback (for Parquet and CSV writers).
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io("cannot create directory", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create temporary file in", dir, e))?;
    // Held until this process closes the file or dies: how a cleaner tells a temporary being
    // written from one a killed process left behind (see [`stale_temporaries`]).
    let _ = tmp.as_file().lock();
    write(tmp.as_file_mut())?;
    make_readable(tmp.as_file());
    tmp.as_file().sync_all().map_err(|e| Error::io("cannot fsync", path, e))?;
    tmp.persist(path).map_err(|e| Error::io("cannot rename into", path, e.error))?;
    sync_dir(dir);
    Ok(())
}

/// The name every temporary of [`write_atomic`] starts with.
pub const TEMP_PREFIX: &str = ".tmp-";

/// A temporary younger than this is never called stale: it may be between its creation and
/// its writer's lock.
pub const STALE_TEMP_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(2);

/// Temporaries of [`write_atomic`] directly in `dir` whose writer is gone: no process holds
/// their lock (a process that is killed releases it), and they are older than
/// [`STALE_TEMP_MIN_AGE`]. Sorted by path.
pub fn stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| is_stale(p))
        .collect();
    out.sort();
    out
}

fn is_stale(p: &Path) -> bool {
    let old_enough = fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= STALE_TEMP_MIN_AGE);
    // Opening for reading is enough to try the lock; a writer holding it means "in use".
    old_enough && File::open(p).is_ok_and(|f| f.try_lock().is_ok())
}

/// [`stale_temporaries`] in `root` and every folder below it (symbolic links not followed).
pub fn stale_temporaries_under(root: &Path) -> Vec<PathBuf> {
    let mut out = stale_temporaries(root);
    if let Ok(entries) = fs::read_dir(root) {
        for e in entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
            out.extend(stale_temporaries_under(&e.path()));
        }
    }
    out.sort();
    out
}

/// Remove the stale temporaries in `dir` (see [`stale_temporaries`]); returns those removed.
pub fn remove_stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    stale_temporaries(dir).into_iter().filter(|p| fs::remove_file(p).is_ok()).collect()
}

/// Serialize as pretty JSON (with a trailing newline) and write atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => WorkspaceError::Missing(path.into()).into(),
        _ => Error::io("cannot read", path, e),
    })?;
    Ok(serde_json::from_slice(&bytes)
        .map_err(|source| WorkspaceError::InvalidJson { path: path.into(), source })?)
}

/// Temporary files are created 0600; artifacts are reports people open and share (0644).
#[cfg(unix)]
pub(crate) fn make_readable(f: &File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
pub(crate) fn make_readable(_f: &File) {}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    // Best effort: some filesystems refuse fsync on directories; the data file is already synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second");
        let names: Vec<_> =
            fs::read_dir(p.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "temporary files left behind: {names:?}");
    }

    #[test]
    fn failed_writer_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        write_atomic(&p, b"kept").unwrap();
        let r = write_atomic_with(&p, |_| Err(Error::runtime("boom")));
        assert!(r.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"kept");
    }

    #[test]
    fn a_temporary_is_stale_only_when_unlocked_and_old() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - 2 * STALE_TEMP_MIN_AGE;
        let mk = |name: &str| {
            let p = dir.path().join(name);
            let f = File::create(&p).unwrap();
            f.set_modified(old).unwrap();
            (p, f)
        };
        let (left, _) = mk(".tmp-left");
        let (held, held_file) = mk(".tmp-held");
        held_file.lock().unwrap();
        let (_kept, _) = mk("report.json");
        File::create(dir.path().join(".tmp-fresh")).unwrap();
        assert_eq!(stale_temporaries(dir.path()), vec![left.clone()]);
        assert_eq!(remove_stale_temporaries(dir.path()), vec![left.clone()]);
        assert!(!left.exists() && held.exists());
    }

    #[test]
    fn explicit_workspace_wins() {
        let ws = Workspace::resolve(Some(Path::new("/tmp/elsewhere")));
        assert_eq!(ws.root(), Path::new("/tmp/elsewhere"));
    }
}

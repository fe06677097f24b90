//! Credentials through the OS keyring. Nothing here ever logs or returns a secret's value in
//! an error.

use keyring::Entry;

/// Keyring service name under which every QuantLab credential is stored.
pub const SERVICE: &str = "quantlab";

/// How to fix a machine where no keyring works; shown by `quantlab check` and by any command
/// that needs a credential.
pub const KEYRING_HELP: &str = "QuantLab keeps venue credentials only in the OS keyring. On a headless Linux \
server start QuantLab inside a session keyring that outlives the process, e.g. `keyctl new_session` in the \
login shell (package keyutils), or run a Secret Service (gnome-keyring or KeePassXC) in the session. Research \
and paper trading do not need a keyring; live corridors refuse to arm without one.";

/// Write, read back and delete a throwaway entry. Ok when the keyring round-trips.
pub fn probe() -> Result<(), String> {
    let user = format!("probe-{}", std::process::id());
    let entry = Entry::new(SERVICE, &user).map_err(|e| format!("keyring unavailable: {e}"))?;
    let token = format!("probe-{}", crate::engine::time::now_ms());
    entry.set_password(&token).map_err(|e| format!("keyring refused a write: {e}"))?;
    // Read through a fresh handle, as another part of the program would.
    let back = Entry::new(SERVICE, &user)
        .and_then(|e| e.get_password())
        .map_err(|e| format!("keyring lost an entry it just stored: {e}"));
    let _ = entry.delete_credential();
    match back {
        Ok(v) if v == token => Ok(()),
        Ok(_) => Err("keyring returned a different value than it stored".into()),
        Err(e) => Err(e),
    }
}

//! The operator console. A client of the engine like the CLI: it reads state through the
//! [`Engine`] and asks for work through [`jobs`]; nothing here does I/O on the UI thread.
//!
//! Shape (Elm): terminal input, the clock and finished jobs become [`app::Msg`]s; `update`
//! changes state; [`draw::draw`] is a pure function of it. A frame is drawn only when the
//! state changed, at most every 16 ms, inside a synchronized update.

pub mod app;
pub mod draw;
mod fills;
pub mod jobs;
pub mod keymap;
mod keys;
pub mod panes;
mod pool;
pub mod screens;
mod terminal;
pub mod theme;
pub mod widgets;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::engine::gate::input::{self, Input};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use crate::engine::{Engine, Error, Result};
use app::{App, Msg};
use keymap::Keymap;
use theme::Theme;

/// At most ~60 frames a second.
const FRAME: Duration = Duration::from_millis(16);

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Theme name or path to a theme file.
    pub theme: Option<String>,
    /// Keymap overrides; default: `<workspace>/keymap.toml` if present.
    pub keymap: Option<PathBuf>,
}

pub fn clock_now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string()
}

/// Theme and keymap for these options, or a bad-input error naming the file.
pub fn setup(engine: &Engine, opts: &Options) -> Result<(Theme, Keymap)> {
    let theme =
        Theme::resolve(opts.theme.as_deref(), &|k| std::env::var(k).ok()).map_err(Error::bad_input)?;
    let (path, found) = keymap_file(engine, opts);
    let keymap = Keymap::load(found.then_some(path.as_path())).map_err(Error::bad_input)?;
    Ok((theme, keymap))
}

/// The keymap file these options read, and whether it is there: the one given, else the first
/// candidate that exists, else where the console looks first.
pub fn keymap_file(engine: &Engine, opts: &Options) -> (PathBuf, bool) {
    let candidates = keymap_candidates(engine);
    let path = opts.keymap.clone().or_else(|| candidates.iter().find(|p| p.exists()).cloned());
    let path = path.unwrap_or_else(|| candidates[0].clone());
    let found = path.exists();
    (path, found)
}

/// Where a keymap file is looked for: the workspace first, then the user's config directory.
fn keymap_candidates(engine: &Engine) -> Vec<PathBuf> {
    let mut out = vec![engine.workspace().root().join("keymap.toml")];
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(c) = config {
        out.push(c.join("quantlab").join("keymap.toml"));
    }
    out
}

/// Run the console until the operator quits or the session ends.
pub fn run(engine: &Engine, opts: &Options) -> Result<()> {
    // Readable panic reports; the terminal hook installed next restores the screen first.
    let _ = color_eyre::install();
    let (theme, keymap) = setup(engine, opts)?;
    // Notifications are delivered while the console is open (one process at a time does).
    let _notify = engine.notify().background("console");
    let stop =
        terminal::termination_flag().map_err(|e| Error::runtime(format!("cannot watch signals: {e}")))?;
    let mut term = terminal::enter().map_err(|e| Error::runtime(format!("cannot open the console: {e}")))?;
    let (path, found) = keymap_file(engine, opts);
    let keymap_file = (path.display().to_string(), found);
    let result = event_loop(&mut term, engine, &theme, &keymap, keymap_file, &stop);
    terminal::restore();
    result
}

/// How often live things (paper sessions) are read again; the app ignores ticks while nothing
/// it shows can change.
const TICK: Duration = Duration::from_secs(2);

fn input_thread(tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut minute = clock_now();
        let mut last_tick = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            if last_tick.elapsed() >= TICK {
                last_tick = Instant::now();
                if tx.send(Msg::Tick).is_err() {
                    return;
                }
            }
            if let Ok(Some(input)) = input::read(Duration::from_millis(200)) {
                let msg = match input {
                    Input::Key(k) => Msg::Key(k),
                    Input::Paste(text) => Msg::Paste(text),
                    Input::Resize => Msg::Resize,
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
            let now = clock_now();
            if now != minute {
                minute = now.clone();
                if tx.send(Msg::Clock(now)).is_err() {
                    return;
                }
            }
        }
    });
}

fn event_loop(
    term: &mut terminal::Term,
    engine: &Engine,
    theme: &Theme,
    keymap: &Keymap,
    keymap_file: (String, bool),
    stop: &Arc<AtomicBool>,
) -> Result<()> {
    let io = |e: std::io::Error| Error::runtime(format!("terminal: {e}"));
    let (tx, rx) = mpsc::channel();
    let input_stop = Arc::new(AtomicBool::new(false));
    input_thread(tx.clone(), Arc::clone(&input_stop));
    let mut app = App::new(engine.workspace().root().display().to_string(), clock_now());
    app.shared.keymap_file = Some(keymap_file);
    let pool = pool::Pool::new(engine, tx.clone());
    for cmd in app.startup() {
        pool.submit(cmd);
    }
    let cx = draw::Ctx { theme, keymap };
    let mut last_draw = Instant::now() - FRAME;
    let result = loop {
        if stop.load(Ordering::Relaxed) {
            app.update(Msg::Terminate, keymap);
        }
        if app.should_quit {
            break Ok(());
        }
        if app.dirty && last_draw.elapsed() >= FRAME {
            let size = term.size().map_err(io)?;
            app.page = draw::body_rows(size.height);
            crossterm::execute!(term.backend_mut(), BeginSynchronizedUpdate).map_err(io)?;
            term.draw(|f| draw::draw(f, &app, &cx)).map_err(io)?;
            crossterm::execute!(term.backend_mut(), EndSynchronizedUpdate).map_err(io)?;
            app.dirty = false;
            last_draw = Instant::now();
            // The order dialog's dwell runs from the frame that first showed it.
            app.drawn(app.instant());
            if let Some(t) = app.fill_received.take() {
                tracing::info!("fill event to status bar in {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let wait =
            if app.dirty { FRAME.saturating_sub(last_draw.elapsed()) } else { Duration::from_millis(250) };
        match rx.recv_timeout(wait) {
            Ok(msg) => {
                // Apply everything already queued before drawing: bursts coalesce into one frame.
                for m in std::iter::once(msg).chain(rx.try_iter()) {
                    for cmd in app.update(m, keymap) {
                        pool.submit(cmd);
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break Ok(()),
        }
    };
    input_stop.store(true, Ordering::Relaxed);
    result
}

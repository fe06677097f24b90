//! `quantlab data ...`

use serde_json::json;

use super::args::DataCmd;
use super::output::Outcome;
use crate::engine::data::DatasetMeta;
use crate::engine::data::LoadOptions;
use crate::engine::{Engine, Result};

pub fn dispatch(engine: &Engine, cmd: &DataCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        DataCmd::Import { file, symbol, timeframe, allow_any_date } => (
            "data import",
            (|| {
                let opts = LoadOptions { allow_any_date: *allow_any_date };
                let (meta, existed) = engine.data().import_with(file, symbol, timeframe, &opts)?;
                let verb = if existed { "already imported as" } else { "imported as" };
                let text = format!("{} {verb} {}\n{}", file.display(), meta.id, describe(&meta));
                Ok(Outcome::ok("data import", &json!({ "dataset": meta, "existing": existed }), text))
            })(),
        ),
        DataCmd::List => (
            "data list",
            (|| {
                let sets = engine.data().list()?;
                let text = if sets.is_empty() {
                    "no datasets; import one with `quantlab data import FILE --symbol S --timeframe 1h`\n"
                        .into()
                } else {
                    sets.iter().map(|m| format!("{}  {}\n", m.id, describe(m))).collect()
                };
                Ok(Outcome::ok("data list", &json!({ "datasets": sets }), text))
            })(),
        ),
        DataCmd::Verify { id } => (
            "data verify",
            (|| {
                let meta = engine.data().verify(id)?;
                let text = format!("{} matches its fingerprint\n{}", meta.id, describe(&meta));
                Ok(Outcome::ok("data verify", &json!({ "dataset": meta, "verified": true }), text))
            })(),
        ),
        DataCmd::Resample { id, to } => (
            "data resample",
            (|| {
                let (meta, existed) = engine.data().resample(id, to)?;
                let text = format!(
                    "{} -> {}{}\n{}",
                    id,
                    meta.id,
                    if existed { " (existing)" } else { "" },
                    describe(&meta)
                );
                Ok(Outcome::ok("data resample", &json!({ "dataset": meta, "existing": existed }), text))
            })(),
        ),
        DataCmd::Indicators { data, indicators, out } => (
            "data indicators",
            (|| {
                let (columns, rows) = engine.data().indicators(data, indicators, out)?;
                let text =
                    format!("wrote {} rows x {} columns to {}\n", rows, columns.len() + 1, out.display());
                Ok(Outcome::ok(
                    "data indicators",
                    &json!({ "path": out, "rows": rows, "columns": columns }),
                    text,
                ))
            })(),
        ),
        DataCmd::Synth { out, bars, timeframe, seed } => (
            "data synth",
            (|| {
                engine.data().synth(out, *bars, timeframe, *seed)?;
                let text = format!("wrote {bars} synthetic {timeframe} bars to {}\n", out.display());
                Ok(Outcome::ok(
                    "data synth",
                    &json!({ "path": out, "bars": bars, "timeframe": timeframe, "seed": seed }),
                    text,
                ))
            })(),
        ),
    }
}

fn describe(m: &DatasetMeta) -> String {
    format!(
        "{} {} {} rows {} .. {} ({}) fingerprint {}",
        m.symbol,
        m.timeframe,
        m.rows,
        m.first,
        m.last,
        m.calendar,
        &m.fingerprint[..12]
    )
}

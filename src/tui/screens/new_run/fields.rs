//! The new-run form: fields from the engine's datasets and strategy catalogue, parameters with
//! their defaults, and the request it submits.

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

use crate::engine::backtest::{BacktestConfig, FillMode};
use crate::engine::data::DatasetMeta;
use crate::engine::paper::StartRequest;
use crate::engine::research::RunRequest;
use crate::engine::strategy::StrategyInfo;
use crate::tui::keymap::Action;
use crate::tui::widgets::form::{Edit, Field, Form};

/// What a form submits: a research run, or a paper session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Run,
    Paper,
}

/// The new-run (or new paper session) form; rebuilt when the strategy changes so its
/// parameters show their defaults.
#[derive(Debug, Clone)]
pub struct RunForm {
    pub kind: FormKind,
    pub datasets: Vec<DatasetMeta>,
    pub strategies: Vec<StrategyInfo>,
    pub form: Form,
    pub error: Option<String>,
}

/// What a value may be typed of: names, numbers, ids and `replay:` speeds.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-_:".contains(c)
}

pub(crate) fn new_form(datasets: Vec<DatasetMeta>, strategies: Vec<StrategyInfo>) -> RunForm {
    form(FormKind::Run, datasets, strategies)
}

/// The paper-session form: the run form's fields plus the feed speed, cash, a drawdown limit
/// and an optional name.
pub(crate) fn new_paper_form(datasets: Vec<DatasetMeta>, strategies: Vec<StrategyInfo>) -> RunForm {
    form(FormKind::Paper, datasets, strategies)
}

fn form(kind: FormKind, datasets: Vec<DatasetMeta>, strategies: Vec<StrategyInfo>) -> RunForm {
    let data: Vec<String> = datasets.iter().rev().map(|d| d.id.clone()).collect();
    let names: Vec<String> = strategies.iter().map(|s| s.name.to_string()).collect();
    let fields = vec![Field::choice("data", "data", data), Field::choice("strategy", "strategy", names)];
    let mut f = RunForm { kind, form: Form::new(fields, allowed), datasets, strategies, error: None };
    // Start on a strategy with parameters: a form with only buy_and_hold teaches nothing.
    if let Some(i) = f.strategies.iter().position(|s| s.name == "sma_cross") {
        f.form.fields[1].value = f.strategies[i].name.to_string();
    }
    rebuild(&mut f);
    f
}

/// Parameter fields follow the chosen strategy; costs and fill follow the parameters.
fn rebuild(f: &mut RunForm) {
    let fields = &mut f.form.fields;
    fields.truncate(2);
    if let Some(s) = f.strategies.iter().find(|s| s.name == fields[1].value) {
        for p in &s.params {
            fields.push(Field::text(&format!("param.{}", p.name), p.name, &p.default.to_string()));
        }
    }
    fields.push(Field::text("fee_bps", "fee bps", "10"));
    fields.push(Field::text("slippage_bps", "slippage bps", "0"));
    fields.push(Field::choice("fill", "fill", vec!["next-open".into(), "close".into()]));
    if f.kind == FormKind::Paper {
        fields.push(Field::text("speed", "speed", "max"));
        fields.push(Field::text("cash", "cash", &BacktestConfig::default().cash.to_string()));
        fields.push(Field::text("max_drawdown", "max drawdown %", ""));
        fields.push(Field::text("name", "name", ""));
    }
    let n = fields.len();
    f.form.focus.clamp(n);
}

impl RunForm {
    /// A key for the form; a new strategy brings its parameters. Submit, cancel and back are
    /// handed back.
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent) -> Edit {
        let edit = self.form.key(action, ev);
        if let Edit::Changed(k) = &edit {
            self.error = None;
            if k == "strategy" {
                rebuild(self);
            }
        }
        edit
    }
}

/// A label for a dataset id, for display.
pub(crate) fn dataset_label(f: &RunForm, id: &str) -> String {
    f.datasets
        .iter()
        .find(|d| d.id == id)
        .map(|d| format!("{} {} ({} rows)", d.symbol, d.timeframe, d.rows))
        .unwrap_or_else(|| id.to_string())
}

fn get(f: &RunForm, k: &str) -> String {
    f.form.get(k).to_string()
}

fn num(f: &RunForm, k: &str, label: &str) -> Result<f64, String> {
    let v = get(f, k);
    v.parse::<f64>().map_err(|_| format!("{label}: '{v}' is not a number"))
}

/// What both kinds share: the dataset, the strategy with its parameters, costs and fill.
fn common(f: &RunForm) -> Result<(String, String, BTreeMap<String, String>, BacktestConfig), String> {
    if get(f, "data").is_empty() {
        return Err("no dataset: import one with `quantlab data import` first".into());
    }
    let params: BTreeMap<String, String> = f
        .form
        .fields
        .iter()
        .filter_map(|x| x.key.strip_prefix("param.").map(|k| (k.to_string(), x.value.clone())))
        .collect();
    let backtest = BacktestConfig {
        fee_bps: num(f, "fee_bps", "fee bps")?,
        slippage_bps: num(f, "slippage_bps", "slippage bps")?,
        fill: FillMode::parse(&get(f, "fill")).map_err(|e| e.message)?,
        ..BacktestConfig::default()
    };
    Ok((get(f, "data"), get(f, "strategy"), params, backtest))
}

/// The request, or why the form cannot be submitted yet. The engine validates the values.
pub(crate) fn to_request(f: &RunForm) -> Result<RunRequest, String> {
    let (data, strategy, params, backtest) = common(f)?;
    Ok(RunRequest {
        data,
        strategy,
        params,
        backtest,
        label: Some("console".into()),
        ..RunRequest::default()
    })
}

/// The paper session the form describes; the engine validates the values.
pub(crate) fn to_paper_request(f: &RunForm) -> Result<StartRequest, String> {
    let (data, strategy, params, mut backtest) = common(f)?;
    backtest.cash = num(f, "cash", "cash")?;
    let speed = get(f, "speed");
    let feed = if speed.is_empty() { format!("replay:{data}") } else { format!("replay:{data}@{speed}") };
    let max_drawdown_pct = match get(f, "max_drawdown") {
        v if v.is_empty() => None,
        _ => Some(num(f, "max_drawdown", "max drawdown %")?),
    };
    let name = Some(get(f, "name")).filter(|n| !n.is_empty());
    Ok(StartRequest {
        strategy,
        params,
        feed,
        from: None,
        backtest,
        max_drawdown_pct,
        name,
        signal_out: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::strategy::catalogue;

    #[test]
    fn strategy_change_rebuilds_parameters_with_defaults() {
        let mut f = new_form(Vec::new(), catalogue());
        assert!(f.form.fields.iter().any(|x| x.key == "param.fast" && x.value == "10"));
        f.form.focus.index = 1;
        f.key(None, &KeyEvent::from(crossterm::event::KeyCode::Right));
        assert_eq!(f.form.fields[1].value, "ema_cross");
        assert!(f.form.fields.iter().any(|x| x.key == "param.fast" && x.value == "12"));
        assert!(to_request(&f).unwrap_err().contains("no dataset"));
    }

    #[test]
    fn paper_form_builds_a_replay_feed_and_names_bad_numbers() {
        let mut f = new_paper_form(Vec::new(), catalogue());
        f.form.fields[0] = Field::choice("data", "data", vec!["ds_x".into()]);
        let set = |f: &mut RunForm, k: &str, v: &str| f.form.set(k, v.into());
        set(&mut f, "speed", "60");
        set(&mut f, "max_drawdown", "12.5");
        let r = to_paper_request(&f).unwrap();
        assert_eq!(r.feed, "replay:ds_x@60");
        assert_eq!(r.max_drawdown_pct, Some(12.5));
        assert_eq!(r.name, None);
        set(&mut f, "speed", "");
        assert_eq!(to_paper_request(&f).unwrap().feed, "replay:ds_x");
        set(&mut f, "cash", "lots");
        assert_eq!(to_paper_request(&f).unwrap_err(), "cash: 'lots' is not a number");
    }
}

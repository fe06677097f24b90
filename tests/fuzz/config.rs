//! The operator's TOML files: the execution policy (also as loaded by a command that then
//! writes), the console keymap and themes, `venues.toml`, `quantlab.toml` and `notify.toml`.

use std::path::Path;
use std::sync::Arc;

use quantlab::engine::config::Config;
use quantlab::engine::execution::policy::{self, EXAMPLE};
use quantlab::engine::execution::{CorridorId, Side, Venue};
use quantlab::engine::pretrade::{EntryKind, Market, PlanInput, Risk, Rules, Target};
use quantlab::engine::venues::endpoints;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use quantlab::tui::keymap::{Context, Keymap};
use quantlab::tui::theme::Theme;
use rust_decimal::Decimal;

use super::harness::{assert_unchanged, bounded, check, runner, tree};
use super::mutate::{text_inputs, Input};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The policy seeds: the example, and the same corridor for both live venues.
fn policy_seeds() -> Vec<Vec<u8>> {
    let kraken = EXAMPLE
        .replace("venue = \"fake\"", "venue = \"kraken\"")
        .replace("stage = \"micro\"", "stage = \"full\"");
    let both = format!(
        "{EXAMPLE}\n{}",
        // The corridor only: the example's `[portfolio]` may be given once.
        EXAMPLE[EXAMPLE.find("[[corridor]]").unwrap()..].replace("\"fake\"", "\"hyperliquid\"")
    );
    vec![EXAMPLE.as_bytes().to_vec(), kraken.into_bytes(), both.into_bytes()]
}

#[test]
fn execution_policy_parses_or_names_the_field() {
    let mut r = runner(3_000);
    let res = r.run(&text_inputs(policy_seeds()), |Input(bytes)| {
        let b = bytes.clone();
        bounded("execution policy", &bytes, move || {
            if let Ok(p) = policy::parse(&b, Path::new("execution_policy.toml")) {
                for c in &p.policy.corridors {
                    let _ = (c.limits(), c.above_micro_live(), p.corridor(&c.id()).is_some());
                }
            }
        });
        Ok(())
    });
    check("execution policy", res);
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn plan() -> PlanInput {
    PlanInput {
        venue: Venue::Fake,
        account: "main".into(),
        symbol: "BTC/USD".into(),
        side: Side::Buy,
        market: Market::Spot,
        entry_kind: EntryKind::Limit,
        entry: d("100"),
        stop: d("95"),
        targets: vec![Target { price: d("110"), share_pct: d("100") }],
        equity: d("10000"),
        risk: Risk::Pct(d("1")),
        fee_bps: Decimal::ZERO,
        leverage: None,
        maintenance_margin_rate: d("0.005"),
        current_exposure: Decimal::ZERO,
        rules: Rules {
            tick_size: d("0.1"),
            lot_size: d("0.01"),
            min_size: d("0.01"),
            min_notional: d("5"),
            max_price_sig_figs: None,
        },
        from_venue: None,
    }
}

/// `pretrade plan` loads the policy, then writes the plan: a policy that does not load must
/// stop it before anything is written.
#[test]
fn a_refused_policy_stops_a_writing_command_before_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let ws_root = dir.path().join("ws");
    std::fs::create_dir_all(&ws_root).unwrap();
    let policy_path = ws_root.join(policy::POLICY_FILE);
    std::fs::write(&policy_path, EXAMPLE).unwrap();
    let engine = Arc::new(Engine::open(Workspace::at(&ws_root)));
    engine.pretrade().plan(plan()).unwrap();
    let mut r = runner(300);
    let res = r.run(&text_inputs(policy_seeds()), |Input(bytes)| {
        std::fs::write(&policy_path, &bytes).unwrap();
        let before = tree(&ws_root);
        let e = engine.clone();
        let written =
            bounded("policy load in pretrade plan", &bytes, move || e.pretrade().plan(plan()).map(|p| p.id));
        match written {
            Err(_) => assert_unchanged("policy load in pretrade plan", &before, &tree(&ws_root), &bytes),
            Ok(id) => std::fs::remove_dir_all(ws_root.join("pretrade_sessions").join(id)).unwrap(),
        }
        Ok(())
    });
    check("policy load in pretrade plan", res);
}

fn keymap_seed() -> Vec<u8> {
    let doc = std::fs::read_to_string(root().join("docs/keymap.md")).unwrap();
    let block = doc
        .split("```toml")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block in docs/keymap.md");
    block.as_bytes().to_vec()
}

#[test]
fn keymap_toml() {
    let extra = b"[[bind]]\ncontext = \"global\"\nkeys = [\"ctrl+alt+shift+f12\", \"^c\", \"S-Tab\", \"\xe2\x86\x91\"]\naction = \"quit\"\n".to_vec();
    let mut r = runner(3_000);
    let res = r.run(&text_inputs(vec![keymap_seed(), extra]), |input| {
        let text = input.text();
        bounded("keymap", &input.0, move || {
            if let Ok(km) = Keymap::from_toml(&text) {
                let _ = (km.help(), km.footer(Context::ALL[0]));
            }
        });
        Ok(())
    });
    check("keymap", res);
}

#[test]
fn theme_toml() {
    let mut seeds = Vec::new();
    for name in Theme::names() {
        seeds.push(std::fs::read(root().join("themes").join(format!("{name}.toml"))).unwrap());
    }
    let mut r = runner(2_000);
    let res = r.run(&text_inputs(seeds), |input| {
        let text = input.text();
        bounded("theme", &input.0, move || {
            if let Ok(t) = Theme::from_toml("fuzz", &text) {
                let _ = (t.heat(0.5), t.heat(f64::NAN), t.heat(1e308), t.heat(-0.0));
                let _ = (t.clone().to_ansi16(), t.to_ansi256());
            }
        });
        Ok(())
    });
    check("theme", res);
}

fn venues_seed() -> Vec<Vec<u8>> {
    let full =
        "[kraken.main]\nbase_url = \"http://127.0.0.1:8790/\"\nws_url = \"ws://127.0.0.1:8790/kraken/v2\"\n\
        ws_auth_url = \"ws://127.0.0.1:8790/kraken/v2\"\ntimeout_ms = 10000\n\n[hyperliquid.main]\n\
        base_url = \"http://127.0.0.1:8790\"\naccount = \"0x5e9ee1089755c3435139848e47e6635505d5a13a\"\n\
        vault = \"0x0000000000000000000000000000000000000001\"\ntimeout_ms = 5000\n";
    vec![full.as_bytes().to_vec(), b"[kraken.main]\nbase_url = \"https://[::1]:8790\"\n".to_vec()]
}

#[test]
fn venues_toml() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Arc::new(Workspace::at(dir.path()));
    let path = endpoints::path(&ws);
    let mut r = runner(2_000);
    let res = r.run(&text_inputs(venues_seed()), |Input(bytes)| {
        std::fs::write(&path, &bytes).unwrap();
        let w = ws.clone();
        bounded("venues.toml", &bytes, move || {
            for venue in [Venue::Kraken, Venue::Hyperliquid] {
                let id = CorridorId::new(venue, "main").unwrap();
                if let Ok(e) = endpoints::resolve(&w, &id) {
                    // Every URL through the parser; names are not resolved (no DNS from a fuzz
                    // case: a resolver's timeout is not the parser's hang).
                    let no_dns = |h: &str, _: u16| Err(std::io::Error::other(format!("no DNS ({h})")));
                    let _ = (e.loopback_check_with(&no_dns), e.network);
                }
                let _ = endpoints::resolve_public(&w, &id);
            }
        });
        Ok(())
    });
    check("venues.toml", res);
}

#[test]
fn quantlab_toml() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Arc::new(Workspace::at(dir.path()));
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let seed = doc.split("```toml").nth(1).and_then(|b| b.split("```").next()).unwrap().as_bytes().to_vec();
    let mut r = runner(1_000);
    let res = r.run(&text_inputs(vec![seed]), |Input(bytes)| {
        std::fs::write(ws.config_path(), &bytes).unwrap();
        let w = ws.clone();
        bounded("quantlab.toml", &bytes, move || Config::load(&w).is_ok());
        Ok(())
    });
    check("quantlab.toml", res);
}

#[test]
fn notify_toml() {
    let doc = std::fs::read_to_string(root().join("docs/notifications.md")).unwrap();
    let seed = doc.split("```toml").nth(1).and_then(|b| b.split("```").next()).unwrap().as_bytes().to_vec();
    let mut r = runner(1_000);
    let res = r.run(&text_inputs(vec![seed]), |Input(bytes)| {
        let input = bytes.clone();
        bounded("notify.toml", &bytes, move || {
            let text = String::from_utf8_lossy(&input).into_owned();
            // Parsed, or refused naming the file.
            if let Err(e) = quantlab::engine::notify::config::parse(&text, Path::new("notify.toml")) {
                assert!(e.message.starts_with("notify.toml"), "{}", e.message);
            }
        });
        Ok(())
    });
    check("notify.toml", res);
}

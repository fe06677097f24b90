//! A live session under a grant of automation on the loopback simulator: orders inside every
//! limit go out with no keypress, signed by the grant's key; the daily order limit, the
//! notional limit, a kill, a policy edit and a grant file widened by hand each put the session's
//! next intent back behind the keypress; an anomaly pauses the session.

use std::sync::{Arc, Mutex};

use quantlab::engine::automation::{AutomationError, GrantState};
use quantlab::engine::execution::Venue;
use quantlab::engine::live::PausedBy;
use quantlab::engine::paper::Status;
use quantlab::engine::promotion::Stage;
use quantlab::engine::ErrorKind;
use rust_decimal::Decimal;

use super::rig::{kraken, limits, Rig, FOUR_ORDERS};
use crate::common::corridor::cli;
use crate::common::promotion;

#[test]
fn three_orders_inside_the_grant_go_without_a_keypress_and_the_daily_limit_stops_the_fourth() {
    let r = Rig::new();
    let g = r.grant(limits(3), 2).unwrap();
    // Up to the fourth order's bar and one more (a fourth left waiting longer drifts from the
    // shadow, which demotes the candidate: tested in the live group).
    let end = r.run(&FOUR_ORDERS[..23], |_| {});
    assert_eq!(end.status, Status::Completed, "{end:?}");
    // Three orders reached the venue, each approved by automation and signed with the grant's key.
    assert_eq!(r.sim.placed_kraken_orders().len(), 3, "{end:#?}");
    let automated = r.kinds(&end.id, "automated");
    assert_eq!(automated.len(), 3);
    assert!(automated.iter().all(|e| e["detail"]["grant"] == g.id.as_str()), "{automated:#?}");
    let entries = r.engine.execution().journal_entries(Venue::Kraken, "main").unwrap();
    let approvals: Vec<_> = entries
        .iter()
        .filter_map(|e| match &e.event {
            quantlab::engine::execution::model::Event::Approved { approval } => Some(approval.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(approvals.len(), 3);
    for a in &approvals {
        assert_eq!(a.by, format!("automation {}", g.id));
        assert_eq!(a.public_key.as_deref(), Some(g.automation_public_key.as_str()));
        assert_eq!(a.automation.as_ref().unwrap().grant, g.id);
    }
    // The fourth waits for the keypress: the grant's orders for the day are spent.
    let waits = r.kinds(&end.id, "waits");
    assert_eq!(waits.len(), 1, "{:#?}", r.events(&end.id));
    assert_eq!(waits[0]["detail"]["limit"], "max_orders_per_day");
    let fourth = end.pending_intent.clone().expect("the fourth waits");
    assert_eq!(end.intents.filled, 3);
    let v = r.engine.automation().grant(&g.id).unwrap();
    assert_eq!((v.state, v.orders_today, v.orders_left_today), (GrantState::Live, 3, 0));
    // A script cannot approve it either: exit 3, naming the limit; nothing is sent.
    let (code, out) = cli(&r.ws, &["intent", "approve", &fourth]);
    assert_eq!(code, 3, "{out}");
    assert!(out["error"]["message"].as_str().unwrap().contains("max_orders_per_day"), "{out}");
    assert_eq!(r.sim.placed_kraken_orders().len(), 3);
    // The chain operator -> grant -> approval holds.
    let report = r.engine.execution().audit_verify(Some(Venue::Kraken), Some("main")).unwrap();
    assert!(report.ok, "{report:#?}");
    assert_eq!(report.corridors[0].signed, 3);
}

#[test]
fn an_order_beyond_the_notional_limit_waits_for_the_keypress_and_a_script_is_told_why() {
    let r = Rig::new();
    let mut l = limits(10);
    l.max_order_notional = Decimal::from(100);
    let g = r.grant(l, 2).unwrap();
    // The session stops after its first signal (bar 6) and the bar after it.
    let end = r.run(&FOUR_ORDERS[..8], |_| {});
    assert!(r.sim.placed_kraken_orders().is_empty(), "nothing is sent without the keypress");
    let waits = r.kinds(&end.id, "waits");
    assert_eq!(waits.len(), 1, "{:#?}", r.events(&end.id));
    assert_eq!(
        (waits[0]["detail"]["limit"].as_str(), waits[0]["detail"]["grant"].as_str()),
        (Some("max_order_notional"), Some(g.id.as_str()))
    );
    assert_eq!(r.alerts("LIVE_INTENT_CREATED").len(), 1, "it waits for the keypress like any intent");
    let intent = end.pending_intent.clone().unwrap();
    let e = r.engine.automation().intent_approve(&intent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(
        matches!(e.domain::<AutomationError>(), Some(AutomationError::NotCovered { limit, .. }) if limit == "max_order_notional"),
        "{e:?}"
    );
    assert_eq!(r.engine.execution().intent(&intent).unwrap().record.status.name(), "pending");
}

#[test]
fn a_kill_revokes_the_grant_and_the_next_intent_waits_for_the_keypress() {
    let r = Rig::new();
    let g = r.grant(limits(10), 2).unwrap();
    let engine = r.engine.clone();
    let (candidate, id) = (r.candidate(), Arc::new(Mutex::new(None::<String>)));
    let session = id.clone();
    let end = r.run(&FOUR_ORDERS[..12], move |t| {
        let s = || engine.live().list().unwrap().into_iter().last().unwrap();
        match t {
            // After the automated buy of bar 6: the kill switch, in every corridor.
            8 => {
                engine.execution().kill(None, None, "drill").unwrap();
            }
            // The session paused for its corridor: the operator rearms, arms, promotes the
            // candidate again (the kill demoted it) and resumes the session.
            9 => {
                assert_eq!(s().paused_by, Some(PausedBy::Corridor), "{:?}", s());
                // The kill opened an incident: reviewed and closed before anything trades again.
                for i in engine.incidents().list(false).unwrap() {
                    engine.incidents().close(&i.id, "drill reviewed").unwrap();
                }
                engine.execution().rearm(None, None).unwrap();
                engine.execution().corridor_arm(Venue::Kraken, "main").unwrap();
                promotion::promote_to(&engine, &candidate, Some(&kraken()), Stage::MicroLive);
                engine.live().resume(&s().id).unwrap();
                *session.lock().unwrap() = Some(s().id);
            }
            _ => {}
        }
    });
    assert!(id.lock().unwrap().is_some(), "the kill happened mid-run");
    let v = r.engine.automation().grant(&g.id).unwrap();
    assert!(
        matches!(&v.state, GrantState::Revoked { reason, recorded: true, .. } if reason.contains("kill switch")),
        "{v:#?}"
    );
    // One automated order before the kill; the sell of bar 10 waits for the keypress.
    assert_eq!(r.sim.placed_kraken_orders().len(), 1);
    assert_eq!(r.kinds(&end.id, "automated").len(), 1);
    r.waiting(&end, "the sell waits");
    assert!(r.alerts("AUTOMATION_REVOKED").iter().any(|m| m.contains(&g.id)));
}

#[test]
fn a_policy_edit_revokes_the_grant_for_good() {
    let r = Rig::new();
    let g = r.grant(limits(10), 2).unwrap();
    let path = r.ws.path().join("execution_policy.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{before}# tightened later\n")).unwrap();
    let v = r.engine.automation().grant(&g.id).unwrap();
    assert!(
        matches!(&v.state, GrantState::Revoked { reason, .. } if reason.contains("policy changed")),
        "{v:#?}"
    );
    // Putting the policy back does not bring the grant back: its revocation was recorded.
    std::fs::write(&path, &before).unwrap();
    let v = r.engine.automation().grant(&g.id).unwrap();
    assert!(
        matches!(&v.state, GrantState::Revoked { recorded: true, reason, .. } if reason.contains("policy changed")),
        "{v:#?}"
    );
    let end = r.run(&FOUR_ORDERS[..8], |_| {});
    assert!(r.sim.placed_kraken_orders().is_empty());
    assert!(end.pending_intent.is_some(), "the buy waits for the keypress");
    assert!(r.kinds(&end.id, "automated").is_empty());
}

#[test]
fn a_grant_file_widened_by_hand_is_refused_at_use_and_named_by_audit_verify() {
    let r = Rig::new();
    let mut l = limits(10);
    l.max_order_notional = Decimal::from(100);
    let g = r.grant(l, 2).unwrap();
    let file = r.ws.path().join("automation/grants").join(format!("{}.json", g.id));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"max_order_notional\": \"100\""), "{text}");
    std::fs::write(
        &file,
        text.replace("\"max_order_notional\": \"100\"", "\"max_order_notional\": \"5000\""),
    )
    .unwrap();
    let v = r.engine.automation().grant(&g.id).unwrap();
    assert!(matches!(&v.state, GrantState::Untrusted { why } if why.starts_with("widened")), "{v:#?}");
    let end = r.run(&FOUR_ORDERS[..8], |_| {});
    assert!(r.sim.placed_kraken_orders().is_empty(), "the widened grant approves nothing");
    assert!(r.kinds(&end.id, "automated").is_empty());
    // At use: a script asking for it is told the grant is not to be trusted.
    let intent = end.pending_intent.clone().expect("the buy waits for the keypress");
    let e = r.engine.automation().intent_approve(&intent).unwrap_err();
    assert!(
        matches!(e.domain::<AutomationError>(), Some(AutomationError::NotCovered { limit, why, .. }) if limit == "grant" && why.contains("widened")),
        "{e:?}"
    );
    let (code, out) = cli(&r.ws, &["audit", "verify", "--venue", "kraken", "--account", "main"]);
    assert_eq!(code, 3, "{out}");
    let problems = out["result"]["corridors"][0]["problems"].as_array().cloned().unwrap_or_default();
    assert!(
        problems.iter().any(|p| p["kind"] == "grant_untrusted" && p["why"].as_str().unwrap().contains(&g.id)),
        "{out:#}"
    );
}

#[test]
fn a_refused_preflight_pauses_a_session_under_automation_until_the_operator_resumes_it() {
    let r = Rig::new();
    r.grant(limits(10), 2).unwrap();
    // The venue's clock runs five seconds ahead: preflight's clock rule refuses the buy of bar 6.
    r.sim.fault("clock-offset", &["5000"]);
    let engine = r.engine.clone();
    let seen = Arc::new(Mutex::new(None));
    let at_8 = seen.clone();
    let end = r.run(&FOUR_ORDERS[..9], move |t| {
        if t == 8 {
            let s = engine.live().list().unwrap().into_iter().last().unwrap();
            *at_8.lock().unwrap() = Some((s.status, s.paused_by));
        }
    });
    r.sim.fault("clear", &[]);
    assert_eq!(
        *seen.lock().unwrap(),
        Some((Status::Paused, Some(PausedBy::Automation))),
        "{:#?}",
        r.events(&end.id)
    );
    assert!(r.sim.placed_kraken_orders().is_empty());
    assert!(
        r.alerts("AUTOMATION_PAUSED").iter().any(|m| m.contains("clock")),
        "{:?}",
        r.alerts("AUTOMATION_PAUSED")
    );
}

#[test]
fn an_expired_grant_covers_nothing_and_its_revocation_is_recorded() {
    use quantlab::engine::automation::{revoke, status};
    let r = Rig::new();
    let g = r.grant(limits(10), 1).unwrap();
    let ws = r.engine.workspace();
    let later = g.expires_ms + 1;
    let v = revoke::views(ws, later).unwrap();
    assert_eq!(v[0].state, GrantState::Expired);
    let entries = r.engine.execution().journal_entries(Venue::Kraken, "main").unwrap();
    let at = |ms| status::Now::read(ws, None, ms).unwrap();
    assert!(status::live_for(ws, &kraken(), &r.candidate(), &entries, &at(later)).is_none());
    assert!(status::live_for(ws, &kraken(), &r.candidate(), &entries, &at(later - 2)).is_some());
    // The first look after the expiry records it and deletes the key.
    assert_eq!(revoke::sync(ws, r.store.as_ref(), later).unwrap(), vec![g.id.clone()]);
    let v = revoke::views(ws, later).unwrap();
    assert!(
        matches!(&v[0].state, GrantState::Revoked { reason, recorded: true, .. } if reason == "expired"),
        "{v:#?}"
    );
    assert!(quantlab::engine::automation::key::AutomationKey::load(r.store.as_ref(), &g.id)
        .unwrap()
        .is_none());
}

#[test]
fn a_fill_the_session_did_not_expect_pauses_it_under_automation() {
    use crate::common::intents::buy;
    use crate::common::keypress::keypress;
    use quantlab::engine::execution::{open_corridor, OperatorKey, OrderType};
    let r = Rig::new();
    r.grant(limits(10), 2).unwrap();
    let engine = r.engine.clone();
    let seen = Arc::new(Mutex::new(None));
    let at_5 = seen.clone();
    let end = r.run(&FOUR_ORDERS[..6], move |t| match t {
        // The operator buys on the same account and symbol by hand (the keypress, signed):
        // the venue's position moves by what the session's own orders do not explain.
        3 => {
            let i = engine
                .execution()
                .intent_new(buy(Venue::Kraken, "XBTUSD", "0.001", OrderType::Market, None))
                .unwrap();
            let ws = engine.workspace();
            let mut c = open_corridor(ws, engine.adapters(), &kraken(), engine.credentials()).unwrap();
            let key = OperatorKey::load_or_create_as(engine.credentials(), ws, "tester").unwrap();
            c.approve(keypress(&c, &i.id), &key).unwrap();
            engine.venue_runtime().block_on(c.submit(&i.id, false)).unwrap().unwrap();
        }
        5 => {
            let s = engine.live().list().unwrap().into_iter().last().unwrap();
            *at_5.lock().unwrap() = Some((s.status, s.paused_by, s.reason));
        }
        _ => {}
    });
    let seen = seen.lock().unwrap().clone();
    assert!(
        matches!(&seen, Some((Status::Paused, Some(PausedBy::Automation), Some(why))) if why.contains("did not expect")),
        "{seen:?} {:#?}",
        r.events(&end.id)
    );
    assert_eq!(r.sim.placed_kraken_orders().len(), 1, "only the operator's own order");
}

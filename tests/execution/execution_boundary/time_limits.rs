//! Limits in time: an approval's time-to-live and the breaker's window.

use quantlab::engine::execution::error::{ExecutionError, SubmitRefusal};
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::venues::fake::Fault;
use quantlab::engine::ErrorKind;

use super::rig::*;

/// An approval is good for the policy's approval_ttl_secs and no longer: wait past it and the
/// submit is refused as lapsed, before anything reaches the venue.
#[tokio::test]
async fn an_approval_lapses_after_its_ttl() {
    let r = Rig::with_policy(Some(EXAMPLE.replace("approval_ttl_secs = 30", "approval_ttl_secs = 1")));
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    let a = c.rehearse(&i.id, key()).unwrap();
    assert_eq!(a.expires_ms - a.approved_ms, 1_000);
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(matches!(e.domain(), Some(ExecutionError::SubmitRefused(SubmitRefusal::Lapsed(_)))), "{e:?}");
    assert_eq!(r.venue.with(|s| s.submits_received), 0, "nothing reached the venue");
    assert!(quantlab::engine::alerts::list(&r.ws).unwrap().iter().any(|a| a.alert.code == "SUBMIT_REFUSED"));
    // A fresh approval sends it.
    c.rehearse(&i.id, key()).unwrap();
    c.submit(&i.id, false).await.unwrap();
    assert_eq!(r.venue.orders().len(), 1);
}

/// The breaker counts rejects and venue errors within its window (3 in 10 min in the
/// example): three inside it trip the corridor, the same three spread wider do not.
#[tokio::test]
async fn the_breaker_counts_failures_within_its_window_only() {
    let faults =
        || [Fault::Reject("insufficient margin".into()), Fault::Unavailable, Fault::TimeoutBeforePlacing];
    // 0, 4 and 8 minutes: within 10.
    let r = Rig::new();
    let mut c = r.open();
    for (n, f) in faults().into_iter().enumerate() {
        if n > 0 {
            c.advance_clock(4 * 60_000);
        }
        assert!(c.halted().is_none(), "halted after {n} failure(s)");
        r.venue.inject(f);
        assert_eq!(send(&mut c, spec()).await.unwrap_err().kind, ErrorKind::Venue);
    }
    assert!(c.halted().unwrap().to_lowercase().contains("breaker"), "{:?}", c.halted());
    assert!(quantlab::engine::alerts::list(&r.ws).unwrap().iter().any(|a| a.alert.code == "BREAKER_TRIPPED"));

    // 0, 6 and 12 minutes: never three within 10.
    let r = Rig::new();
    let mut c = r.open();
    for (n, f) in faults().into_iter().enumerate() {
        if n > 0 {
            c.advance_clock(6 * 60_000);
        }
        r.venue.inject(f);
        assert_eq!(send(&mut c, spec()).await.unwrap_err().kind, ErrorKind::Venue);
    }
    assert!(c.halted().is_none(), "{:?}", c.halted());
    let (passed, failures) = actual(&mut c, spec(), "breaker").await;
    assert_eq!((passed, failures.as_str()), (true, "2"), "two failures in the last 10 min");
    send(&mut c, spec()).await.unwrap();
    assert!(quantlab::engine::alerts::list(&r.ws).unwrap().iter().all(|a| a.alert.code != "BREAKER_TRIPPED"));
}

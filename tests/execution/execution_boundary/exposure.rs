//! Exposure fails closed: every position the venue reports is priced, and one that cannot be
//! priced fails the exposure rules rather than counting as zero.

use super::rig::*;

/// A position the venue reports is priced even when the corridor never heard of its symbol,
/// and one that cannot be priced fails the exposure rules instead of counting as zero.
#[tokio::test]
async fn positions_without_a_mark_fail_exposure_closed() {
    // Held at the venue, outside the policy, no mark anywhere.
    let r = Rig::new();
    r.venue.with(|s| s.set_position("SOL/USD", d("30")));
    let mut c = r.open();
    assert_eq!(
        actual(&mut c, spec(), "max_gross_exposure").await,
        (false, "unknown (no mark for SOL/USD)".to_string())
    );
    assert!(actual(&mut c, spec(), "max_position_notional").await.0, "BTC/USD itself is priced");
    refused_by(&mut c, spec(), "max_gross_exposure").await;

    // The same position with a mark at the venue: fetched and counted (30 x 100 + 0.002 x 49900).
    let r = Rig::new();
    r.venue.with(|s| {
        s.set_position("SOL/USD", d("30"));
        s.exchange.mids.insert("SOL/USD".into(), d("100"));
    });
    let mut c = r.open();
    assert_eq!(actual(&mut c, spec(), "max_gross_exposure").await, (false, "3099.800".to_string()));

    // No mark for the order's own symbol: its position cannot be valued either.
    let r = Rig::new();
    r.venue.with(|s| s.exchange.mids.remove("BTC/USD"));
    let mut c = r.open();
    let unknown = (false, "unknown (no mark for BTC/USD)".to_string());
    assert_eq!(actual(&mut c, spec(), "max_position_notional").await, unknown);
    assert_eq!(actual(&mut c, spec(), "max_gross_exposure").await, unknown);
}

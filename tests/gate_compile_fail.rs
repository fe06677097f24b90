//! The live approval gate, held by the compiler: code outside the console's order confirm
//! dialog cannot make a `Confirmation` for a live corridor (no constructor takes corridor,
//! intent and digest alone; no struct literal compiles), cannot make the dialog's
//! `KeypressWitness`, and cannot change what an open dialog or a pending intent shows after it
//! was shown; nor can it make the Promotion dialog's `PromotionWitness` or a
//! `PromotionConfirmation` (a candidate is promoted only by its id typed in the console, or by the
//! demo's own path inside the engine, loopback only); nor the grant dialog's `GrantWitness` or a
//! `GrantConfirmation` any way but `typed(witness)` (automation is granted only by the corridor's
//! name typed in the console). Each
//! file under tests/compile_fail/ tries one bypass and must fail to compile with the error
//! recorded beside it (`TRYBUILD=overwrite` records them again).
//!
//! A binary of its own, not a group of tests/integration.rs: trybuild runs cargo to build the
//! crate and each file, minutes of both cores on a fresh build, which would run on a test
//! thread beside the integration tests' timed ones (the dialog's dwell, the simulator's
//! latency figures) and slow every `cargo test --test integration` while iterating.

#[test]
fn bypasses_of_the_confirm_key_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}

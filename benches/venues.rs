//! Venue signing speed: a Hyperliquid order from prices to the signed POST /exchange body
//! (round, build, msgpack, keccak, EIP-712, secp256k1, JSON), and a Kraken request's API-Sign.
//! `cargo bench --bench venues`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quantlab::engine::venues::evm::signer::EvmSigner;
use quantlab::engine::venues::hyperliquid::action::*;
use quantlab::engine::venues::hyperliquid::sign::{signed_l1_body, L1Params};
use quantlab::engine::venues::hyperliquid::wire::{round_price, round_size, MarketKind};
use quantlab::engine::venues::kraken::auth::KrakenSecret;

/// A throwaway key (the vectors' test key), never a real one.
const KEY: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";

/// The signed body of `action` with the `i`th nonce, as the adapter sends it.
fn sign(signer: &EvmSigner, action: &Action, i: u64) -> String {
    let params =
        L1Params { nonce: 1_700_000_000_000 + i, vault_address: None, expires_after: None, is_mainnet: true };
    signed_l1_body(signer, action, &params).unwrap()
}

fn hyperliquid_order(c: &mut Criterion) {
    let signer = EvmSigner::from_hex(KEY).unwrap();
    let mut i = 0u64;
    c.bench_function("hyperliquid order -> signed body", |b| {
        b.iter(|| {
            i += 1;
            let px = round_price(black_box(2000.53) + i as f64 * 0.01, 4, MarketKind::Perp).unwrap();
            let sz = round_size(black_box(0.25), 4).unwrap();
            let action = Action::Order(OrderAction {
                orders: vec![OrderWire {
                    a: 1,
                    b: false,
                    p: px.wire,
                    s: sz.wire,
                    r: false,
                    t: OrderType::Limit { tif: Tif::Alo },
                    c: Some(Cloid::from_u128(u128::from(i))),
                }],
                grouping: Grouping::Na,
            });
            black_box(sign(&signer, &action, i))
        })
    });
}

/// An entry with its take-profit and stop-loss: one `normalTpsl` action of three orders.
fn hyperliquid_bracket(c: &mut Criterion) {
    let signer = EvmSigner::from_hex(KEY).unwrap();
    let mut i = 0u64;
    c.bench_function("hyperliquid bracket (entry, tp, sl) -> signed body", |b| {
        b.iter(|| {
            i += 1;
            let px = |x: f64| round_price(black_box(x) + i as f64 * 0.01, 4, MarketKind::Perp).unwrap().wire;
            let sz = round_size(black_box(0.25), 4).unwrap().wire;
            let exit = |trigger: String, tpsl: Tpsl, n: u128| OrderWire {
                a: 1,
                b: false,
                p: trigger.clone(),
                s: sz.clone(),
                r: true,
                t: OrderType::Trigger { is_market: true, trigger_px: trigger, tpsl },
                c: Some(Cloid::from_u128(u128::from(i) * 3 + n)),
            };
            let entry = OrderWire {
                a: 1,
                b: true,
                p: px(2000.53),
                s: sz.clone(),
                r: false,
                t: OrderType::Limit { tif: Tif::Gtc },
                c: Some(Cloid::from_u128(u128::from(i) * 3)),
            };
            let action = Action::Order(OrderAction {
                orders: vec![entry, exit(px(2100.0), Tpsl::Tp, 1), exit(px(1950.0), Tpsl::Sl, 2)],
                grouping: Grouping::NormalTpsl,
            });
            black_box(sign(&signer, &action, i))
        })
    });
}

fn kraken_sign(c: &mut Criterion) {
    // Kraken's documented example secret.
    let secret = KrakenSecret::from_base64(
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
    )
    .unwrap();
    let body = b"nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
    c.bench_function("kraken API-Sign", |b| {
        b.iter(|| black_box(secret.sign("/0/private/AddOrder", 1_616_492_376_594, black_box(body))))
    });
}

criterion_group!(benches, hyperliquid_order, hyperliquid_bracket, kraken_sign);
criterion_main!(benches);

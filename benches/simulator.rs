//! The loopback simulator under load: orders accepted and matched per second (Hyperliquid
//! market orders, signed and verified, eight in flight; Kraken AddOrder, signed and verified,
//! one at a time as Kraken's per-key nonce order requires), and websocket fan-out latency
//! (an order sent until all ten subscribers have its orderUpdates push).
//! `cargo bench --bench simulator`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures_util::{SinkExt, StreamExt};
use quantlab::engine::venues::evm::signer::EvmSigner;
use quantlab::engine::venues::http::Http;
use quantlab::engine::venues::hyperliquid::action::*;
use quantlab::engine::venues::hyperliquid::client::HlClient;
use quantlab::engine::venues::hyperliquid::network::Network;
use quantlab::engine::venues::kraken::auth::KrakenSecret;
use quantlab::engine::venues::kraken::client::KrakenClient;
use quantlab::engine::venues::kraken::nonce_store::PersistedNonce;
use quantlab::engine::venues::sim::{config::SimConfig, server, state::Sim};
use quantlab::engine::workspace::Workspace;
use tokio_tungstenite::tungstenite::Message;

/// Throwaway keys, never real ones.
const AGENT: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";
const ACCOUNT: &str = "0x00000000000000000000000000000000000000aa";
const SECRET: &str = "c2ltdWxhdG9yLWJlbmNoLXNlY3JldA==";

struct Running {
    rt: tokio::runtime::Runtime,
    base: String,
    _dir: tempfile::TempDir,
}

fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let agent = EvmSigner::from_hex(AGENT).unwrap().address().to_lower_hex();
    let text = format!(
        "[market]\nseed = 7\ntick_ms = 250\n[book]\nlevel_qty = \"1000000\"\n\
         [[kraken.accounts]]\napi_key = \"bench\"\napi_secret = \"{SECRET}\"\nbalances = {{ ZUSD = \"1000000000000\", XXBT = \"1000000\" }}\n\
         [[hyperliquid.accounts]]\naddress = \"{ACCOUNT}\"\nagents = [\"{agent}\"]\nusdc = \"1000000000000\"\n"
    );
    let path = dir.path().join("sim.toml");
    std::fs::write(&path, &text).unwrap();
    let cfg = SimConfig::parse(&path, &text).unwrap();
    let sim = Sim::open(&cfg, &path, &Workspace::at(dir.path())).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let base = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(server::serve(server::App::new(sim), listener, std::future::pending()));
        format!("http://{addr}")
    });
    Running { rt, base, _dir: dir }
}

/// The agent's client for the benchmark account.
fn hl_client(s: &Running) -> HlClient {
    let account = quantlab::engine::venues::evm::address::Address::from_hex(ACCOUNT).unwrap();
    HlClient::new(
        &s.base,
        Http::new(5_000).unwrap(),
        EvmSigner::from_hex(AGENT).unwrap(),
        account,
        None,
        Network::Testnet,
    )
}

fn market_order(i: u64) -> Action {
    Action::Order(OrderAction {
        orders: vec![OrderWire {
            a: 0,
            b: i.is_multiple_of(2),
            p: if i.is_multiple_of(2) { "90000".into() } else { "30000".into() },
            s: "0.001".into(),
            r: false,
            t: OrderType::Limit { tif: Tif::Ioc },
            c: None,
        }],
        grouping: Grouping::Na,
    })
}

fn throughput(c: &mut Criterion) {
    let s = start();
    let hl = hl_client(&s);
    let hl = std::sync::Arc::new(hl);
    let mut g = c.benchmark_group("simulator");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(8));
    let mut i = 0u64;
    g.bench_function("hyperliquid: 8 market orders accepted and matched", |b| {
        b.iter(|| {
            s.rt.block_on(async {
                let mut tasks = Vec::new();
                for _ in 0..8 {
                    i += 1;
                    let (hl, action) = (hl.clone(), market_order(i));
                    tasks.push(tokio::spawn(async move { hl.exchange(&action).await.unwrap() }));
                }
                for t in tasks {
                    t.await.unwrap();
                }
            })
        })
    });
    let nonce = PersistedNonce::open(&s._dir.path().join("bench.nonce")).unwrap();
    let kraken = KrakenClient::new(
        &s.base,
        Http::new(5_000).unwrap(),
        "bench".into(),
        KrakenSecret::from_base64(SECRET).unwrap(),
        nonce,
    );
    g.throughput(Throughput::Elements(1));
    let mut k = 0u64;
    g.bench_function("kraken: AddOrder market accepted and matched", |b| {
        b.iter(|| {
            k += 1;
            let side = if k.is_multiple_of(2) { "buy" } else { "sell" };
            let p = [
                ("ordertype", "market".to_string()),
                ("type", side.into()),
                ("volume", "0.001".into()),
                ("pair", "XBTUSD".into()),
            ];
            s.rt.block_on(kraken.private("AddOrder", &p)).unwrap()
        })
    });
    g.finish();
}

fn fan_out(c: &mut Criterion) {
    let s = start();
    let ws_url = s.base.replacen("http://", "ws://", 1) + "/ws";
    const SUBSCRIBERS: usize = 10;
    let mut sockets = s.rt.block_on(async {
        let mut v = Vec::new();
        for _ in 0..SUBSCRIBERS {
            let (mut sock, _) = tokio_tungstenite::connect_async(ws_url.as_str()).await.unwrap();
            let sub = format!(
                r#"{{"method":"subscribe","subscription":{{"type":"orderUpdates","user":"{ACCOUNT}"}}}}"#
            );
            sock.send(Message::Text(sub.into())).await.unwrap();
            let _ack = sock.next().await;
            v.push(sock);
        }
        v
    });
    let hl = hl_client(&s);
    let mut i = 0u64;
    let mut g = c.benchmark_group("simulator");
    g.sample_size(30);
    g.bench_function("websocket fan-out: order sent -> pushed to 10 subscribers", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                i += 1;
                s.rt.block_on(async {
                    // From the order leaving the client: the push can beat the HTTP reply.
                    let t0 = Instant::now();
                    hl.exchange(&market_order(i)).await.unwrap();
                    for sock in sockets.iter_mut() {
                        loop {
                            let m = sock.next().await.unwrap().unwrap();
                            if matches!(&m, Message::Text(t) if t.contains("orderUpdates") && t.contains("filled")) {
                                break;
                            }
                        }
                    }
                    total += t0.elapsed();
                });
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, throughput, fan_out);
criterion_main!(benches);

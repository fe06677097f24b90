//! The rig: a simulator, a corridor over the real adapter for one venue, an operator key, and
//! a thin adapter wrapper that sets a fault as the corridor hands it the order.

use super::*;

/// The real adapter, plus a fault set through the simulator's control path when the next
/// order is handed to it.
pub(crate) struct FaultOnSubmit {
    pub(crate) inner: Arc<dyn BrokerAdapter>,
    pub(crate) url: String,
    pub(crate) next: Mutex<Option<Value>>,
}

#[async_trait]
impl BrokerAdapter for FaultOnSubmit {
    fn venue(&self) -> Venue {
        self.inner.venue()
    }
    fn loopback_only(&self) -> std::result::Result<(), quantlab::engine::loopback::NotLoopback> {
        self.inner.loopback_only()
    }
    async fn status(&self) -> VenueResult<VenueStatus> {
        self.inner.status().await
    }
    async fn server_time(&self) -> VenueResult<i64> {
        self.inner.server_time().await
    }
    async fn instruments(&self) -> VenueResult<Vec<InstrumentRules>> {
        self.inner.instruments().await
    }
    async fn balances(&self) -> VenueResult<Vec<Balance>> {
        self.inner.balances().await
    }
    async fn positions(&self) -> VenueResult<Vec<Position>> {
        self.inner.positions().await
    }
    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>> {
        self.inner.open_orders().await
    }
    async fn order_status(&self, o: &OrderRef) -> VenueResult<Option<OrderReport>> {
        self.inner.order_status(o).await
    }
    async fn submit(&self, o: &OrderRequest) -> VenueResult<OrderReport> {
        let fault = self.next.lock().unwrap().take();
        if let Some(f) = fault {
            let r = reqwest::Client::new().post(format!("{}/_sim/fault", self.url)).json(&f).send().await;
            assert!(r.unwrap().status().is_success(), "fault {f} refused");
        }
        self.inner.submit(o).await
    }
    async fn validate(&self, o: &OrderRequest) -> VenueResult<()> {
        self.inner.validate(o).await
    }
    async fn cancel(&self, o: &OrderRef) -> VenueResult<OrderReport> {
        self.inner.cancel(o).await
    }
    async fn cancel_all(&self) -> VenueResult<usize> {
        self.inner.cancel_all().await
    }
    async fn dead_man_switch(&self, secs: u32) -> VenueResult<()> {
        self.inner.dead_man_switch(secs).await
    }
    async fn marks(&self, s: &[String]) -> VenueResult<BTreeMap<String, Mark>> {
        self.inner.marks(s).await
    }
    async fn subscribe(&self, s: &[String]) -> VenueResult<Receiver<MarketEvent>> {
        self.inner.subscribe(s).await
    }
}

/// A simulator, a corridor over the real adapter for `v`, and an operator key.
pub(crate) struct Rig {
    pub(crate) v: Venue,
    pub(crate) h: Harness,
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) key: OperatorKey,
    pub(crate) c: Corridor,
    pub(crate) adapter: Arc<FaultOnSubmit>,
    pub(crate) kraken: Option<Arc<KrakenAdapter>>,
    pub(crate) hl: Option<Arc<HlAdapter>>,
    /// What the adapter's websocket streams reported (disconnects, reconnects).
    pub(crate) seen: Arc<Mutex<Vec<String>>>,
    pub(crate) symbol: &'static str,
}

impl Rig {
    pub(crate) async fn open(v: Venue, market: Market) -> Rig {
        let h = Harness::start(market).await;
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let symbol = if v == Venue::Kraken { "XBTUSD" } else { "BTC" };
        std::fs::write(dir.path().join("execution_policy.toml"), sim_policy(v)).unwrap();
        let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "tester").unwrap();
        let (notify, seen) = recorder();
        let (kraken, hl, inner): (_, _, Arc<dyn BrokerAdapter>) = if v == Venue::Kraken {
            let k = Arc::new(h.kraken().with_notifier(notify));
            (Some(k.clone()), None, k)
        } else {
            let a = Arc::new(h.hl().with_notifier(notify));
            (None, Some(a.clone()), a)
        };
        let adapter = Arc::new(FaultOnSubmit { inner, url: h.url.clone(), next: Mutex::new(None) });
        let id = CorridorId::new(v, "main").unwrap();
        let c = Corridor::open(&ws, &id, adapter.clone()).unwrap();
        Rig { v, h, _dir: dir, key, c, adapter, kraken, hl, seen, symbol }
    }

    pub(crate) async fn armed(v: Venue, market: Market) -> Rig {
        let mut r = Rig::open(v, market).await;
        r.arm().await;
        r
    }

    pub(crate) async fn arm(&mut self) {
        let armed = self.c.arm().await.unwrap();
        assert_eq!(armed.state.name(), "armed", "{}: {:?}", self.v, armed.checks);
    }

    /// A price `frac` of the mid, in whole dollars.
    pub(crate) async fn price(&self, frac: &str) -> Decimal {
        price_at(self.adapter.as_ref(), self.symbol, frac).await
    }

    /// A buy of 0.001 created and approved by the operator's keypress.
    pub(crate) fn approved(
        &mut self,
        order_type: OrderType,
        limit_price: Option<Decimal>,
    ) -> ExecutionIntent {
        let i = self.c.create_intent(self.spec(order_type, limit_price)).unwrap();
        self.approve(&i.id);
        i
    }

    /// A buy of 0.001.
    pub(crate) fn spec(&self, order_type: OrderType, limit_price: Option<Decimal>) -> IntentSpec {
        crate::common::intents::buy(self.v, self.symbol, "0.001", order_type, limit_price)
    }

    pub(crate) fn approve(&mut self, intent_id: &str) {
        self.c.approve(keypress::keypress(&self.c, intent_id), &self.key).unwrap();
    }

    /// Set `fault` just before the adapter sends the next order.
    pub(crate) fn fault_on_submit(&self, fault: Value) {
        *self.adapter.next.lock().unwrap() = Some(fault);
    }

    pub(crate) fn status(&self, intent_id: &str) -> IntentStatus {
        self.c.state().intents[intent_id].status
    }

    /// The journal's events about one intent, in order.
    pub(crate) fn events_of(&self, intent_id: &str) -> Vec<Value> {
        let about = |v: &Value| {
            v["intent_id"] == intent_id
                || v["intent"]["id"] == intent_id
                || v["approval"]["intent_id"] == intent_id
        };
        self.c.entries().iter().map(|e| serde_json::to_value(&e.event).unwrap()).filter(about).collect()
    }

    pub(crate) fn kinds(&self, intent_id: &str) -> Vec<String> {
        self.events_of(intent_id).iter().map(|v| v["kind"].as_str().unwrap().to_string()).collect()
    }

    /// The last journal event of `kind` about the intent.
    pub(crate) fn last(&self, intent_id: &str, kind: &str) -> Value {
        let all = self.events_of(intent_id);
        all.into_iter().rev().find(|v| v["kind"] == kind).unwrap_or_else(|| panic!("no {kind} event"))
    }

    pub(crate) async fn at_venue(&self, i: &ExecutionIntent) -> Option<OrderReport> {
        self.adapter.order_status(&OrderRef::Client(i.client_order_id.clone())).await.unwrap()
    }

    /// Order placements in the simulator's request log: (accepted and placed, refused).
    pub(crate) fn placements(&self) -> (usize, usize) {
        let (_, log) = self.h.log();
        let kraken = self.v == Venue::Kraken;
        let ep = if kraken { "AddOrder" } else { "order" };
        let placed = |e: &Value| {
            let s = &e["detail"]["response"]["data"]["statuses"][0];
            kraken || s.get("resting").is_some() || s.get("filled").is_some()
        };
        let mine: Vec<&Value> = log.iter().filter(|e| e["endpoint"] == ep).collect();
        let accepted = mine.iter().filter(|e| e["accepted"] == true && placed(e)).count();
        (accepted, mine.iter().filter(|e| e["accepted"] == false).count())
    }

    /// Orders the simulator holds for this venue.
    pub(crate) fn sim_orders(&self) -> usize {
        let venue = if self.v == Venue::Kraken { SimVenue::Kraken } else { SimVenue::Hyperliquid };
        self.h.app.lock().ex.orders.values().filter(|o| o.venue == venue).count()
    }

    pub(crate) async fn user_stream(&self) -> Receiver<VenueEvent> {
        let rx = match &self.kraken {
            Some(k) => k.user_stream().await.unwrap(),
            None => self.hl.as_ref().expect("an adapter").user_stream().await.unwrap(),
        };
        // Let the subscriptions land before anything fills.
        tokio::time::sleep(Duration::from_millis(300)).await;
        rx
    }

    /// The journal and the simulator agree, after a reconciliation that must find nothing.
    pub(crate) async fn agree(&mut self, case: &str) {
        let summary = self.c.reconcile().await.unwrap();
        assert!(summary.clean, "{case}: {:?}", summary.mismatches);
        let venue_pos = self.adapter.positions().await.unwrap();
        let theirs: Decimal = venue_pos.iter().filter(|p| p.symbol == self.symbol).map(|p| p.quantity).sum();
        let ours = self.c.state().positions.get(self.symbol).copied().unwrap_or_default();
        assert_eq!(ours, theirs, "{case}: the journal's position against the venue's");
        let mut placed = 0;
        for r in self.c.state().intents.values().cloned().collect::<Vec<_>>() {
            let name = &r.intent.id;
            assert!(!r.status.in_flight(), "{case}: {name} is still {}", r.status.name());
            match (&r.venue_order_id, self.at_venue(&r.intent).await) {
                (Some(vid), Some(o)) => {
                    placed += 1;
                    assert_eq!(&o.venue_order_id, vid, "{case}: {name}");
                    assert_eq!(o.filled_quantity, r.filled_quantity, "{case}: {name}");
                    let want = match o.state {
                        OrderState::Open => IntentStatus::Open,
                        OrderState::PartiallyFilled => IntentStatus::PartiallyFilled,
                        OrderState::Filled => IntentStatus::Filled,
                        OrderState::Cancelled | OrderState::Expired => IntentStatus::Cancelled,
                        OrderState::Rejected => IntentStatus::Rejected,
                    };
                    assert_eq!(r.status, want, "{case}: {name}");
                }
                (None, None) => assert!(!r.status.at_venue(), "{case}: {name}"),
                (ours, theirs) => panic!("{case}: {name}: the journal has {ours:?}, the venue {theirs:?}"),
            }
        }
        assert_eq!(self.placements().0, placed, "{case}: placements logged against the journal's");
        assert_eq!(self.sim_orders(), placed, "{case}: orders the simulator holds against the journal's");
    }
}

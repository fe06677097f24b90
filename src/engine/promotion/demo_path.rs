//! The demo's promotion: `quantlab demo` takes its candidate to micro-live on its simulator's
//! corridor so that its live session may start, where no one is there yet to type the id. It
//! is refused on any corridor that is not loopback before anything is read or written; each
//! step then goes through [`advance`] as a typed one does (the gate evaluated again, signed,
//! recorded, journaled), with a synthetic confirmation that `advance` itself takes only on a
//! loopback corridor, and every decision says it was made by "demo (loopback only)".

use super::advance::advance;
use super::board::Ctx;
use super::confirm::PromotionConfirmation;
use super::decisions::{self, Decision};
use super::error::PromotionError;
use super::model::{PromotionTarget, Stage};
use crate::engine::error::Result;
use crate::engine::execution::approval_sign::OperatorKey;
use crate::engine::execution::CorridorId;

/// Promote `candidate` to micro-live on `corridor` (paper first, which holds everywhere),
/// signing with `key`; the decisions made (none when it stands there already).
pub fn promote_for_demo(
    ctx: &Ctx,
    candidate: &str,
    corridor: &CorridorId,
    key: &OperatorKey,
) -> Result<Vec<Decision>> {
    if let Err(why) = ctx.venues.loopback(ctx.ws, corridor) {
        return Err(PromotionError::DemoOffLoopback { corridor: corridor.clone(), why: why.to_string() }.into());
    }
    let mut made = Vec::new();
    loop {
        let all = decisions::read(ctx.ws)?;
        let here = decisions::stage_of(&all, candidate, Some(corridor));
        if here >= Stage::MicroLive {
            return Ok(made);
        }
        // Paper is held everywhere; a live stage only on its corridor.
        let scope = (here != Stage::Research).then(|| corridor.clone());
        let from = decisions::stage_of(&all, candidate, scope.as_ref());
        let to = from.next().ok_or(PromotionError::LastStage { candidate: candidate.into(), stage: from })?;
        let target = PromotionTarget { candidate: candidate.into(), from, to, corridor: scope };
        made.push(advance(ctx, PromotionConfirmation::by_demo(target), key)?);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::secrets::MemoryStore;
    use crate::engine::venues::factory::VenueAdapters;
    use crate::engine::workspace::Workspace;

    /// The attack: the demo's path pointed at a corridor that reaches beyond this machine.
    /// Refused before anything is written, by the path and, were it skipped, by `advance`.
    #[test]
    fn the_demo_promotes_nothing_on_a_corridor_that_is_not_loopback() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let store = MemoryStore::default();
        let ctx = Ctx { ws: &ws, venues: &VenueAdapters, store: &store };
        let key = OperatorKey::ephemeral("demo");
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        for venues in [
            "[kraken.main]\nbase_url = \"https://api.kraken.com\"\n",
            "[kraken.main]\nbase_url = \"http://10.0.0.7:8790\"\n",
            "[kraken.main]\nbase_url = \"http://127.0.0.1:8790\"\nws_url = \"wss://ws.kraken.com/v2\"\n",
            "",
        ] {
            std::fs::write(dir.path().join("venues.toml"), venues).unwrap();
            let e = promote_for_demo(&ctx, "cand_sma_cross_XBTUSD_5s_00000000", &kraken, &key).unwrap_err();
            assert!(matches!(e.domain(), Some(PromotionError::DemoOffLoopback { corridor, .. }) if *corridor == kraken), "{e}");
            let target =
                PromotionTarget { candidate: "c".into(), from: Stage::Paper, to: Stage::MicroLive, corridor: Some(kraken.clone()) };
            let c = PromotionConfirmation::by_demo(target);
            let e = advance(&ctx, c, &key).unwrap_err();
            assert!(matches!(e.domain(), Some(PromotionError::SyntheticKey { .. })), "{venues}: {e}");
        }
        assert!(!dir.path().join("promotion").exists() && decisions::read(&ws).unwrap().is_empty(), "nothing written");
    }
}

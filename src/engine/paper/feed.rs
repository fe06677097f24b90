//! Feeds: where a paper session's bars come from, behind one trait. The replay feed plays
//! workspace data back; the venues' live feeds plug into the same trait in their issue.

use super::PaperError;
use crate::engine::data::catalog::{resolve, ResolvedData};
use crate::engine::data::Bars;
use crate::engine::error::Result;
use crate::engine::time::fmt_ms;
use crate::engine::workspace::Workspace;

/// What a poll finds.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEvent {
    /// Bar `index` of [`Feed::bars`] is now known; `last` when no bar will follow.
    Bar { index: usize, last: bool },
    /// Nothing new yet.
    Idle,
    /// The feed is exhausted.
    End,
}

pub trait Feed: Send {
    /// Every bar known so far (the strategy sees exactly these).
    fn bars(&self) -> &Bars;
    fn poll(&mut self, now_ms: i64) -> Result<FeedEvent>;
    /// The bar interval, ms.
    fn interval_ms(&self) -> i64;
    /// Wall-clock ms between bars as delivered (the interval over the replay speed); 0 when
    /// bars come as fast as they can.
    fn cadence_ms(&self) -> i64;
    /// The data has bars on weekends (24/7 markets): a weekend gap is then a data gap.
    fn weekend_bars(&self) -> bool;
    fn symbol(&self) -> &str;
}

/// `replay:DATA[@SPEED]`: SPEED is `max` (as fast as possible, the default) or a multiple of
/// real time such as `60` or `60x`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSpec {
    pub data: String,
    /// None = as fast as possible.
    pub speed: Option<f64>,
}

impl FeedSpec {
    pub fn parse(s: &str) -> Result<FeedSpec> {
        let rest = s.strip_prefix("replay:").ok_or_else(|| PaperError::NotAFeed(s.into()))?;
        let (data, speed) = match rest.rsplit_once('@') {
            Some((d, sp)) => (d, Some(sp)),
            None => (rest, None),
        };
        if data.is_empty() {
            return Err(PaperError::ReplayNeedsData.into());
        }
        // `60x` reads as 60 times real time; `max` keeps its own x.
        let speed = match speed.map(|x| if x == "max" { x } else { x.strip_suffix('x').unwrap_or(x) }) {
            None | Some("max") => None,
            Some(x) => match x.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => Some(v),
                _ => return Err(PaperError::Speed(x.into()).into()),
            },
        };
        Ok(FeedSpec { data: data.to_string(), speed })
    }
}

/// Workspace data played back: bar i is delivered at `start + (i - first) x cadence`.
pub struct ReplayFeed {
    all: Bars,
    known: Bars,
    next: usize,
    interval_ms: i64,
    cadence_ms: i64,
    started_wall_ms: Option<i64>,
    first: usize,
    weekend_bars: bool,
    symbol: String,
}

impl ReplayFeed {
    /// The dataset from `from` (an ISO date or time, inclusive), resuming at bar `resume_at`
    /// of that window (0 for a fresh session).
    pub fn open(
        ws: &Workspace,
        spec: &FeedSpec,
        from: Option<&str>,
        resume_at: usize,
    ) -> Result<(ReplayFeed, ResolvedData)> {
        let data = resolve(ws, &spec.data)?;
        let start = from.map(|f| crate::engine::time::parse_bound("--start", f)).transpose()?;
        let all = data.bars.slice_time(start, None);
        if all.is_empty() {
            let from = start.map(fmt_ms).unwrap_or_default();
            return Err(PaperError::NoBarsFrom { symbol: data.symbol, from }.into());
        }
        if resume_at > all.len() {
            return Err(PaperError::ResumePastEnd { at: resume_at, bars: all.len() }.into());
        }
        let cadence_ms = spec.speed.map_or(0, |s| ((data.timeframe_ms as f64) / s).round().max(1.0) as i64);
        let mut known = Bars::default();
        for i in 0..resume_at {
            known.push(all.ts[i], all.open[i], all.high[i], all.low[i], all.close[i], all.volume[i]);
        }
        let feed = ReplayFeed {
            known,
            next: resume_at,
            interval_ms: data.timeframe_ms,
            cadence_ms,
            started_wall_ms: None,
            first: resume_at,
            weekend_bars: data.weekend_bars,
            symbol: data.symbol.clone(),
            all,
        };
        Ok((feed, data))
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

impl Feed for ReplayFeed {
    fn bars(&self) -> &Bars {
        &self.known
    }

    fn poll(&mut self, now_ms: i64) -> Result<FeedEvent> {
        if self.next >= self.all.len() {
            return Ok(FeedEvent::End);
        }
        let start = *self.started_wall_ms.get_or_insert(now_ms);
        let due = start + (self.next - self.first) as i64 * self.cadence_ms;
        if self.cadence_ms > 0 && now_ms < due {
            return Ok(FeedEvent::Idle);
        }
        let i = self.next;
        let a = &self.all;
        self.known.push(a.ts[i], a.open[i], a.high[i], a.low[i], a.close[i], a.volume[i]);
        self.next += 1;
        Ok(FeedEvent::Bar { index: i, last: self.next == self.all.len() })
    }

    fn interval_ms(&self) -> i64 {
        self.interval_ms
    }

    fn cadence_ms(&self) -> i64 {
        self.cadence_ms
    }

    fn weekend_bars(&self) -> bool {
        self.weekend_bars
    }

    fn symbol(&self) -> &str {
        &self.symbol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_refuse_clearly() {
        assert_eq!(
            FeedSpec::parse("replay:BTCUSD:1h").unwrap(),
            FeedSpec { data: "BTCUSD:1h".into(), speed: None }
        );
        assert_eq!(FeedSpec::parse("replay:BTCUSD:1h@60x").unwrap().speed, Some(60.0));
        assert_eq!(FeedSpec::parse("replay:x.csv@max").unwrap().speed, None);
        let refused = |s: &str| match FeedSpec::parse(s).unwrap_err().domain() {
            Some(
                e @ PaperError::NotAFeed(_) | e @ PaperError::ReplayNeedsData | e @ PaperError::Speed(_),
            ) => {
                format!("{e:?}")
            }
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(refused("kraken:BTC"), "NotAFeed(\"kraken:BTC\")");
        assert_eq!(refused("replay:"), "ReplayNeedsData");
        assert_eq!(refused("replay:X@0"), "Speed(\"0\")");
        assert_eq!(refused("replay:X@fast"), "Speed(\"fast\")");
    }
}

//! The indicators one bar at a time: each `update` takes the next value of the series and
//! returns the indicator at that bar in O(1) (amortized for the window and extreme kernels).
//!
//! A paper or live session follows a strategy along a series that grows by one bar at a time;
//! recomputing the whole-series kernels of the parent module on every bar is O(n) per bar.
//! These forms give the same numbers bit for bit: each performs the same floating-point
//! operations in the same order as its whole-series kernel (the same seeds, the same sums,
//! the same blocks for the windowed moments), so a strategy's targets cannot differ at a
//! threshold by rounding. `tests.rs` checks every one against its kernel on real data and on
//! random series with NaN in them.
//!
//! Conventions follow the kernels': `NaN` before the first valid index, a period of 0 gives
//! `NaN` forever, `NaN` input reaches exactly the outputs the kernel gives `NaN` for.

mod atr;
mod ema;
mod extreme;
mod macd;
mod rsi;
mod window;

pub use atr::Atr;
pub use ema::Ema;
pub use extreme::{Donchian, RollingExtreme};
pub use macd::{Macd, MacdPoint};
pub use rsi::Rsi;
pub use window::{Bollinger, BollingerPoint, WindowMoments};

#[cfg(test)]
mod tests;

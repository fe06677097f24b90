//! Walk-forward: optimize on each training window, evaluate out of sample on the next window,
//! stitch the out-of-sample results. `walkforward/<wf_id>/`.

mod compute;
mod contract;
pub mod folds;
mod summary;
mod write;

pub use compute::{compute, Fold, WalkForwardResult};
pub use contract::WalkForwardMachineContract;
pub use write::{load, walkforward, WalkForwardReport, WalkForwardRequest};

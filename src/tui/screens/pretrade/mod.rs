pub mod draw;
pub mod state;

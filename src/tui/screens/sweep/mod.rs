pub mod draw;
pub mod load;

pub mod draw;
pub mod fields;

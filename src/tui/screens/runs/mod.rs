pub mod draw;
pub mod table;

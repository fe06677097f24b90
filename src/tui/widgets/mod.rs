//! Widgets shared by the screens.

pub mod automation;
pub mod columns;
pub mod fit;
pub mod form;
pub mod ladder;
pub mod line_chart;
pub mod list_cursor;
pub mod progress;
pub mod series;
pub mod status_bar;

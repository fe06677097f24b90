//! Widgets shared by the panes.

pub mod line_chart;
pub mod status_bar;

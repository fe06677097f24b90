//! Widgets shared by the panes.

pub mod ladder;
pub mod line_chart;
pub mod status_bar;

//! The venue adapters against the loopback simulator (in-process and as a `quantlab sim`
//! process): Kraken and Hyperliquid reads, orders, streams, brackets and faults through the
//! corridor; the Hyperliquid network signatures are verified for; the reads the venues' own
//! clients make first; their wire formats and signing vectors; doctor and order preview.

mod sim_brackets;
mod sim_client_reads;
mod sim_corridor;
mod sim_corridor_faults;
mod sim_hyperliquid;
mod sim_kraken;
mod sim_network;
mod sim_streams;
mod venue_cli;
mod venue_vectors;
mod venue_wire;

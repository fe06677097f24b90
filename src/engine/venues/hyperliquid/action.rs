//! Hyperliquid actions as the Python SDK builds them.
//!
//! The action hash covers `msgpack(action)` with map keys in insertion order, so each struct's
//! field order and names here ARE the wire format: do not reorder fields. Serialised with
//! `rmp_serde::to_vec_named` (structs as maps with string keys, enums as `{variant: ..}`,
//! unit variants as strings), this reproduces `msgpack.packb(action)` byte for byte; the same
//! structs through serde_json give the action object of the POST /exchange body.
//! They also deserialise (any key order) so a simulator can rebuild and re-hash a posted action.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::venues::evm::address::Address;

/// An L1 action (signed through the phantom agent). `type` is written first, as the SDK does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Action {
    #[serde(rename = "order")]
    Order(OrderAction),
    #[serde(rename = "cancel")]
    Cancel(CancelAction),
    #[serde(rename = "cancelByCloid")]
    CancelByCloid(CancelByCloidAction),
    #[serde(rename = "scheduleCancel")]
    ScheduleCancel(ScheduleCancelAction),
}

/// `{"type":"order","orders":[..],"grouping":..}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderAction {
    pub orders: Vec<OrderWire>,
    pub grouping: Grouping,
}

/// How the orders of one action relate: independent, or a parent order with TP/SL children,
/// or TP/SL attached to the position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    #[serde(rename = "na")]
    Na,
    #[serde(rename = "normalTpsl")]
    NormalTpsl,
    #[serde(rename = "positionTpsl")]
    PositionTpsl,
}

/// One order. Prices and sizes are already `float_to_wire` strings (see `hyperliquid_wire`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderWire {
    /// Asset index (perps: index in `meta.universe`; spot: 10000 + pair index).
    pub a: u32,
    /// Is buy.
    pub b: bool,
    /// Limit price.
    pub p: String,
    /// Size.
    pub s: String,
    /// Reduce only.
    pub r: bool,
    /// Order type.
    pub t: OrderType,
    /// Client order id; the key is absent, not null, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c: Option<Cloid>,
}

/// `{"limit":{"tif":..}}` or `{"trigger":{"isMarket":..,"triggerPx":..,"tpsl":..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrderType {
    #[serde(rename = "limit")]
    Limit { tif: Tif },
    #[serde(rename = "trigger")]
    Trigger {
        #[serde(rename = "isMarket")]
        is_market: bool,
        #[serde(rename = "triggerPx")]
        trigger_px: String,
        tpsl: Tpsl,
    },
}

/// Time in force: add-liquidity-only (post only), immediate-or-cancel, good-til-cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tif {
    Alo,
    Ioc,
    Gtc,
}

/// Take profit or stop loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tpsl {
    #[serde(rename = "tp")]
    Tp,
    #[serde(rename = "sl")]
    Sl,
}

/// `{"type":"cancel","cancels":[{"a":asset,"o":oid}]}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelAction {
    pub cancels: Vec<CancelWire>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelWire {
    pub a: u32,
    pub o: u64,
}

/// `{"type":"cancelByCloid","cancels":[{"asset":..,"cloid":..}]}` (long key names, unlike cancel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelByCloidAction {
    pub cancels: Vec<CancelByCloidWire>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelByCloidWire {
    pub asset: u32,
    pub cloid: Cloid,
}

/// Dead-man switch: cancel all open orders at `time` (ms). `None` clears it, and then the
/// `time` key is absent (`{"type":"scheduleCancel"}`), not null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleCancelAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<u64>,
}

/// A 16-byte client order id, written `0x` + 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cloid(pub [u8; 16]);

/// A string that is not `0x` + 32 hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloidError {
    pub input: String,
}

impl fmt::Display for CloidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cloid must be 0x + 32 hex digits: {:?}", self.input)
    }
}

impl std::error::Error for CloidError {}

impl Cloid {
    pub fn from_u128(n: u128) -> Self {
        Cloid(n.to_be_bytes())
    }

    pub fn from_hex(s: &str) -> Result<Self, CloidError> {
        let err = || CloidError { input: s.to_owned() };
        let digits = s.strip_prefix("0x").ok_or_else(err)?;
        let mut out = [0u8; 16];
        hex::decode_to_slice(digits, &mut out).map_err(|_| err())?;
        Ok(Cloid(out))
    }

    pub fn to_raw(self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for Cloid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_raw())
    }
}

impl Serialize for Cloid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_raw())
    }
}

impl<'de> Deserialize<'de> for Cloid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cloid::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// The user-signed `approveAgent` action (EIP-712 signed directly, not through an agent).
/// Field order is the SDK's: the action it builds, then the two keys signing adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApproveAgent {
    #[serde(rename = "type")]
    pub kind: ApproveAgentType,
    #[serde(rename = "agentAddress")]
    pub agent_address: Address,
    /// `None` = unnamed agent: signed as `""` and left out of the posted action, as the SDK does.
    #[serde(rename = "agentName", default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    pub nonce: u64,
    /// The EIP-712 domain's chain id, written as hex (`"0x66eee"` = 421614 in the SDK).
    #[serde(
        rename = "signatureChainId",
        serialize_with = "hex_chain_id",
        deserialize_with = "parse_hex_chain_id"
    )]
    pub signature_chain_id: u64,
    #[serde(rename = "hyperliquidChain")]
    pub hyperliquid_chain: HyperliquidChain,
}

/// The constant `"approveAgent"` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ApproveAgentType {
    #[default]
    #[serde(rename = "approveAgent")]
    ApproveAgent,
}

/// Which Hyperliquid chain a user-signed action is for (part of the signed message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HyperliquidChain {
    Mainnet,
    Testnet,
}

impl HyperliquidChain {
    pub fn as_str(self) -> &'static str {
        match self {
            HyperliquidChain::Mainnet => "Mainnet",
            HyperliquidChain::Testnet => "Testnet",
        }
    }
}

/// The SDK's `signatureChainId` for user-signed actions (Arbitrum Sepolia's id).
pub const SDK_SIGNATURE_CHAIN_ID: u64 = 0x66eee;

impl ApproveAgent {
    /// As the SDK's `approve_agent` builds it.
    pub fn new(agent_address: Address, agent_name: Option<String>, nonce: u64, is_mainnet: bool) -> Self {
        ApproveAgent {
            kind: ApproveAgentType::ApproveAgent,
            agent_address,
            agent_name,
            nonce,
            signature_chain_id: SDK_SIGNATURE_CHAIN_ID,
            hyperliquid_chain: if is_mainnet { HyperliquidChain::Mainnet } else { HyperliquidChain::Testnet },
        }
    }
}

fn hex_chain_id<S: Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("0x{id:x}"))
}

fn parse_hex_chain_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let s = String::deserialize(d)?;
    s.strip_prefix("0x")
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or_else(|| serde::de::Error::custom(format!("signatureChainId must be 0x hex: {s:?}")))
}

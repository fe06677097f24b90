//! Hyperliquid signing, as hyperliquid-python-sdk's `signing.py` does it.
//!
//! L1 actions (order, cancel, ...): the key signs not the action but a "phantom agent"
//! `Agent{source, connectionId}` whose `connectionId` is the action hash:
//! `keccak256(msgpack(action) ++ nonce u64 BE ++ (0x00 | 0x01 ++ vault 20 bytes)
//!  ++ [0x00 ++ expires_after u64 BE, only if set])`, `source` "a" on mainnet, "b" on testnet,
//! in the EIP-712 domain {name "Exchange", version "1", chainId 1337, verifyingContract 0}.
//! (The 1337 is fixed: the network is told apart by `source`, not by the chain id.)
//!
//! User-signed actions (approveAgent) are signed directly as EIP-712 structs in the domain
//! {name "HyperliquidSignTransaction", version "1", chainId = signatureChainId, 0}; the network
//! is the `hyperliquidChain` field.

use std::fmt;

use serde::Serialize;

use crate::engine::venues::evm::address::Address;
use crate::engine::venues::evm::eip712::{self, Word};
use crate::engine::venues::evm::signer::{recover_address, EvmSigner, Signature, SignerError};
use crate::engine::venues::hyperliquid::action::{Action, ApproveAgent};

#[derive(Debug)]
pub enum SignError {
    /// msgpack or JSON encoding failed (does not happen for this crate's types).
    Encode(String),
    Signer(SignerError),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encode(e) => write!(f, "could not encode action: {e}"),
            Self::Signer(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Signer(e) => Some(e),
            Self::Encode(_) => None,
        }
    }
}

impl From<SignerError> for SignError {
    fn from(e: SignerError) -> Self {
        SignError::Signer(e)
    }
}

pub const AGENT_TYPE: &str = "Agent(string source,bytes32 connectionId)";
pub const APPROVE_AGENT_TYPE: &str = "HyperliquidTransaction:ApproveAgent(string hyperliquidChain,address agentAddress,string agentName,uint64 nonce)";
pub const L1_CHAIN_ID: u64 = 1337;

/// What an L1 action is signed with besides the action itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L1Params {
    /// Milliseconds; must be unique per signer (recent, and not reused).
    pub nonce: u64,
    /// Trading for a vault or subaccount.
    pub vault_address: Option<Address>,
    /// Milliseconds after which the venue rejects the request.
    pub expires_after: Option<u64>,
    pub is_mainnet: bool,
}

/// `msgpack.packb(action)`: keys in field order, integers in their shortest form.
pub fn action_msgpack(action: &Action) -> Result<Vec<u8>, SignError> {
    rmp_serde::to_vec_named(action).map_err(|e| SignError::Encode(e.to_string()))
}

/// The SDK's `action_hash`.
pub fn action_hash(
    action: &Action,
    vault_address: Option<&Address>,
    nonce: u64,
    expires_after: Option<u64>,
) -> Result<[u8; 32], SignError> {
    let mut data = action_msgpack(action)?;
    data.extend_from_slice(&nonce.to_be_bytes());
    match vault_address {
        None => data.push(0x00),
        Some(vault) => {
            data.push(0x01);
            data.extend_from_slice(&vault.0);
        }
    }
    if let Some(t) = expires_after {
        data.push(0x00);
        data.extend_from_slice(&t.to_be_bytes());
    }
    Ok(eip712::keccak256(&data))
}

/// The struct an L1 action's signature is really over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhantomAgent {
    /// "a" mainnet, "b" testnet.
    pub source: &'static str,
    pub connection_id: [u8; 32],
}

pub fn phantom_agent(action_hash: [u8; 32], is_mainnet: bool) -> PhantomAgent {
    PhantomAgent { source: if is_mainnet { "a" } else { "b" }, connection_id: action_hash }
}

/// The EIP-712 digest of a phantom agent in the "Exchange" domain.
pub fn l1_digest(agent: &PhantomAgent) -> [u8; 32] {
    let domain = eip712::domain_separator("Exchange", "1", L1_CHAIN_ID, &Address::ZERO);
    let agent =
        eip712::hash_struct(AGENT_TYPE, &[Word::Str(agent.source), Word::Bytes32(&agent.connection_id)]);
    eip712::signing_digest(&domain, &agent)
}

/// The digest an L1 action's signature is over (what the signer is asked to sign).
pub fn l1_action_digest(action: &Action, params: &L1Params) -> Result<[u8; 32], SignError> {
    let hash = action_hash(action, params.vault_address.as_ref(), params.nonce, params.expires_after)?;
    Ok(l1_digest(&phantom_agent(hash, params.is_mainnet)))
}

/// The SDK's `sign_l1_action`.
pub fn sign_l1_action(
    signer: &EvmSigner,
    action: &Action,
    params: &L1Params,
) -> Result<Signature, SignError> {
    Ok(signer.sign_digest(&l1_action_digest(action, params)?)?)
}

/// Who signed an L1 action (what the venue, or a simulator of it, checks).
pub fn recover_l1_signer(action: &Action, params: &L1Params, sig: &Signature) -> Result<Address, SignError> {
    Ok(recover_address(&l1_action_digest(action, params)?, sig)?)
}

/// The POST /exchange body: `{"action","nonce","signature","vaultAddress","expiresAfter"}` in
/// that order, absent optionals as `null`, compact JSON.
pub fn exchange_body<A: Serialize, S: Serialize + ?Sized>(
    action: &A,
    nonce: u64,
    signature: &S,
    vault_address: Option<&Address>,
    expires_after: Option<u64>,
) -> Result<String, SignError> {
    #[derive(Serialize)]
    struct Body<'a, A, S: ?Sized> {
        action: &'a A,
        nonce: u64,
        signature: &'a S,
        #[serde(rename = "vaultAddress")]
        vault_address: Option<&'a Address>,
        #[serde(rename = "expiresAfter")]
        expires_after: Option<u64>,
    }
    serde_json::to_string(&Body { action, nonce, signature, vault_address, expires_after })
        .map_err(|e| SignError::Encode(e.to_string()))
}

/// Sign an L1 action and return the body to POST.
pub fn signed_l1_body(signer: &EvmSigner, action: &Action, params: &L1Params) -> Result<String, SignError> {
    let sig = sign_l1_action(signer, action, params)?;
    exchange_body(action, params.nonce, &sig, params.vault_address.as_ref(), params.expires_after)
}

/// The EIP-712 digest of an approveAgent action.
pub fn approve_agent_digest(action: &ApproveAgent) -> [u8; 32] {
    let domain = eip712::domain_separator(
        "HyperliquidSignTransaction",
        "1",
        action.signature_chain_id,
        &Address::ZERO,
    );
    let message = eip712::hash_struct(
        APPROVE_AGENT_TYPE,
        &[
            Word::Str(action.hyperliquid_chain.as_str()),
            Word::Address(&action.agent_address),
            Word::Str(action.agent_name.as_deref().unwrap_or("")),
            Word::Uint(action.nonce),
        ],
    );
    eip712::signing_digest(&domain, &message)
}

pub fn sign_approve_agent(signer: &EvmSigner, action: &ApproveAgent) -> Result<Signature, SignError> {
    Ok(signer.sign_digest(&approve_agent_digest(action))?)
}

pub fn recover_approve_agent_signer(action: &ApproveAgent, sig: &Signature) -> Result<Address, SignError> {
    Ok(recover_address(&approve_agent_digest(action), sig)?)
}

/// The POST /exchange body of an approveAgent (its nonce is the action's; no vault, no expiry).
pub fn approve_agent_body(action: &ApproveAgent, sig: &Signature) -> Result<String, SignError> {
    exchange_body(action, action.nonce, sig, None, None)
}

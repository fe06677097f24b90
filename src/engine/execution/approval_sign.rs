//! Signed approvals. Every approval record (intent id and digest, corridor, operator, approved
//! time and expiry) is signed with the operator's ed25519 key before it is journaled, and a
//! submit refuses an approval whose signature does not verify. The key is created on first use
//! and kept in the credential store (the OS keyring) as `operator/<name>`; its public key is
//! recorded in the workspace's trust list ([`super::operators`]), which `quantlab audit verify`
//! checks every approval against.

use ed25519_dalek::{Signature, VerifyingKey};

use super::adapter_factory::AdapterFactory;
use super::error::ExecutionError;
use super::model::{Approval, CorridorId};
use super::operators;
use super::signature_error::{ApprovalProblem, SignatureProblem};
use crate::engine::error::Result;
use crate::engine::loopback::NotLoopback;
use crate::engine::workspace::Workspace;

/// The first line of every signed record: names the format, so a signature over another
/// kind of record (or a later version of this one) never verifies as an approval.
pub const RECORD_TAG: &str = "quantlab.approval.v1";

/// The first line of an automated approval's record (made inside a grant, no keypress): its
/// own tag, so an operator's approval and an automated one never read as the same bytes.
pub const AUTOMATED_TAG: &str = "quantlab.automated_approval.v1";

/// What signs approvals: an operator's key, or a grant's automation key (`automation::key`).
pub trait ApprovalSigner {
    /// The name the approval records as its `operator`.
    fn signer(&self) -> &str;
    /// The public key, hex.
    fn public_key(&self) -> String;
    /// An ed25519 signature over `bytes`, hex.
    fn sign_bytes(&self, bytes: &[u8]) -> String;
}

impl ApprovalSigner for OperatorKey {
    fn signer(&self) -> &str {
        self.operator()
    }
    fn public_key(&self) -> String {
        OperatorKey::public_key(self)
    }
    fn sign_bytes(&self, bytes: &[u8]) -> String {
        OperatorKey::sign_bytes(self, bytes)
    }
}

pub use super::operator_key::{
    operator_name, replace_lost, OperatorKey, RehearsalKey, LOOPBACK_OPERATOR_ENV, OPERATOR_ENV,
};

/// The bytes an approval's signature covers, one `name=value` line each, in this order:
///
/// ```text
/// quantlab.approval.v1
/// corridor=<venue>/<account>
/// intent_id=<intent id>
/// intent_digest=<sha256 of the intent, hex>
/// operator=<operator name>
/// by=<how it was given>
/// approved_ms=<epoch ms>
/// expires_ms=<epoch ms>
/// ```
///
/// every line ending in `\n`, UTF-8. A value holding a line break is refused: it could make two
/// different records read as the same bytes. An automated approval starts with
/// [`AUTOMATED_TAG`] instead and adds `grant=`, `policy_fingerprint=` and `notional=` lines.
pub fn signed_bytes(
    corridor: &CorridorId,
    a: &Approval,
    operator: &str,
) -> Result<Vec<u8>, SignatureProblem> {
    let mut fields = vec![
        ("corridor", corridor.to_string()),
        ("intent_id", a.intent_id.clone()),
        ("intent_digest", a.intent_digest.clone()),
        ("operator", operator.to_string()),
        ("by", a.by.clone()),
        ("approved_ms", a.approved_ms.to_string()),
        ("expires_ms", a.expires_ms.to_string()),
    ];
    let tag = match &a.automation {
        None => RECORD_TAG,
        Some(auto) => {
            fields.push(("grant", auto.grant.clone()));
            fields.push(("policy_fingerprint", auto.policy_fingerprint.clone()));
            fields.push(("notional", auto.notional.clone()));
            AUTOMATED_TAG
        }
    };
    let mut out = format!("{tag}\n");
    for (name, value) in fields {
        if value.contains(['\n', '\r']) {
            return Err(SignatureProblem::LineBreak(name));
        }
        out.push_str(&format!("{name}={value}\n"));
    }
    Ok(out.into_bytes())
}

/// Sign `a` for `corridor`: sets its operator, public key and signature.
pub fn sign(corridor: &CorridorId, a: &mut Approval, key: &dyn ApprovalSigner) -> Result<()> {
    let bytes = signed_bytes(corridor, a, key.signer())
        .map_err(|problem| ExecutionError::Unsignable { intent_id: a.intent_id.clone(), problem })?;
    a.operator = Some(key.signer().to_string());
    a.public_key = Some(key.public_key());
    a.signature = Some(key.sign_bytes(&bytes));
    Ok(())
}

/// An approval's signature, checked against its record alone (trust is separate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Signed by the key it names, over exactly this record.
    Valid,
    /// No signature at all (journaled before signing, or rehearsed without a keyring).
    Unsigned,
    /// Signed, but not over this record, or not well formed: why.
    Invalid(SignatureProblem),
}

pub fn verify(corridor: &CorridorId, a: &Approval) -> SignatureCheck {
    let (operator, public_key, signature) = match (&a.operator, &a.public_key, &a.signature) {
        (None, None, None) => return SignatureCheck::Unsigned,
        (Some(o), Some(p), Some(s)) => (o, p, s),
        _ => return SignatureCheck::Invalid(SignatureProblem::Incomplete),
    };
    let key: Option<[u8; 32]> = hex::decode(public_key).ok().and_then(|b| b.try_into().ok());
    let Some(key) = key.and_then(|k| VerifyingKey::from_bytes(&k).ok()) else {
        return SignatureCheck::Invalid(SignatureProblem::NotEd25519Key);
    };
    let sig: Option<[u8; 64]> = hex::decode(signature).ok().and_then(|b| b.try_into().ok());
    let Some(sig) = sig.map(|s| Signature::from_bytes(&s)) else {
        return SignatureCheck::Invalid(SignatureProblem::NotHex);
    };
    let bytes = match signed_bytes(corridor, a, operator) {
        Ok(b) => b,
        Err(why) => return SignatureCheck::Invalid(why),
    };
    // Strict: no weak keys, no malleable signatures.
    match key.verify_strict(&bytes, &sig) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid(SignatureProblem::NotThisApproval),
    }
}

/// Does `signature` (hex) by `public_key` (hex) verify over `bytes`? Strict, as for approvals.
pub fn verify_bytes(public_key: &str, signature: &str, bytes: &[u8]) -> Result<(), SignatureProblem> {
    let key: Option<[u8; 32]> = hex::decode(public_key).ok().and_then(|b| b.try_into().ok());
    let Some(key) = key.and_then(|k| VerifyingKey::from_bytes(&k).ok()) else {
        return Err(SignatureProblem::NotEd25519Key);
    };
    let sig: Option<[u8; 64]> = hex::decode(signature).ok().and_then(|b| b.try_into().ok());
    let Some(sig) = sig.map(|s| Signature::from_bytes(&s)) else {
        return Err(SignatureProblem::NotHex);
    };
    key.verify_strict(bytes, &sig).map_err(|_| SignatureProblem::Mismatch)
}

/// May `a` send an order in `corridor`? The submit's last check: a valid signature by a key the
/// workspace trusts; unsigned only on a venue that moves no money; the loopback simulator's
/// environment key only where `venues` says the corridor is loopback. `Err` says why not.
pub fn check_for_submit(
    ws: &Workspace,
    corridor: &CorridorId,
    a: &Approval,
    venues: &dyn AdapterFactory,
) -> Result<(), ApprovalProblem> {
    let intent_id = a.intent_id.clone();
    match verify(corridor, a) {
        SignatureCheck::Unsigned if !corridor.venue.is_live() => return Ok(()),
        SignatureCheck::Unsigned => return Err(ApprovalProblem::Unsigned(intent_id)),
        SignatureCheck::Invalid(problem) => return Err(ApprovalProblem::Invalid { intent_id, problem }),
        SignatureCheck::Valid => {}
    }
    let trusted = operators::load(ws).map_err(|source| ApprovalProblem::TrustUnreadable { source })?;
    if a.automation.is_some() {
        // Trusted through its grant, not the operator list: the grant live now, signed by a
        // trusted operator, and the approval signed by the grant's own automation key.
        let entries = super::journal::read(&super::paths::journal(ws, corridor))
            .map_err(|source| ApprovalProblem::TrustUnreadable { source })?;
        let now = crate::engine::automation::status::Now {
            trusted: trusted.clone(),
            policy: super::policy::load(ws).ok().flatten().map(|p| p.fingerprint),
            kill_all: super::global_halt::reason(ws),
            at_ms: crate::engine::time::now_ms(),
        };
        return crate::engine::automation::chain::check_live(ws, corridor, a, &entries, &now)
        .map_err(|why| ApprovalProblem::Grant { intent_id, why });
    }
    let (operator, key) = (a.operator.as_deref().unwrap_or(""), a.public_key.as_deref().unwrap_or(""));
    if !trusted.trusts(operator, key) {
        let operator = operator.to_string();
        return Err(ApprovalProblem::Untrusted { intent_id, file: operators::FILE, operator });
    }
    match environment_key_off_loopback(corridor, &trusted, a, || venues.loopback(ws, corridor)) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// An approval signed with a key the workspace trusts only as the loopback simulator's
/// environment key ([`LOOPBACK_OPERATOR_ENV`]), in a live corridor that `loopback` says is not
/// loopback: why that is refused. `None` for any other approval (`loopback` is then not
/// asked); the fake venue moves no money and has no endpoints.
pub fn environment_key_off_loopback(
    corridor: &CorridorId,
    trusted: &operators::Operators,
    a: &Approval,
    loopback: impl FnOnce() -> std::result::Result<(), NotLoopback>,
) -> Option<ApprovalProblem> {
    let key = a.public_key.as_deref()?;
    if !corridor.venue.is_live() || !trusted.is_from_environment(key) {
        return None;
    }
    let why = loopback().err()?;
    Some(ApprovalProblem::EnvironmentKey {
        intent_id: a.intent_id.clone(),
        env: LOOPBACK_OPERATOR_ENV,
        file: operators::FILE,
        corridor: corridor.to_string(),
        why: Box::new(why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::adapter_factory::NoVenues;
    use crate::engine::execution::Venue;
    use crate::engine::secrets::MemoryStore;
    use ed25519_dalek::{Signer, SigningKey};

    fn approval() -> Approval {
        Approval {
            intent_id: "intent_20261125T120000Z_0a1b2c3d".into(),
            by: "cli (fake venue)".into(),
            approved_ms: 1_764_072_000_000,
            expires_ms: 1_764_072_030_000,
            intent_digest: "ab".repeat(32),
            operator: None,
            public_key: None,
            signature: None,
            automation: None,
        }
    }

    fn fake() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    /// RFC 8032, section 7.1, TEST 1: the library signs ed25519 as the standard says.
    #[test]
    fn rfc8032_test_vector_1() {
        let seed: [u8; 32] = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
        let k = SigningKey::from_bytes(&seed);
        assert_eq!(
            hex::encode(k.verifying_key().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            hex::encode(k.sign(b"").to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn the_signed_bytes_are_the_documented_record() {
        let bytes = signed_bytes(&fake(), &approval(), "alice").unwrap();
        let expected = format!(
            "quantlab.approval.v1\ncorridor=fake/main\nintent_id=intent_20261125T120000Z_0a1b2c3d\n\
             intent_digest={}\noperator=alice\nby=cli (fake venue)\napproved_ms=1764072000000\n\
             expires_ms=1764072030000\n",
            "ab".repeat(32)
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        let broken = Approval { by: "cli\nintent_id=other".into(), ..approval() };
        assert!(matches!(signed_bytes(&fake(), &broken, "alice"), Err(SignatureProblem::LineBreak(_))));
        assert!(sign(&fake(), &mut broken.clone(), &OperatorKey::ephemeral("alice")).is_err());
    }

    #[test]
    fn a_signed_approval_verifies_and_any_change_breaks_it() {
        let key = OperatorKey::ephemeral("alice");
        let mut a = approval();
        sign(&fake(), &mut a, &key).unwrap();
        assert_eq!(a.operator.as_deref(), Some("alice"));
        assert_eq!(a.public_key.as_deref(), Some(key.public_key().as_str()));
        assert_eq!(verify(&fake(), &a), SignatureCheck::Valid);
        let changed = [
            Approval { intent_id: "intent_20261125T120000Z_ffffffff".into(), ..a.clone() },
            Approval { intent_digest: "cd".repeat(32), ..a.clone() },
            Approval { by: "console keypress (alice)".into(), ..a.clone() },
            Approval { approved_ms: a.approved_ms + 1, ..a.clone() },
            Approval { expires_ms: a.expires_ms + 60_000, ..a.clone() },
            Approval { operator: Some("bob".into()), ..a.clone() },
            Approval { public_key: Some(OperatorKey::ephemeral("alice").public_key()), ..a.clone() },
        ];
        for c in changed {
            assert!(matches!(verify(&fake(), &c), SignatureCheck::Invalid(_)), "{c:?}");
        }
        // The corridor is in the record: the same approval copied into another corridor fails.
        let other = CorridorId::new(Venue::Fake, "other").unwrap();
        assert!(matches!(verify(&other, &a), SignatureCheck::Invalid(_)));
        let garbled = Approval { signature: Some("zz".into()), ..a.clone() };
        assert_eq!(verify(&fake(), &garbled), SignatureCheck::Invalid(SignatureProblem::NotHex));
        let partial = Approval { signature: None, ..a.clone() };
        assert_eq!(verify(&fake(), &partial), SignatureCheck::Invalid(SignatureProblem::Incomplete));
        assert_eq!(verify(&fake(), &approval()), SignatureCheck::Unsigned);
    }

    #[test]
    fn a_submit_takes_only_a_valid_signature_by_a_trusted_key() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        assert!(check_for_submit(&ws, &fake(), &approval(), &NoVenues).is_ok(), "unsigned: fake venue only");
        let refused = |a: &Approval, c: &CorridorId| check_for_submit(&ws, c, a, &NoVenues).unwrap_err();
        assert!(matches!(refused(&approval(), &kraken), ApprovalProblem::Unsigned(_)));
        let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "alice").unwrap();
        let mut a = approval();
        sign(&kraken, &mut a, &key).unwrap();
        assert!(check_for_submit(&ws, &kraken, &a, &NoVenues).is_ok());
        // Signed for kraken: over other bytes than the same record in the fake venue's corridor.
        let problem = SignatureProblem::NotThisApproval;
        assert!(matches!(refused(&a, &fake()), ApprovalProblem::Invalid { problem: p, .. } if p == problem));
        let mut stranger = approval();
        sign(&kraken, &mut stranger, &OperatorKey::ephemeral("alice")).unwrap();
        assert!(
            matches!(refused(&stranger, &kraken), ApprovalProblem::Untrusted { operator, .. } if operator == "alice")
        );
    }
}

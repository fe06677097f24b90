//! Where each venue account is reached: `venues.toml` in the workspace. Only URLs and the
//! public account address live here; secrets live in the keyring. With no entry an account
//! uses the venue's real endpoints; pointing `base_url` at the loopback simulator is the only
//! change needed to rehearse against it.
//!
//! "Loopback" (the only endpoints for which the environment's credential and operator key may
//! stand in for the keyring) is decided by [`url_loopback`]: each URL the corridor uses is
//! parsed with a real URL parser, and its host must be an address on this machine (127.0.0.0/8
//! or ::1) or a name that the system resolver resolves, here and now, to such addresses only.
//!
//! ```toml
//! [kraken.main]
//! base_url = "http://127.0.0.1:8790"     # default https://api.kraken.com
//! [hyperliquid.main]
//! base_url = "http://127.0.0.1:8790"     # default https://api.hyperliquid.xyz
//! account = "0x..."                      # the account the agent key trades for
//! vault = "0x..."                        # optional: trade for a vault or subaccount
//! network = "testnet"                    # optional: "mainnet" | "testnet" (below)
//! ```
//!
//! A Hyperliquid account's `network` is the chain its actions are signed for
//! ([`hl_network`]). Without it, it follows `base_url` as the official SDK does: mainnet only
//! at mainnet's real API (also the default URL), testnet anywhere else: at the real testnet,
//! at the loopback simulator (which verifies testnet by default), behind any other URL. So a
//! mainnet signature, which would be valid at the real venue, goes nowhere but mainnet's API
//! unless `network = "mainnet"` says so (a proxy in front of mainnet, or a simulator told to
//! verify mainnet). `network = "testnet"` without `base_url` means the real testnet's API. A
//! network that contradicts a real API's URL is refused, naming the file and the field.
//! Deciding needs no DNS: only the URL's text is read.

use std::collections::BTreeMap;
use std::net::{IpAddr, ToSocketAddrs};
use std::path::PathBuf;

use serde::Deserialize;

use crate::engine::error::{Error, Result};
use crate::engine::execution::{CorridorId, Venue};
use crate::engine::loopback::{NotLoopback, UrlProblem};
use crate::engine::venues::error::VenuesError;
use crate::engine::venues::evm::address::Address;
use crate::engine::venues::hyperliquid::network::{self, Network};
use crate::engine::workspace::Workspace;

pub const KRAKEN_REST: &str = "https://api.kraken.com";
pub const KRAKEN_WS: &str = "wss://ws.kraken.com/v2";
pub const KRAKEN_WS_AUTH: &str = "wss://ws-auth.kraken.com/v2";
pub const HYPERLIQUID_REST: &str = network::MAINNET_API;
pub const HYPERLIQUID_WS: &str = "wss://api.hyperliquid.xyz/ws";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    base_url: Option<String>,
    ws_url: Option<String>,
    ws_auth_url: Option<String>,
    account: Option<String>,
    vault: Option<String>,
    timeout_ms: Option<u64>,
    /// Hyperliquid only: "mainnet" | "testnet".
    network: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kraken: BTreeMap<String, Entry>,
    #[serde(default)]
    hyperliquid: BTreeMap<String, Entry>,
}

/// One account's endpoints, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub venue: Venue,
    pub account: String,
    pub base_url: String,
    pub ws_url: String,
    /// Kraken's private websocket host (the same as `ws_url` on the simulator).
    pub ws_auth_url: String,
    /// Hyperliquid: the account address orders are for (the signer is the keyring key).
    pub address: Option<Address>,
    pub vault: Option<Address>,
    /// Hyperliquid: the chain actions are signed for ([`hl_network`]); Kraken: `None`.
    pub network: Option<Network>,
    pub timeout_ms: u64,
    /// The `venues.toml` these came from (named when a URL is refused).
    pub source: PathBuf,
}

impl Endpoint {
    /// The loopback simulator (or anything on this machine): the only endpoint for which the
    /// environment-variable credential and operator key are allowed. Every URL the corridor
    /// uses must be loopback ([`Endpoint::loopback_check`]).
    pub fn is_loopback(&self) -> bool {
        self.loopback_check().is_ok()
    }

    /// Ok when `base_url`, `ws_url` and `ws_auth_url` all reach this machine only; else why
    /// not, naming `venues.toml`, the account's table and the field. Names are resolved with the
    /// system resolver.
    pub fn loopback_check(&self) -> std::result::Result<(), NotLoopback> {
        self.loopback_check_with(&system_resolve)
    }

    /// The same with another resolver (tests).
    pub fn loopback_check_with(&self, resolve: &Resolver) -> std::result::Result<(), NotLoopback> {
        let urls =
            [("base_url", &self.base_url), ("ws_url", &self.ws_url), ("ws_auth_url", &self.ws_auth_url)];
        for (field, url) in urls {
            if let Err(problem) = url_loopback(url, resolve) {
                return Err(NotLoopback::Account {
                    file: self.source.display().to_string().into(),
                    venue: self.venue.name(),
                    account: self.account.clone(),
                    field,
                    problem: Box::new(problem),
                });
            }
        }
        Ok(())
    }
}

/// The network a Hyperliquid account signs for: `stated` (the `network` field, already
/// parsed) or, without it, the one `base_url` implies: mainnet at mainnet's real API, testnet
/// anywhere else (the official SDK's rule). A stated network that contradicts a real API's
/// URL is refused; `at` names the file, table and field.
pub fn hl_network(base_url: &str, stated: Option<Network>, at: &str) -> Result<Network> {
    let host = url::Url::parse(base_url).ok().and_then(|u| u.host_str().map(str::to_string));
    let implied = host.as_deref().and_then(Network::of_real_host);
    match (stated, implied) {
        (Some(s), Some(i)) if s != i => Err(VenuesError::NetworkContradiction {
            at: at.to_string(),
            network: s,
            url: base_url.to_string(),
            url_network: i,
        }
        .into()),
        (Some(s), _) => Ok(s),
        (None, Some(i)) => Ok(i),
        (None, None) => Ok(Network::Testnet),
    }
}

/// Addresses on this machine: 127.0.0.0/8 and ::1, nothing else. Not 0.0.0.0 or :: (which
/// mean "every interface" to a listener), and not an IPv4-mapped (`::ffff:a.b.c.d`) or
/// IPv4-compatible IPv6 address, whatever IPv4 address it carries.
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_loopback(),
        IpAddr::V6(a) => a.is_loopback(),
    }
}

/// Resolves a host name and port to addresses.
pub type Resolver = dyn Fn(&str, u16) -> std::io::Result<Vec<IpAddr>>;

/// The system resolver (`getaddrinfo`: /etc/hosts, then DNS), as the venue clients use it.
pub fn system_resolve(host: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
    Ok((host, port).to_socket_addrs()?.map(|a| a.ip()).collect())
}

/// Ok when the URL `text` reaches this machine only; else why not (never echoing user info).
///
/// The URL is parsed with the `url` crate (the WHATWG parser the HTTP client uses) and must
/// be http, https, ws or wss, carry no user info (`user:pass@`), hold no whitespace, control
/// character or backslash, and write its host as that parser reads it: `2130706433`,
/// `0x7f.1`, `0177.0.0.1`, `127.1`, percent-escapes or full-width digits are refused, since
/// other parsers (the websocket client's, the C resolver's) may read them differently. An IP
/// host must be loopback ([`is_loopback_ip`]); a name must resolve, with `resolve`, to
/// loopback addresses only. A name that cannot be resolved is not loopback.
/// Every `(field, url)` reaches this machine only, else the first that does not and why.
pub fn urls_loopback(urls: &[(&'static str, &str)]) -> std::result::Result<(), NotLoopback> {
    for &(field, url) in urls {
        url_loopback(url, &system_resolve).map_err(|problem| NotLoopback::Url { field, problem })?;
    }
    Ok(())
}

pub fn url_loopback(text: &str, resolve: &Resolver) -> std::result::Result<(), UrlProblem> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return Err(UrlProblem::Unsafe);
    }
    let url = url::Url::parse(text).map_err(UrlProblem::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
        return Err(UrlProblem::Scheme(url.scheme().into()));
    }
    let Some(host) = url.host() else { return Err(UrlProblem::NoHost) };
    let parsed = url.host_str().unwrap_or_default().to_string();
    let Some(written) = written_authority(text) else { return Err(UrlProblem::NoAuthority { parsed }) };
    if written.contains('@') || !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::UserInfo { parsed });
    }
    let written_host = match written.strip_prefix('[') {
        Some(v6) => format!("[{}", v6.split(']').next().unwrap_or_default()) + "]",
        None => written.split(':').next().unwrap_or_default().to_string(),
    };
    if !written_host.eq_ignore_ascii_case(&parsed) {
        return Err(UrlProblem::HostSpelling { written: written_host, parsed });
    }
    let ips = match host {
        url::Host::Ipv4(a) => vec![IpAddr::V4(a)],
        url::Host::Ipv6(a) => vec![IpAddr::V6(a)],
        url::Host::Domain(name) => {
            let port = url.port_or_known_default().unwrap_or(0);
            let ips = resolve(name, port)
                .map_err(|e| UrlProblem::Unresolved { name: name.into(), reason: e.to_string() })?;
            if ips.is_empty() {
                return Err(UrlProblem::NoAddress(name.into()));
            }
            if let Some(&ip) = ips.iter().find(|ip| !is_loopback_ip(**ip)) {
                return Err(UrlProblem::ResolvesElsewhere { name: name.into(), ip });
            }
            return Ok(());
        }
    };
    match ips.iter().find(|ip| !is_loopback_ip(**ip)) {
        Some(&ip) => Err(UrlProblem::NotLoopbackIp { host: parsed, ip }),
        None => Ok(()),
    }
}

/// The authority as written: after `scheme://`, up to the first `/`, `?` or `#`.
fn written_authority(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("://")?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or_default())
}

pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join("venues.toml")
}

fn ws_from(base: &str, suffix: &str) -> String {
    let b = base.trim_end_matches('/');
    let b = b
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .unwrap_or_else(|| b.replacen("http://", "ws://", 1));
    format!("{b}{suffix}")
}

/// The endpoints of one corridor's account.
pub fn resolve(ws: &Workspace, id: &CorridorId) -> Result<Endpoint> {
    resolve_with(ws, id, true)
}

/// The same for public market data only: a Hyperliquid account address is not needed.
pub fn resolve_public(ws: &Workspace, id: &CorridorId) -> Result<Endpoint> {
    resolve_with(ws, id, false)
}

fn resolve_with(ws: &Workspace, id: &CorridorId, trading: bool) -> Result<Endpoint> {
    let p = path(ws);
    let file: File = match std::fs::read_to_string(&p) {
        Ok(t) => toml::from_str(&t).map_err(|source: toml::de::Error| VenuesError::EndpointsFile {
            path: p.clone(),
            problem: source.message().to_string(),
            source,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
        Err(e) => return Err(Error::io("cannot read", &p, e)),
    };
    let (entry, rest, ws_default, ws_auth_default) = match id.venue {
        Venue::Kraken => (file.kraken.get(&id.account), KRAKEN_REST, KRAKEN_WS, KRAKEN_WS_AUTH),
        Venue::Hyperliquid => {
            (file.hyperliquid.get(&id.account), HYPERLIQUID_REST, HYPERLIQUID_WS, HYPERLIQUID_WS)
        }
        Venue::Fake => return Err(VenuesError::FakeHasNoEndpoints.into()),
    };
    let e = entry.cloned().unwrap_or_default();
    let field = |f: &str| format!("{}: [{}.{}] {f}", p.display(), id.venue, id.account);
    let stated = match (&e.network, id.venue) {
        (None, _) => None,
        (Some(_), Venue::Kraken) => return Err(VenuesError::NetworkNotHyperliquid(field("network")).into()),
        (Some(v), _) => Some(
            Network::parse(v)
                .ok_or_else(|| VenuesError::NetworkValue { at: field("network"), value: v.clone() })?,
        ),
    };
    // `network = "testnet"` alone means the real testnet.
    let rest = if stated == Some(Network::Testnet) { network::TESTNET_API } else { rest };
    let base_url = e.base_url.clone().unwrap_or_else(|| rest.to_string()).trim_end_matches('/').to_string();
    // Websockets at the base URL's host (`/ws`) unless it is the venue's default.
    let custom = e.base_url.is_some() || stated == Some(Network::Testnet);
    let suffix = if id.venue == Venue::Kraken { "/kraken/v2" } else { "/ws" };
    let ws_url =
        e.ws_url
            .clone()
            .unwrap_or_else(|| if custom { ws_from(&base_url, suffix) } else { ws_default.into() });
    let ws_auth_url =
        e.ws_auth_url.clone().unwrap_or_else(|| if custom { ws_url.clone() } else { ws_auth_default.into() });
    let network = match id.venue {
        Venue::Hyperliquid => Some(hl_network(&base_url, stated, &field("network"))?),
        _ => None,
    };
    let addr = |v: &Option<String>, f: &str| -> Result<Option<Address>> {
        v.as_deref()
            .map(|s| {
                Address::from_hex(s).map_err(|source| VenuesError::Address { at: field(f), source }.into())
            })
            .transpose()
    };
    let address = addr(&e.account, "account")?;
    let vault = addr(&e.vault, "vault")?;
    if trading && id.venue == Venue::Hyperliquid && address.is_none() {
        return Err(VenuesError::NoAccountAddress(field("account")).into());
    }
    Ok(Endpoint {
        venue: id.venue,
        account: id.account.clone(),
        base_url,
        ws_url,
        ws_auth_url,
        address,
        vault,
        network,
        timeout_ms: e.timeout_ms.unwrap_or(10_000),
        source: p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::loopback::UrlProblem as P;

    #[test]
    fn defaults_are_the_real_venues_and_the_simulator_is_one_line_away() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let k = CorridorId::new(Venue::Kraken, "main").unwrap();
        let real = resolve(&ws, &k).unwrap();
        assert_eq!((real.base_url.as_str(), real.ws_url.as_str()), (KRAKEN_REST, KRAKEN_WS));
        let why = real.loopback_check_with(&no_dns).unwrap_err();
        assert!(
            matches!(&why, NotLoopback::Account { file, venue, account, field: "base_url", problem }
                if file.ends_with("venues.toml") && *venue == "kraken" && account == "main"
                    && matches!(**problem, P::Unresolved { .. })),
            "{why:?}"
        );
        std::fs::write(path(&ws), "[kraken.main]\nbase_url = \"http://127.0.0.1:8790/\"\n").unwrap();
        let sim = resolve(&ws, &k).unwrap();
        assert_eq!(sim.base_url, "http://127.0.0.1:8790");
        assert_eq!(sim.ws_url, "ws://127.0.0.1:8790/kraken/v2");
        assert!(sim.is_loopback(), "an IP literal needs no resolver");
        let h = CorridorId::new(Venue::Hyperliquid, "main").unwrap();
        let e = resolve(&ws, &h).unwrap_err();
        assert!(e.message.contains("[hyperliquid.main] account"), "{}", e.message);
    }

    fn hl_with(ws: &Workspace, table: &str) -> Result<Endpoint> {
        let account = "account = \"0x00000000000000000000000000000000000000d1\"\n";
        std::fs::write(path(ws), format!("[hyperliquid.main]\n{account}{table}")).unwrap();
        resolve(ws, &CorridorId::new(Venue::Hyperliquid, "main").unwrap())
    }

    /// Without `network`, the URL decides as the official SDK does: mainnet only at mainnet's
    /// real API, testnet anywhere else.
    #[test]
    fn the_network_follows_the_endpoint() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        for (table, want) in [
            ("", Network::Mainnet),
            ("base_url = \"https://api.hyperliquid.xyz/\"\n", Network::Mainnet),
            ("base_url = \"https://API.hyperliquid.xyz\"\n", Network::Mainnet),
            ("base_url = \"https://api.hyperliquid-testnet.xyz\"\n", Network::Testnet),
            ("base_url = \"http://127.0.0.1:8790\"\n", Network::Testnet),
            ("base_url = \"http://localhost:8790\"\n", Network::Testnet),
            ("base_url = \"https://hl-proxy.example\"\n", Network::Testnet),
            // Saying it outright: a simulator told to verify mainnet, a proxy before mainnet.
            ("base_url = \"http://127.0.0.1:8790\"\nnetwork = \"mainnet\"\n", Network::Mainnet),
            ("base_url = \"https://hl-proxy.example\"\nnetwork = \"mainnet\"\n", Network::Mainnet),
            ("base_url = \"https://api.hyperliquid.xyz\"\nnetwork = \"mainnet\"\n", Network::Mainnet),
            ("base_url = \"https://api.hyperliquid-testnet.xyz\"\nnetwork = \"testnet\"\n", Network::Testnet),
        ] {
            assert_eq!(hl_with(&ws, table).unwrap().network, Some(want), "{table}");
        }
        let real_testnet = hl_with(&ws, "network = \"testnet\"\n").unwrap();
        assert_eq!(real_testnet.network, Some(Network::Testnet));
        assert_eq!(real_testnet.base_url, network::TESTNET_API, "testnet alone is the real testnet");
        assert_eq!(real_testnet.ws_url, "wss://api.hyperliquid-testnet.xyz/ws");
        let mainnet = hl_with(&ws, "").unwrap();
        assert_eq!((mainnet.base_url.as_str(), mainnet.ws_url.as_str()), (HYPERLIQUID_REST, HYPERLIQUID_WS));
        std::fs::write(path(&ws), "[kraken.main]\nbase_url = \"http://127.0.0.1:8790\"\n").unwrap();
        let k = resolve(&ws, &CorridorId::new(Venue::Kraken, "main").unwrap()).unwrap();
        assert_eq!(k.network, None, "Kraken has no network");
    }

    #[test]
    fn a_network_that_contradicts_the_url_or_is_misspelt_is_refused_by_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let at_field = |at: &str| at.ends_with("venues.toml: [hyperliquid.main] network");
        for (table, stated, implied) in [
            ("base_url = \"https://api.hyperliquid-testnet.xyz\"\nnetwork = \"mainnet\"\n", Network::Mainnet, Network::Testnet),
            ("base_url = \"https://api.hyperliquid.xyz\"\nnetwork = \"testnet\"\n", Network::Testnet, Network::Mainnet),
        ] {
            let e = hl_with(&ws, table).unwrap_err();
            assert!(
                matches!(e.domain::<VenuesError>(), Some(VenuesError::NetworkContradiction { at, network, url_network, .. })
                    if at_field(at) && *network == stated && *url_network == implied),
                "{table}: {e:?}"
            );
            assert_eq!(e.kind, crate::engine::error::ErrorKind::BadInput);
        }
        for bad in ["Mainnet", "main", "devnet", ""] {
            let e = hl_with(&ws, &format!("network = \"{bad}\"\n")).unwrap_err();
            assert!(
                matches!(e.domain::<VenuesError>(), Some(VenuesError::NetworkValue { at, value }) if at_field(at) && value == bad),
                "{bad}: {e:?}"
            );
        }
        std::fs::write(path(&ws), "[kraken.main]\nnetwork = \"testnet\"\n").unwrap();
        let e = resolve(&ws, &CorridorId::new(Venue::Kraken, "main").unwrap()).unwrap_err();
        assert!(
            matches!(e.domain::<VenuesError>(), Some(VenuesError::NetworkNotHyperliquid(at)) if at.ends_with("[kraken.main] network")),
            "{e:?}"
        );
        // Market data alone (no account address) is decided the same way.
        std::fs::write(path(&ws), "[hyperliquid.main]\nbase_url = \"https://api.hyperliquid.xyz\"\nnetwork = \"testnet\"\n").unwrap();
        let public = resolve_public(&ws, &CorridorId::new(Venue::Hyperliquid, "main").unwrap());
        assert!(matches!(public.unwrap_err().domain::<VenuesError>(), Some(VenuesError::NetworkContradiction { .. })));
    }

    /// A resolver that is never reached: no test here sends a DNS query.
    fn no_dns(host: &str, _port: u16) -> std::io::Result<Vec<IpAddr>> {
        Err(std::io::Error::other(format!("no DNS in tests ({host})")))
    }

    /// Names for the tests: `localhost` and `sim.test` are loopback; `mixed.test` is loopback
    /// and public at once (a rebinding set-up); `public.test` is public; anything else fails.
    fn names(host: &str, _port: u16) -> std::io::Result<Vec<IpAddr>> {
        let ips: &[&str] = match host {
            "localhost" => &["127.0.0.1", "::1"],
            "sim.test" => &["127.0.0.2"],
            "mixed.test" => &["127.0.0.1", "203.0.113.5"],
            "public.test" | "api.kraken.com" => &["203.0.113.5"],
            "empty.test" => &[],
            _ => return no_dns(host, _port),
        };
        Ok(ips.iter().map(|s| s.parse().unwrap()).collect())
    }

    #[test]
    fn loopback_urls_pass() {
        for url in [
            "http://127.0.0.1:8790",
            "http://127.0.0.1:8790/",
            "https://127.9.8.7",
            "ws://127.0.0.1:8790/kraken/v2",
            "wss://[::1]:8790/ws",
            "http://[::1]:8790",
            "http://localhost:8790",
            "http://LOCALHOST:8790",
            "http://sim.test:8790",
        ] {
            assert_eq!(url_loopback(url, &names), Ok(()), "{url}");
        }
    }

    /// Each URL tries to pass for loopback while reaching (or possibly reaching) another host.
    #[test]
    fn hostile_urls_are_not_loopback() {
        let user_info: fn(&P) -> bool = |p| matches!(p, P::UserInfo { .. });
        let not_loopback_ip: fn(&P) -> bool = |p| matches!(p, P::NotLoopbackIp { .. });
        let spelled =
            |want: &'static str| move |p: &P| matches!(p, P::HostSpelling { parsed, .. } if parsed == want);
        let public: fn(&P) -> bool = |p| matches!(p, P::ResolvesElsewhere { ip, .. } if *ip == "203.0.113.5".parse::<IpAddr>().unwrap());
        let unresolved: fn(&P) -> bool = |p| matches!(p, P::Unresolved { .. });
        let not_a_url: fn(&P) -> bool = |p| matches!(p, P::NotAUrl(_));
        let unsafe_chars: fn(&P) -> bool = |p| *p == P::Unsafe;
        type Expect = Box<dyn Fn(&P) -> bool>;
        let cases: Vec<(&str, Expect)> = vec![
            ("https://localhost:x@api.kraken.com", Box::new(user_info)),
            ("http://127.0.0.1@203.0.113.5:8790", Box::new(user_info)),
            ("http://127.0.0.1:8790@203.0.113.5", Box::new(user_info)),
            ("http://@127.0.0.1:8790", Box::new(user_info)),
            ("http://[::ffff:203.0.113.5]:8790", Box::new(spelled("[::ffff:cb00:7105]"))),
            ("http://[::ffff:cb00:7105]:8790", Box::new(not_loopback_ip)),
            ("http://[::ffff:7f00:1]:8790", Box::new(not_loopback_ip)),
            ("http://[::127.0.0.1]:8790", Box::new(|p: &P| matches!(p, P::HostSpelling { .. }))),
            ("http://[::]:8790", Box::new(not_loopback_ip)),
            ("http://[2001:db8::1]:8790", Box::new(not_loopback_ip)),
            ("http://0.0.0.0:8790", Box::new(not_loopback_ip)),
            ("http://203.0.113.5:8790", Box::new(not_loopback_ip)),
            ("http://2130706433:8790", Box::new(spelled("127.0.0.1"))),
            ("http://3405803781:8790", Box::new(spelled("203.0.113.5"))),
            ("http://0x7f.0.0.1:8790", Box::new(spelled("127.0.0.1"))),
            ("http://0177.0.0.1:8790", Box::new(spelled("127.0.0.1"))),
            ("http://0313.0.0161.5:8790", Box::new(spelled("203.0.113.5"))),
            ("http://127.1:8790", Box::new(spelled("127.0.0.1"))),
            ("http://127.0.0.1.:8790", Box::new(spelled("127.0.0.1"))),
            ("http://%31%32%37.0.0.1:8790", Box::new(spelled("127.0.0.1"))),
            ("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1:8790", Box::new(spelled("127.0.0.1"))),
            ("http://127.0.0.1\\@203.0.113.5:8790", Box::new(unsafe_chars)),
            ("http://127.0.0.1\t.public.test:8790", Box::new(unsafe_chars)),
            (" http://127.0.0.1:8790", Box::new(unsafe_chars)),
            ("http:127.0.0.1:8790", Box::new(|p: &P| matches!(p, P::NoAuthority { .. }))),
            ("http:///127.0.0.1:8790", Box::new(spelled("127.0.0.1"))),
            ("ftp://127.0.0.1:8790", Box::new(|p: &P| *p == P::Scheme("ftp".into()))),
            ("127.0.0.1:8790", Box::new(not_a_url)),
            ("http://[::1%25lo]:8790", Box::new(not_a_url)),
            ("http://public.test:8790", Box::new(public)),
            ("http://mixed.test:8790", Box::new(public)),
            ("http://localhost.public.test:8790", Box::new(unresolved)),
            ("http://127.0.0.1.public.test:8790", Box::new(unresolved)),
            ("http://empty.test:8790", Box::new(|p: &P| *p == P::NoAddress("empty.test".into()))),
            ("https://api.kraken.com", Box::new(public)),
        ];
        for (url, want) in cases {
            let got = url_loopback(url, &names).expect_err(url);
            assert!(want(&got), "{url}: {got:?}");
            assert!(!got.to_string().contains("localhost:x"), "{url}: user info is never echoed: {got}");
        }
    }

    #[test]
    fn every_url_of_the_corridor_is_checked_and_the_field_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let k = CorridorId::new(Venue::Kraken, "main").unwrap();
        for (field, extra) in [
            ("ws_url", "ws_url = \"ws://203.0.113.5:8790/kraken/v2\"\n"),
            ("ws_auth_url", "ws_auth_url = \"wss://ws-auth.kraken.com/v2\"\n"),
        ] {
            let text = format!("[kraken.main]\nbase_url = \"http://127.0.0.1:8790\"\n{extra}");
            std::fs::write(path(&ws), text).unwrap();
            let why = resolve(&ws, &k).unwrap().loopback_check_with(&names).unwrap_err();
            assert!(matches!(why, NotLoopback::Account { field: f, .. } if f == field), "{why:?}");
        }
    }

    #[test]
    fn the_simulator_rule_is_the_same_predicate() {
        for ip in ["127.0.0.1", "127.255.0.1", "::1"] {
            assert!(is_loopback_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["0.0.0.0", "::", "::ffff:127.0.0.1", "::ffff:203.0.113.5", "10.0.0.1", "192.168.1.10"] {
            assert!(!is_loopback_ip(ip.parse().unwrap()), "{ip}");
        }
    }
}

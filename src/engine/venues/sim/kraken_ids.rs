//! Kraken-shaped ids (`OQCLML-BW3P3-BUCMWZ` for orders, `T...` for trades) that encode the
//! simulator's numeric id reversibly, so a txid can be looked up without a second index.

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn encode(prefix: char, id: u64) -> String {
    // 16 base-32 digits cover any u64 (the 80 bits are zero-padded), grouped 5-5-6 after the prefix.
    let mut digits = [b'A'; 16];
    let mut n = id;
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    let s = std::str::from_utf8(&digits).expect("ascii");
    format!("{prefix}{}-{}-{}", &s[0..5], &s[5..10], &s[10..16])
}

fn decode(prefix: char, txid: &str) -> Option<u64> {
    let rest = txid.strip_prefix(prefix)?;
    let parts: Vec<&str> = rest.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 5 || parts[1].len() != 5 || parts[2].len() != 6 {
        return None;
    }
    let mut n: u64 = 0;
    for c in parts.concat().bytes() {
        let d = ALPHABET.iter().position(|&a| a == c)? as u64;
        n = n.checked_mul(32)?.checked_add(d)?;
    }
    Some(n)
}

pub fn order_txid(id: u64) -> String {
    encode('O', id)
}

pub fn parse_order_txid(txid: &str) -> Option<u64> {
    decode('O', txid)
}

pub fn trade_txid(id: u64) -> String {
    encode('T', id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txids_round_trip_and_look_like_krakens() {
        for id in [0, 1, 31, 32, 123_456_789, u64::MAX >> 4] {
            let t = order_txid(id);
            assert_eq!(t.len(), 19, "{t}");
            assert_eq!(parse_order_txid(&t), Some(id));
        }
        assert_eq!(parse_order_txid("TAAAAA-AAAAA-AAAAAB"), None);
        assert_eq!(parse_order_txid("Onot-a-txid"), None);
    }
}

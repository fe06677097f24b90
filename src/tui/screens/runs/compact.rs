//! The runs table's compact forms: a run's id as its hash, shortened to what tells it apart,
//! and its parameters with their names abbreviated. The full id and parameters stay in the
//! run's detail view and in every artifact; these are only what the table prints.

/// The fewest hex digits of a run's hash the table shows: below that, a workspace of a few
/// thousand runs would see two share a prefix, and every id would grow as runs are added.
pub const MIN_HASH: usize = 6;

/// Each id's short form, in order: its hash (the part after the last `_`, as in
/// `run_20260125T120000Z_ab12cd34`) cut to the fewest digits, at least [`MIN_HASH`], that no
/// other run's hash starts with. Two runs whose whole hashes are equal (one pair in four
/// billion) show it whole and alike: the detail view tells them apart. An id of another form
/// is shown whole, less its `run_`.
pub fn short_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut sorted: Vec<&str> = ids.iter().filter_map(|id| hash(id)).collect();
    sorted.sort_unstable();
    ids.iter()
        .map(|id| match hash(id) {
            Some(h) => {
                // Sorted, a hash shares its longest prefix with a neighbour; `sorted[at]` is the
                // first hash equal to it, and the next one may be equal too.
                let at = sorted.partition_point(|s| *s < h);
                let shared = |j: usize| sorted.get(j).map_or(0, |s| common(h, s));
                let before = at.checked_sub(1).map_or(0, shared);
                let digits = (before.max(shared(at + 1)) + 1).clamp(MIN_HASH, h.len());
                h[..digits].to_string()
            }
            None => id.strip_prefix("run_").unwrap_or(id).to_string(),
        })
        .collect()
}

/// The hash of a run id of the usual form: lowercase hex after the last `_`.
fn hash(id: &str) -> Option<&str> {
    let (_, h) = id.rsplit_once('_')?;
    (h.len() >= MIN_HASH && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))).then_some(h)
}

/// Bytes two ASCII strings share at their start.
fn common(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// A run's parameters (`k=v` pairs, space separated, in name order, as the runs index has
/// them) with each name cut to the fewest letters that no other name of the same run starts
/// with: `fast=20 slow=100` reads `f=20 s=100`, `lower=30 period=14 upper=70` reads
/// `l=30 p=14 u=70`, and `fast=12 signal=9 slow=26` reads `f=12 si=9 sl=26`. Values are kept
/// as they are; a word that is not `k=v` too.
pub fn abbreviate_params(params: &str) -> String {
    let pairs: Vec<(Option<&str>, &str)> = params
        .split_whitespace()
        .map(|w| match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => (Some(k), v),
            _ => (None, w),
        })
        .collect();
    let names: Vec<&str> = pairs.iter().filter_map(|(k, _)| *k).collect();
    pairs
        .iter()
        .map(|(k, v)| match k {
            Some(k) => format!("{}={v}", abbreviate(k, &names)),
            None => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `name` cut to its first character boundary after which no other of `names` starts the same.
fn abbreviate<'a>(name: &'a str, names: &[&str]) -> &'a str {
    let others: Vec<&str> = names.iter().copied().filter(|n| *n != name).collect();
    let ends = name.char_indices().map(|(i, c)| i + c.len_utf8());
    ends.map(|e| &name[..e]).find(|p| !others.iter().any(|o| o.starts_with(p))).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_id_is_the_hash_cut_to_what_tells_it_apart() {
        let ids = [
            "run_20260125T120000Z_ab12cd34",
            "run_20260125T120001Z_ab12cd99",
            "run_20260125T120002Z_ab12ce00",
            "run_20260125T120003Z_0f9e8d7c",
        ];
        assert_eq!(short_ids(ids), ["ab12cd3", "ab12cd9", "ab12ce", "0f9e8d"]);
        assert_eq!(short_ids(["run_20260125T120000Z_ab12cd34"]), ["ab12cd"], "never below six digits");
    }

    #[test]
    fn equal_hashes_show_whole_and_other_ids_as_they_are() {
        let ids = ["run_20260125T120000Z_ab12cd34", "run_20260125T130000Z_ab12cd34", "my-own-run", "run_x"];
        assert_eq!(short_ids(ids), ["ab12cd34", "ab12cd34", "my-own-run", "x"]);
        assert!(short_ids(std::iter::empty()).is_empty());
    }

    #[test]
    fn parameter_names_are_cut_to_what_tells_them_apart() {
        assert_eq!(abbreviate_params("fast=20 slow=100"), "f=20 s=100");
        assert_eq!(abbreviate_params("lower=30 period=14 upper=70"), "l=30 p=14 u=70");
        assert_eq!(abbreviate_params("fast=12 signal=9 slow=26"), "f=12 si=9 sl=26");
        assert_eq!(abbreviate_params("k=2.5 period=20"), "k=2.5 p=20");
        assert_eq!(abbreviate_params("k=1 k2=3"), "k=1 k2=3", "a name that starts another stays whole");
        assert_eq!(abbreviate_params(""), "");
        assert_eq!(abbreviate_params("odd =5 x=1"), "odd =5 x=1", "what is not k=v is kept");
        assert_eq!(abbreviate_params("période=3 pas=1"), "pé=3 pa=1", "cut at a character, not a byte");
    }
}

//! `--shard K/N` and `--shard auto` (Kubernetes Indexed Jobs, Slurm job arrays).

use super::error::SweepError;
use super::types::Shard;
use crate::engine::error::Result;

/// Parse `K/N` (0-based K), or `auto`: K from `JOB_COMPLETION_INDEX` (Kubernetes) or
/// `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN` (Slurm); N from `QUANTLAB_SHARDS` or
/// `SLURM_ARRAY_TASK_COUNT`. `env` is injectable for tests.
pub fn parse_shard(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
    let num = |name: &'static str, v: &str| {
        v.trim().parse::<usize>().map_err(|_| SweepError::ShardNumber { name, value: v.into() })
    };
    let shard = if s == "auto" {
        let index = if let Some(k) = env("JOB_COMPLETION_INDEX") {
            num("JOB_COMPLETION_INDEX", &k)?
        } else if let Some(k) = env("SLURM_ARRAY_TASK_ID") {
            let min = env("SLURM_ARRAY_TASK_MIN")
                .map(|m| num("SLURM_ARRAY_TASK_MIN", &m))
                .transpose()?
                .unwrap_or(0);
            num("SLURM_ARRAY_TASK_ID", &k)?.checked_sub(min).ok_or(SweepError::SlurmBelowMin)?
        } else {
            return Err(SweepError::NoShardIndex.into());
        };
        let count = if let Some(n) = env("QUANTLAB_SHARDS") {
            num("QUANTLAB_SHARDS", &n)?
        } else if let Some(n) = env("SLURM_ARRAY_TASK_COUNT") {
            num("SLURM_ARRAY_TASK_COUNT", &n)?
        } else {
            return Err(SweepError::NoShardCount.into());
        };
        Shard { index, count }
    } else {
        let (k, n) = s.split_once('/').ok_or_else(|| SweepError::ShardForm(s.into()))?;
        Shard { index: num("K", k)?, count: num("N", n)? }
    };
    if shard.count == 0 || shard.index >= shard.count {
        return Err(SweepError::NotAShard { index: shard.index, count: shard.count }.into());
    }
    Ok(shard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn explicit_and_auto() {
        assert_eq!(parse_shard("1/4", &env(&[])).unwrap(), Shard { index: 1, count: 4 });
        let refused = |s: &str, env: &dyn Fn(&str) -> Option<String>| parse_shard(s, env).unwrap_err();
        let e = refused("4/4", &env(&[]));
        assert!(matches!(e.domain(), Some(SweepError::NotAShard { index: 4, count: 4 })), "{e:?}");
        let e = refused("x/4", &env(&[]));
        assert!(
            matches!(e.domain(), Some(SweepError::ShardNumber { name: "K", value }) if value == "x"),
            "{e:?}"
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2"), ("QUANTLAB_SHARDS", "3")]);
        assert_eq!(parse_shard("auto", &k8s).unwrap(), Shard { index: 2, count: 3 });
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(parse_shard("auto", &slurm).unwrap(), Shard { index: 4, count: 5 });
        let e = refused("auto", &env(&[]));
        assert!(matches!(e.domain(), Some(SweepError::NoShardIndex)), "{e:?}");
    }
}

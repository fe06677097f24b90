//! `--shard K/N` and `--shard auto` (Kubernetes Indexed Jobs, Slurm job arrays).

use super::types::Shard;
use crate::engine::error::{Error, Result};

/// Parse `K/N` (0-based K), or `auto`: K from `JOB_COMPLETION_INDEX` (Kubernetes) or
/// `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN` (Slurm); N from `QUANTLAB_SHARDS` or
/// `SLURM_ARRAY_TASK_COUNT`. `env` is injectable for tests.
pub fn parse_shard(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
    let num = |name: &str, v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| Error::bad_input(format!("--shard: {name}='{v}' is not a whole number")))
    };
    let shard = if s == "auto" {
        let index = if let Some(k) = env("JOB_COMPLETION_INDEX") {
            num("JOB_COMPLETION_INDEX", &k)?
        } else if let Some(k) = env("SLURM_ARRAY_TASK_ID") {
            let min = env("SLURM_ARRAY_TASK_MIN")
                .map(|m| num("SLURM_ARRAY_TASK_MIN", &m))
                .transpose()?
                .unwrap_or(0);
            num("SLURM_ARRAY_TASK_ID", &k)?.checked_sub(min).ok_or_else(|| {
                Error::bad_input("--shard auto: SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")
            })?
        } else {
            return Err(Error::bad_input(
                "--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm array) is set",
            ));
        };
        let count = if let Some(n) = env("QUANTLAB_SHARDS") {
            num("QUANTLAB_SHARDS", &n)?
        } else if let Some(n) = env("SLURM_ARRAY_TASK_COUNT") {
            num("SLURM_ARRAY_TASK_COUNT", &n)?
        } else {
            return Err(Error::bad_input(
                "--shard auto: set QUANTLAB_SHARDS to the number of shards (Slurm sets SLURM_ARRAY_TASK_COUNT)",
            ));
        };
        Shard { index, count }
    } else {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| Error::bad_input(format!("--shard '{s}': use K/N (0-based K) or auto")))?;
        Shard { index: num("K", k)?, count: num("N", n)? }
    };
    if shard.count == 0 || shard.index >= shard.count {
        return Err(Error::bad_input(format!(
            "--shard: {}/{} is not a shard; need 0 <= K < N",
            shard.index, shard.count
        )));
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
        assert!(parse_shard("4/4", &env(&[])).is_err());
        assert!(parse_shard("x/4", &env(&[])).is_err());
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2"), ("QUANTLAB_SHARDS", "3")]);
        assert_eq!(parse_shard("auto", &k8s).unwrap(), Shard { index: 2, count: 3 });
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(parse_shard("auto", &slurm).unwrap(), Shard { index: 4, count: 5 });
        assert!(parse_shard("auto", &env(&[])).unwrap_err().message.contains("JOB_COMPLETION_INDEX"));
    }
}

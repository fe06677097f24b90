//! What a sweep, its shards and merge, or a walk-forward can refuse or fail on. The exit-code
//! kind of each is in `engine/error_kinds.rs`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A `--grid` axis, or the grid as a whole, that cannot be swept.
    #[error("--grid: {0}")]
    Grid(GridProblem),
    /// A `--constraint` that does not parse against the grid.
    #[error("--constraint: {0}")]
    Constraint(GridProblem),
    #[error("--grid: give at least one axis, e.g. --grid fast=5:50:5")]
    NoAxis,
    #[error("--grid: parameter '{0}' is swept twice")]
    SweptTwice(String),
    /// Every grid point was refused by the constraints or the strategy (`constrained`: there
    /// were constraints to check).
    #[error(
        "--grid: no valid combination among {enumerated} grid point(s) after the constraints{}",
        if *constrained { " (check --constraint)" } else { "" }
    )]
    NoValidCombination { enumerated: usize, constrained: bool },
    /// An `--objective` that is not a metric worth optimizing; `valid` lists those that are.
    #[error("--objective: unknown objective '{name}'; valid: {valid}")]
    UnknownObjective { name: String, valid: String },
    /// A shard number (`K`, `N`, or the environment variable `name`) that is not a count.
    #[error("--shard: {name}='{value}' is not a whole number")]
    ShardNumber { name: &'static str, value: String },
    #[error("--shard auto: SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")]
    SlurmBelowMin,
    #[error(
        "--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm array) is set"
    )]
    NoShardIndex,
    #[error("--shard auto: set QUANTLAB_SHARDS to the number of shards (Slurm sets SLURM_ARRAY_TASK_COUNT)")]
    NoShardCount,
    #[error("--shard '{0}': use K/N (0-based K) or auto")]
    ShardForm(String),
    #[error("--shard: {index}/{count} is not a shard; need 0 <= K < N")]
    NotAShard { index: usize, count: usize },
    #[error("--jobs must be at least 1")]
    NoJobs,
    #[error("--jobs {jobs} is more than {max} (4 per core on this machine); the work is CPU-bound")]
    TooManyJobs { jobs: usize, max: usize },
    #[error("--start/--end: no bars in the window")]
    EmptyWindow,
    #[error("cannot start {jobs} worker threads: {source}")]
    Workers { jobs: usize, source: rayon::ThreadPoolBuildError },
    /// A shard path given to merge that does not exist.
    #[error("{} does not exist", .0.display())]
    ShardMissing(PathBuf),
    #[error("not a sweep shard: cannot read {}: {source}", path.display())]
    ShardUnreadable { path: PathBuf, source: std::io::Error },
    #[error("not a sweep shard's sweep.json ({source})")]
    ShardNotJson { source: serde_json::Error },
    #[error("sweep merge: give the shard folders to merge")]
    NothingToMerge,
    /// The first sweep given to merge was not run with `--shard` (its id).
    #[error("{0} is not a shard (no --shard)")]
    FirstNotShard(String),
    #[error("{0} is not a shard")]
    NotShard(String),
    /// A shard of a split into `count` shards among shards of `expected`.
    #[error("{sweep_id} is shard {index}/{count}, others are of {expected}")]
    ShardCount { sweep_id: String, index: usize, count: usize, expected: usize },
    #[error("{0} is a shard of a different sweep (config or data differ)")]
    OtherSweep(String),
    /// A shard whose config no sweep could have run (no grid, a grid over the `--grid` limit,
    /// more combinations than its grid has): its sweep.json was not written by a sweep.
    #[error("{0}: its grid and combination count are not those of a sweep")]
    NotASweepConfig(String),
    /// A shard holding a combination that is not its own (another shard's index, beyond the
    /// grid) or whose parameters are not the swept ones.
    #[error("{sweep_id} holds combination {index}, which is not one of its shard's or lacks the swept parameters")]
    ForeignCombination { sweep_id: String, index: usize },
    #[error("shard {index}/{count} is given twice")]
    ShardTwice { index: usize, count: usize },
    /// The shards not given, as `K/N`.
    #[error("missing shard(s): {}", .0.join(", "))]
    ShardsMissing(Vec<String>),
    /// Every shard is there, but they hold fewer or more results than the sweep has.
    #[error("shards hold {held} combinations but the sweep has {total}")]
    ShardsIncomplete { held: usize, total: usize },
    /// A shard given to merge whose folder does not hold what its manifest says it wrote (or
    /// holds no manifest: the shard did not finish). `dir` is the shard's folder, `shard` its
    /// index and count when its manifest or sweep.json says. (Boxed: the problem names files
    /// and hashes, and every `SweepError` would otherwise be as large.)
    #[error(
        "{}{problem}; rerun that shard",
        shard.as_ref().map(|s| format!("shard {}/{}: ", s.index, s.count)).unwrap_or_default()
    )]
    ShardUnverified { dir: PathBuf, shard: Option<super::types::Shard>, problem: Box<ManifestProblem> },
    #[error("no sweep '{0}'")]
    NoSweep(String),
    /// A `--save-runs` that is not `top:N`.
    #[error("--save-runs '{0}': use top:N")]
    SaveRuns(String),
    #[error("--progress '{0}': use bar, json or none")]
    Progress(String),
    #[error("--train, --test and --step must be at least 1 bar")]
    EmptyFold,
    #[error("--train: {train} training + {test} test bars need {} bars, the data has {bars}", train + test)]
    FoldsTooLong { train: usize, test: usize, bars: usize },
    #[error("no walk-forward '{0}'")]
    NoWalkForward(String),
    /// A fold whose training window ranked no combination.
    #[error("no combination ranked")]
    NothingRanked,
}

/// What is wrong with a grid axis (`fast=5:50:5`) or a constraint (`fast<slow`); `text` is the
/// axis or constraint as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GridProblem {
    #[error("'{0}' must look like name=a:b:step or name=v1,v2")]
    NotAnAxis(String),
    #[error("strategy {strategy} has no parameter '{param}'; valid: {valid}")]
    UnknownParam { strategy: String, param: String, valid: String },
    #[error("'{value}' in '{text}' is not a number")]
    NotANumber { value: String, text: String },
    #[error("'{0}': a range is start:end:step")]
    RangeShape(String),
    #[error("'{0}': need finite numbers, start <= end and a positive step")]
    BadRange(String),
    /// An axis with more than `max` values.
    #[error("'{text}' has {count} values; at most {max}")]
    TooManyValues { text: String, count: f64, max: usize },
    #[error("'{0}' has no values")]
    NoValues(String),
    #[error("{param}={value}: {param} must be a whole number")]
    NotWhole { param: String, value: f64 },
    #[error("{param}={value} is out of range [{min}, {max}]")]
    OutOfRange { param: String, value: f64, min: f64, max: f64 },
    #[error("'{0}' repeats a value")]
    Repeats(String),
    /// The product of the axes (saturated at `usize::MAX`), over `max`.
    #[error("{total} combinations; at most {max}")]
    TooManyCombinations { total: usize, max: usize },
    #[error("'{0}' needs one of < <= > >= !=")]
    NoOperator(String),
    /// A constraint operand that is neither a number nor a swept parameter (`swept` lists those).
    #[error("'{operand}' in '{text}' is neither a number nor a swept parameter ({swept})")]
    UnknownOperand { operand: String, text: String, swept: String },
}

/// Why a shard's folder does not verify against its `shard_manifest.json`: the shard did not
/// finish (a lost node, a killed job), or a file changed or was cut short after it did.
#[derive(Debug, thiserror::Error)]
pub enum ManifestProblem {
    #[error("no shard_manifest.json (the shard did not finish)")]
    NoManifest,
    #[error("cannot read shard_manifest.json: {0}")]
    Unreadable(std::io::Error),
    #[error("shard_manifest.json is not a shard manifest ({0})")]
    NotAManifest(String),
    /// A file the manifest lists that is not in the folder.
    #[error("{file} is missing")]
    FileMissing { file: String },
    #[error("cannot read {file}: {source}")]
    FileUnreadable { file: String, source: std::io::Error },
    /// A file whose bytes are not those the shard wrote (truncated, rewritten).
    #[error("{file} does not match the manifest ({found_bytes} bytes, sha256 {found}; the manifest says {bytes} bytes, sha256 {sha256})")]
    FileChanged { file: String, bytes: u64, sha256: String, found_bytes: u64, found: String },
    /// An artifact sweep.json names that the manifest does not cover.
    #[error("{file} is not in the manifest")]
    NotCovered { file: String },
    /// The manifest and the sweep.json it hashes disagree on the sweep, its spec or the shard.
    #[error("the manifest is of {manifest}, sweep.json of {sweep}")]
    Disagrees { manifest: String, sweep: String },
}

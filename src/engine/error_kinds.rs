//! Every domain error's exit-code kind, in one place. A domain enum says what failed; this file
//! says what a script should see for it (the [`ErrorKind`] and so the exit code), and the
//! [`Error`] made here keeps the typed error as its cause, so the source chain survives and
//! tests can match the variant. The message is the domain error's text, unchanged.

use super::automation::AutomationError;
use super::backtest::BacktestError;
use super::config::TomlError;
use super::data::DataError;
use super::demo::error::DemoError;
use super::error::{Error, ErrorKind};
use super::execution::error::ExecutionError;
use super::execution::journal_error::JournalError;
use super::execution::model::{OrderError, VenueError};
use super::execution::operator_key_error::OperatorKeyError;
use super::execution::policy_error::PolicyError;
use super::incidents::IncidentError;
use super::live::LiveError;
use super::notify::NotifyError;
use super::paper::PaperError;
use super::pretrade::PretradeError;
use super::promotion::PromotionError;
use super::research::sweep::SweepError;
use super::research::ResearchError;
use super::runtime_error::RuntimeError;
use super::secrets::SecretsError;
use super::signals::error::SignalError;
use super::strategy::StrategyError;
use super::time::{TimeError, TimestampError};
use super::venues::error::VenuesError;
use super::venues::hyperliquid::exchange_reply::HlError;
use super::venues::hyperliquid::info::InfoError;
use super::venues::kraken::errors::KrakenError;
use super::venues::kraken::pairs::PairError;
use super::venues::sim::error::SimError;
use super::workspace_error::WorkspaceError;

use ErrorKind::{BadInput, NotFound, Refused, Runtime, Venue};

fn wrap(kind: ErrorKind, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::new(kind, e.to_string()).caused_by(e)
}

impl From<TimestampError> for Error {
    fn from(e: TimestampError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<TimeError> for Error {
    fn from(e: TimeError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<DataError> for Error {
    fn from(e: DataError) -> Self {
        use DataError as D;
        let kind = match &e {
            D::FileMissing { .. } | D::NoDataset { .. } => NotFound,
            D::FingerprintMismatch { .. } | D::Write { .. } | D::CorruptDataset { .. } => Runtime,
            D::FileUnreadable { .. }
            | D::NotAFile { .. }
            | D::UnknownFormat { .. }
            | D::Unreadable { .. }
            | D::MissingColumn { .. }
            | D::NoTimeColumn { .. }
            | D::DuplicateColumn { .. }
            | D::Header { .. }
            | D::Row { .. }
            | D::Cell { .. }
            | D::ColumnType { .. }
            | D::Series { .. }
            | D::BadSymbol(_)
            | D::AmbiguousDataset { .. }
            | D::ResampleTarget { .. }
            | D::SynthBars
            | D::SynthFormat(_) => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<SignalError> for Error {
    fn from(e: SignalError) -> Self {
        use SignalError as S;
        let kind = match &e {
            S::NoSignal(_) | S::FileMissing(_) => NotFound,
            // Triage said not to test it: research is refused, the input is fine.
            S::NotForResearch { .. } => Refused,
            // Every other signal, goal and rules refusal is the sender's or the operator's input.
            S::Horizon(_)
            | S::EmptyGoal
            | S::NotAThreshold { .. }
            | S::UnknownMetric { .. }
            | S::NotANumber { .. }
            | S::RulesSyntax { .. }
            | S::Rules { .. }
            | S::NoGrid { .. }
            | S::RuleSweep { .. }
            | S::Suggested { .. }
            | S::NoRanges
            | S::TooManyCombinations { .. }
            | S::Stdin { .. }
            | S::FileUnreadable { .. }
            | S::EmptyInput { .. }
            | S::NotJson { .. }
            | S::NoDocuments { .. }
            | S::NoneTakenIn { .. }
            | S::UnknownStatus { .. }
            | S::Ambiguous { .. } => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<SecretsError> for Error {
    fn from(e: SecretsError) -> Self {
        use SecretsError as S;
        let kind = match &e {
            S::Keyring { .. } | S::Mismatch { .. } | S::Probe { .. } | S::Unreadable { .. } => Runtime,
            // The environment fallback asked for a venue that is not the loopback simulator.
            S::EnvNotLoopback { .. } => Refused,
            // The operator's setup is missing a piece: input to fix, not a refusal.
            S::Missing { .. } | S::Empty => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<BacktestError> for Error {
    fn from(e: BacktestError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<StrategyError> for Error {
    fn from(e: StrategyError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<ResearchError> for Error {
    fn from(e: ResearchError) -> Self {
        use ResearchError as R;
        let kind = match &e {
            // A recorded run failed: the failure says what kind.
            R::RunFailed { source, .. } => source.kind,
            R::NoRun { .. } => NotFound,
            R::NonFiniteMetric(_) | R::PortfolioNonFinite(_) | R::NoEquityFile | R::CorruptEquity { .. } => {
                Runtime
            }
            R::LabelTooLong { .. }
            | R::NoBars { .. }
            | R::Ambiguous { .. }
            | R::Rebalance(_)
            | R::TooFewRuns
            | R::WeightCount { .. }
            | R::Weights { .. }
            | R::RunNotSucceeded(_)
            | R::NoCommonBars
            | R::CompareTooFew
            | R::FilterOperator(_)
            | R::FilterNotANumber { .. }
            | R::UnknownField { .. }
            | R::NoResults(_) => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<SweepError> for Error {
    fn from(e: SweepError) -> Self {
        use SweepError as S;
        let kind = match &e {
            S::ShardMissing(_) | S::NoSweep(_) | S::NoWalkForward(_) => NotFound,
            S::Workers { .. } | S::ShardsIncomplete { .. } | S::NothingRanked => Runtime,
            S::Grid(_)
            | S::Constraint(_)
            | S::NoAxis
            | S::SweptTwice(_)
            | S::NoValidCombination { .. }
            | S::UnknownObjective { .. }
            | S::ShardNumber { .. }
            | S::SlurmBelowMin
            | S::NoShardIndex
            | S::NoShardCount
            | S::ShardForm(_)
            | S::NotAShard { .. }
            | S::NoJobs
            | S::TooManyJobs { .. }
            | S::EmptyWindow
            | S::ShardUnreadable { .. }
            | S::ShardNotJson { .. }
            | S::NothingToMerge
            | S::FirstNotShard(_)
            | S::NotShard(_)
            | S::ShardCount { .. }
            | S::OtherSweep(_)
            | S::ShardTwice { .. }
            | S::ShardsMissing(_)
            | S::ShardUnverified { .. }
            | S::NotASweepConfig(_)
            | S::ForeignCombination { .. }
            | S::SaveRuns(_)
            | S::Progress(_)
            | S::EmptyFold
            | S::FoldsTooLong { .. } => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<PaperError> for Error {
    fn from(e: PaperError) -> Self {
        use PaperError as P;
        let kind = match &e {
            P::NoSession(_) => NotFound,
            P::FeedVenue { .. } | P::NotJson(_) => Venue,
            P::ResumePastEnd { .. }
            | P::NoCurrentDir { .. }
            | P::DataChanged { .. }
            | P::Lock { .. }
            | P::NoProgram { .. }
            | P::Spawn { .. }
            | P::NotTaken { .. }
            | P::StrategyTargets { .. }
            | P::StrategyPanicked { .. } => Runtime,
            P::EndGiven
            | P::NotAFeed(_)
            | P::ReplayNeedsData
            | P::Speed(_)
            | P::NotALiveFeed(_)
            | P::FeedPart { .. }
            | P::FakeVenueFeed
            | P::NotAKrakenPair(_)
            | P::NotAHyperliquidPerp(_)
            | P::NoBarsFrom { .. }
            | P::LiveWithStart
            | P::MaxDrawdown(_)
            | P::BadName(_)
            | P::NameTaken(_)
            | P::SignalOutFolder(_)
            | P::CannotRunAgain { .. }
            | P::LiveCannotResume(_)
            | P::NotPausable { .. }
            | P::NotResumable { .. }
            | P::AlreadyEnded { .. }
            | P::AlreadyRunning(_) => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<PretradeError> for Error {
    fn from(e: PretradeError) -> Self {
        use PretradeError as P;
        let kind = match &e {
            P::Field { .. } | P::Ambiguous { .. } => BadInput,
            P::NoPlan(_) => NotFound,
            // A plan the policy or its sizing rules out never becomes an intent.
            P::Rejected { .. } | P::SizesToZero(_) => Refused,
            P::Unread { kind, .. } => *kind,
        };
        wrap(kind, e)
    }
}

impl From<TomlError> for Error {
    fn from(e: TomlError) -> Self {
        // A config, policy or venues file the operator wrote.
        wrap(BadInput, e)
    }
}

impl From<WorkspaceError> for Error {
    fn from(e: WorkspaceError) -> Self {
        use WorkspaceError as W;
        let kind = match &e {
            W::Io { .. } | W::InvalidJson { .. } | W::CsvRow { .. } => Runtime,
            W::Missing(_) | W::NoAlert(_) => NotFound,
        };
        wrap(kind, e)
    }
}

impl From<RuntimeError> for Error {
    fn from(e: RuntimeError) -> Self {
        wrap(Runtime, e)
    }
}

impl From<OrderError> for Error {
    fn from(e: OrderError) -> Self {
        // An order's flags are the caller's input.
        wrap(BadInput, e)
    }
}

impl From<VenueError> for Error {
    fn from(e: VenueError) -> Self {
        // Whatever the venue said (a rejection, a timeout, a refused key) is a venue failure.
        Error::new(Venue, format!("venue {e}")).caused_by(e)
    }
}

impl From<ExecutionError> for Error {
    fn from(e: ExecutionError) -> Self {
        use ExecutionError as X;
        let kind = match &e {
            X::NoIntent { .. }
            | X::NoIntentAnywhere(_)
            | X::NoSuchIntent(_)
            | X::NoCorridorMatches
            | X::NoPolicy(_)
            | X::NoJournal { .. } => NotFound,
            X::WrongAdapter { .. } | X::InjectedCrash(_) => Runtime,
            // The venue failed, or no venue could be reached.
            X::NoAdapters(_) | X::VenueRejected { .. } | X::SendFailed { .. } | X::KillIncomplete(_) => Venue,
            // The safety boundary said no: a send, an approval, arming or lifting a halt.
            X::SubmitRefused(_)
            | X::FateUnknown(_)
            | X::OtherCorridorsConfirmation { .. }
            | X::LiveNeedsConfirmKey(_)
            | X::SyntheticKey { .. }
            | X::ChangedSinceShown(_)
            | X::NotApprovable { .. }
            | X::NoPolicyToApprove(_)
            | X::NoPolicyToArm(_)
            | X::LiveApprovalUnsigned(_)
            | X::Halted { .. }
            | X::AuditHalted(_)
            | X::NotArmed(_)
            | X::Mismatches(_)
            | X::PromotionNeeded { .. }
            | X::IncidentsOpen { .. }
            | X::PromotionUnsigned(_)
            | X::HaltNotJournaled { .. }
            | X::StillHalted(_)
            | X::RearmEveryCorridor
            | X::LiveSendFromCli(_)
            | X::ApproveOnlyByKey { .. } => Refused,
            // The caller named the wrong thing, or asked for what cannot be done to it.
            X::OtherCorridorsIntent { .. }
            | X::AttachedExit { .. }
            | X::NotPending { .. }
            | X::AlreadyFinal { .. }
            | X::Unsignable { .. }
            | X::NothingToDisarm(_)
            | X::NotHalted(_)
            | X::AccountNeedsVenue
            | X::NothingHalted
            | X::PolicyExists(_)
            | X::AwaitsNoApproval { .. }
            | X::ExitWithdrawnWithEntry { .. } => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<JournalError> for Error {
    fn from(e: JournalError) -> Self {
        let kind = match &e {
            // Nothing may act on a journal changed outside QuantLab.
            JournalError::Tampered { .. } => Refused,
            JournalError::InUse(_) | JournalError::AlreadyThere(_) | JournalError::Entry(_) => Runtime,
        };
        wrap(kind, e)
    }
}

impl From<OperatorKeyError> for Error {
    fn from(e: OperatorKeyError) -> Self {
        use OperatorKeyError as K;
        let kind = match &e {
            K::BadName { .. } | K::BadOperator(_) | K::AlreadyHeld { .. } => BadInput,
            K::EnvironmentOffLoopback { .. } | K::DemoOffLoopback { .. } => Refused,
            K::Store { .. } | K::Lost { .. } | K::NotReturned(_) | K::NotAKey(_) | K::TrustList { .. } => {
                Runtime
            }
        };
        wrap(kind, e)
    }
}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        // The operator's policy file.
        wrap(BadInput, e)
    }
}

impl From<VenuesError> for Error {
    fn from(e: VenuesError) -> Self {
        use VenuesError as V;
        let kind = match &e {
            V::Venue(_) => Venue,
            // A credential in the keyring that is not of the venue's form.
            V::KrakenCredentialForm { .. } | V::KrakenSecretNotBase64(_) | V::NotAnAgentKey(_) => Refused,
            V::NotANonceCeiling { .. } | V::NonceLockTask(_) => Runtime,
            V::Unpreviewable(_)
            | V::EndpointsFile { .. }
            | V::FakeHasNoEndpoints
            | V::FakeNotLive
            | V::Address { .. }
            | V::NoAccountAddress(_)
            | V::NetworkValue { .. }
            | V::NetworkContradiction { .. }
            | V::NetworkNotHyperliquid(_)
            | V::QtyNotPositive(_)
            | V::PriceNotPositive(_)
            | V::NeedsLimitPrice(_)
            | V::NeedsTriggerPrice(_)
            | V::NotListed { .. }
            | V::OffLot { .. }
            | V::OffTick { .. }
            | V::BelowMinimum { .. } => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<KrakenError> for Error {
    fn from(e: KrakenError) -> Self {
        // Exit 2 for arguments or a minimum the order broke, exit 4 for the rest (its class).
        wrap(e.exit_class().kind(), e)
    }
}

impl From<HlError> for Error {
    fn from(e: HlError) -> Self {
        // Exit 2 for an order that broke a price or size rule, exit 4 for the rest.
        wrap(e.kind(), e)
    }
}

impl From<PairError> for Error {
    fn from(e: PairError) -> Self {
        // The venue's listing is malformed: its data, not the caller's input.
        wrap(Venue, e)
    }
}

impl From<InfoError> for Error {
    fn from(e: InfoError) -> Self {
        wrap(Venue, e)
    }
}

impl From<SimError> for Error {
    fn from(e: SimError) -> Self {
        use SimError as S;
        let kind = match &e {
            // The config and the command line are the caller's input.
            S::ConfigUnreadable { .. }
            | S::ConfigField { .. }
            | S::ReplayEmpty(_)
            | S::NotLoopback { .. }
            | S::Fault { .. }
            | S::UnknownFault(_) => BadInput,
            S::Runtime(_) | S::Bind { .. } | S::LocalAddr { .. } | S::Serve(_) => Runtime,
            S::Control { .. } => Venue,
        };
        wrap(kind, e)
    }
}

impl From<LiveError> for Error {
    fn from(e: LiveError) -> Self {
        use LiveError as L;
        let kind = match &e {
            L::Sizing { .. }
            | L::StopAtr(_)
            | L::Feed(_)
            | L::IntentTtl(_)
            | L::Costs { .. }
            | L::SizesToZero { .. } => BadInput,
            L::NameTaken(_) | L::SymbolNotAllowed { .. } => BadInput,
            // The policy, the corridor's arm state or another session stands in the way.
            L::NoPolicy(_) | L::NotArmed { .. } | L::Halted { .. } | L::SymbolTaken { .. } => Refused,
            L::NotPausable { .. }
            | L::NotResumable { .. }
            | L::AlreadyEnded { .. }
            | L::CannotRunAgain { .. } => Refused,
            L::AlreadyRunning(_) => Refused,
            // The policy's [portfolio] limits across every live session.
            L::PortfolioSessions { .. } | L::PortfolioLoss { .. } => Refused,
            L::Unknown(_) => Venue,
            L::NoSession(_) => NotFound,
            L::Lock { .. } | L::Spawn { .. } | L::NotTaken { .. } | L::Strategy { .. } => Runtime,
        };
        wrap(kind, e)
    }
}

impl From<IncidentError> for Error {
    fn from(e: IncidentError) -> Self {
        use IncidentError as I;
        // The note's message starts with `--note`, which names the field for scripts.
        let kind = match &e {
            I::NoteEmpty => BadInput,
            I::NoIncident(_) => NotFound,
            I::AlreadyClosed { .. } => Refused,
        };
        wrap(kind, e)
    }
}

impl From<DemoError> for Error {
    fn from(e: DemoError) -> Self {
        let kind = match &e {
            DemoError::NotItsOwn { .. } => BadInput,
            DemoError::SessionsRunning { .. } => Refused,
            DemoError::Remove { .. } => Runtime,
        };
        wrap(kind, e)
    }
}

impl From<AutomationError> for Error {
    fn from(e: AutomationError) -> Self {
        use AutomationError as A;
        let kind = match &e {
            // A limit of the form, a reason left out, a grant file that does not read.
            A::BadLimit { .. } | A::NoReason | A::Unreadable { .. } => BadInput,
            A::NoGrant(_) => NotFound,
            // A script's grant, limits beyond the policy, a corridor without automation, a
            // candidate not promoted, a halt, a test key off loopback, a stale dialog, a grant
            // no longer live, an intent no grant covers: safety gates.
            A::FromCli { .. }
            | A::BeyondPolicy { .. }
            | A::NotAllowed { .. }
            | A::NoPolicy(_)
            | A::NotPromoted { .. }
            | A::Halted { .. }
            | A::SyntheticKey { .. }
            | A::Stale { .. }
            | A::NotLive { .. }
            | A::NotCovered { .. } => Refused,
        };
        wrap(kind, e)
    }
}

impl From<PromotionError> for Error {
    fn from(e: PromotionError) -> Self {
        use PromotionError as P;
        let kind = match &e {
            // The gates file, a flag or a candidate's name is the caller's input.
            P::Gates { .. } | P::BadStage(_) | P::CandidateMismatch { .. } | P::NeedsCorridor { .. } => {
                BadInput
            }
            P::NoCandidate(_) => NotFound,
            // A script's advance, a failing gate, a stale dialog, a test key off loopback, a stage
            // with nothing above it, and a session for a candidate not promoted: safety gates.
            P::FromCli { .. }
            | P::GateFailed { .. }
            | P::Stale { .. }
            | P::SyntheticKey { .. }
            | P::DemoOffLoopback { .. }
            | P::LastStage { .. }
            | P::NoLiveStageOnFake { .. }
            | P::NotPromoted { .. }
            | P::SessionCandidateUnknown(_) => Refused,
        };
        wrap(kind, e)
    }
}

impl From<NotifyError> for Error {
    fn from(e: NotifyError) -> Self {
        use NotifyError as N;
        let kind = match &e {
            // notify.toml and a channel's name are the operator's input.
            N::Field { .. } | N::BadName(_) => BadInput,
            N::NoConfig(_) | N::UnknownChannel { .. } => NotFound,
            // The channel did not take the message (its server, the network, a missing secret).
            N::Delivery { .. } | N::Start(_) => Runtime,
        };
        wrap(kind, e)
    }
}

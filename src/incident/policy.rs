//! The policy rules of DESIGN §3 over loaded records: SLAs, post-mortem
//! completeness and the corrective-action rules. Pure: records, a clock and
//! rule levels in, findings out. `aeef incident check` and `aeef gate` both
//! call [`check`]; commit existence comes in as a function so this module
//! never touches git.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, TimeDelta, Utc, Weekday};

use super::actions;
use super::store::LoadedIncident;
use super::{CorrectiveAction, Incident, Severity, Status, Timestamp};
use crate::config::{GraceConfig, GracePeriod};
use crate::findings::{Finding, Level, RuleId};

/// Inputs of a policy run besides the records.
pub struct PolicyOptions<'a> {
    /// The clock: "now" for elapsed SLAs, due dates and effectiveness marks.
    pub now: DateTime<Utc>,
    /// Rule level overrides from config (`off` drops the rule).
    pub rules: BTreeMap<RuleId, Level>,
    /// `--fail-on unverified`: `ca-unverified` becomes an error.
    pub fail_on_unverified: bool,
    /// Does this (abbreviated) commit exist? `None` skips `unknown-commit`
    /// (no repository at hand).
    pub commit_exists: Option<&'a dyn Fn(&str) -> bool>,
    /// Assignees of each action's issue, keyed `INC-…/CA-…` (from GitHub,
    /// when known): none of them may verify it.
    pub assignees: HashMap<String, Vec<String>>,
    /// Verification decided elsewhere (GitHub, or the records checked
    /// against their git history), keyed `INC-…/CA-…`. When set it replaces
    /// the record's own `verified_by`/`verified_at` for the unverified rules.
    pub verified: Option<HashMap<String, bool>>,
    /// When that verification happened (GitHub's closing or labelling
    /// time), keyed like `verified`: the 30- and 90-day marks count from it.
    pub verified_at: HashMap<String, Timestamp>,
    /// How long after resolution the post-mortem and corrective-action
    /// rules stay warnings (DESIGN §3, `grace:` in `.aeef.yml`).
    pub grace: GraceConfig,
    /// Issue numbers known from elsewhere (GitHub, matched by marker when
    /// the record lacks `issue:`), keyed like `verified`: such an action is
    /// filed, so `ca-not-filed` does not fire (DESIGN §4).
    pub filed: HashMap<String, u64>,
    /// `wont-do` actions whose `approved_by` value the owner committed
    /// (the commit, abbreviated), keyed like `verified`, from the records'
    /// history (`github::status::owner_approvals`): not declined, and
    /// `ca-wont-do-unapproved` names the commit (DESIGN §3).
    pub approval_by_owner: HashMap<String, String>,
}

impl<'a> PolicyOptions<'a> {
    /// Default levels, no repository, no assignees.
    pub fn new(now: DateTime<Utc>) -> Self {
        PolicyOptions {
            now,
            rules: BTreeMap::new(),
            fail_on_unverified: false,
            commit_exists: None,
            assignees: HashMap::new(),
            verified: None,
            verified_at: HashMap::new(),
            grace: GraceConfig::default(),
            filed: HashMap::new(),
            approval_by_owner: HashMap::new(),
        }
    }

    /// The level of `rule`: the config's override, else its catalogue
    /// default ([`RuleId::default_level`]); `--fail-on unverified` makes
    /// `ca-unverified` an error.
    pub fn level_of(&self, rule: RuleId) -> Level {
        self.level(rule, rule.default_level())
    }

    /// Like [`PolicyOptions::level_of`] where the default depends on the
    /// record (`postmortem-missing` is a warning for SEV-3).
    fn level(&self, rule: RuleId, default: Level) -> Level {
        let l = self.rules.get(&rule).copied().unwrap_or(default);
        if rule == RuleId::CaUnverified && self.fail_on_unverified && l != Level::Off {
            return Level::Error;
        }
        l
    }
}

/// The acknowledge / mitigate / resolve SLAs of a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sla {
    pub acknowledge: Limit,
    pub mitigate: Option<Limit>,
    pub resolve: Limit,
}

/// One SLA limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Wall-clock time.
    Calendar(TimeDelta),
    /// Business days: Saturdays and Sundays (in the detection's time zone)
    /// do not count.
    BusinessDays(u32),
}

impl Limit {
    /// The deadline when the clock starts at `from`.
    pub fn deadline(self, from: Timestamp) -> Timestamp {
        match self {
            Limit::Calendar(d) => from + d,
            Limit::BusinessDays(n) => add_business_days(from, n),
        }
    }

    /// "15 min", "4 h", "7 days", "1 business day".
    pub fn describe(self) -> String {
        match self {
            Limit::BusinessDays(1) => "1 business day".into(),
            Limit::BusinessDays(n) => format!("{n} business days"),
            Limit::Calendar(d) => human_duration(d),
        }
    }
}

/// The standard's SLAs per severity.
pub fn sla(sev: Severity) -> Sla {
    let m = Duration::minutes;
    let h = Duration::hours;
    let d = Duration::days;
    match sev {
        Severity::Sev1 => Sla {
            acknowledge: Limit::Calendar(m(15)),
            mitigate: Some(Limit::Calendar(h(4))),
            resolve: Limit::Calendar(h(24)),
        },
        Severity::Sev2 => Sla {
            acknowledge: Limit::Calendar(m(30)),
            mitigate: Some(Limit::Calendar(h(8))),
            resolve: Limit::Calendar(h(48)),
        },
        Severity::Sev3 => Sla {
            acknowledge: Limit::Calendar(h(2)),
            mitigate: None,
            resolve: Limit::Calendar(d(7)),
        },
        Severity::Sev4 => Sla {
            acknowledge: Limit::BusinessDays(1),
            mitigate: None,
            resolve: Limit::Calendar(d(30)),
        },
    }
}

/// Adds `n` business days of 24 h each to `from`, skipping weekend days in
/// `from`'s own time zone (a Friday 10:00 detection is due Monday 10:00).
pub fn add_business_days(from: Timestamp, n: u32) -> Timestamp {
    let mut remaining = Duration::days(i64::from(n));
    let mut t = from;
    // Bounded: each step consumes a day or reaches the end.
    for _ in 0..(n as usize * 3 + 8) {
        let next_midnight = t
            .date_naive()
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|n| n.and_local_timezone(*t.offset()).single())
            .unwrap_or(t + Duration::days(1));
        if matches!(t.weekday(), Weekday::Sat | Weekday::Sun) {
            t = next_midnight;
            continue;
        }
        let available = next_midnight - t;
        if remaining <= available {
            return t + remaining;
        }
        remaining -= available;
        t = next_midnight;
    }
    t + remaining
}

/// "45 min", "4 h", "1 h 30 min", "7 days", "2 days 3 h".
pub fn human_duration(d: TimeDelta) -> String {
    let total = d.num_minutes().max(0);
    let (days, hours, mins) = (total / 1440, (total % 1440) / 60, total % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    parts.join(" ")
}

/// Which SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaKind {
    Acknowledge,
    Mitigate,
    Resolve,
}

impl SlaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaKind::Acknowledge => "acknowledge",
            SlaKind::Mitigate => "mitigate",
            SlaKind::Resolve => "resolve",
        }
    }
    /// The record key holding the time this SLA is measured to.
    pub fn key(self) -> &'static str {
        match self {
            SlaKind::Acknowledge => "acknowledged_at",
            SlaKind::Mitigate => "mitigated_at",
            SlaKind::Resolve => "resolved_at",
        }
    }
    /// The rule a missed SLA of this kind reports (`sla-acknowledge`, …).
    pub fn rule(self) -> RuleId {
        match self {
            SlaKind::Acknowledge => RuleId::SlaAcknowledge,
            SlaKind::Mitigate => RuleId::SlaMitigate,
            SlaKind::Resolve => RuleId::SlaResolve,
        }
    }
}

/// How one SLA went for one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaOutcome {
    pub kind: SlaKind,
    pub limit: Limit,
    pub deadline: Timestamp,
    /// When it happened, if recorded (for mitigation, resolution counts when
    /// no separate mitigation time is recorded).
    pub reached_at: Option<Timestamp>,
    /// Time from detection to `reached_at`, or to now while pending.
    pub elapsed: TimeDelta,
    /// `Some(true)` met, `Some(false)` missed, `None` still running within
    /// its limit.
    pub met: Option<bool>,
}

/// The SLA outcomes of an incident at `now` (mitigation only where the
/// severity has one).
pub fn sla_outcomes(inc: &Incident, now: DateTime<Utc>) -> Vec<SlaOutcome> {
    let s = sla(inc.severity);
    let now_fixed = now.fixed_offset();
    let mut out = Vec::new();
    let mut one = |kind: SlaKind, limit: Limit, reached: Option<Timestamp>| {
        let deadline = limit.deadline(inc.detected_at);
        let (elapsed, met) = match reached {
            Some(t) => (t - inc.detected_at, Some(t <= deadline)),
            None => (
                now_fixed - inc.detected_at,
                if now_fixed > deadline {
                    Some(false)
                } else {
                    None
                },
            ),
        };
        out.push(SlaOutcome {
            kind,
            limit,
            deadline,
            reached_at: reached,
            elapsed,
            met,
        });
    };
    one(SlaKind::Acknowledge, s.acknowledge, inc.acknowledged_at);
    if let Some(m) = s.mitigate {
        one(SlaKind::Mitigate, m, inc.mitigated_at.or(inc.resolved_at));
    }
    one(SlaKind::Resolve, s.resolve, inc.resolved_at);
    out
}

/// The record's own claim of verification ([`actions::recorded_verification`]).
pub fn is_verified(ca: &CorrectiveAction) -> bool {
    actions::recorded_verification(ca)
}

/// Whether an incident is still inside its grace (DESIGN §3): the standard
/// asks for the post-mortem and the corrective actions *after* the incident,
/// so a fresh record must not block the hotfix for that very incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grace {
    /// Open or mitigated: the grace lasts until resolution plus the period.
    UntilResolved(GracePeriod),
    /// Resolved or closed: the grace ends at this instant.
    Until(Timestamp),
}

impl Grace {
    /// "until 5bd after resolution", "until 2026-11-10 16:40 UTC".
    pub fn describe(self) -> String {
        match self {
            Grace::UntilResolved(p) => {
                format!(
                    "grace: a warning until {} after resolution",
                    String::from(p)
                )
            }
            Grace::Until(t) => format!(
                "grace: a warning until {}",
                t.with_timezone(&Utc).format("%Y-%m-%d %H:%M UTC")
            ),
        }
    }
}

/// The active grace of `inc` for `period` at `now`, or `None` when it has
/// ended (or a resolved record has no `resolved_at` to count from).
pub fn grace(inc: &Incident, period: GracePeriod, now: DateTime<Utc>) -> Option<Grace> {
    match inc.status {
        Status::Open | Status::Mitigated => Some(Grace::UntilResolved(period)),
        Status::Resolved | Status::Closed => {
            let end = period.end(inc.resolved_at?);
            (now.fixed_offset() < end).then_some(Grace::Until(end))
        }
    }
}

/// Lowers an error to a warning while `grace` lasts, and says until when.
fn apply_grace(f: Option<&mut Finding>, grace: Option<Grace>) {
    if let (Some(f), Some(g)) = (f, grace)
        && f.level == Level::Error
    {
        f.level = Level::Warn;
        f.softened = Some(crate::findings::Softened::Grace);
        f.message = format!("{} ({})", f.message, g.describe());
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

struct Emitter<'o, 'a> {
    opts: &'o PolicyOptions<'a>,
    out: Vec<Finding>,
}

impl Emitter<'_, '_> {
    /// Reports `rule` at its configured level (catalogue default).
    fn emit(
        &mut self,
        rule: RuleId,
        rec: &LoadedIncident,
        path: &str,
        ca: Option<&str>,
        message: String,
        help: &str,
    ) -> Option<&mut Finding> {
        self.emit_with(rule, rule.default_level(), rec, path, ca, message, help)
    }

    /// Reports `rule` at its configured level, `default` when config does
    /// not set it; nothing when the level is `off`.
    #[allow(clippy::too_many_arguments)]
    fn emit_with(
        &mut self,
        rule: RuleId,
        default: Level,
        rec: &LoadedIncident,
        path: &str,
        ca: Option<&str>,
        message: String,
        help: &str,
    ) -> Option<&mut Finding> {
        let level = self.opts.level(rule, default);
        if level == Level::Off {
            return None;
        }
        let pos = rec.index.nearest(path);
        let mut f = Finding::new(rule, level, message)
            .incident(&rec.incident.id)
            .file(&rec.path)
            .at(pos.line, pos.column)
            .help(help);
        if let Some(ca) = ca {
            f = f.action(ca);
        }
        self.out.push(f);
        self.out.last_mut()
    }
}

/// Runs every rule over `records`. Findings come in record order; callers
/// sort them for output.
pub fn check(records: &[LoadedIncident], opts: &PolicyOptions) -> Vec<Finding> {
    let mut e = Emitter {
        opts,
        out: Vec::new(),
    };
    for rec in records {
        let mut future = future_findings(rec, opts.now);
        future.extend(files_findings(rec));
        if !future.is_empty() {
            // A record dated in the future cannot be measured: nothing else
            // about it is decided (the `schema` finding makes the run exit 2).
            e.out.extend(future);
            continue;
        }
        check_one(&mut e, rec);
    }
    e.out
}

/// A `files:` entry as the gate compares it with a change's paths
/// (repository-relative, `/`-separated, as `git diff --name-only` prints
/// them): a leading `./` is dropped, and a trailing `/` is kept to mean
/// "every file under this folder". `Err` with the reason for an entry that
/// can never match a path of the repository: absolute, with a `..` or `.`
/// component, a glob (`*`, `?`, `[`), empty, or with a backslash.
pub fn files_entry(raw: &str) -> Result<String, &'static str> {
    let mut e = raw.trim();
    while let Some(rest) = e.strip_prefix("./") {
        e = rest;
    }
    if e.is_empty() {
        return Err("it is empty");
    }
    if e.starts_with('/') {
        return Err("it is an absolute path; paths are relative to the repository root");
    }
    if e.contains('\\') {
        return Err("it has a backslash; paths use `/`");
    }
    if e.contains(['*', '?', '[']) {
        return Err("globs are not patterns here; list the file, or a folder ending in `/`");
    }
    if e.trim_end_matches('/')
        .split('/')
        .any(|c| c == ".." || c == "." || c.is_empty())
    {
        return Err(
            "it has a `..`, `.` or empty component; paths are relative to the repository root",
        );
    }
    Ok(e.to_string())
}

/// Whether the change's `path` is covered by the normalised `files:`
/// entry `entry` ([`files_entry`]): the same file, or a file under a
/// folder entry ending in `/`.
pub fn files_entry_matches(entry: &str, path: &str) -> bool {
    entry == path || (entry.ends_with('/') && path.starts_with(entry))
}

/// `schema` findings for `files:` entries that can never match a path
/// ([`files_entry`]), each at its value: silently never matching would
/// let `touches-open-incident` pass a change it should stop (issue 11).
pub fn files_findings(rec: &LoadedIncident) -> Vec<Finding> {
    rec.incident
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let why = files_entry(f).err()?;
            let path = format!("files[{i}]");
            let pos = rec
                .index
                .value(&path)
                .map(|x| x.pos)
                .unwrap_or_else(|| rec.index.nearest(&path));
            Some(
                Finding::new(
                    RuleId::Schema,
                    Level::Error,
                    format!("`files:` entry `{f}` can never match a file of the change: {why}"),
                )
                .incident(&rec.incident.id)
                .file(&rec.path)
                .at(pos.line, pos.column)
                .help("write a path relative to the repository root, as `git diff --name-only` prints it (`src/pay.rs`), or a folder ending in `/` (`src/payments/`)"),
            )
        })
        .collect()
}

/// `schema` findings for the moments of `rec` that lie in the future of
/// `now` ([`Incident::future_values`]), each at its value in the YAML.
/// `incident check`, `gate` and `report` call this with their `--now`.
pub fn future_findings(rec: &LoadedIncident, now: DateTime<Utc>) -> Vec<Finding> {
    rec.incident
        .future_values(now)
        .into_iter()
        .map(|v| {
            let pos = rec
                .index
                .value(&v.path)
                .map(|x| x.pos)
                .unwrap_or_else(|| rec.index.nearest(&v.path));
            Finding::new(RuleId::Schema, Level::Error, v.message)
                .incident(&rec.incident.id)
                .file(&rec.path)
                .at(pos.line, pos.column)
                .help(v.help)
        })
        .collect()
}

fn check_one(e: &mut Emitter, rec: &LoadedIncident) {
    let inc = &rec.incident;
    let now = e.opts.now;

    let name = rec.path.rsplit('/').next().unwrap_or(&rec.path);
    let stem = super::store::record_stem(&rec.path);
    if stem != inc.id {
        let dir = rec.path.strip_suffix(name).unwrap_or("");
        let ext = &name[stem.len()..];
        e.emit(
            RuleId::RecordFileName,
            rec,
            "id",
            None,
            format!(
                "the file name `{name}` does not match the record's id `{}`",
                inc.id
            ),
            &format!(
                "rename the file after its id (`git mv {} {dir}{}{ext}`), or correct `id` if the name is the right one",
                rec.path, inc.id
            ),
        );
    }

    if let Some(exists) = e.opts.commit_exists {
        for (i, sha) in inc.faulty_commits.iter().enumerate() {
            if !exists(sha)
                && let Some(f) = e.emit(
                    RuleId::UnknownCommit,
                    rec,
                    &format!("faulty_commits[{i}]"),
                    None,
                    format!("faulty commit `{sha}` is not in this repository"),
                    "check the id with `git rev-parse --verify <sha>^{commit}`; fetch the history that contains it (`git fetch --unshallow`)",
                ) {
                    f.commit = Some(sha.clone());
                }
        }
    }

    for o in sla_outcomes(inc, now) {
        if o.met != Some(false) {
            continue;
        }
        let (path, message) = match o.reached_at {
            Some(_) => (
                o.kind.key(),
                format!(
                    "{} SLA missed: {} took {} (limit {})",
                    inc.severity.as_str(),
                    o.kind.as_str(),
                    human_duration(o.elapsed),
                    o.limit.describe()
                ),
            ),
            None => (
                "detected_at",
                format!(
                    "{} SLA missed: not {} after {} (limit {})",
                    inc.severity.as_str(),
                    match o.kind {
                        SlaKind::Acknowledge => "acknowledged",
                        SlaKind::Mitigate => "mitigated",
                        SlaKind::Resolve => "resolved",
                    },
                    human_duration(o.elapsed),
                    o.limit.describe()
                ),
            ),
        };
        let path = if rec.index.key(path).is_some() {
            path
        } else {
            "detected_at"
        };
        e.emit(
            o.kind.rule(),
            rec,
            path,
            None,
            message,
            "record the time it happened if it is missing; otherwise the breach stands and the post-mortem should say why",
        );
    }

    let pm_default = match inc.severity {
        Severity::Sev1 | Severity::Sev2 => Some(Level::Error),
        Severity::Sev3 => Some(Level::Warn),
        Severity::Sev4 => None,
    };
    if let Some(default) = pm_default {
        let rca = inc.rca.clone().unwrap_or_default();
        let mut missing = Vec::new();
        for (name, v) in [
            ("rca.defect", &rca.defect),
            ("rca.generation_context", &rca.generation_context),
            ("rca.validation_pipeline", &rca.validation_pipeline),
            ("rca.human_review", &rca.human_review),
            ("rca.process_environment", &rca.process_environment),
            ("root_cause", &inc.root_cause),
        ] {
            if blank(v) {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            let path = if missing.iter().all(|m| *m == "root_cause") {
                "root_cause"
            } else {
                "rca"
            };
            let g = grace(inc, e.opts.grace.postmortem, now);
            let f = e.emit_with(
                RuleId::PostmortemMissing,
                default,
                rec,
                path,
                None,
                format!(
                    "post-mortem incomplete ({} needs one): missing {}",
                    inc.severity.as_str(),
                    missing.join(", ")
                ),
                "fill in all five RCA layers under `rca:` and a `root_cause:` statement",
            );
            apply_grace(f, g);
        }
    }
    let ca_grace = grace(inc, e.opts.grace.corrective_actions, now);

    // Declined: a proper `wont-do` whose approval the owner did not commit.
    let declined = |c: &CorrectiveAction| {
        actions::is_declined(c)
            && !e
                .opts
                .approval_by_owner
                .contains_key(&format!("{}/{}", inc.id, c.id))
    };
    let categories: HashSet<_> = inc
        .corrective_actions
        .iter()
        .filter(|c| !declined(c))
        .map(|c| c.category)
        .collect();
    if categories.len() < 2 {
        let mut names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        let f = e.emit(
            RuleId::CaCategories,
            rec,
            "corrective_actions",
            None,
            format!(
                "corrective actions cover {} categor{} ({}); the standard asks for at least two",
                categories.len(),
                if categories.len() == 1 { "y" } else { "ies" },
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
            "add actions in another category: immediate-fix, prompt-improvement, test-improvement, scanning-rule, review-process, training, tool-configuration",
        );
        apply_grace(f, ca_grace);
    }

    for (i, ca) in inc.corrective_actions.iter().enumerate() {
        let base = format!("corrective_actions[{i}]");
        let id = Some(ca.id.as_str());
        if blank(&ca.owner) {
            let f = e.emit(
                RuleId::CaOwner,
                rec,
                &format!("{base}.owner"),
                id,
                format!("{} has no owner", ca.id),
                "add `owner:` with the GitHub login of the person accountable",
            );
            apply_grace(f, ca_grace);
        }
        if ca.due.is_none() {
            let f = e.emit(
                RuleId::CaDue,
                rec,
                &format!("{base}.due"),
                id,
                format!("{} has no due date", ca.id),
                "add `due: YYYY-MM-DD`",
            );
            apply_grace(f, ca_grace);
        }
        if let Some(problem) = actions::wont_do_problem(ca) {
            e.emit(
                RuleId::CaWontDoUnapproved,
                rec,
                &format!("{base}.status"),
                id,
                format!(
                    "{} is `wont-do` but {}, so it still counts as open",
                    ca.id,
                    problem.describe()
                ),
                "add `approved_by:` (a login other than the owner's) and `reason:` to the action, or set `status: open`",
            );
        } else if let Some(commit) = e
            .opts
            .approval_by_owner
            .get(&format!("{}/{}", inc.id, ca.id))
            .filter(|_| ca.status == super::CaStatus::WontDo)
        {
            let by = ca.approved_by.as_deref().unwrap_or("").trim();
            e.emit(
                RuleId::CaWontDoUnapproved,
                rec,
                &format!("{base}.approved_by"),
                id,
                format!(
                    "{} is `wont-do` but its `approved_by: {by}` was committed by the owner @{} ({commit}), so it still counts as open",
                    ca.id,
                    ca.owner.as_deref().unwrap_or("").trim_start_matches('@')
                ),
                &format!("an owner cannot decline their own action: have {by} commit the `approved_by` line, or set `status: open`"),
            );
        }
        if declined(ca) {
            continue;
        }
        let key = format!("{}/{}", inc.id, ca.id);
        let verified = match &e.opts.verified {
            Some(m) => m.get(&key).copied().unwrap_or(false),
            None => is_verified(ca),
        };
        if !verified {
            // Not declined here (see above), so open: overdue once past due.
            if let Some(due) = ca.due.filter(|_| actions::is_past_due(ca, now)) {
                e.emit(
                    RuleId::CaUnverifiedOverdue,
                    rec,
                    &format!("{base}.due"),
                    id,
                    format!(
                        "{} was due {due} and is not verified ({} days overdue)",
                        ca.id,
                        actions::days_overdue(ca, now)
                    ),
                    "finish the action and have someone other than the owner verify it (`verified_by`, `verified_at`), or move the due date with a reason",
                );
            } else {
                e.emit(
                    RuleId::CaUnverified,
                    rec,
                    &base,
                    id,
                    format!("{} is not verified yet", ca.id),
                    "once done, someone other than the owner records `verified_by` and `verified_at`",
                );
            }
        }
        if let Some(v) = ca.verified_by.as_deref().filter(|s| !s.trim().is_empty()) {
            let by_owner = ca
                .owner
                .as_deref()
                .is_some_and(|o| crate::incident::same_login(o, v));
            let by_assignee = e
                .opts
                .assignees
                .get(&key)
                .is_some_and(|a| a.iter().any(|x| crate::incident::same_login(x, v)));
            if by_owner || by_assignee {
                e.emit(
                    RuleId::CaVerifiedByOwner,
                    rec,
                    &format!("{base}.verified_by"),
                    id,
                    format!(
                        "{} is verified by `{v}`, who is its {}",
                        ca.id,
                        if by_owner { "owner" } else { "assignee" }
                    ),
                    "completion must be verified by someone other than the owner and the assignees",
                );
            }
        }
        let at = match &e.opts.verified {
            Some(_) => e.opts.verified_at.get(&key).copied().or(ca.verified_at),
            None => ca.verified_at.filter(|_| is_verified(ca)),
        };
        {
            for (name, mark) in actions::overdue_marks(ca, at.filter(|_| verified), now) {
                let days = if name == "day30" { 30 } else { 90 };
                {
                    e.emit(
                        RuleId::CaEffectivenessOverdue,
                        rec,
                        &format!("{base}.effectiveness.{name}"),
                        id,
                        format!(
                            "{}: the {days}-day effectiveness evaluation was due {} and is not recorded",
                            ca.id,
                            mark.date_naive()
                        ),
                        &format!(
                            "evaluate whether the action worked and record `effectiveness.{name}: {{evaluated_at, result, note}}`"
                        ),
                    );
                }
            }
        }
        if ca.issue.is_none() && !e.opts.filed.contains_key(&key) {
            e.emit(
                RuleId::CaNotFiled,
                rec,
                &base,
                id,
                format!("{} has no issue in the tracker", ca.id),
                "file it with `aeef ca file` (labelled `ai-incident-ca`), or set `issue:` to its number",
            );
        }
    }
}

/// Counts of open and overdue actions of an incident at `now`, with
/// verification as decided ([`actions::Verified`]).
pub fn action_counts_by(
    inc: &Incident,
    now: DateTime<Utc>,
    verified: &actions::Verified,
) -> (usize, usize) {
    let open = inc
        .corrective_actions
        .iter()
        .filter(|c| verified.open(&inc.id, c))
        .count();
    let overdue = inc
        .corrective_actions
        .iter()
        .filter(|c| verified.overdue(&inc.id, c, now))
        .count();
    (open, overdue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn one_business_day_skips_the_weekend() {
        // 2026-11-06 is a Friday.
        assert_eq!(
            add_business_days(ts("2026-11-06T10:00:00Z"), 1),
            ts("2026-11-09T10:00:00Z")
        );
        // Saturday: the clock starts Monday 00:00.
        assert_eq!(
            add_business_days(ts("2026-11-07T10:00:00Z"), 1),
            ts("2026-11-10T00:00:00Z")
        );
        // Midweek: plain 24 h.
        assert_eq!(
            add_business_days(ts("2026-11-04T10:00:00+02:00"), 1),
            ts("2026-11-05T10:00:00+02:00")
        );
    }

    #[test]
    fn durations_read_like_a_person_wrote_them() {
        assert_eq!(human_duration(Duration::minutes(17)), "17 min");
        assert_eq!(human_duration(Duration::minutes(90)), "1 h 30 min");
        assert_eq!(human_duration(Duration::hours(31)), "1 day 7 h");
    }
}

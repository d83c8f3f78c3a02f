//! The catalogue of rule ids (DESIGN §3, §5 and the audit rules): one
//! [`RuleId`] per rule, each with its stable kebab-case id, default level,
//! scope (which check reports it), a short description, a full description
//! and a help line. This is the one list of rules: findings carry a
//! [`RuleId`]; config validation (`rules:` and `waivers:` in `.aeef.yml`),
//! SARIF's `tool.driver.rules`, the README rule table, the config schema's
//! rule enum and `aeef init`'s commented defaults are produced from it or
//! checked against it (tests in `tests/incident_schema.rs`).
//!
//! JSON, SARIF and config spell a rule as its id string (`ca-unverified`):
//! [`RuleId`] (de)serialises as exactly that string, so every JSON contract
//! is unchanged by the type.
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::Level;

/// Which check reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Input that cannot be read (`schema`, `config`): nothing could be
    /// decided, so the command exits 2.
    Input,
    /// A rule over the incident records (DESIGN §3): `aeef incident check`
    /// and `aeef gate` both report it.
    Record,
    /// A rule over the change of a pull request (DESIGN §5): only
    /// `aeef gate` with a change reports it.
    Change,
    /// A rule over the `waivers:` of `.aeef.yml` (DESIGN §5): reported
    /// wherever waivers are applied (`aeef gate`, `aeef incident check`).
    Waiver,
    /// A rule over the git history of the records: `aeef audit`.
    Audit,
}

/// One entry of the catalogue: everything known about a [`RuleId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The rule.
    pub id: RuleId,
    /// Default level before config overrides. Where the level depends on the
    /// record (e.g. `postmortem-missing` is a warning for SEV-3), this is the
    /// strictest one.
    pub default_level: Level,
    /// Which check reports it.
    pub scope: Scope,
    /// One sentence: what the finding says.
    pub short: &'static str,
    /// When the rule fires, in full.
    pub full: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

/// Declares [`RuleId`] (one variant per entry, documented by its short
/// text), its id strings, [`RuleId::ALL`] and [`RULES`] from one list, so
/// the enum and its table cannot drift apart.
macro_rules! catalogue {
    ($(
        $variant:ident {
            id: $id:literal,
            default_level: Level::$level:ident,
            scope: Scope::$scope:ident,
            short: $short:literal,
            full: $full:literal,
            help: $help:literal $(,)?
        }
    ),* $(,)?) => {
        /// A rule `aeef` reports. Written as its kebab-case id in findings,
        /// JSON, SARIF and `.aeef.yml` ([`RuleId::as_str`]); ordered by that
        /// id, so sorted output is the same as when rules were strings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(
                #[doc = $short]
                $variant,
            )*
        }

        impl RuleId {
            /// Every rule, in catalogue order (DESIGN §3/§5, then audit).
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable id: `ca-unverified`, `audit-retention`, ….
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }

        /// The catalogue, one entry per [`RuleId`] in declaration order
        /// (`RULES[id as usize]` is `id`'s entry).
        pub const RULES: &[Rule] = &[$(
            Rule {
                id: RuleId::$variant,
                default_level: Level::$level,
                scope: Scope::$scope,
                short: $short,
                full: $full,
                help: $help,
            },
        )*];
    };
}

// Every rule `aeef` reports, in the order of DESIGN §3/§5, then the audit
// rules. Add a rule here and everything else follows (or a test says what
// to update).
catalogue! {
    Schema {
        id: "schema",
        default_level: Level::Error,
        scope: Scope::Input,
        short: "An incident record cannot be read or does not match the schema.",
        full: "The record is not valid UTF-8 or YAML, has an unknown key or a missing required one, or holds a value outside the schema (an enum, an id pattern, a timestamp without a time zone); or an impossible value: a milestone before `detected_at`, a negative or non-finite number, a recorded moment more than a day after `--now`; or an entry of the incidents folder that looks like a record is not a readable regular file, or two files share an id. Nothing about it can be decided, so the command exits 2.",
        help: "Fix the record at the reported line and column; editors validate it against schemas/incident.schema.json through the yaml-language-server line.",
    },
    Config {
        id: "config",
        default_level: Level::Error,
        scope: Scope::Input,
        short: "`.aeef.yml` cannot be used.",
        full: "The config cannot be read (a symlink out of the repository, not a regular file, too large, invalid YAML) or a value is refused (a configured path outside the repository, a configured incidents folder that does not exist). Nothing can be decided, so the command exits 2.",
        help: "Fix `.aeef.yml` at the reported line and column; schemas/config.schema.json describes every key.",
    },
    UnknownCommit {
        id: "unknown-commit",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A faulty commit of an incident is not in the repository.",
        full: "An entry of `faulty_commits` does not resolve to a commit in this repository (a typo, a rewritten history, or a shallow clone).",
        help: "Correct the SHA in `faulty_commits`, or fetch the full history (`actions/checkout` with `fetch-depth: 0`).",
    },
    RecordFileName {
        id: "record-file-name",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A record's file name does not match its `id`.",
        full: "The file `incidents/<name>.yaml` holds a record whose `id` is not `<name>`. Ids are allocated from the names the incidents folder has held, and people find a record by its name: a mismatch hides the record and lets an id be handed out twice.",
        help: "Rename the file after its id (`git mv incidents/<name>.yaml incidents/<id>.yaml`), or correct the `id` if the file name is the right one.",
    },
    SlaAcknowledge {
        id: "sla-acknowledge",
        default_level: Level::Warn,
        scope: Scope::Record,
        short: "The incident was acknowledged later than its severity's SLA allows.",
        full: "The time from `detected_at` to `acknowledged_at` (or, while unacknowledged, to now) exceeds the acknowledge SLA: SEV-1 15 min, SEV-2 30 min, SEV-3 2 h, SEV-4 1 business day.",
        help: "Record `acknowledged_at`; when the breach is real, say why in the timeline.",
    },
    SlaMitigate {
        id: "sla-mitigate",
        default_level: Level::Warn,
        scope: Scope::Record,
        short: "The incident was mitigated later than its severity's SLA allows.",
        full: "The time from `detected_at` to `mitigated_at` (to `resolved_at` when no mitigation time is recorded; while neither is, to now) exceeds the mitigate SLA: SEV-1 4 h, SEV-2 8 h. SEV-3 and SEV-4 have no mitigate SLA.",
        help: "Record `mitigated_at`; when the breach is real, say why in the timeline.",
    },
    SlaResolve {
        id: "sla-resolve",
        default_level: Level::Warn,
        scope: Scope::Record,
        short: "The incident was resolved later than its severity's SLA allows.",
        full: "The time from `detected_at` to `resolved_at` (or, while unresolved, to now) exceeds the resolve SLA: SEV-1 24 h, SEV-2 48 h, SEV-3 7 days, SEV-4 30 days.",
        help: "Record `resolved_at`; when the breach is real, say why in the timeline.",
    },
    PostmortemMissing {
        id: "postmortem-missing",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "The post-mortem is incomplete.",
        full: "An RCA layer (defect, generation_context, validation_pipeline, human_review, process_environment) or the root-cause statement is empty. An error for SEV-1 and SEV-2, a warning for SEV-3, not checked for SEV-4. Grace: a warning while the incident is open or mitigated and for `grace.postmortem` (default 5 business days) after `resolved_at`.",
        help: "Fill in all five `rca` layers and `root_cause`; `aeef postmortem` renders the template.",
    },
    CaCategories {
        id: "ca-categories",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "Fewer than two distinct corrective-action categories.",
        full: "The standard asks for corrective actions in at least two categories (immediate-fix, prompt-improvement, test-improvement, scanning-rule, review-process, training, tool-configuration); an approved `wont-do` action does not count. Grace: a warning while the incident is open or mitigated and for `grace.corrective_actions` (default 5 business days) after `resolved_at`.",
        help: "Add a corrective action in another category, e.g. a test-improvement beside the immediate-fix.",
    },
    CaOwner {
        id: "ca-owner",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action has no owner.",
        full: "Every corrective action needs an `owner`, a GitHub login, who is accountable for it and is assigned its issue. Under grace like `ca-categories`.",
        help: "Set `owner:` to the GitHub login of the person accountable for the action.",
    },
    CaDue {
        id: "ca-due",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action has no due date.",
        full: "Every corrective action needs a `due` date so that overdue actions can be found and the gate can fail on them. Under grace like `ca-categories`.",
        help: "Set `due:` to a date (YYYY-MM-DD).",
    },
    CaUnverifiedOverdue {
        id: "ca-unverified-overdue",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action is past its due date and not verified.",
        full: "The action's due date (UTC) has passed and its completion has not been verified by someone other than the owner and the assignees (its issue closed as completed or labelled `ca-verified`, or a `verified_by` committed by someone else; an open or reopened issue wins over the record). A `wont-do` without approval counts as open.",
        help: "Finish the action and have someone other than the owner close its issue as completed (or add the `ca-verified` label), or agree a new `due` date.",
    },
    CaUnverified {
        id: "ca-unverified",
        default_level: Level::Warn,
        scope: Scope::Record,
        short: "A corrective action is not verified yet.",
        full: "The action's completion has not been verified by someone other than the owner and the assignees. A warning by default; an error with `--fail-on unverified`.",
        help: "Once the action is done, have someone other than the owner close its issue as completed or add the `ca-verified` label.",
    },
    CaVerifiedByOwner {
        id: "ca-verified-by-owner",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action was verified by its owner or an assignee.",
        full: "Verification must come from someone other than the owner and the assignees of the action's issue; self-verification does not count. Reported for a `verified_by` naming the owner or an assignee, and by the gate when the owner closed the issue or committed the `verified_by` line.",
        help: "Ask a reviewer who is neither the owner nor an assignee to verify the action.",
    },
    CaEffectivenessOverdue {
        id: "ca-effectiveness-overdue",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action's effectiveness evaluation is overdue.",
        full: "Effectiveness is evaluated 30 and 90 days after verification (`verified_at`, or the time the issue was closed or labelled); the evaluation for a mark that has passed is missing.",
        help: "Record `effectiveness.day30` / `effectiveness.day90` with `evaluated_at` and a result (effective, partially-effective, ineffective).",
    },
    CaNotFiled {
        id: "ca-not-filed",
        default_level: Level::Warn,
        scope: Scope::Record,
        short: "No issue exists for a corrective action.",
        full: "The corrective action has no `issue:` in the record and no issue carrying its marker was found, so it is not tracked where the team works.",
        help: "Run `aeef ca file` to create one issue per corrective action.",
    },
    ProvenanceIncomplete {
        id: "provenance-incomplete",
        default_level: Level::Error,
        scope: Scope::Change,
        short: "An AI-attributed commit lacks a required AEEF provenance field.",
        full: "A commit of the change that a provenance source marks as AI must carry AI-Tool, AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications (none, minor, moderate or substantial) and AI-Reviewed-By, as trailers or in an AI-Attribution block.",
        help: "Amend the commit message (or add a fixup commit before merging) with the missing trailers, e.g. `AI-Reviewed-By: <login>`.",
    },
    TouchesOpenIncident {
        id: "touches-open-incident",
        default_level: Level::Error,
        scope: Scope::Change,
        short: "The change touches a file of an incident with unverified corrective actions.",
        full: "A file modified by the change was touched by an incident's faulty commits (or is listed in its `files:`), and that incident still has corrective actions that are not verified. A change that declares which action it implements (a `Corrective-Action: INC-…/CA-…` trailer, or the action or its issue in the pull request) gets a note instead.",
        help: "If the change implements one of the actions, say so with a `Corrective-Action:` trailer or the action's issue in the pull request; otherwise verify the incident's corrective actions first, or waive the finding in `.aeef.yml` with a reason and an approver.",
    },
    ProvenanceNotTrailer {
        id: "provenance-not-trailer",
        default_level: Level::Warn,
        scope: Scope::Change,
        short: "An AEEF field stands outside git's trailer block.",
        full: "A commit of the change declares an AEEF field (AI-Tool, AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications, AI-Reviewed-By, AI-Usage, AEEF-Run-ID) on a line outside the last paragraph of its message, where git's trailer parser does not look. aeef reads it, so the provenance check is satisfied, but `git log --format=%(trailers)` and other tools do not see it.",
        help: "Move the field lines into the last paragraph of the commit message, with no other text in that paragraph (`git commit --amend`, or `git rebase -i` for older commits).",
    },
    PrLabelMissing {
        id: "pr-label-missing",
        default_level: Level::Warn,
        scope: Scope::Change,
        short: "A pull-request label aeef manages is due, or no longer true, but could not be set.",
        full: "In a pull request the gate applies `ai-assisted` (any AI-attributed line or commit) and `ai-primary` (more than `pr.primary_threshold` of the added lines AI-attributed) and removes them when they are no longer true. When the token may not write labels (a pull request from a fork runs with a read-only token) or GitHub fails, this finding names the label instead; it never fails the gate on its own.",
        help: "Add or remove the label by hand, or run the gate with a token that has `pull-requests: write`.",
    },
    PrDisclosure {
        id: "pr-disclosure",
        default_level: Level::Off,
        scope: Scope::Change,
        short: "The pull request's description does not disclose its AI use consistently with its commits.",
        full: "Opt-in (off unless `.aeef.yml` sets its level, e.g. `rules: {pr-disclosure: warn}`). The description must carry `AI-Usage: none|assisted|generated`, and when not `none`, `AI-Tool:` and `AI-Prompt-Ref:`; `none` while aeef finds AI-attributed lines or commits, or an `AI-Tool` other than the tools aeef finds, is inconsistent.",
        help: "Add the lines to the pull request's description, e.g. `AI-Usage: assisted`, `AI-Tool: claude-code`, `AI-Prompt-Ref: <link or id>` (or `AI-Usage: none`).",
    },
    CaWontDoUnapproved {
        id: "ca-wont-do-unapproved",
        default_level: Level::Error,
        scope: Scope::Record,
        short: "A corrective action is `wont-do` without an approver other than the owner, or without a reason.",
        full: "Declining a corrective action needs `approved_by` (a login other than the owner's) and a `reason`. Until both are there, the action counts as open: it can be overdue and it does not leave the incident's files.",
        help: "Add `approved_by: <login>` (someone other than the owner) and `reason: <why>` to the action, or set it back to `open`.",
    },
    WaiverExpired {
        id: "waiver-expired",
        default_level: Level::Error,
        scope: Scope::Waiver,
        short: "A waiver in `.aeef.yml` is past its `expires` date.",
        full: "A waiver accepts a finding until its `expires` day (UTC). After that it no longer applies, the finding it covered is reported again, and the stale waiver itself is this error.",
        help: "Remove the waiver, or renew it with a new `expires` date and an approver other than the action's owner.",
    },
    WaiverInvalid {
        id: "waiver-invalid",
        default_level: Level::Error,
        scope: Scope::Waiver,
        short: "A waiver in `.aeef.yml` cannot apply: approved by the owner of an action it covers, missing a reason or approver, or for `schema`.",
        full: "A waiver must name a `reason` and be approved by someone other than the owner of the corrective actions it covers, and cannot accept `schema` (an unreadable record has nothing to decide); such a waiver does not apply.",
        help: "Have someone other than the owner approve it (`approved_by`) and give a `reason`.",
    },
    AuditRecordDeleted {
        id: "audit-record-deleted",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "An incident record was deleted from the history.",
        full: "A commit removed an incident record; records are evidence and are kept, even when the incident is closed.",
        help: "Restore the record from history (`git show <commit>^:<path>`) and close the incident instead.",
    },
    AuditIdReused {
        id: "audit-id-reused",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "An incident id was reused for a different incident.",
        full: "A record adds an incident id that a deleted record carried, or that another live record already carries, so references to it are ambiguous.",
        help: "Give the newer incident a fresh id (`aeef incident new` picks the next free one).",
    },
    AuditSelfVerified {
        id: "audit-self-verified",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "A `verified_by`, `approved_by` or waiver was committed by the person it exempts.",
        full: "The commit that wrote a corrective action's `verified_by` (or a `wont-do` action's `approved_by`) is authored by the action's owner, or the commit that added a waiver to `.aeef.yml` is authored by the owner of an action it covers, so the decision is not independent.",
        help: "Have the verifier or approver commit the line themselves, or verify through the GitHub issue.",
    },
    AuditRewrittenAfterResolve {
        id: "audit-rewritten-after-resolve",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "A resolved incident was rewritten without a timeline entry.",
        full: "After the incident was resolved, existing timeline entries were changed or removed, or facts of the record (id, title, severity, team, the milestones, faulty commits, files, classification, generation context, impact) or its status were changed without a new timeline entry in the same commit.",
        help: "Add a timeline entry that records what changed and why.",
    },
    AuditRetention {
        id: "audit-retention",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "An incident record was removed before its retention period ended.",
        full: "SEV-1 and SEV-2 records are kept for 5 years, SEV-3 and SEV-4 records for 3 years, counted in calendar years from `resolved_at` (from `detected_at` when the record was never resolved).",
        help: "Restore the record from history; remove it only after its retention period.",
    },
    AuditUnsigned {
        id: "audit-unsigned",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "A commit to an incident record is not signed.",
        full: "`audit.require_signed: true` is set and a commit that changed an incident record carries no signature.",
        help: "Sign commits to incident records (`git commit -S`, or commit signing in your git config).",
    },
    AuditUnreadable {
        id: "audit-unreadable",
        default_level: Level::Error,
        scope: Scope::Audit,
        short: "A commit wrote a version of an incident record that cannot be read.",
        full: "A committed version of a record is not valid YAML or does not match the schema (what `aeef incident check` reports as `schema`), so nothing in it can be audited; later changes are compared with the last readable version.",
        help: "Fix the record in a new commit (`aeef incident check` points at the line); the broken version stays in history as evidence.",
    },
}

impl RuleId {
    /// The catalogue entry of this rule.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
    /// Level before config overrides (the strictest where it depends on
    /// the record, see [`Rule::default_level`]).
    pub fn default_level(self) -> Level {
        self.rule().default_level
    }
    /// Which check reports it.
    pub fn scope(self) -> Scope {
        self.rule().scope
    }
    /// One sentence: what the finding says.
    pub fn short(self) -> &'static str {
        self.rule().short
    }
    /// When the rule fires, in full.
    pub fn full(self) -> &'static str {
        self.rule().full
    }
    /// How to fix it.
    pub fn help(self) -> &'static str {
        self.rule().help
    }
    /// Every id string, in catalogue order.
    pub fn names() -> Vec<&'static str> {
        RuleId::ALL.iter().map(|r| r.as_str()).collect()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// By id string, so sorting findings or config keys by rule gives the
/// order it gave when rules were strings.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A rule id that is not in the catalogue (a typo in `.aeef.yml`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{given}`")]
pub struct UnknownRule {
    /// What was written.
    pub given: String,
    /// The nearest known id, when one is close (edit distance).
    pub suggestion: Option<&'static str>,
}

impl UnknownRule {
    /// `did you mean `ca-categories`?`, or the list of known rules when
    /// nothing is close.
    pub fn help(&self) -> String {
        match self.suggestion {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("known rules: {}", RuleId::names().join(", ")),
        }
    }
}

impl FromStr for RuleId {
    type Err = UnknownRule;
    /// The rule with this exact id (case-sensitive, as in findings).
    fn from_str(s: &str) -> Result<Self, UnknownRule> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule {
                given: s.to_string(),
                suggestion: crate::incident::store::did_you_mean(s, &RuleId::names()),
            })
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse()
            .map_err(|e: UnknownRule| serde::de::Error::custom(format!("{e}; {}", e.help())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The table is indexed by the enum: entry `i` must be variant `i`.
    #[test]
    fn table_is_indexed_by_the_enum() {
        assert_eq!(RULES.len(), RuleId::ALL.len());
        for (i, r) in RuleId::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert_eq!(RULES[i].id, *r);
            assert_eq!(r.rule().id, *r);
        }
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in RULES {
            let id = r.id.as_str();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            // Off by default only for an opt-in rule, which says so.
            if r.default_level == Level::Off {
                assert!(r.full.starts_with("Opt-in"), "{id} is off by default");
            }
            assert_ne!(r.default_level, Level::Note, "{id} is a note by default");
            for text in [r.short, r.full, r.help] {
                assert!(!text.trim().is_empty(), "{id} has an empty text");
            }
        }
    }

    /// JSON, SARIF and config keep the strings they had before the type:
    /// every id round-trips through serde and `FromStr` as itself.
    #[test]
    fn ids_serialise_as_their_kebab_case_strings() {
        for r in RuleId::ALL {
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), *r);
            assert_eq!(r.as_str().parse::<RuleId>(), Ok(*r));
            assert_eq!(r.to_string(), r.as_str());
        }
        assert_eq!(
            "ca-categoires".parse::<RuleId>().unwrap_err().help(),
            "did you mean `ca-categories`?"
        );
        let far = "zzzzzzzzzzzz".parse::<RuleId>().unwrap_err();
        assert!(far.help().starts_with("known rules: schema, config,"));
        let e = serde_json::from_str::<RuleId>("\"ca-du\"").unwrap_err();
        assert!(e.to_string().contains("did you mean `ca-due`?"), "{e}");
    }

    /// Sorting by rule sorts by id string, as it did with `String` rules,
    /// so report order (and so every output) is unchanged.
    #[test]
    fn rules_order_by_their_id_string() {
        let mut by_enum = RuleId::ALL.to_vec();
        by_enum.sort();
        let mut by_str = RuleId::names();
        by_str.sort_unstable();
        assert_eq!(
            by_enum.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            by_str
        );
    }

    #[test]
    fn design_rule_table_is_complete() {
        // The ids of DESIGN §3/§5 and the audit rules of issue 6: every one
        // must have a description, or SARIF output would show bare ids.
        for id in [
            "schema",
            "unknown-commit",
            "sla-acknowledge",
            "sla-mitigate",
            "sla-resolve",
            "postmortem-missing",
            "ca-categories",
            "ca-owner",
            "ca-due",
            "ca-unverified-overdue",
            "ca-unverified",
            "ca-verified-by-owner",
            "ca-effectiveness-overdue",
            "ca-not-filed",
            "provenance-incomplete",
            "touches-open-incident",
            "provenance-not-trailer",
            "ca-wont-do-unapproved",
            "waiver-expired",
            "waiver-invalid",
            "audit-record-deleted",
            "audit-id-reused",
            "audit-self-verified",
            "audit-rewritten-after-resolve",
            "audit-retention",
            "audit-unsigned",
        ] {
            assert!(id.parse::<RuleId>().is_ok(), "{id} missing");
        }
        assert!("no-such-rule".parse::<RuleId>().is_err());
    }
}

//! The catalogue of rule ids (DESIGN §3, §5 and the audit rules): a short
//! description, a full description, a help line and the default level of
//! each. Renderers that describe rules (SARIF's `tool.driver.rules`, help
//! texts) read it from here so every output names a rule the same way.
use super::Level;

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, as used in findings and in `rules:` config overrides.
    pub id: &'static str,
    /// Default level before config overrides. Where the level depends on the
    /// record (e.g. `postmortem-missing` is a warning for SEV-3), this is the
    /// strictest one.
    pub default_level: Level,
    /// One sentence: what the finding says.
    pub short: &'static str,
    /// When the rule fires, in full.
    pub full: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

/// Every rule `aeef` reports, in the order of DESIGN §3/§5, then the audit
/// rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "schema",
        default_level: Level::Error,
        short: "An incident record cannot be read or does not match the schema.",
        full: "The record is not valid YAML, has an unknown key, or holds a value outside the schema's enums. Nothing about it can be decided, so the command exits 2.",
        help: "Fix the record at the reported line and column; editors validate it against schemas/incident.schema.json through the yaml-language-server line.",
    },
    Rule {
        id: "config",
        default_level: Level::Error,
        short: "`.aeef.yml` cannot be used.",
        full: "The config cannot be read (a symlink out of the repository, not a regular file, too large, invalid YAML) or a value is refused (a configured path outside the repository, a configured incidents folder that does not exist). Nothing can be decided, so the command exits 2.",
        help: "Fix `.aeef.yml` at the reported line and column; schemas/config.schema.json describes every key.",
    },
    Rule {
        id: "unknown-commit",
        default_level: Level::Error,
        short: "A faulty commit of an incident is not in the repository.",
        full: "An entry of `faulty_commits` does not resolve to a commit in this repository (a typo, a rewritten history, or a shallow clone).",
        help: "Correct the SHA in `faulty_commits`, or fetch the full history (`actions/checkout` with `fetch-depth: 0`).",
    },
    Rule {
        id: "record-file-name",
        default_level: Level::Error,
        short: "A record's file name does not match its `id`.",
        full: "The file `incidents/<name>.yaml` holds a record whose `id` is not `<name>` (DESIGN §3). Ids are allocated from the names the incidents folder has held, and people find a record by its name: a mismatch hides the record and lets an id be handed out twice.",
        help: "Rename the file after its id (`git mv incidents/<name>.yaml incidents/<id>.yaml`), or correct the `id` if the file name is the right one.",
    },
    Rule {
        id: "sla-acknowledge",
        default_level: Level::Warn,
        short: "The incident was acknowledged later than its severity's SLA allows.",
        full: "The time from `detected_at` to `acknowledged_at` (or, while unacknowledged, to now) exceeds the acknowledge SLA: SEV-1 15 min, SEV-2 30 min, SEV-3 2 h, SEV-4 1 business day.",
        help: "Record `acknowledged_at`; when the breach is real, say why in the timeline.",
    },
    Rule {
        id: "sla-mitigate",
        default_level: Level::Warn,
        short: "The incident was mitigated later than its severity's SLA allows.",
        full: "The time from `detected_at` to `mitigated_at` (or, while unmitigated, to now) exceeds the mitigate SLA: SEV-1 4 h, SEV-2 8 h.",
        help: "Record `mitigated_at`; when the breach is real, say why in the timeline.",
    },
    Rule {
        id: "sla-resolve",
        default_level: Level::Warn,
        short: "The incident was resolved later than its severity's SLA allows.",
        full: "The time from `detected_at` to `resolved_at` (or, while unresolved, to now) exceeds the resolve SLA: SEV-1 24 h, SEV-2 48 h, SEV-3 7 days, SEV-4 30 days.",
        help: "Record `resolved_at`; when the breach is real, say why in the timeline.",
    },
    Rule {
        id: "postmortem-missing",
        default_level: Level::Error,
        short: "The post-mortem is incomplete.",
        full: "An RCA layer (defect, generation_context, validation_pipeline, human_review, process_environment) or the root-cause statement is empty. An error for SEV-1 and SEV-2, a warning for SEV-3.",
        help: "Fill in all five `rca` layers and `root_cause`; `aeef postmortem` renders the template.",
    },
    Rule {
        id: "ca-categories",
        default_level: Level::Error,
        short: "Fewer than two distinct corrective-action categories.",
        full: "The standard asks for corrective actions in at least two categories (immediate-fix, prompt-improvement, test-improvement, scanning-rule, review-process, training, tool-configuration).",
        help: "Add a corrective action in another category, e.g. a test-improvement beside the immediate-fix.",
    },
    Rule {
        id: "ca-owner",
        default_level: Level::Error,
        short: "A corrective action has no owner.",
        full: "Every corrective action needs an `owner`, a GitHub login, who is accountable for it and is assigned its issue.",
        help: "Set `owner:` to the GitHub login of the person accountable for the action.",
    },
    Rule {
        id: "ca-due",
        default_level: Level::Error,
        short: "A corrective action has no due date.",
        full: "Every corrective action needs a `due` date so that overdue actions can be found and the gate can fail on them.",
        help: "Set `due:` to a date (YYYY-MM-DD).",
    },
    Rule {
        id: "ca-unverified-overdue",
        default_level: Level::Error,
        short: "A corrective action is past its due date and not verified.",
        full: "The action's due date has passed and its completion has not been verified by someone other than the owner and the assignees.",
        help: "Finish the action and have someone other than the owner close its issue as completed (or add the `ca-verified` label), or agree a new `due` date.",
    },
    Rule {
        id: "ca-unverified",
        default_level: Level::Warn,
        short: "A corrective action is not verified yet.",
        full: "The action's completion has not been verified by someone other than the owner and the assignees. A warning by default; an error with `--fail-on unverified`.",
        help: "Once the action is done, have someone other than the owner close its issue as completed or add the `ca-verified` label.",
    },
    Rule {
        id: "ca-verified-by-owner",
        default_level: Level::Error,
        short: "A corrective action was verified by its owner or an assignee.",
        full: "Verification must come from someone other than the owner and the assignees of the action's issue; self-verification does not count.",
        help: "Ask a reviewer who is neither the owner nor an assignee to verify the action.",
    },
    Rule {
        id: "ca-effectiveness-overdue",
        default_level: Level::Error,
        short: "A corrective action's effectiveness evaluation is overdue.",
        full: "Effectiveness is evaluated 30 and 90 days after verification; the evaluation for a mark that has passed is missing.",
        help: "Record `effectiveness.day30` / `effectiveness.day90` with `evaluated_at` and a result (effective, partially-effective, ineffective).",
    },
    Rule {
        id: "ca-not-filed",
        default_level: Level::Warn,
        short: "No issue exists for a corrective action.",
        full: "The corrective action has no GitHub issue, so it is not tracked where the team works.",
        help: "Run `aeef ca file` to create one issue per corrective action.",
    },
    Rule {
        id: "provenance-incomplete",
        default_level: Level::Error,
        short: "An AI-attributed commit lacks a required AEEF provenance field.",
        full: "A commit of the change that a provenance source marks as AI must carry AI-Tool, AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications (none, minor, moderate or substantial) and AI-Reviewed-By, as trailers or in an AI-Attribution block.",
        help: "Amend the commit message (or add a fixup commit before merging) with the missing trailers, e.g. `AI-Reviewed-By: <login>`.",
    },
    Rule {
        id: "touches-open-incident",
        default_level: Level::Error,
        short: "The change touches a file of an incident with unverified corrective actions.",
        full: "A file modified by the change was touched by an incident's faulty commits, and that incident still has corrective actions that are not verified.",
        help: "Verify the incident's corrective actions first, or have the change reviewed against the incident and its corrective actions.",
    },
    Rule {
        id: "provenance-not-trailer",
        default_level: Level::Warn,
        short: "An AEEF field stands outside git's trailer block.",
        full: "A commit of the change declares an AEEF field (AI-Tool, AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications, AI-Reviewed-By, AI-Usage, AEEF-Run-ID) on a line outside the last paragraph of its message, where git's trailer parser does not look. aeef reads it, so the provenance check is satisfied, but `git log --format=%(trailers)` and other tools do not see it.",
        help: "Move the field lines into the last paragraph of the commit message, with no other text in that paragraph (`git commit --amend`, or `git rebase -i` for older commits).",
    },
    Rule {
        id: "ca-wont-do-unapproved",
        default_level: Level::Error,
        short: "A corrective action is `wont-do` without an approver other than the owner, or without a reason.",
        full: "Declining a corrective action needs `approved_by` (a login other than the owner's) and a `reason` (DESIGN §3). Until both are there, the action counts as open: it can be overdue and it does not leave the incident's files.",
        help: "Add `approved_by: <login>` (someone other than the owner) and `reason: <why>` to the action, or set it back to `open`.",
    },
    Rule {
        id: "waiver-expired",
        default_level: Level::Error,
        short: "A waiver in `.aeef.yml` is past its `expires` date.",
        full: "A waiver accepts a finding until its `expires` day (UTC). After that it no longer applies, the finding it covered is reported again, and the stale waiver itself is this error.",
        help: "Remove the waiver, or renew it with a new `expires` date and an approver other than the action's owner.",
    },
    Rule {
        id: "waiver-invalid",
        default_level: Level::Error,
        short: "A waiver in `.aeef.yml` is approved by the owner of the action it covers.",
        full: "A waiver must be approved by someone other than the owner of the corrective action it covers (DESIGN §5); such a waiver does not apply.",
        help: "Have someone other than the owner approve it (`approved_by`).",
    },
    Rule {
        id: "audit-record-deleted",
        default_level: Level::Error,
        short: "An incident record was deleted from the history.",
        full: "A commit removed an incident record; records are evidence and are kept, even when the incident is closed.",
        help: "Restore the record from history (`git show <commit>^:<path>`) and close the incident instead.",
    },
    Rule {
        id: "audit-id-reused",
        default_level: Level::Error,
        short: "An incident id was reused for a different incident.",
        full: "Two different records, at different times, carried the same incident id, so references to it are ambiguous.",
        help: "Give the newer incident a fresh id (`aeef incident new` picks the next free one).",
    },
    Rule {
        id: "audit-self-verified",
        default_level: Level::Error,
        short: "A `verified_by` line was committed by the action's owner.",
        full: "The commit that wrote a corrective action's `verified_by` is authored by the action's owner, so the verification is not independent.",
        help: "Have the verifier commit the `verified_by` line, or verify through the GitHub issue.",
    },
    Rule {
        id: "audit-rewritten-after-resolve",
        default_level: Level::Error,
        short: "A resolved incident was rewritten without a timeline entry.",
        full: "Fields of a record were changed after the incident was resolved, and no timeline entry explains the change.",
        help: "Add a timeline entry that records what changed and why.",
    },
    Rule {
        id: "audit-retention",
        default_level: Level::Error,
        short: "An incident record was removed before its retention period ended.",
        full: "SEV-1 and SEV-2 records are kept for 5 years, SEV-3 and SEV-4 records for 3 years after detection.",
        help: "Restore the record from history; remove it only after its retention period.",
    },
    Rule {
        id: "audit-unsigned",
        default_level: Level::Error,
        short: "A commit to an incident record is not signed.",
        full: "`audit.require_signed: true` is set and a commit that changed an incident record carries no signature.",
        help: "Sign commits to incident records (`git commit -S`, or commit signing in your git config).",
    },
    Rule {
        id: "audit-unreadable",
        default_level: Level::Error,
        short: "A commit wrote a version of an incident record that cannot be read.",
        full: "A committed version of a record is not valid YAML or does not match the schema (what `aeef incident check` reports as `schema`), so nothing in it can be audited; later changes are compared with the last readable version.",
        help: "Fix the record in a new commit (`aeef incident check` points at the line); the broken version stays in history as evidence.",
    },
];

/// The catalogue entry of `id`, if it is a known rule.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// `(short, full, help)` descriptions of rule `id`, if it is a known rule.
pub fn rule_description(id: &str) -> Option<(&'static str, &'static str, &'static str)> {
    rule(id).map(|r| (r.short, r.full, r.help))
}

#[cfg(test)]
mod tests {
    /// The catalogue must know every rule a command can emit, or config
    /// rejects a valid override and SARIF lacks its description.
    #[test]
    fn catalogue_knows_every_emitted_rule() {
        let emitted = crate::incident::policy::RULES
            .iter()
            .map(|(r, _)| *r)
            .chain(crate::incident::policy::GATE_RULES.iter().copied())
            .chain(crate::audit::RULES.iter().map(|(r, _)| *r));
        for id in emitted {
            assert!(
                super::rule(id).is_some(),
                "{id} missing from the rule catalogue"
            );
        }
    }

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                r.id
            );
            assert_ne!(r.default_level, Level::Off, "{} is off by default", r.id);
            for text in [r.short, r.full, r.help] {
                assert!(!text.trim().is_empty(), "{} has an empty text", r.id);
            }
        }
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
            assert!(rule_description(id).is_some(), "{id} missing");
        }
        assert_eq!(rule_description("no-such-rule"), None);
    }
}

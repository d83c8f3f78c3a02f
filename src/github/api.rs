//! The shapes of the GitHub REST answers aeef reads, as small typed
//! structures (DESIGN §4: "read the issue and its timeline with types that
//! keep unknown event kinds"). Only the fields aeef uses are declared;
//! everything else GitHub sends is ignored, so a new field never breaks a
//! run. A field aeef uses that has the wrong type is an error naming the
//! endpoint ([`super::client::Client::parse`]), never a silent default.
//!
//! Source: GitHub REST API 2022-11-28, "Issues" (`GET /repos/O/R/issues/N`,
//! `GET /repos/O/R/issues`), "Timeline events"
//! (`GET /repos/O/R/issues/N/timeline`) and "Issue comments".
use chrono::{DateTime, FixedOffset};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

/// Deserializes `null` as the type's default (GitHub sends `null` for an
/// empty list in some Enterprise versions).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A GitHub account as issues and events name it (`{"login": "…"}`). Only
/// an object is a user (a derived struct would also take `["login"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub login: String,
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            login: String,
        }
        use serde::de::Error;
        let map = serde_json::Map::deserialize(d)
            .map_err(|_| D::Error::custom("a user is not a JSON object with a `login`"))?;
        let raw = Raw::deserialize(serde_json::Value::Object(map)).map_err(D::Error::custom)?;
        Ok(User { login: raw.login })
    }
}

/// A label: an object with a `name` (what the REST API returns), or a bare
/// name (what some proxies and older Enterprise versions return).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged, expecting = "a label object with a `name`, or a label name")]
pub enum Label {
    Object { name: String },
    Name(String),
}

impl Label {
    /// The label's name.
    pub fn name(&self) -> &str {
        match self {
            Label::Object { name } | Label::Name(name) => name,
        }
    }
}

/// Whether an issue is open or closed (`state`). GitHub knows no other
/// value; any other is a wrong-shaped answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Closed,
}

/// One issue (`GET /repos/O/R/issues/N`, and each item of
/// `GET /repos/O/R/issues`).
#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "an issue (a JSON object with `number` and `state`)")]
pub struct Issue {
    pub number: u64,
    pub state: State,
    /// `completed`, `not_planned`, `reopened`, `duplicate`, or `null`.
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub labels: Vec<Label>,
    #[serde(default, deserialize_with = "null_default")]
    pub assignees: Vec<User>,
    /// The first assignee (older answers carry only this one).
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub closed_by: Option<User>,
    #[serde(default)]
    pub closed_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub body: Option<String>,
    /// Present and not `null` only on pull requests (the issues endpoints
    /// list pull requests too). `"pull_request": null` is an issue.
    #[serde(default)]
    pub pull_request: Option<IgnoredAny>,
}

impl Issue {
    /// True for a pull request listed among issues.
    pub fn is_pull_request(&self) -> bool {
        self.pull_request.is_some()
    }

    /// `assignees`, plus `assignee` when the list lacks it.
    pub fn assignee_logins(&self) -> Vec<String> {
        let mut out: Vec<String> = self.assignees.iter().map(|u| u.login.clone()).collect();
        if let Some(a) = &self.assignee
            && !out.iter().any(|x| crate::incident::same_login(x, &a.login))
        {
            out.push(a.login.clone());
        }
        out
    }

    /// True when the issue carries the label `name` (case-insensitive, as
    /// GitHub compares label names).
    pub fn has_label(&self, name: &str) -> bool {
        self.labels
            .iter()
            .any(|l| l.name().eq_ignore_ascii_case(name))
    }
}

/// Who did something and when (`actor`, `created_at` of a timeline event).
/// `actor` is `null` for some events of deleted accounts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Act {
    #[serde(default)]
    pub actor: Option<User>,
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
}

/// A `labeled` / `unlabeled` event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LabelAct {
    #[serde(default)]
    pub actor: Option<User>,
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub label: Option<Label>,
}

/// One item of an issue's timeline. The kinds verification reads are
/// typed; every other kind (there are dozens, and GitHub adds more) is
/// [`TimelineEvent::Other`], so a new kind never fails a page. An item
/// with no `event` field is `Other` too. A known kind whose fields have
/// the wrong type is an error: silently skipping a `reopened` could turn
/// an unverified action into a verified one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineEvent {
    Closed(Act),
    Reopened(Act),
    Labeled(LabelAct),
    Unlabeled(LabelAct),
    Other,
}

/// The typed part of [`TimelineEvent`] (internally tagged by `event`).
#[derive(Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Known {
    Closed(Act),
    Reopened(Act),
    Labeled(LabelAct),
    Unlabeled(LabelAct),
    #[serde(other)]
    Other,
}

impl<'de> Deserialize<'de> for TimelineEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = serde_json::Value::deserialize(d)?;
        let Some(obj) = v.as_object() else {
            return Err(D::Error::custom(
                "a timeline item is not a JSON object (expected an event)",
            ));
        };
        if !obj.get("event").is_some_and(serde_json::Value::is_string) {
            return Ok(TimelineEvent::Other);
        }
        let kind = obj
            .get("event")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string();
        let k = Known::deserialize(v)
            .map_err(|e| D::Error::custom(format!("a `{kind}` event: {e}")))?;
        Ok(match k {
            Known::Closed(a) => TimelineEvent::Closed(a),
            Known::Reopened(a) => TimelineEvent::Reopened(a),
            Known::Labeled(a) => TimelineEvent::Labeled(a),
            Known::Unlabeled(a) => TimelineEvent::Unlabeled(a),
            Known::Other => TimelineEvent::Other,
        })
    }
}

/// An issue comment (`GET /repos/O/R/issues/N/comments`, and the answer to
/// creating one).
#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "a comment (a JSON object with an `id`)")]
pub struct Comment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
}

/// The answer to creating an issue: only its number is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "the created issue (a JSON object with a `number`)")]
pub struct Created {
    pub number: u64,
}

/// `GET /repos/O/R`: the answer only has to be a repository object.
#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "a repository (a JSON object)")]
pub struct Repository {
    #[serde(default)]
    pub full_name: Option<String>,
}

/// A 422 "Validation Failed" answer (`errors[].code`, e.g. `already_exists`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Validation {
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ValidationItem>,
}

/// One entry of [`Validation::errors`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ValidationItem {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `"pull_request": null` is an issue; an object there is a pull request.
    #[test]
    fn null_pull_request_is_an_issue() {
        let i: Issue =
            serde_json::from_value(json!({"number": 1, "state": "open", "pull_request": null}))
                .unwrap();
        assert!(!i.is_pull_request());
        let i: Issue = serde_json::from_value(
            json!({"number": 1, "state": "open", "pull_request": {"url": "x"}}),
        )
        .unwrap();
        assert!(i.is_pull_request());
        let i: Issue = serde_json::from_value(json!({"number": 1, "state": "open"})).unwrap();
        assert!(!i.is_pull_request());
    }

    /// An array where an issue is expected, or an unknown state, is no issue.
    #[test]
    fn wrong_shapes_are_errors() {
        assert!(serde_json::from_value::<Issue>(json!([{"number": 1, "state": "open"}])).is_err());
        assert!(serde_json::from_value::<Issue>(json!({"number": 1, "state": "merged"})).is_err());
        assert!(serde_json::from_value::<Issue>(json!({"number": "1", "state": "open"})).is_err());
    }

    /// Unknown kinds and items without `event` are kept as `Other`; a known
    /// kind with a malformed field is an error, not skipped.
    #[test]
    fn timeline_keeps_unknown_kinds() {
        let evs: Vec<TimelineEvent> = serde_json::from_value(json!([
            {"event": "brand_new_kind", "weird": [1]},
            {"no_event": true},
            {"event": "closed", "actor": {"login": "bob"}, "created_at": "2026-11-21T10:00:00Z"},
            {"event": "labeled", "actor": null, "label": {"name": "x", "color": "fff"}},
        ]))
        .unwrap();
        assert_eq!(evs[0], TimelineEvent::Other);
        assert_eq!(evs[1], TimelineEvent::Other);
        assert!(
            matches!(&evs[2], TimelineEvent::Closed(a) if a.actor.as_ref().unwrap().login == "bob")
        );
        assert!(
            matches!(&evs[3], TimelineEvent::Labeled(l) if l.label.as_ref().unwrap().name() == "x")
        );
        let bad = serde_json::from_value::<Vec<TimelineEvent>>(
            json!([{"event": "reopened", "actor": "alice"}]),
        )
        .unwrap_err();
        assert!(bad.to_string().contains("`reopened` event"), "{bad}");
        assert!(serde_json::from_value::<Vec<TimelineEvent>>(json!([42])).is_err());
        // A user is an object, never an array of field values.
        assert!(
            serde_json::from_value::<Vec<TimelineEvent>>(
                json!([{"event": "closed", "actor": ["bob"]}])
            )
            .is_err()
        );
    }
}

//! `.aeef.yml`: rule levels, the adjacency window, where incidents live,
//! extra agent conventions.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::{Level, RuleId};

/// The file name looked up at the repository root.
pub const FILE_NAME: &str = ".aeef.yml";

/// An extra coding-agent convention from config: matched on e-mail address
/// (author, committer or co-author) or on a trailer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentRule {
    /// Canonical tool id reported in output.
    pub tool: String,
    /// Exact e-mail addresses (case-insensitive).
    #[serde(default)]
    pub emails: Vec<String>,
    /// Trailer keys whose presence marks the tool (case-insensitive).
    #[serde(default)]
    pub trailers: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    #[serde(default)]
    pub require_signed: bool,
}

/// A grace period (DESIGN §3): `5bd` (business days), `3d` (calendar days),
/// `12h` (hours) or `0`. Written as text in `.aeef.yml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum GracePeriod {
    /// Weekdays in the resolution's own time zone (`5bd`).
    BusinessDays(u32),
    /// Calendar days of 24 h (`3d`).
    Days(u32),
    /// Hours (`12h`).
    Hours(u32),
}

impl GracePeriod {
    /// The end of the grace that starts at `from`.
    pub fn end(self, from: crate::incident::Timestamp) -> crate::incident::Timestamp {
        match self {
            GracePeriod::BusinessDays(n) => crate::incident::policy::add_business_days(from, n),
            GracePeriod::Days(n) => from + chrono::Duration::days(i64::from(n)),
            GracePeriod::Hours(n) => from + chrono::Duration::hours(i64::from(n)),
        }
    }
}

impl TryFrom<String> for GracePeriod {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || {
            format!(
                "`{s}` is not a grace period: write a number of business days (`5bd`), days (`3d`) or hours (`12h`)"
            )
        };
        if t == "0" {
            return Ok(GracePeriod::Hours(0));
        }
        let (num, ctor): (&str, fn(u32) -> GracePeriod) = if let Some(n) = t.strip_suffix("bd") {
            (n, GracePeriod::BusinessDays)
        } else if let Some(n) = t.strip_suffix('d') {
            (n, GracePeriod::Days)
        } else if let Some(n) = t.strip_suffix('h') {
            (n, GracePeriod::Hours)
        } else {
            return Err(bad());
        };
        let n: u32 = num.trim().parse().map_err(|_| bad())?;
        // A year is plenty; larger values would switch the rules off by stealth.
        if n > 366 * 24 {
            return Err(bad());
        }
        Ok(ctor(n))
    }
}

impl From<GracePeriod> for String {
    fn from(g: GracePeriod) -> String {
        match g {
            GracePeriod::BusinessDays(n) => format!("{n}bd"),
            GracePeriod::Days(n) => format!("{n}d"),
            GracePeriod::Hours(n) => format!("{n}h"),
        }
    }
}

/// `grace:` — how long after `resolved_at` the post-mortem and the
/// corrective-action rules stay warnings (DESIGN §3). While an incident is
/// open or mitigated they are warnings regardless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraceConfig {
    /// For `postmortem-missing`.
    #[serde(default = "default_grace")]
    pub postmortem: GracePeriod,
    /// For `ca-categories`, `ca-owner` and `ca-due`.
    #[serde(default = "default_grace")]
    pub corrective_actions: GracePeriod,
}

fn default_grace() -> GracePeriod {
    GracePeriod::BusinessDays(5)
}

impl Default for GraceConfig {
    fn default() -> Self {
        GraceConfig {
            postmortem: default_grace(),
            corrective_actions: default_grace(),
        }
    }
}

/// One accepted finding (DESIGN §5, `waivers:`): a matching finding is
/// reported as a note naming the waiver instead of failing. The approver
/// must not be the owner of an action it covers; past `expires` the waiver
/// is the error `waiver-expired` and no longer applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule it accepts (`touches-open-incident`, `ca-unverified-overdue`, …).
    pub rule: RuleId,
    /// The incident it concerns (`INC-2026-007`).
    pub incident: String,
    /// Narrows it to one corrective action (`CA-2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrective_action: Option<String>,
    /// Narrows it to findings on one file (repository-relative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Login of who accepted it.
    pub approved_by: String,
    /// Last day (UTC) the waiver applies.
    pub expires: chrono::NaiveDate,
}

/// A share of a change's added lines, from 0.0 to 1.0 (`pr.primary_threshold`).
/// Written as a number in `.aeef.yml`; NaN, infinities and values outside
/// 0–1 are refused with the key's position.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Threshold(f64);

impl Threshold {
    /// The value, 0.0–1.0.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for Threshold {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for Threshold {}

impl TryFrom<f64> for Threshold {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            Ok(Threshold(v))
        } else {
            Err(format!(
                "`{v}` is not a share of the added lines: write a number from 0 to 1 (0.5 = more than half)"
            ))
        }
    }
}

impl From<Threshold> for f64 {
    fn from(t: Threshold) -> f64 {
        t.0
    }
}

/// `pr:` — pull-request labels (DESIGN §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrConfig {
    /// `ai-primary` is due when more than this share of the change's added
    /// lines is AI-attributed (0.5: more than half, the AEEF rule).
    #[serde(default = "default_threshold")]
    pub primary_threshold: Threshold,
}

fn default_threshold() -> Threshold {
    Threshold(0.5)
}

impl Default for PrConfig {
    fn default() -> Self {
        PrConfig {
            primary_threshold: default_threshold(),
        }
    }
}

/// The whole config; every field has a default so an empty file is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_incidents_dir")]
    pub incidents_dir: String,
    #[serde(default = "default_window")]
    pub adjacency_window: u32,
    /// Rule → level override.
    #[serde(default)]
    pub rules: BTreeMap<RuleId, Level>,
    #[serde(default)]
    pub agents: Vec<AgentRule>,
    #[serde(default)]
    pub audit: AuditConfig,
    #[serde(default)]
    pub grace: GraceConfig,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Pull-request labels (`pr: {primary_threshold: 0.5}`).
    #[serde(default)]
    pub pr: PrConfig,
    /// Where keys stand in `.aeef.yml`, for diagnostics about their values
    /// (not part of the value: two configs that say the same are equal).
    #[serde(skip)]
    pub positions: Positions,
}

/// 1-based line and column of configured keys' values, by key path.
#[derive(Debug, Clone, Default)]
pub struct Positions(BTreeMap<String, (u32, u32)>);

impl PartialEq for Positions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Positions {}

impl Positions {
    /// Where the value of `key` stands, when the file sets it.
    pub fn of(&self, key: &str) -> Option<(u32, u32)> {
        self.0.get(key).copied()
    }
}

fn default_incidents_dir() -> String {
    "incidents".into()
}
fn default_window() -> u32 {
    3
}

impl Default for Config {
    fn default() -> Self {
        Config {
            incidents_dir: default_incidents_dir(),
            adjacency_window: default_window(),
            rules: BTreeMap::new(),
            agents: Vec::new(),
            audit: AuditConfig::default(),
            grace: GraceConfig::default(),
            waivers: Vec::new(),
            pr: PrConfig::default(),
            positions: Positions::default(),
        }
    }
}

impl Config {
    /// The configured level of `rule`, or `default`.
    pub fn level(&self, rule: RuleId, default: Level) -> Level {
        self.rules.get(&rule).copied().unwrap_or(default)
    }
}

/// The rule names `.aeef.yml` uses, read leniently (any other key and any
/// value shape accepted) to check them against the catalogue first.
#[derive(Deserialize)]
struct RuleNames {
    #[serde(default)]
    rules: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    waivers: Option<Vec<WaiverRuleName>>,
}

#[derive(Deserialize)]
struct WaiverRuleName {
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    expires: Option<String>,
}

/// `.aeef.yml` could not be used. `code` is stable
/// (`aeef::config::invalid`, `aeef::config::unreadable`,
/// `aeef::config::path_outside`, …); the span points at the key or value.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub code: &'static str,
    pub message: String,
    pub src: miette::NamedSource<String>,
    pub span: Option<miette::SourceSpan>,
    /// 1-based line and column of the span, for JSON findings.
    pub line_col: Option<(u32, u32)>,
    pub help: Option<String>,
}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        // A file that was never read has no snippet.
        self.span.map(|_| &self.src as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".into()), span),
        )))
    }
}

impl ConfigError {
    /// A config error without a position (the file could not be read).
    fn unreadable(message: String, help: &str) -> Box<ConfigError> {
        Box::new(ConfigError {
            code: "aeef::config::unreadable",
            message,
            src: miette::NamedSource::new(FILE_NAME, String::new()),
            span: None,
            line_col: None,
            help: Some(help.to_string()),
        })
    }

    /// The same error as a finding (rule `config`), for `--format json`.
    pub fn to_finding(&self) -> crate::findings::Finding {
        let mut f = crate::findings::Finding::new(
            RuleId::Config,
            crate::findings::Level::Error,
            self.message.clone(),
        )
        .file(FILE_NAME);
        if let Some((l, c)) = self.line_col {
            f = f.at(l, c);
        }
        if let Some(h) = &self.help {
            f = f.help(h.clone());
        }
        f
    }
}

impl Config {
    /// Reads `<root>/.aeef.yml`; a missing file gives the defaults. Errors
    /// point at the line and column of the offending key or value.
    ///
    /// The file is committed content and may be hostile: it is read only
    /// when it resolves inside the work tree (not into `.git`), is a regular
    /// file and holds at most [`crate::safe_fs::CONFIG_MAX_BYTES`]; anything
    /// else is refused without reading a byte (`aeef::config::unreadable`).
    /// Configured paths must stay inside the work tree
    /// (`aeef::config::path_outside`).
    pub fn load(root: &std::path::Path) -> Result<Config, Box<ConfigError>> {
        use crate::safe_fs::{CONFIG_MAX_BYTES, Jail, Refusal};
        let jail = Jail::new(root);
        let bytes = match jail.read(&root.join(FILE_NAME), CONFIG_MAX_BYTES) {
            Ok(b) => b,
            Err(Refusal::NotFound) => {
                let cfg = Config::default();
                cfg.check_paths(Some(&jail), b"")?;
                return Ok(cfg);
            }
            Err(r) => return Err(ConfigError::unreadable(r.describe(FILE_NAME), r.help())),
        };
        let cfg = Config::parse(&bytes)?;
        cfg.check_paths(Some(&jail), &bytes)?;
        Ok(cfg)
    }

    /// Refuses configured paths that leave the work tree (`jail`), or, for
    /// a configuration read from a revision's tree (`None`), that could.
    fn check_paths(
        &self,
        jail: Option<&crate::safe_fs::Jail>,
        bytes: &[u8],
    ) -> Result<(), Box<ConfigError>> {
        let key = "incidents_dir";
        let checked = match jail {
            Some(jail) => crate::safe_fs::check_configured_dir(jail, &self.incidents_dir),
            None => crate::safe_fs::check_configured_dir_text(&self.incidents_dir),
        };
        if let Err(problem) = checked {
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The default folder is not in the file: no snippet then.
            let at = self.positions.of(key);
            let span = at.map(|(line, col)| {
                let off = crate::incident::yaml::offset_of(&text, line, col);
                miette::SourceSpan::new(off.into(), 1)
            });
            let message = match at {
                Some(_) => format!(
                    "{FILE_NAME}: {}",
                    problem.describe(key, &self.incidents_dir)
                ),
                None => format!(
                    "the default incidents folder: {}",
                    problem.describe(key, &self.incidents_dir)
                ),
            };
            return Err(Box::new(ConfigError {
                code: "aeef::config::path_outside",
                message,
                src: miette::NamedSource::new(FILE_NAME, text),
                span,
                line_col: at,
                help: Some(format!(
                    "`{key}` names a folder inside the repository, relative to its root and without `..` (e.g. `{key}: incidents`); aeef never reads or writes outside the work tree"
                )),
            }));
        }
        Ok(())
    }

    /// Parses the text of `.aeef.yml` (an empty file is the defaults).
    pub fn parse(bytes: &[u8]) -> Result<Config, Box<ConfigError>> {
        let fail = |src: &str, line: u32, col: u32, message: String, help: String| {
            let off = crate::incident::yaml::offset_of(src, line, col);
            Box::new(ConfigError {
                code: "aeef::config::invalid",
                message,
                src: miette::NamedSource::new(FILE_NAME, src.to_string()),
                span: Some(miette::SourceSpan::new(off.into(), 1)),
                line_col: Some((line, col)),
                help: Some(help),
            })
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let (l, c) = crate::incident::yaml::line_col_of(bytes, e.valid_up_to());
                let lossy = String::from_utf8_lossy(bytes).into_owned();
                return Err(fail(
                    &lossy,
                    l,
                    c,
                    format!("{FILE_NAME} is not valid UTF-8"),
                    "save it as UTF-8".into(),
                ));
            }
        };
        let index = match crate::incident::yaml::KeyIndex::build(text) {
            Ok(i) => i,
            Err(e) => {
                return Err(fail(
                    text,
                    e.pos.line,
                    e.pos.column,
                    format!("YAML syntax error in {FILE_NAME}: {}", e.message),
                    "fix the YAML syntax at this position".into(),
                ));
            }
        };
        // Comments only, or nothing: the defaults.
        if index
            .value("")
            .is_none_or(|v| v.scalar.as_deref().is_some_and(|s| s.trim().is_empty()))
        {
            return Ok(Config::default());
        }
        // Rule ids in `rules:` and in each waiver are checked against the
        // catalogue ([`RuleId`]) before the typed parse, so a typo gets a
        // "did you mean" at its own line rather than serde's wording. A
        // file whose shape is wrong elsewhere fails the typed parse below.
        // Every problem is collected, so one run names them all (issue 11).
        if let Ok(named) = serde_saphyr::from_str::<RuleNames>(text) {
            let mut problems: Vec<(String, String, String)> = Vec::new();
            for (rule, level) in named.rules.into_iter().flatten() {
                let path = format!("rules.{rule}");
                match rule.parse::<RuleId>() {
                    Err(e) => problems.push((
                        path,
                        format!("unknown rule `{rule}` in {FILE_NAME}"),
                        e.help(),
                    )),
                    // `schema` and `config` say a record or this file could
                    // not be read: nothing can be decided, so they stay errors.
                    Ok(RuleId::Schema | RuleId::Config) => problems.push((
                        path,
                        format!("rule `{rule}` cannot be changed in {FILE_NAME}: an unreadable record or config leaves nothing to decide"),
                        format!("remove `{rule}` from `rules:`; fix what it reports instead"),
                    )),
                    // The levels the schema documents: `note` is what a
                    // waiver or an acknowledgement makes of a finding.
                    Ok(_) if !matches!(level.as_deref().map(str::trim), Some("error" | "warn" | "off")) => {
                        problems.push((
                            path,
                            format!(
                                "rule `{rule}` has level `{}` in {FILE_NAME}; levels are error, warn or off",
                                level.as_deref().unwrap_or("")
                            ),
                            "use error, warn or off; to accept one finding on purpose, add a waiver".into(),
                        ))
                    }
                    Ok(_) => {}
                }
            }
            for (i, w) in named.waivers.into_iter().flatten().enumerate() {
                if let Some(rule) = w.rule
                    && let Err(e) = rule.parse::<RuleId>()
                {
                    problems.push((
                        format!("waivers[{i}].rule"),
                        format!("unknown rule `{rule}` in a waiver in {FILE_NAME}"),
                        e.help(),
                    ));
                }
                if let Some(x) = w.expires
                    && chrono::NaiveDate::parse_from_str(x.trim(), "%Y-%m-%d").is_err()
                {
                    problems.push((
                        format!("waivers[{i}].expires"),
                        format!("`waivers[{i}].expires` is `{x}`, not a date in {FILE_NAME}"),
                        "write the last day the waiver applies as YYYY-MM-DD".into(),
                    ));
                }
            }
            if let Some((path, msg, help)) = problems.first() {
                let pos = index.nearest(path);
                let (message, help) = if problems.len() == 1 {
                    (msg.clone(), help.clone())
                } else {
                    let all = problems
                        .iter()
                        .map(|(p, m, _)| format!("{m} (at line {})", index.nearest(p).line))
                        .collect::<Vec<_>>()
                        .join("; ");
                    let helps = problems
                        .iter()
                        .map(|(_, _, h)| h.as_str())
                        .collect::<Vec<_>>()
                        .join("; ");
                    (format!("{} problems: {all}", problems.len()), helps)
                };
                return Err(fail(text, pos.line, pos.column, message, help));
            }
        }
        let mut cfg: Config = match serde_saphyr::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (l, c) = e
                    .location()
                    .map(|l| (l.line() as u32, l.column() as u32))
                    .unwrap_or((1, 1));
                let mut inner = &e;
                while let serde_saphyr::Error::WithSnippet { error, .. }
                | serde_saphyr::Error::AliasError { error, .. } = inner
                {
                    inner = error;
                }
                // serde-saphyr's own wording names its API (`DuplicateKeyPolicy`,
                // `from_str_multiple`, `budget breached: …`): say it in the
                // user's terms instead.
                if let Some((msg, help)) = crate::incident::store::user_yaml_error(inner) {
                    return Err(fail(text, l, c, format!("{FILE_NAME}: {msg}"), help));
                }
                let help = match inner {
                    serde_saphyr::Error::SerdeUnknownField {
                        field, expected, ..
                    } => match crate::incident::store::did_you_mean(field, expected) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!("known keys: {}", expected.join(", ")),
                    },
                    _ => "see schemas/config.schema.json for every key and value".into(),
                };
                let msg = inner.to_string();
                let msg = msg.lines().next().unwrap_or("").to_string();
                return Err(fail(text, l, c, format!("{FILE_NAME}: {msg}"), help));
            }
        };
        for key in ["incidents_dir"] {
            if let Some(v) = index.value(key) {
                cfg.positions
                    .0
                    .insert(key.to_string(), (v.pos.line, v.pos.column));
            }
        }
        cfg.incidents_dir = plain_dir(&cfg.incidents_dir);
        Ok(cfg)
    }
}

/// `incidents_dir` as every reader compares it: without `.` components and
/// trailing slashes (`./incidents/` is `incidents`), so that the work tree,
/// a revision's tree and the history walks name the same folder (a tree
/// has no `./incidents`, and an audit of a history under `./incidents/`
/// found no commit and passed). An absolute value, or one that is nothing
/// but those, stays as written, for the path checks to refuse.
fn plain_dir(value: &str) -> String {
    let parts: Vec<&str> = value
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let absolute = value.starts_with(['/', '\\']) || value.as_bytes().get(1) == Some(&b':');
    if parts.is_empty() || absolute || value.contains('\0') {
        return value.to_string();
    }
    parts.join("/")
}

impl Config {
    /// `.aeef.yml` from the tree of `commit` (the defaults when absent).
    pub fn at_commit(repo: &crate::git::Repo, commit: git2::Oid) -> miette::Result<Config> {
        let r = repo.git2();
        let tree = r
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(crate::error::GitError::from)?;
        let Ok(entry) = tree.get_path(std::path::Path::new(crate::config::FILE_NAME)) else {
            return Ok(Self::default());
        };
        let blob = match r.find_blob(entry.id()) {
            Ok(b) if entry.filemode() != 0o120000 => b,
            _ => {
                return Err(crate::error::UsageError::new(
                    format!(
                        "{} at this revision is not a regular file",
                        crate::config::FILE_NAME
                    ),
                    "commit .aeef.yml as a regular file",
                )
                .into());
            }
        };
        if blob.size() as u64 > crate::safe_fs::CONFIG_MAX_BYTES {
            return Err(crate::error::UsageError::new(
                format!(
                    "{} at this revision is larger than 1 MiB",
                    crate::config::FILE_NAME
                ),
                "keep .aeef.yml small: rules, agents, grace and waivers",
            )
            .into());
        }
        let cfg = Self::parse(blob.content()).map_err(|e| miette::Report::new(*e))?;
        // The folder must not lead out at a revision either: a history read
        // under `../x` finds nothing and would pass.
        cfg.check_paths(None, blob.content())
            .map_err(|e| miette::Report::new(*e))?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_comment_only_config_is_the_default() {
        assert_eq!(Config::parse(b"").unwrap(), Config::default());
        assert_eq!(Config::parse(b"# nothing\n").unwrap(), Config::default());
    }

    #[test]
    fn rule_levels_parse_and_unknown_rules_are_refused() {
        let c = Config::parse(b"rules:\n  ca-categories: warn\n  ca-not-filed: off\n").unwrap();
        assert_eq!(c.level(RuleId::CaCategories, Level::Error), Level::Warn);
        assert_eq!(c.level(RuleId::CaNotFiled, Level::Warn), Level::Off);
        let e = Config::parse(b"rules:\n  ca-categoires: warn\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `ca-categories`?"));
        let e = Config::parse(b"incident_dir: x\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `incidents_dir`?"));
    }

    /// Rule names are checked against [`RuleId`] before the typed parse, so
    /// a typo is reported at its own key (or waiver value) with a "did you
    /// mean", and a typed config holds only known rules.
    #[test]
    fn unknown_rules_are_refused_at_their_position() {
        let e =
            Config::parse(b"adjacency_window: 3\nrules:\n  ca-due: warn\n  ca-categoires: warn\n")
                .unwrap_err();
        assert_eq!(e.code, "aeef::config::invalid");
        assert_eq!(e.line_col, Some((4, 3)));
        assert!(
            e.message.contains("unknown rule `ca-categoires`"),
            "{}",
            e.message
        );
        let e = Config::parse(
            b"waivers:\n  - rule: touches-open-incidnet\n    incident: INC-2026-007\n    reason: r\n    approved_by: bob\n    expires: 2026-12-31\n",
        )
        .unwrap_err();
        assert_eq!(e.line_col.map(|(l, _)| l), Some(2));
        assert!(e.message.contains("in a waiver"), "{}", e.message);
        // Far from every id: the known ones are listed.
        let e = Config::parse(b"rules: {zzzzzzzzzzzz: off}\n").unwrap_err();
        assert!(e.help.unwrap().starts_with("known rules: schema, config,"));
        // A known rule parses to its typed id.
        let c = Config::parse(b"rules: {audit-retention: warn}\n").unwrap();
        assert_eq!(c.rules.get(&RuleId::AuditRetention), Some(&Level::Warn));
        // A shape error elsewhere is still serde's, not a rule error.
        assert!(Config::parse(b"rules: [ca-due]\n").is_err());
    }

    /// `pr.primary_threshold` is a share (0–1): anything else is refused
    /// at its line, never read as "always" or "never".
    #[test]
    fn primary_threshold_is_a_share_between_0_and_1() {
        assert_eq!(Config::default().pr.primary_threshold.get(), 0.5);
        let c = Config::parse(b"pr:\n  primary_threshold: 0.75\n").unwrap();
        assert_eq!(c.pr.primary_threshold.get(), 0.75);
        assert_eq!(Config::parse(b"pr: {}\n").unwrap().pr, PrConfig::default());
        for bad in ["1.5", "-0.1", ".nan", ".inf", "half"] {
            let text = format!("pr:\n  primary_threshold: {bad}\n");
            let e = Config::parse(text.as_bytes()).unwrap_err();
            assert_eq!(e.line_col.map(|p| p.0), Some(2), "{bad}: {}", e.message);
        }
        let e = Config::parse(b"pr: {primary_treshold: 0.5}\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `primary_threshold`?"));
    }

    /// Why: issue 11 found only the first unknown rule reported, so a
    /// second typo surfaced only after fixing the first.
    #[test]
    fn every_unknown_rule_is_reported_in_one_run() {
        let e = Config::parse(b"rules: {ca-catgories: warn, touches-open-incidents: off}\n")
            .unwrap_err();
        assert!(e.message.contains("`ca-catgories`"), "{}", e.message);
        assert!(
            e.message.contains("`touches-open-incidents`"),
            "{}",
            e.message
        );
        let help = e.help.unwrap();
        assert!(help.contains("did you mean `ca-categories`?"), "{help}");
        assert!(
            help.contains("did you mean `touches-open-incident`?"),
            "{help}"
        );
    }

    /// Why: `schema` and `config` were accepted with any level and had no
    /// effect; `note` was accepted though the schema allows error|warn|off.
    #[test]
    fn schema_and_config_cannot_be_changed_and_note_is_not_a_config_level() {
        for text in [&b"rules: {schema: off}\n"[..], b"rules: {config: warn}\n"] {
            let e = Config::parse(text).unwrap_err();
            assert!(e.message.contains("cannot be changed"), "{}", e.message);
            assert_eq!(e.line_col.map(|p| p.0), Some(1));
        }
        let e = Config::parse(b"rules:\n  ca-due: note\n").unwrap_err();
        assert!(
            e.message.contains("levels are error, warn or off"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col, Some((2, 3)));
    }

    /// Why: an impossible `expires` was "input is out of range" without
    /// naming the key.
    #[test]
    fn an_impossible_waiver_expiry_names_its_key() {
        let e = Config::parse(
            b"waivers:\n  - {rule: ca-due, incident: INC-1, reason: r, approved_by: b, expires: 2026-13-45}\n",
        )
        .unwrap_err();
        assert!(
            e.message.contains("`waivers[0].expires` is `2026-13-45`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col.map(|p| p.0), Some(2));
    }
}

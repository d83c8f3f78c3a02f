//! Editing a record in place (`aeef incident edit ID --commit SHA…`): the
//! new faulty commits are appended to `faulty_commits` and the pre-fill
//! ([`super::prefill`]) is written into `classification` and
//! `generation_context`, each change one positional edit through the key
//! index ([`super::yaml::set_key`]), so every other byte — comments, quoting,
//! flow or block style, line endings — stays as the user wrote it.
//!
//! A pre-filled value is only changed where no person decided otherwise: a
//! field is written when it is empty, or when it still holds what the
//! pre-fill of the record's earlier commits gives (the last pre-fill wrote
//! it). A value someone changed by hand is kept, and the edit says so.
//! Evidence lines are appended, never removed; the one tool-choice line
//! ([`super::prefill::is_tool_line`]) is rewritten in place, or removed
//! when the pre-fill of all the commits no longer writes one, so an edit
//! leaves what `incident new` with every commit would write.
use super::Incident;
use super::prefill::Prefill;
use super::yaml::{EditError, KeyIndex, set_key};

/// A YAML node to write: scalars already rendered ([`scalar`]).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Scalar(String),
    Map(Vec<(&'static str, Node)>),
    Seq(Vec<Node>),
}

impl Node {
    /// One-line flow style (`{name: x, model_version: y}`, `[a, b]`).
    fn flow(&self) -> String {
        match self {
            Node::Scalar(s) => s.clone(),
            Node::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", v.flow()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::Seq(s) => format!(
                "[{}]",
                s.iter().map(Node::flow).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Block style, one entry per line at `indent`, each line ended by `eol`.
    fn block(&self, indent: &str, eol: &str) -> String {
        let mut out = String::new();
        match self {
            Node::Scalar(s) => out.push_str(&format!("{indent}{s}{eol}")),
            Node::Map(m) => {
                for (k, v) in m {
                    match v {
                        Node::Scalar(s) => out.push_str(&format!("{indent}{k}: {s}{eol}")),
                        Node::Map(x) if x.is_empty() => {
                            out.push_str(&format!("{indent}{k}: {{}}{eol}"))
                        }
                        Node::Seq(x) if x.is_empty() => {
                            out.push_str(&format!("{indent}{k}: []{eol}"))
                        }
                        _ => {
                            out.push_str(&format!("{indent}{k}:{eol}"));
                            out.push_str(&v.block(&format!("{indent}  "), eol));
                        }
                    }
                }
            }
            Node::Seq(items) => {
                for i in items {
                    out.push_str(&format!("{indent}- {}{eol}", i.flow()));
                }
            }
        }
        out
    }
}

/// A string as a YAML scalar: plain when YAML reads it back as the same
/// string (ids, tool names, kebab-case enum values), else double-quoted
/// with JSON escapes (valid YAML). All-digit SHAs, `null`, `true` and the
/// like are quoted so they stay strings.
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./@+-".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.parse::<f64>().is_err()
        && !s.chars().all(|c| c.is_ascii_digit() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

fn index(source: &str) -> Result<KeyIndex, EditError> {
    KeyIndex::build(source).map_err(|e| EditError::NoPlace(format!("the record: {}", e.message)))
}

/// Whether `path` holds a mapping or a sequence (not absent, `null` or empty).
fn is_collection(source: &str, path: &str) -> Result<bool, EditError> {
    Ok(index(source)?
        .value(path)
        .is_some_and(|v| v.scalar.is_none()))
}

fn eol_of(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Sets `key` of the mapping at `map` to `node`. A collection inserted as a
/// new line of a block mapping is written in block style at the keys'
/// indentation; anywhere else (a flow mapping, replacing `null`) in flow
/// style.
fn set_node(
    source: &str,
    map: &str,
    key: &str,
    node: &Node,
    after: &[&str],
) -> Result<String, EditError> {
    let idx = index(source)?;
    if idx.value(&join(map, key)).is_none()
        && let Some(text) = after_block_value(source, &idx, map, key, node, after)
    {
        return Ok(text);
    }
    let flow = node.flow();
    let mut edit = set_key(source, &idx, map, key, &flow, after)?;
    if !matches!(node, Node::Scalar(_)) {
        let t = edit.text.as_str();
        let (pre, rest) = match t.strip_prefix("\r\n").or_else(|| t.strip_prefix('\n')) {
            Some(r) => (&t[..t.len() - r.len()], r),
            None => ("", t),
        };
        let (body, post) = match rest
            .strip_suffix("\r\n")
            .or_else(|| rest.strip_suffix('\n'))
        {
            Some(b) => (b, &rest[b.len()..]),
            None => (rest, ""),
        };
        let entry = format!("{key}: {flow}");
        if let Some(lead) = body.strip_suffix(&entry)
            && lead.chars().all(|c| c == ' ')
            && (pre.is_empty() != post.is_empty())
        {
            let eol = if post.is_empty() { pre } else { post };
            let mut text = format!("{pre}{lead}{key}:{eol}");
            text.push_str(&node.block(&format!("{lead}  "), eol));
            if post.is_empty() {
                text.truncate(text.len() - eol.len());
            }
            edit.text = text;
        }
    }
    Ok(edit.apply(source))
}

fn join(map: &str, key: &str) -> String {
    if map.is_empty() {
        key.to_string()
    } else {
        format!("{map}.{key}")
    }
}

/// A new `key` right after the anchor (the last key of `after` present in
/// the mapping at `map`) when the anchor's value is a block collection:
/// after the line where its last descendant ends, at the anchor's
/// indentation. [`set_key`] would go before the next key instead, or, when
/// the anchor is the last key, after an earlier one; this keeps the
/// reference order (`faulty_commits`, `classification`,
/// `generation_context`). `None` when the anchor is a scalar or a flow
/// collection, or text follows the last line.
fn after_block_value(
    source: &str,
    idx: &KeyIndex,
    map: &str,
    key: &str,
    node: &Node,
    after: &[&str],
) -> Option<String> {
    let prefix = if map.is_empty() {
        String::new()
    } else {
        format!("{map}.")
    };
    let anchor = idx
        .paths()
        .filter(|p| {
            p.strip_prefix(prefix.as_str())
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(['.', '[']))
        })
        .filter(|p| after.contains(&p.rsplit('.').next().unwrap_or(p)))
        .last()?
        .to_string();
    let v = idx.value(&anchor)?;
    if v.scalar.is_some() || source[v.pos.offset..].starts_with(['[', '{']) {
        return None;
    }
    let k = idx.key(&anchor)?;
    let end = idx
        .paths()
        .filter(|p| p.len() > anchor.len() && p.starts_with(&anchor))
        .filter(|p| p[anchor.len()..].starts_with(['.', '[']))
        // Scalars only: a block collection's closing event stands at the
        // next token, which may be past trailing comments.
        .filter_map(|p| idx.value(p).filter(|v| v.scalar.is_some()).map(|v| v.end))
        .max()?;
    let rest = &source[end..];
    let (tail, at) = match rest.find('\n') {
        Some(i) => (&rest[..i], Some(end + i + 1)),
        None => (rest, None),
    };
    let tail = tail.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    let ls = source[..k.offset].rfind('\n').map_or(0, |i| i + 1);
    let indent = &source[ls..k.offset];
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let eol = eol_of(source);
    let entry = match node {
        Node::Scalar(s) => format!("{indent}{key}: {s}{eol}"),
        _ => format!(
            "{indent}{key}:{eol}{}",
            node.block(&format!("{indent}  "), eol)
        ),
    };
    let mut out = source.to_string();
    match at {
        Some(at) => out.insert_str(at, &entry),
        None => {
            out.push_str(eol);
            out.push_str(entry.trim_end_matches(['\r', '\n']));
        }
    }
    Some(out)
}

/// Appends `items` (rendered scalars) to the sequence at `seq`: after the
/// last item of a flow sequence (`[a]` → `[a, b]`), or as new lines in the
/// last item's style in a block sequence. Errors when the last item spans
/// lines or shares its line with something other than a comment.
/// Removes item `i` (a one-line scalar) of the sequence at `seq`: in a flow
/// sequence with its comma, in a block sequence its whole line (comments on
/// other lines stay). The only item of a block sequence leaves `[]`.
fn remove_item(source: &str, seq: &str, i: usize) -> Result<String, EditError> {
    let idx = index(source)?;
    let no_place = || EditError::NoPlace(format!("{seq}[{i}]"));
    let v = idx.value(seq).ok_or_else(no_place)?;
    let item = idx.value(&format!("{seq}[{i}]")).ok_or_else(no_place)?;
    if item.scalar.is_none() || source[item.pos.offset..item.end].contains('\n') {
        return Err(no_place());
    }
    let next = idx.value(&format!("{seq}[{}]", i + 1));
    let prev = i
        .checked_sub(1)
        .and_then(|p| idx.value(&format!("{seq}[{p}]")));
    let mut out = source.to_string();
    if source[v.pos.offset..].starts_with('[') {
        let range = match (prev, next) {
            (_, Some(n)) => item.pos.offset..n.pos.offset,
            (Some(p), None) => p.end..item.end,
            (None, None) => item.pos.offset..item.end,
        };
        out.replace_range(range, "");
        return Ok(out);
    }
    let ls = source[..item.pos.offset].rfind('\n').map_or(0, |x| x + 1);
    let lead = source[ls..item.pos.offset].trim_start_matches(' ');
    if !(lead.starts_with('-') && lead[1..].chars().all(|c| c == ' ')) {
        return Err(no_place());
    }
    if prev.is_none() && next.is_none() {
        return Err(no_place());
    }
    let le = source[item.end..]
        .find('\n')
        .map_or(source.len(), |x| item.end + x + 1);
    out.replace_range(ls..le, "");
    Ok(out)
}

fn append_items(source: &str, seq: &str, items: &[String]) -> Result<String, EditError> {
    if items.is_empty() {
        return Ok(source.to_string());
    }
    let idx = index(source)?;
    let no_place = || EditError::NoPlace(seq.to_string());
    let v = idx.value(seq).ok_or_else(no_place)?;
    let n = (0..)
        .take_while(|i| idx.value(&format!("{seq}[{i}]")).is_some())
        .count();
    let last = (n > 0)
        .then(|| idx.value(&format!("{seq}[{}]", n - 1)))
        .flatten();
    if source[v.pos.offset..].starts_with('[') {
        let (at, text) = match last {
            Some(l) => (
                l.end,
                items.iter().map(|i| format!(", {i}")).collect::<String>(),
            ),
            None => (v.pos.offset + 1, items.join(", ")),
        };
        let mut out = source.to_string();
        out.insert_str(at, &text);
        return Ok(out);
    }
    let l = last.ok_or_else(no_place)?;
    if l.scalar.is_none() || source[l.pos.offset..l.end].contains('\n') {
        return Err(no_place());
    }
    let ls = source[..l.pos.offset].rfind('\n').map_or(0, |i| i + 1);
    let lead = &source[ls..l.pos.offset];
    let dash = lead.trim_start_matches(' ');
    if !(dash.starts_with('-') && dash[1..].chars().all(|c| c == ' ') && dash.len() > 1) {
        return Err(no_place());
    }
    let rest = &source[l.end..];
    let (tail, at) = match rest.find('\n') {
        Some(i) => (&rest[..i], Some(l.end + i + 1)),
        None => (rest, None),
    };
    let tail = tail.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return Err(no_place());
    }
    let eol = eol_of(source);
    let lines: String = items.iter().map(|i| format!("{lead}{i}{eol}")).collect();
    let mut out = source.to_string();
    match at {
        Some(at) => out.insert_str(at, &lines),
        None => {
            out.push_str(eol);
            out.push_str(lines.trim_end_matches(['\r', '\n']));
        }
    }
    Ok(out)
}

/// Root keys a new `faulty_commits` / `classification` /
/// `generation_context` line follows (the last one present), in the order of
/// the reference record (DESIGN §3).
const AFTER_FAULTY: &[&str] = &[
    "id",
    "title",
    "severity",
    "status",
    "team",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
];

/// What [`add_commits`] did besides the edits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    /// The record's new text.
    pub text: String,
    /// Values kept because someone changed them by hand: `path: kept (the
    /// pre-fill says …)`.
    pub kept: Vec<String>,
}

/// Whether to write the pre-fill's value `after` over `cur`: when `cur` is
/// empty or still what the earlier pre-fill (`before`) gave.
fn replace<T: PartialEq>(cur: Option<&T>, before: Option<&T>, after: Option<&T>) -> Option<bool> {
    let after = after?;
    match cur {
        None => Some(true),
        Some(c) if c == after => None,
        Some(c) if Some(c) == before => Some(true),
        Some(_) => Some(false),
    }
}

fn enum_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn tool_node(name: &str, model: Option<&str>) -> Node {
    let mut m = vec![("name", Node::Scalar(scalar(name)))];
    if let Some(model) = model {
        m.push(("model_version", Node::Scalar(scalar(model))));
    }
    Node::Map(m)
}

/// Adds `new` (full commit ids, not already in the record) to the record
/// `source` (whose parsed form is `inc`) and writes the pre-fill: `before`
/// is the pre-fill of the record's existing commits, `after` the pre-fill
/// of all of them. Returns the new text; the caller re-reads it before
/// writing. Errors when a change has no place that keeps the layout.
pub fn add_commits(
    source: &str,
    inc: &Incident,
    new: &[String],
    before: &Prefill,
    after: &Prefill,
) -> Result<Added, EditError> {
    let mut kept = Vec::new();
    let items: Vec<String> = new.iter().map(|s| scalar(s)).collect();
    let mut text = if is_collection(source, "faulty_commits")? {
        append_items(source, "faulty_commits", &items)?
    } else {
        let node = Node::Seq(items.into_iter().map(Node::Scalar).collect());
        set_node(source, "", "faulty_commits", &node, AFTER_FAULTY)?
    };

    let mut after_cls: Vec<&str> = AFTER_FAULTY.to_vec();
    after_cls.extend(["faulty_commits", "files"]);
    if let Some(c) = after.classification() {
        if !is_collection(&text, "classification")? {
            let mut m = Vec::new();
            if let Some(o) = c.origin {
                m.push(("origin", Node::Scalar(o.as_str().to_string())));
            }
            if let Some(t) = &c.ai_tool {
                m.push(("ai_tool", tool_node(&t.name, t.model_version.as_deref())));
            }
            if !c.evidence.is_empty() {
                let ev = c.evidence.iter().map(|e| Node::Scalar(scalar(e))).collect();
                m.push(("evidence", Node::Seq(ev)));
            }
            text = set_node(&text, "", "classification", &Node::Map(m), &after_cls)?;
        } else {
            let cur = inc.classification.clone().unwrap_or_default();
            match replace(
                cur.origin.as_ref(),
                before.origin.as_ref(),
                c.origin.as_ref(),
            ) {
                Some(true) => {
                    let o = c.origin.map(|o| o.as_str()).unwrap_or_default();
                    text = set_node(
                        &text,
                        "classification",
                        "origin",
                        &Node::Scalar(o.into()),
                        &[],
                    )?;
                }
                Some(false) => kept.push(format!(
                    "classification.origin: kept `{}` (the commits' provenance says `{}`)",
                    cur.origin.map(|o| o.as_str()).unwrap_or_default(),
                    c.origin.map(|o| o.as_str()).unwrap_or_default()
                )),
                None => {}
            }
            let cur_tool = cur
                .ai_tool
                .as_ref()
                .map(|t| (t.name.clone(), t.model_version.clone()));
            let before_tool = before.tool.clone().map(|t| (t, before.model.clone()));
            let after_tool = after.tool.clone().map(|t| (t, after.model.clone()));
            match replace(cur_tool.as_ref(), before_tool.as_ref(), after_tool.as_ref()) {
                Some(true) => {
                    let (name, model) = after_tool.clone().unwrap_or_default();
                    if is_collection(&text, "classification.ai_tool")? {
                        let p = "classification.ai_tool";
                        text = set_node(&text, p, "name", &Node::Scalar(scalar(&name)), &[])?;
                        if let Some(m) = &model {
                            text = set_node(
                                &text,
                                p,
                                "model_version",
                                &Node::Scalar(scalar(m)),
                                &["name"],
                            )?;
                        }
                    } else {
                        text = set_node(
                            &text,
                            "classification",
                            "ai_tool",
                            &tool_node(&name, model.as_deref()),
                            &["origin", "failure_mode", "validation_gap"],
                        )?;
                    }
                }
                Some(false) => {
                    let show = |t: &Option<(String, Option<String>)>| match t {
                        Some((n, Some(m))) => format!("{n} {m}"),
                        Some((n, None)) => n.clone(),
                        None => String::new(),
                    };
                    kept.push(format!(
                        "classification.ai_tool: kept `{}` (the commits' provenance says `{}`)",
                        show(&cur_tool),
                        show(&after_tool)
                    ));
                }
                None => {}
            }
            // The tool-choice line describes all the commits: a newer one
            // takes the place of the old one (in place), not a second line.
            let choice = |e: &&String| super::prefill::is_tool_line(e);
            let mut replaced = None;
            match (
                cur.evidence.iter().position(|e| choice(&e)),
                c.evidence.iter().find(choice),
            ) {
                (Some(old_i), Some(new_line)) if cur.evidence[old_i] != *new_line => {
                    let idx = index(&text)?;
                    let path = format!("classification.evidence[{old_i}]");
                    if let Some(v) = idx.value(&path).filter(|v| v.scalar.is_some()) {
                        let edit = super::yaml::Edit {
                            range: v.pos.offset..v.end,
                            text: scalar(new_line),
                        };
                        text = edit.apply(&text);
                        replaced = Some(new_line);
                    }
                }
                (Some(old_i), None) => {
                    // The commits now name the tool themselves: the old
                    // line would contradict `ai_tool`.
                    match remove_item(&text, "classification.evidence", old_i) {
                        Ok(t) => text = t,
                        Err(_) => kept.push(format!(
                            "classification.evidence: kept the line `{}`, which no longer applies (remove it by hand)",
                            cur.evidence[old_i]
                        )),
                    }
                }
                _ => {}
            }
            let fresh: Vec<String> = c
                .evidence
                .iter()
                .filter(|e| !cur.evidence.contains(e) && Some(*e) != replaced)
                .map(|e| scalar(e))
                .collect();
            if !fresh.is_empty() {
                text = if is_collection(&text, "classification.evidence")? {
                    append_items(&text, "classification.evidence", &fresh)?
                } else {
                    set_node(
                        &text,
                        "classification",
                        "evidence",
                        &Node::Seq(fresh.into_iter().map(Node::Scalar).collect()),
                        &["origin", "failure_mode", "validation_gap", "ai_tool"],
                    )?
                };
            }
        }
    }

    if let Some(g) = after.generation_context() {
        after_cls.push("classification");
        if !is_collection(&text, "generation_context")? {
            let mut m = Vec::new();
            if let Some(p) = &g.prompt_template {
                m.push(("prompt_template", Node::Scalar(scalar(p))));
            }
            if let Some(h) = &g.human_modifications {
                m.push(("human_modifications", Node::Scalar(enum_str(h))));
            }
            text = set_node(&text, "", "generation_context", &Node::Map(m), &after_cls)?;
        } else {
            let cur = inc.generation_context.clone().unwrap_or_default();
            let fields = [
                (
                    "prompt_template",
                    cur.prompt_template.clone(),
                    before.prompt.clone(),
                    g.prompt_template.clone(),
                ),
                (
                    "human_modifications",
                    cur.human_modifications.as_ref().map(enum_str),
                    before.human.as_ref().map(enum_str),
                    g.human_modifications.as_ref().map(enum_str),
                ),
            ];
            for (key, cur, before, after) in fields {
                match replace(cur.as_ref(), before.as_ref(), after.as_ref()) {
                    Some(true) => {
                        let v = after.unwrap_or_default();
                        text = set_node(
                            &text,
                            "generation_context",
                            key,
                            &Node::Scalar(scalar(&v)),
                            &["prompt_template"],
                        )?;
                    }
                    Some(false) => kept.push(format!(
                        "generation_context.{key}: kept `{}` (the commits' provenance says `{}`)",
                        cur.unwrap_or_default(),
                        after.unwrap_or_default()
                    )),
                    None => {}
                }
            }
        }
    }
    Ok(Added { text, kept })
}

/// Whether the facts of `inc` may change only with a new timeline entry in
/// the same commit: it is `resolved` or `closed`, or has `resolved_at` —
/// the condition of `audit-rewritten-after-resolve` (README, "Audit").
pub fn needs_timeline_entry(inc: &Incident) -> bool {
    matches!(
        inc.status,
        super::model::Status::Resolved | super::model::Status::Closed
    ) || inc.resolved_at.is_some()
}

/// Why `aeef incident edit` refuses (exit 2; the record is not touched).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EditRefusal {
    /// One commit given twice on the command line (perhaps abbreviated
    /// differently).
    #[error("{what} given twice on the command line")]
    #[diagnostic(
        code(aeef::incident::duplicate_commit),
        help("give each faulty commit once")
    )]
    GivenTwice { what: String },

    /// A commit given is already a faulty commit of the record.
    #[error("{commit} is already a faulty commit of {id}")]
    #[diagnostic(
        code(aeef::incident::duplicate_commit),
        help(
            "`aeef incident show {id}` lists its faulty commits; give only commits it does not name yet"
        )
    )]
    Duplicate { commit: String, id: String },

    /// No edit keeps the record's layout (a multi-line last item, a
    /// sequence sharing its line with other text).
    #[error("cannot add to {path} in place: {reason}")]
    #[diagnostic(
        code(aeef::incident::edit_no_place),
        help(
            "add the commits to `faulty_commits` by hand, or put each list item on a line of its own and run the edit again"
        )
    )]
    NoPlace { path: String, reason: String },

    /// The edited text does not read back as the record plus the commits:
    /// nothing is written.
    #[error(
        "the edited {path} would not read back as the same record ({reason}); nothing was written"
    )]
    #[diagnostic(
        code(aeef::incident::edit_reread),
        help(
            "this is a bug in aeef; please report it with the record, and add the commits by hand meanwhile"
        )
    )]
    Reread { path: String, reason: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] crate::error::GitError),
}

/// The new text of record `rec` with `commits` (as the user typed them)
/// added as faulty commits and the pre-fill re-run over all of them
/// ([`add_commits`]). Resolves each commit ([`crate::git::resolve::revision`]:
/// an unknown one is an unknown revision), refuses a commit the record
/// already names (an abbreviated id counts) or that is given twice, and
/// re-reads the result: it must parse and hold the old commits followed by
/// the new ones. Writes nothing.
pub fn plan(
    repo: &crate::git::Repo,
    cfg: &crate::config::Config,
    rec: &super::store::LoadedIncident,
    commits: &[String],
) -> Result<Added, EditRefusal> {
    let id = rec.incident.id.clone();
    // The record's commits as full ids; one that no longer resolves stays
    // as written (the `unknown-commit` rule reports it).
    let old: Vec<String> = rec
        .incident
        .faulty_commits
        .iter()
        .map(|c| {
            repo.resolve_commit(&format!("{c}^{{commit}}"))
                .unwrap_or_else(|_| c.clone())
        })
        .collect();
    let mut new: Vec<String> = Vec::new();
    for c in commits {
        let sha = crate::git::resolve::revision(repo, c)?;
        if old.contains(&sha) {
            return Err(EditRefusal::Duplicate {
                commit: c.clone(),
                id,
            });
        }
        if let Some(i) = new.iter().position(|n| *n == sha) {
            let what = if commits[i] == *c {
                format!("`{c}` is")
            } else {
                format!(
                    "`{}` and `{c}` are one commit ({}),",
                    commits[i],
                    &sha[..12]
                )
            };
            return Err(EditRefusal::GivenTwice { what });
        }
        new.push(sha);
    }
    let known: Vec<String> = old.iter().filter(|c| c.len() == 40).cloned().collect();
    let before = super::prefill::prefill(repo, cfg, &known);
    let mut all = known;
    all.extend(new.iter().cloned());
    let after = super::prefill::prefill(repo, cfg, &all);
    let added = add_commits(&rec.source, &rec.incident, &new, &before, &after).map_err(|e| {
        EditRefusal::NoPlace {
            path: rec.path.clone(),
            reason: e.to_string(),
        }
    })?;
    let reread = |reason: String| EditRefusal::Reread {
        path: rec.path.clone(),
        reason,
    };
    let again = super::store::parse_record(&rec.path, added.text.as_bytes())
        .map_err(|f| reread(f.message.clone()))?;
    let mut want = rec.incident.faulty_commits.clone();
    want.extend(new);
    if again.incident.faulty_commits != want {
        return Err(reread("its faulty commits differ".into()));
    }
    let mut same = again.incident.clone();
    same.faulty_commits = rec.incident.faulty_commits.clone();
    same.classification = rec.incident.classification.clone();
    same.generation_context = rec.incident.generation_context.clone();
    if same != rec.incident {
        return Err(reread(
            "a field other than the pre-filled ones changed".into(),
        ));
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Flow and block sequences keep their style and their comments.
    #[test]
    fn items_are_appended_in_the_sequence_style() {
        let src = "a: 1\nfaulty_commits: [abc1234] # the bad one\nb: 2\n";
        assert_eq!(
            append_items(src, "faulty_commits", &items(&["def5678"])).unwrap(),
            "a: 1\nfaulty_commits: [abc1234, def5678] # the bad one\nb: 2\n"
        );
        let src = "faulty_commits: []\n";
        assert_eq!(
            append_items(src, "faulty_commits", &items(&["d1", "e2"])).unwrap(),
            "faulty_commits: [d1, e2]\n"
        );
        let src = "faulty_commits:\n  - abc1234 # first\n# after\nb: 2\n";
        assert_eq!(
            append_items(src, "faulty_commits", &items(&["def5678"])).unwrap(),
            "faulty_commits:\n  - abc1234 # first\n  - def5678\n# after\nb: 2\n"
        );
        let src = "x:\r\n- a1\r\n- b2";
        assert_eq!(
            append_items(src, "x", &items(&["c3"])).unwrap(),
            "x:\r\n- a1\r\n- b2\r\n- c3"
        );
    }

    /// A collection inserted into a block mapping is written as a block.
    #[test]
    fn new_collections_follow_the_mapping_style() {
        let node = Node::Map(vec![
            ("origin", Node::Scalar("ai-modified".into())),
            ("ai_tool", tool_node("claude-code", Some("opus"))),
            ("evidence", Node::Seq(vec![Node::Scalar(scalar("a: b"))])),
        ]);
        let src = "id: INC-2026-001\nstatus: open # still\n# trailing comment\n";
        let out = set_node(src, "", "classification", &node, &["status"]).unwrap();
        assert_eq!(
            out,
            "id: INC-2026-001\nstatus: open # still\nclassification:\n  origin: ai-modified\n  ai_tool:\n    name: claude-code\n    model_version: opus\n  evidence:\n    - \"a: b\"\n# trailing comment\n"
        );
        let src = "{id: INC-2026-001, status: open}";
        let out = set_node(src, "", "classification", &node, &["status"]).unwrap();
        assert_eq!(
            out,
            "{id: INC-2026-001, status: open, classification: {origin: ai-modified, ai_tool: {name: claude-code, model_version: opus}, evidence: [\"a: b\"]}}"
        );
    }

    /// After a block sequence that ends the document, a new key follows it
    /// (not an earlier key), before the trailing comment.
    #[test]
    fn new_keys_follow_a_block_collection_anchor() {
        let src = "id: X\nfaulty_commits:\n  - abc1234\n# to write\n";
        let node = Node::Map(vec![("origin", Node::Scalar("human".into()))]);
        let out = set_node(src, "", "classification", &node, &["id", "faulty_commits"]).unwrap();
        assert_eq!(
            out,
            "id: X\nfaulty_commits:\n  - abc1234\nclassification:\n  origin: human\n# to write\n"
        );
        let node = Node::Map(vec![(
            "ai_tool",
            Node::Map(vec![("name", Node::Scalar("x".into()))]),
        )]);
        let out = set_node(src, "", "classification", &node, &["faulty_commits"]).unwrap();
        let node = Node::Map(vec![("human_modifications", Node::Scalar("none".into()))]);
        let out = set_node(&out, "", "generation_context", &node, &["classification"]).unwrap();
        assert!(
            out.ends_with(
                "name: x\ngeneration_context:\n  human_modifications: none\n# to write\n"
            ),
            "{out}"
        );
    }

    fn prefill() -> Prefill {
        Prefill {
            origin: Some(super::super::Origin::AiGenerated),
            tool: Some("claude-code".into()),
            model: Some("opus".into()),
            prompt: Some("prompts/x".into()),
            human: Some(crate::provenance::HumanModifications::None),
            evidence: vec!["abc1234: AI-Tool: claude-code (trailer)".into()],
        }
    }

    /// A JSON-style record, a CRLF record and a block record all read back
    /// with the commit and the pre-fill, in their own style.
    #[test]
    fn add_commits_keeps_each_record_style() {
        let head = "id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-11-02T09:14:00Z\n";
        let json = "{\"id\": \"INC-2026-001\", \"title\": \"t\", \"severity\": \"SEV-3\", \"status\": \"open\", \"detected_at\": \"2026-11-02T09:14:00Z\"}\n";
        let crlf = head.replace('\n', "\r\n");
        for src in [head.to_string(), json.to_string(), crlf] {
            let rec = crate::incident::store::parse_record("x.yaml", src.as_bytes()).unwrap();
            let sha = "abc1234".to_string();
            let out = add_commits(
                &src,
                &rec.incident,
                std::slice::from_ref(&sha),
                &Prefill::default(),
                &prefill(),
            )
            .unwrap();
            let again = crate::incident::store::parse_record("x.yaml", out.text.as_bytes())
                .unwrap_or_else(|f| panic!("{f:?}\n{}", out.text));
            assert_eq!(again.incident.faulty_commits, vec![sha]);
            let c = again.incident.classification.unwrap();
            assert_eq!(c.ai_tool.unwrap().model_version.as_deref(), Some("opus"));
            assert_eq!(c.evidence.len(), 1);
            let g = again.incident.generation_context.unwrap();
            assert_eq!(g.prompt_template.as_deref(), Some("prompts/x"));
            assert!(out.text.starts_with(&src[..20]), "{}", out.text);
            if src.contains("\r\n") {
                assert!(
                    !out.text.replace("\r\n", "").contains('\n'),
                    "{:?}",
                    out.text
                );
            }
            if src.starts_with('{') {
                assert_eq!(out.text.lines().count(), 1, "{}", out.text);
            }
        }
    }

    /// A second edit replaces the tool-choice line in place (its counts
    /// cover all commits now) and appends the other new lines.
    #[test]
    fn the_tool_choice_line_is_replaced_not_repeated() {
        let src = "id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-11-02T09:14:00Z\nfaulty_commits: [abc1234]\nclassification:\n  origin: ai-modified\n  ai_tool: {name: a}\n  evidence:\n    - \"abc1234: x\" # kept\n    - \"ai_tool a: from (abc1234 a: 2 lines)\"\n    - \"abc1234: y\"\n";
        let rec = crate::incident::store::parse_record("x.yaml", src.as_bytes()).unwrap();
        let mut before = Prefill {
            origin: Some(super::super::Origin::AiModified),
            tool: Some("a".into()),
            evidence: rec.incident.classification.clone().unwrap().evidence,
            ..Default::default()
        };
        before.human = None;
        let mut after = before.clone();
        after.evidence = vec![
            "abc1234: x".into(),
            "abc1234: y".into(),
            "def5678: z".into(),
            "ai_tool a: from (abc1234 a: 2 lines; def5678 a: 3 lines)".into(),
        ];
        let out = add_commits(src, &rec.incident, &["def5678".into()], &before, &after).unwrap();
        let again = crate::incident::store::parse_record("x.yaml", out.text.as_bytes()).unwrap();
        assert_eq!(
            again.incident.classification.unwrap().evidence,
            vec![
                "abc1234: x",
                "ai_tool a: from (abc1234 a: 2 lines; def5678 a: 3 lines)",
                "abc1234: y",
                "def5678: z"
            ]
        );
        assert!(
            out.text.contains("- \"abc1234: x\" # kept\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn scalars_stay_strings() {
        assert_eq!(scalar("3f2a9c1e"), "3f2a9c1e");
        assert_eq!(scalar("12345678"), "\"12345678\"");
        assert_eq!(scalar("1e10"), "\"1e10\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("claude-opus-4"), "claude-opus-4");
        assert_eq!(scalar("x: y"), "\"x: y\"");
    }

    /// A value someone wrote by hand is kept; one the pre-fill wrote moves.
    #[test]
    fn only_prefilled_values_are_replaced() {
        assert_eq!(replace(None, None, Some(&1)), Some(true));
        assert_eq!(replace(Some(&1), Some(&1), Some(&2)), Some(true));
        assert_eq!(replace(Some(&3), Some(&1), Some(&2)), Some(false));
        assert_eq!(replace(Some(&2), Some(&1), Some(&2)), None);
        assert_eq!(replace::<i32>(Some(&2), None, None), None);
    }
}

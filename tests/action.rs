//! The composite action's run step (`scripts/action-run.sh`, called by
//! `action.yml`) executed in a simulated runner environment: temporary
//! `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_WORKSPACE`,
//! `RUNNER_TEMP`, and inputs as `INPUT_*` variables exactly as action.yml
//! passes them. Also parses action.yml and the workflows.
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::RepoBuilder;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-run.sh")
}

/// A simulated runner: a workspace and the files the runner provides.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["workspace", "temp"] {
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        Runner { dir }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.path(p)).unwrap_or_default()
    }
    /// Runs the script the way action.yml does: `bash …/action-run.sh` in
    /// the workspace, inputs as env vars with the action's defaults.
    fn run(&self, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Output {
        let mut all: BTreeMap<String, String> = [
            ("INPUT_VERSION", ""),
            ("INPUT_ARGS", ""),
            ("INPUT_FAIL_ON", "overdue"),
            ("INPUT_FORMAT", "github"),
            ("INPUT_WORKING_DIRECTORY", "."),
            ("INPUT_GITHUB_TOKEN", "ghs_token_from_input"),
            ("INPUT_OUTPUT", ""),
            ("INPUT_COMMENT", "false"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in inputs {
            all.insert(format!("INPUT_{k}"), v.to_string());
        }
        let workspace = self.path("workspace");
        let mut c = Command::new("bash");
        c.arg(script())
            .current_dir(&workspace)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", &workspace)
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("RUNNER_TEMP", self.path("temp"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .envs(all)
            .stdin(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("bash runs")
    }
}

/// A stand-in for aeef that records how it was called and exits with
/// `$STUB_EXIT`. It writes outputs the way `--format github` does.
fn stub_aeef(dir: &Path) -> PathBuf {
    let path = dir.join("aeef-stub");
    std::fs::write(
        &path,
        r#"#!/usr/bin/env bash
log="$STUB_LOG"
pwd > "$log"
echo "token=${GITHUB_TOKEN:-}" >> "$log"
echo "input_token=${INPUT_GITHUB_TOKEN:-}" >> "$log"
for a in "$@"; do printf 'arg=%s\n' "$a" >> "$log"; done
echo "::warning title=stub::ran"
if [ "$3" = github ]; then printf 'verdict=pass\nerrors=0\nwarnings=0\n' >> "$GITHUB_OUTPUT"; fi
exit "${STUB_EXIT:-0}"
"#,
    )
    .expect("write stub");
    make_executable(&path);
    path
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(path).expect("stat").permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(path, perm).expect("chmod");
}

fn stub_args(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.strip_prefix("arg="))
        .map(str::to_string)
        .collect()
}

#[test]
fn args_are_split_like_shell_words_but_never_executed() {
    // Why: `args` is user input; it must reach aeef as words, and a `$(…)`
    // or `;` in it must not run (script injection).
    let r = Runner::new();
    let bin = stub_aeef(r.dir.path());
    let log = r.path("stub.log");
    let pwned = r.path("pwned");
    let args = format!(
        "--offline --base 'a b' \"c d\" $(touch {p}) `touch {p}`; touch {p}",
        p = pwned.display()
    );
    let out = r.run(
        &[("ARGS", &args)],
        &[
            ("AEEF_BIN", bin.to_str().expect("utf-8")),
            ("STUB_LOG", log.to_str().expect("utf-8")),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!pwned.exists(), "input was executed");
    let p = pwned.display().to_string();
    assert_eq!(
        stub_args(&std::fs::read_to_string(&log).expect("log")),
        [
            "gate".to_string(),
            "--format".into(),
            "github".into(),
            "--fail-on".into(),
            "overdue".into(),
            "--offline".into(),
            "--base".into(),
            "a b".into(),
            "c d".into(),
            "$(touch".into(),
            format!("{p})"),
            "`touch".into(),
            format!("{p}`;"),
            "touch".into(),
            p,
        ]
    );
    // The stub's annotation reached stdout unchanged.
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning title=stub::ran"));
    assert_eq!(r.read("output"), "verdict=pass\nerrors=0\nwarnings=0\n");
}

#[test]
fn runs_in_the_working_directory_with_the_input_token_and_passes_the_exit_code() {
    let r = Runner::new();
    std::fs::create_dir(r.path("workspace/sub")).expect("mkdir");
    let bin = stub_aeef(r.dir.path());
    let log = r.path("stub.log");
    for code in ["0", "1", "2"] {
        let out = r.run(
            &[
                ("WORKING_DIRECTORY", "sub"),
                ("FAIL_ON", "unverified"),
                ("GITHUB_TOKEN", "ghs_secret"),
            ],
            &[
                ("AEEF_BIN", bin.to_str().expect("utf-8")),
                ("STUB_LOG", log.to_str().expect("utf-8")),
                ("STUB_EXIT", code),
            ],
        );
        assert_eq!(
            out.status.code().map(|c| c.to_string()).as_deref(),
            Some(code)
        );
        let text = std::fs::read_to_string(&log).expect("log");
        let cwd = text.lines().next().expect("pwd");
        assert_eq!(
            std::fs::canonicalize(cwd).expect("cwd"),
            std::fs::canonicalize(r.path("workspace/sub")).expect("sub")
        );
        assert!(text.contains("\ntoken=ghs_secret"), "{text}");
        // The input variable itself is gone before anything else runs
        // (curl, cargo's build scripts): only aeef gets the token.
        assert!(text.contains("input_token=\n"), "{text}");
        assert!(stub_args(&text).contains(&"unverified".to_string()));
    }
}

/// `comment: true` is `aeef gate --comment`; the default adds nothing; a
/// value that is neither true nor false is exit 2 before aeef runs (a typo
/// must not silently drop the comment).
#[test]
fn the_comment_input_adds_comment_to_the_gate() {
    let r = Runner::new();
    let bin = stub_aeef(r.dir.path());
    let log = r.path("stub.log");
    let env = [
        ("AEEF_BIN", bin.to_str().expect("utf-8")),
        ("STUB_LOG", log.to_str().expect("utf-8")),
    ];
    for (value, want) in [("true", true), ("false", false)] {
        let out = r.run(&[("COMMENT", value)], &env);
        assert_eq!(out.status.code(), Some(0), "{value}");
        let text = std::fs::read_to_string(&log).expect("log");
        assert_eq!(
            stub_args(&text).contains(&"--comment".to_string()),
            want,
            "{text}"
        );
    }
    std::fs::remove_file(&log).expect("rm log");
    let out = r.run(&[("COMMENT", "yes please")], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'comment' input must be true or false"));
    assert!(!log.exists(), "aeef ran");
}

/// An output file that cannot be written is an environment error, exit 2,
/// not a "fail" verdict; aeef does not run.
#[test]
fn an_unwritable_output_file_is_exit_2_not_a_verdict() {
    let r = Runner::new();
    let bin = stub_aeef(r.dir.path());
    let log = r.path("stub.log");
    let out = r.run(
        &[("OUTPUT", "no/such/dir/aeef.sarif"), ("FORMAT", "sarif")],
        &[
            ("AEEF_BIN", bin.to_str().expect("utf-8")),
            ("STUB_LOG", log.to_str().expect("utf-8")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the output file"));
    assert!(!log.exists(), "aeef must not have run");
}

#[test]
fn other_formats_still_get_a_verdict_output_from_the_exit_code() {
    let r = Runner::new();
    let bin = stub_aeef(r.dir.path());
    let log = r.path("stub.log");
    let env = |code: &'static str| {
        vec![
            ("AEEF_BIN", bin.to_str().expect("utf-8").to_string()),
            ("STUB_LOG", log.to_str().expect("utf-8").to_string()),
            ("STUB_EXIT", code.to_string()),
        ]
    };
    for (code, verdict) in [("0", "pass"), ("1", "fail"), ("2", "error")] {
        std::fs::write(r.path("output"), "").expect("reset");
        let e = env(code);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = r.run(&[("FORMAT", "sarif"), ("OUTPUT", "aeef.sarif")], &e);
        assert_eq!(
            out.status.code().map(|c| c.to_string()).as_deref(),
            Some(code)
        );
        assert_eq!(r.read("output"), format!("verdict={verdict}\n"));
        // stdout went to the file named by `output`, in the workspace.
        assert!(
            r.read("workspace/aeef.sarif")
                .contains("::warning title=stub::ran")
        );
    }
}

#[test]
fn a_missing_binary_is_an_error_annotation_and_exit_2() {
    let r = Runner::new();
    let out = r.run(&[], &[("AEEF_BIN", "/nonexistent/aeef")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("::error title=aeef action::AEEF_BIN="),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A release directory as release.yml publishes it, served over file://.
fn fake_release(r: &Runner, tag: &str, target: &str, tamper: bool) -> PathBuf {
    let rel = r.path("releases");
    let dir = rel.join(tag);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let pack = r.path("pack");
    std::fs::create_dir_all(&pack).expect("mkdir");
    let stub = stub_aeef(&pack);
    std::fs::rename(&stub, pack.join("aeef")).expect("rename");
    let name = format!("aeef-{target}.tar.gz");
    let status = Command::new("tar")
        .args(["-czf"])
        .arg(dir.join(&name))
        .arg("-C")
        .arg(&pack)
        .arg("aeef")
        .status()
        .expect("tar");
    assert!(status.success());
    let bytes = std::fs::read(dir.join(&name)).expect("read");
    // Tampered: the published hash is of other bytes than the archive.
    let sum = sha256_hex(if tamper { b"other bytes" } else { &bytes });
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{sum}  {name}\n"),
    )
    .expect("write");
    rel
}

/// SHA-256 via the system tool the runner images have (the oracle is not
/// our own code).
fn sha256_hex(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("blob");
    std::fs::write(&f, bytes).expect("write");
    let out = Command::new("sha256sum")
        .arg(&f)
        .output()
        .or_else(|_| Command::new("shasum").args(["-a", "256"]).arg(&f).output())
        .expect("sha256sum or shasum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("hash")
        .to_string()
}

#[test]
fn version_downloads_the_release_for_the_runner_and_checks_its_sha256() {
    let r = Runner::new();
    let rel = fake_release(&r, "v0.3.1", "aarch64-apple-darwin", false);
    let log = r.path("stub.log");
    let out = r.run(
        &[("VERSION", "0.3.1")],
        &[
            ("RUNNER_OS", "macOS"),
            ("RUNNER_ARCH", "ARM64"),
            (
                "AEEF_RELEASE_BASE_URL",
                &format!("file://{}", rel.display()),
            ),
            ("STUB_LOG", log.to_str().expect("utf-8")),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stub_args(&std::fs::read_to_string(&log).expect("ran"))[0],
        "gate"
    );
    assert!(
        r.path("temp/aeef-v0.3.1-aarch64-apple-darwin/aeef")
            .exists()
    );
}

#[test]
fn a_tampered_release_is_refused_before_it_runs() {
    let r = Runner::new();
    let rel = fake_release(&r, "v0.3.1", "x86_64-unknown-linux-musl", true);
    let log = r.path("stub.log");
    let out = r.run(
        &[("VERSION", "v0.3.1")],
        &[
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            (
                "AEEF_RELEASE_BASE_URL",
                &format!("file://{}", rel.display()),
            ),
            ("STUB_LOG", log.to_str().expect("utf-8")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("::error title=aeef action::SHA-256 mismatch"),
        "{err}"
    );
    assert!(!log.exists(), "the tampered binary ran");
}

#[test]
fn windows_runners_are_told_to_build_from_source() {
    let r = Runner::new();
    let out = r.run(
        &[("VERSION", "0.3.1")],
        &[("RUNNER_OS", "Windows"), ("RUNNER_ARCH", "X64")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no aeef release for runner OS 'Windows'")
    );
}

/// The real `aeef gate` through the action on a built repository with an
/// overdue, unverified corrective action and a real-shaped `pull_request`
/// payload.
#[test]
fn real_gate_through_the_action_writes_annotations_summary_and_outputs() {
    let mut repo = RepoBuilder::new();
    repo.write("src/pay.rs", "fn pay() {}\n");
    let base = repo.commit("add payments");
    repo.write(
        "incidents/INC-2026-001.yaml",
        &format!(
            "id: INC-2026-001\ntitle: Double charge\nseverity: SEV-2\nstatus: resolved\n\
             detected_at: 2026-01-02T09:00:00Z\nfaulty_commits: [{base}]\n\
             corrective_actions:\n  - id: CA-1\n    action: Add a retry test\n    \
             category: test-improvement\n    owner: alice\n    due: 2026-01-10\n    status: open\n"
        ),
    );
    let head = repo.commit("record incident");
    let r = Runner::new();
    let event = r.path("event.json");
    std::fs::write(
        &event,
        serde_json::json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": {"ref": "main", "sha": base},
                "head": {"ref": "topic", "sha": head},
            },
            "repository": {"full_name": "acme/shop"},
        })
        .to_string(),
    )
    .expect("event");
    let out = r.run(
        &[
            ("ARGS", "--offline --now 2026-03-01T00:00:00Z"),
            ("WORKING_DIRECTORY", repo.path().to_str().expect("utf-8")),
        ],
        &[
            ("AEEF_BIN", env!("CARGO_BIN_EXE_aeef")),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().expect("utf-8")),
            ("GIT_CONFIG_NOSYSTEM", "1"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.lines().any(
            |l| l.starts_with("::error file=incidents/INC-2026-001.yaml")
                && l.contains("title=ca-unverified-overdue INC-2026-001/CA-1")
        ),
        "{stdout}"
    );
    let summary = r.read("summary.md");
    assert!(summary.contains("**Verdict: ❌ fail**"), "{summary}");
    assert!(summary.contains("ca-unverified-overdue"), "{summary}");
    let output = r.read("output");
    assert!(output.contains("verdict=fail\n"), "{output}");
    assert!(
        output
            .lines()
            .any(|l| l.starts_with("errors=") && l != "errors=0"),
        "{output}"
    );
}

fn yaml(path: &str) -> serde_json::Value {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn action_yml_declares_the_inputs_and_outputs_the_script_reads() {
    let action = yaml("action.yml");
    let mut inputs = keys(&action["inputs"]);
    inputs.sort();
    assert_eq!(
        inputs,
        [
            "args",
            "comment",
            "deepen",
            "fail-on",
            "format",
            "github-token",
            "output",
            "version",
            "working-directory"
        ]
    );
    assert_eq!(action["inputs"]["fail-on"]["default"], "overdue");
    assert_eq!(action["inputs"]["format"]["default"], "github");
    assert_eq!(
        action["inputs"]["github-token"]["default"],
        "${{ github.token }}"
    );
    let mut outputs = keys(&action["outputs"]);
    outputs.sort();
    assert_eq!(outputs, ["errors", "verdict", "warnings"]);
    assert_eq!(action["runs"]["using"], "composite");
    let step = &action["runs"]["steps"][0];
    let run = step["run"].as_str().expect("run");
    // No `${{ … }}` in the script text: inputs only through env.
    assert!(!run.contains("${{"), "expression in run: {run}");
    assert!(run.contains("scripts/action-run.sh"));
    for input in inputs {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert_eq!(
            step["env"][&var],
            format!("${{{{ inputs.{input} }}}}"),
            "{var} passes input {input}"
        );
        let script = std::fs::read_to_string(script()).expect("script");
        assert!(script.contains(&var), "the script never reads {var}");
    }
    for output in ["verdict", "errors", "warnings"] {
        assert_eq!(
            action["outputs"][output]["value"],
            format!(
                "${{{{ steps.{}.outputs.{output} }}}}",
                step["id"].as_str().expect("id")
            )
        );
    }
}

#[test]
fn workflows_parse_and_cover_ci_self_test_and_release() {
    let ci = yaml(".github/workflows/ci.yml");
    let jobs = keys(&ci["jobs"]);
    for job in ["fmt", "clippy", "test", "action-self-test"] {
        assert!(jobs.contains(&job.to_string()), "ci.yml lacks {job}");
    }
    assert_eq!(
        ci["jobs"]["test"]["strategy"]["matrix"]["os"],
        serde_json::json!(["ubuntu-latest", "macos-latest"])
    );
    let self_test = ci["jobs"]["action-self-test"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["uses"] == "./")
        .expect("a step with uses: ./");
    assert_eq!(self_test["with"]["args"], "--offline");
    let checkout = &ci["jobs"]["action-self-test"]["steps"][0];
    assert_eq!(checkout["with"]["fetch-depth"], 0);

    let release = yaml(".github/workflows/release.yml");
    assert_eq!(release["on"]["push"]["tags"], serde_json::json!(["v*"]));
    let mut targets: Vec<String> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("include")
        .iter()
        .map(|t| t["target"].as_str().expect("target").to_string())
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-unknown-linux-musl"
        ]
    );
    // The archive names the action script downloads.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
    )
    .expect("release.yml");
    assert!(text.contains("aeef-$TARGET.tar.gz.sha256"));
    let script = std::fs::read_to_string(script()).expect("script");
    assert!(script.contains("name=aeef-$target.tar.gz"));
}

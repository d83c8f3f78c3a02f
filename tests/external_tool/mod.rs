//! External programs some tests drive (Microsoft's SARIF Multitool,
//! headless Chromium). Where one is missing the test says so on stderr and
//! returns locally, but in CI (`CI=true`, as `.ci/run` is started, and as
//! GitHub Actions sets it) a missing tool FAILS the test: `.ci/run`
//! installs both, so a green CI run means they really ran (issue 14,
//! item 11: two tests used to pass without running).
#![allow(dead_code)]
use std::path::PathBuf;

/// True when the `CI` variable says this is a CI run (`true` or `1`, any case).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("true") || v == "1"
    })
}

/// What to do when `tool` is missing: in CI, panic with `why` and how
/// `.ci/run` installs it; locally, print the skip reason and return, and
/// the caller returns too.
pub fn missing(tool: &str, why: &str) {
    if in_ci() {
        panic!("{tool} is required in CI (CI=true) but {why}; .ci/run installs it");
    }
    eprintln!("skipped: {tool}: {why} (set CI=true to make this a failure)");
}

/// The SARIF Multitool: `AEEF_SARIF_MULTITOOL` when set, else the copy
/// `.ci/run` installs into `.ci/node_modules`. `Err` says why there is none.
pub fn sarif_multitool() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("AEEF_SARIF_MULTITOOL") {
        let p = PathBuf::from(p);
        return if p.exists() {
            Ok(p)
        } else {
            Err(format!(
                "AEEF_SARIF_MULTITOOL={} does not exist",
                p.display()
            ))
        };
    }
    let local =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/node_modules/.bin/sarif-multitool");
    if local.exists() {
        Ok(local)
    } else {
        Err(
            "AEEF_SARIF_MULTITOOL is not set and .ci/node_modules has no sarif-multitool \
             (`npm install --prefix .ci @microsoft/sarif-multitool`)"
                .to_string(),
        )
    }
}

/// The first of `chromium`, `chromium-browser`, `google-chrome` that runs
/// `--version`; `Err` says none did.
pub fn chromium() -> Result<String, String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
        .ok_or_else(|| {
            "no chromium, chromium-browser or google-chrome runs (`apt-get install chromium`)"
                .to_string()
        })
}

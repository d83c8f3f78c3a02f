//! Differential test: `aeef::provenance::trailers::parse` against the real
//! `git interpret-trailers --parse --no-divider` on thousands of generated
//! commit messages. git is the oracle; no expected value is written by hand.
//!
//! Messages come from a fixed-seed PRNG, so a failure reproduces exactly.
//! Each message is run through its own git process (git parses one message
//! per call); a few threads keep the whole run to a few seconds.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use aeef::provenance::trailers::parse;

/// Number of generated messages (`AEEF_DIFF_MESSAGES` overrides, for a
/// longer local hunt).
const MESSAGES: usize = 2400;
/// Parallel git processes.
const THREADS: usize = 4;
/// Fixed seed (`AEEF_DIFF_SEED` overrides, for a local hunt).
const SEED: u64 = 0x0AEE_F7A1_1E25_2026;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// SplitMix64: tiny, good enough to mix inputs, and needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `pct` %.
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "fix",
    "the",
    "parser",
    "when",
    "input",
    "is",
    "empty",
    "café",
    "naïve",
    "中文",
    "提交",
    "🎉",
    "🚀",
    "résumé",
    "value",
    "key",
    "see",
    "issue",
    "#123",
    "a:b",
    "Key:",
    "http://x.y/z",
    "(note)",
    "--",
    "#",
    "Signed-off-by:",
];

const KEYS: &[&str] = &[
    "AI-Tool",
    "AI-Model-Version",
    "AI-Prompt-Ref",
    "AI-Human-Modifications",
    "AI-Reviewed-By",
    "Co-authored-by",
    "Reviewed-by",
    "Acked-by",
    "Fixes",
    "Change-Id",
    "X",
    "a1-b2",
    "123",
    "-dash",
    "Signed-off-by",
    "ai-tool",
];

fn words(rng: &mut Rng, max: usize) -> String {
    let n = 1 + rng.below(max);
    (0..n)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex40(rng: &mut Rng) -> String {
    (0..40)
        .map(|_| char::from(b"0123456789abcdef"[rng.below(16)]))
        .collect()
}

/// A trailer-looking value: words, empty, trailing whitespace or 10 kB long.
fn value(rng: &mut Rng) -> String {
    match rng.below(20) {
        0 => String::new(),
        1 => "   ".into(),
        2 => format!("{} \t ", words(rng, 4)),
        3 => "é".repeat(2_000) + &"x".repeat(6_000) + " 中文🎉",
        4 => format!("A Person <p{}@example.com>", rng.below(100)),
        5 => "x\rcarriage".into(),
        6 => "form\x0cfeed".into(),
        _ => words(rng, 6),
    }
}

/// One line of a message body (without its line ending).
fn line(rng: &mut Rng, trailerish: bool) -> String {
    let roll = rng.below(100);
    if trailerish && roll < 55 {
        // `Key: value` in its variants.
        let key = rng.pick(KEYS);
        let before = match rng.below(10) {
            0 => " ",
            1 => "\t",
            2 => "  \t",
            _ => "",
        };
        let after = match rng.below(6) {
            0 => "",
            1 => "   ",
            _ => " ",
        };
        return format!("{key}{before}:{after}{}", value(rng));
    }
    match roll % 40 {
        0..=11 => words(rng, 10),
        12..=15 => format!(" {}", words(rng, 4)),
        16 => format!("\t{}", words(rng, 3)),
        17 => "   ".into(),
        18 => format!("# {}", words(rng, 4)),
        19 => format!("#{}: {}", rng.pick(KEYS), value(rng)),
        20 => format!("(cherry picked from commit {})", hex40(rng)),
        21 => format!("Signed-off-by: Dev {} <dev@example.com>", rng.below(9)),
        22 => "Signed-off-by:NoSpace".into(),
        23 => "---".into(),
        24 => format!("--- {}", words(rng, 2)),
        25 => format!("{} #{}", rng.pick(KEYS), value(rng)),
        26 => format!("Ke y: {}", value(rng)),
        27 => format!(": {}", words(rng, 2)),
        28 => format!("{}:{}", rng.pick(KEYS), words(rng, 2)),
        29 => "Conflicts:".into(),
        30 => format!("\tsrc/{}.rs", rng.below(50)),
        31 => "# ------------------------ >8 ------------------------".into(),
        32 => format!(
            "{}: {}",
            rng.pick(&["é-key", "Key_x", "Key.x", "K€y"]),
            words(rng, 2)
        ),
        33 => "\x0c".into(),
        34 => format!("{}:", rng.pick(KEYS)),
        35 => format!("{}  :  {}", rng.pick(KEYS), "🚀".repeat(1 + rng.below(30))),
        _ => words(rng, 8),
    }
}

/// A last paragraph on the edge of git's 25 % rule: git-generated lines and
/// trailers against about three times as many prose and indented lines.
fn near_quarter(rng: &mut Rng) -> Vec<String> {
    let generated = rng.below(3);
    let trailers = rng.below(3);
    let trailerish = generated + trailers;
    let prose = (3 * trailerish + rng.below(5)).saturating_sub(2);
    let mut lines: Vec<String> = Vec::new();
    for i in 0..generated {
        lines.push(if i % 2 == 0 {
            format!("Signed-off-by: Dev <d{i}@example.com>")
        } else {
            format!("(cherry picked from commit {})", hex40(rng))
        });
    }
    for _ in 0..trailers {
        lines.push(format!("{}: {}", rng.pick(KEYS), words(rng, 3)));
    }
    for _ in 0..prose {
        lines.push(match rng.below(4) {
            0 => format!("  {}", words(rng, 3)),
            _ => words(rng, 5),
        });
    }
    // Fisher-Yates, so continuation lines land after trailers and prose alike.
    for i in (1..lines.len()).rev() {
        let j = rng.below(i + 1);
        lines.swap(i, j);
    }
    lines
}

/// A whole message: a title, optional body paragraphs, a final paragraph that
/// is usually trailer-heavy, then optional trailing noise.
fn message(rng: &mut Rng) -> String {
    let mut lines: Vec<String> = Vec::new();
    if rng.chance(8) {
        // No shape at all: comment-only, blank-only and scissors-first
        // messages live here.
        let n = rng.below(7);
        let mut out = String::new();
        for _ in 0..n {
            out.push_str(match rng.below(8) {
                0 => "",
                1 => "#",
                2 => " \t",
                3 => "# ------------------------ >8 ------------------------",
                4 => "\r",
                _ => "",
            });
            if rng.chance(60) {
                let trailerish = rng.chance(50);
                out.push_str(&line(rng, trailerish));
            }
            out.push_str(if rng.chance(20) { "\r\n" } else { "\n" });
        }
        if rng.chance(30) {
            out.pop();
        }
        return out;
    }
    if rng.chance(3) {
        lines.push(String::new()); // empty title
    }
    if rng.chance(5) {
        lines.push(format!("# {}", words(rng, 3)));
    }
    lines.push(words(rng, 8));
    if rng.chance(10) {
        // A second title line: still the title paragraph.
        lines.push(line(rng, true));
    }
    let paragraphs = rng.below(4);
    for p in 0..=paragraphs {
        lines.push(match rng.below(6) {
            0 => "  ".into(),
            1 => "\t".into(),
            _ => String::new(),
        });
        let last = p == paragraphs;
        if last && rng.chance(25) {
            lines.extend(near_quarter(rng));
            continue;
        }
        let n = 1 + rng.below(if last { 8 } else { 4 });
        for _ in 0..n {
            let trailerish = last && rng.chance(80);
            lines.push(line(rng, trailerish));
        }
    }
    match rng.below(12) {
        0 => lines.push(String::new()),
        1 => lines.extend(["".into(), "# Please enter the commit message".into()]),
        2 => lines.extend(["Conflicts:".into(), "\tsrc/a.rs".into()]),
        3 => lines.push("  ".into()),
        4 => lines.extend(["".into(), "".into()]),
        _ => {}
    }
    let crlf = rng.chance(25);
    let mixed = rng.chance(5);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(if crlf || (mixed && rng.chance(50)) {
                "\r\n"
            } else {
                "\n"
            });
        }
        out.push_str(l);
    }
    if !rng.chance(20) {
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    if rng.chance(1) {
        // git reads a C string: bytes after a NUL are not seen.
        out.push_str("\0Hidden: yes\n");
    }
    out
}

/// Runs git on one message and reads its `key: value` lines.
fn git_parse(home: &Path, msg: &str) -> Vec<(String, String)> {
    let mut child = Command::new("git")
        .args(["interpret-trailers", "--parse", "--no-divider"])
        .current_dir(home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("HOME", home)
        .env_remove("GIT_CONFIG_PARAMETERS")
        .env_remove("GIT_CONFIG_COUNT")
        .env_remove("GIT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Write from a thread: a 10 kB message must not deadlock on full pipes.
    let input = msg.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("git finishes");
    writer.join().expect("writer thread").expect("write to git");
    assert!(
        out.status.success(),
        "git failed on {msg:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("git output is UTF-8");
    // git prints `key: value\n` per trailer (`key: \n` when the value is
    // empty); values are unfolded, so they never hold a newline.
    text.split_terminator('\n')
        .map(|l| {
            let (k, v) = l.split_once(':').expect("git prints key: value");
            (k.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string())
        })
        .collect()
}

fn ours(msg: &str) -> Vec<(String, String)> {
    parse(msg).into_iter().map(|t| (t.key, t.value)).collect()
}

fn show(v: &[(String, String)]) -> String {
    let shorten = |s: &str| {
        if s.len() > 200 {
            format!(
                "{:?}…({} bytes)",
                s.chars().take(60).collect::<String>(),
                s.len()
            )
        } else {
            format!("{s:?}")
        }
    };
    v.iter()
        .map(|(k, v)| format!("  {}: {}", shorten(k), shorten(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn parse_matches_git_interpret_trailers() {
    let count: usize = env_or("AEEF_DIFF_MESSAGES", MESSAGES);
    let mut rng = Rng(env_or("AEEF_DIFF_SEED", SEED));
    let messages: Vec<String> = (0..count).map(|_| message(&mut rng)).collect();
    let home = tempfile::tempdir().expect("tempdir");

    let chunk = count.div_ceil(THREADS);
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = messages
            .chunks(chunk)
            .map(|part| {
                let home = home.path();
                s.spawn(move || {
                    let mut failures = Vec::new();
                    let mut with_trailers = 0;
                    for msg in part {
                        let expected = git_parse(home, msg);
                        let got = ours(msg);
                        if !expected.is_empty() {
                            with_trailers += 1;
                        }
                        if got != expected {
                            failures.push(format!(
                                "message: {msg:?}\n git:\n{}\n ours:\n{}",
                                show(&expected),
                                show(&got)
                            ));
                        }
                    }
                    (part.len(), with_trailers, failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker"))
            .collect()
    });

    let total: usize = results.iter().map(|r| r.0).sum();
    let with_trailers: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.2).collect();
    assert_eq!(total, count);
    assert!(
        failures.is_empty(),
        "{} of {total} messages differ from git; first ones:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // The generator must exercise both outcomes, or the comparison is hollow.
    assert!(
        with_trailers > count / 5 && with_trailers < count * 4 / 5,
        "{with_trailers} of {count} messages had trailers; the generator is off"
    );
}

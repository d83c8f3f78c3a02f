//! The doorway: set the process up, parse, run, map the outcome to an exit
//! code.
//!
//! On Linux with glibc, aeef starts from C's `main` (`no_main`), not from
//! Rust's runtime start (`std::rt::lang_start`). There that start opens
//! and parses `/proc/self/maps` to find the main thread's stack (glibc's
//! `pthread_getattr_np`), then maps an alternate signal stack and installs
//! SIGSEGV and SIGBUS handlers so that a stack overflow prints a message:
//! 80 µs of every run on the README's machine, 3 % of the range scan
//! `aeef gate` runs on every pull request (issue 10). What aeef relies on
//! from that start is done here, as std does it (`library/std/src/rt.rs`,
//! `sys/pal/unix/mod.rs`):
//!
//! - the standard descriptors are made valid: one that is closed is opened
//!   on `/dev/null`, so no file aeef opens becomes its stdout (git's
//!   `sanitize_stdfds` does the same);
//! - SIGPIPE is ignored, so a reader that goes away is an `EPIPE` write
//!   error (`cli::write_result` treats it as success) rather than a kill;
//!   `std::process::Command` still starts git with the default disposition;
//! - SIGCHLD is set to its default, in case the parent ignored it (an
//!   ignored SIGCHLD survives exec, and then waiting for git fails);
//! - a panic is exit 101 after the panic message;
//! - [`std::process::exit`] flushes stdout, as returning from Rust's `main`
//!   would.
//!
//! A stack overflow is still stopped, by the kernel's guard gap below the
//! main thread's stack: as SIGSEGV, without Rust's one-line message; a
//! panic's message names the thread `<unnamed>` rather than `main`.
//!
//! Elsewhere (macOS, musl, Windows) std reads the arguments only in its
//! own start, so aeef keeps it there: an ordinary `main`.
#![cfg_attr(all(target_os = "linux", target_env = "gnu"), no_main)]

/// Rust's usual entry point, where aeef does not start from C's.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(aeef::cli::main())
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod start {
    use std::ffi::{c_char, c_int};

    // The unwinder linked in from GCC's static `libgcc_eh.a`, so that the
    // linker (`--as-needed`) drops `libgcc_s.so.1`, which std names for
    // it: loading that library runs its constructor
    // `__cpu_indicator_init`, whose CPUID instructions each leave a
    // virtual machine for the hypervisor (about 4 µs apiece on the
    // README's machine; a CI runner is a virtual machine too). It is the
    // unwinder std uses when built with `crt-static`; panics unwind and
    // backtraces print as before.
    #[allow(unsafe_code)] // declares nothing; only names the library
    #[link(name = "gcc_eh", kind = "static")]
    unsafe extern "C" {}

    /// The entry point C's start-up code calls, with `argc` and `argv`
    /// (std reads the arguments itself, from glibc's `.init_array` call).
    #[allow(unsafe_code)] // an exported symbol; see the module documentation
    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        process();
        let code = std::panic::catch_unwind(aeef::cli::main).map_or(101, i32::from);
        std::process::exit(code)
    }

    /// What Rust's runtime start does before `main` that aeef needs (see
    /// the module documentation): valid descriptors 0–2, SIGPIPE ignored,
    /// SIGCHLD at its default.
    #[allow(unsafe_code)] // libc calls with arguments built right here
    fn process() {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        // SAFETY: `fds` is a valid array of three pollfd for the call's
        // duration; a zero timeout never blocks.
        let closed: [bool; 3] = loop {
            match unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } {
                -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
                    continue;
                }
                // poll(2) unusable (a sandbox, too many descriptors): ask
                // each descriptor, as std does.
                // SAFETY: F_GETFD on any integer only reads the table.
                -1 => break [0, 1, 2].map(|fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1),
                _ => break fds.map(|p| p.revents & libc::POLLNVAL != 0),
            }
        };
        for (fd, closed) in (0..).zip(closed) {
            // SAFETY: a constant NUL-terminated path; the lowest free
            // descriptor is the closed one, since lower ones are open.
            if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != fd {
                // As std: without a valid descriptor aeef cannot promise
                // where its output goes.
                std::process::abort();
            }
        }
        // SAFETY: setting a signal's disposition to SIG_IGN or SIG_DFL
        // installs no handler code.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        // A SIGCHLD its parent ignored (inherited through exec) makes the
        // kernel reap git's processes itself, and waiting for one fails
        // with ECHILD: back to the default, as git's children expect.
        // SAFETY: as above.
        unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
    }
}

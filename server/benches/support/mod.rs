//! What the benchmarks that measure in child processes share.

/// This process's peak resident memory (VmHWM), in KiB.
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system, all threads) this process has used so far.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime 13th.
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// In a child process: print what the parent's [`run_child`] reads, "count seconds
/// cpu-seconds vmhwm-kb", for `count` things done since `started`.
pub fn report_child(count: u64, started: std::time::Instant) {
    println!(
        "{count} {} {} {}",
        started.elapsed().as_secs_f64(),
        cpu_seconds(),
        vm_hwm_kb()
    );
}

/// Run this benchmark again as a child process with `args`, so the measurement's peak
/// memory is its own; returns (count, wall seconds, CPU seconds, peak RSS KiB).
pub fn run_child<I, S>(args: I) -> (u64, f64, f64, u64)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args(args)
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let count = parts.next().and_then(|v| v.parse().ok());
    let secs = parts.next().and_then(|v| v.parse().ok());
    let cpu = parts.next().and_then(|v| v.parse().ok());
    let hwm = parts.next().and_then(|v| v.parse().ok());
    match (count, secs, cpu, hwm) {
        (Some(n), Some(s), Some(c), Some(h)) => (n, s, c, h),
        _ => panic!(
            "the measurement failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

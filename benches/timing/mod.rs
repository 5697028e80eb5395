//! Timing and memory helpers shared by the benchmarks that include this module.
#![allow(dead_code)]
use std::time::Instant;

/// Milliseconds `f` takes.
pub fn ms(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64() * 1000.0
}

/// (median, 95th percentile) of `runs` timings of `f`, in milliseconds.
pub fn spread(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut all: Vec<f64> = (0..runs).map(|_| ms(&mut f)).collect();
    all.sort_by(|a, b| a.total_cmp(b));
    (all[all.len() / 2], all[(all.len() * 95 / 100).min(all.len() - 1)])
}

/// Median of `runs` timings of `f`, in milliseconds.
pub fn median(runs: usize, f: impl FnMut()) -> f64 {
    spread(runs, f).0
}

/// Peak resident memory of this process so far, in MiB (Linux).
pub fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1));
    kb.and_then(|k| k.parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
}

//! What reading a large file into memory costs, as `verify` does (`capture/source.rs`
//! `read_in_parts`: one part per core into a zeroed buffer), against the buffers a safe
//! anonymous map offers: plain, pre-faulted (`MAP_POPULATE`) and with transparent huge pages
//! asked for (`MADV_HUGEPAGE`). Prints the median wall time and the process's CPU per way.
//! Usage: read FILE [ROUNDS]

use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

fn fill(buf: &mut [u8], file: &std::fs::File) {
    let part = buf.len().div_ceil(2).max(1);
    std::thread::scope(|s| {
        for (i, chunk) in buf.chunks_mut(part).enumerate() {
            s.spawn(move || file.read_exact_at(chunk, (i * part) as u64).expect("read"));
        }
    });
}

/// Read `file` (`len` bytes) one way; the first byte, so that the read is not optimised away.
fn read(way: &str, file: &std::fs::File, len: usize) -> u8 {
    if way == "vec" {
        let mut v = vec![0u8; len];
        fill(&mut v, file);
        return v[0];
    }
    let mut options = memmap2::MmapOptions::new();
    options.len(len);
    if way == "populate" {
        options.populate();
    }
    let mut map = options.map_anon().expect("map");
    if way == "huge" {
        map.advise(memmap2::Advice::HugePage).expect("madvise");
    }
    fill(&mut map, file);
    map[0]
}

/// User plus system CPU time of this process so far.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("stat");
    let after = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<u64> = after
        .split(' ')
        .skip(11)
        .take(2)
        .map(|x| x.parse().expect("tick"))
        .collect();
    Duration::from_millis((f[0] + f[1]) * 10)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: read FILE [ROUNDS]");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(15);
    let file = std::fs::File::open(path).expect("open");
    let len = file.metadata().expect("stat").len() as usize;
    let ways = ["vec", "map", "populate", "huge"];
    let mut wall: Vec<Vec<Duration>> = vec![vec![]; ways.len()];
    let mut used: Vec<Duration> = vec![Duration::ZERO; ways.len()];
    for _ in 0..rounds {
        for (i, way) in ways.iter().enumerate() {
            let (t, c) = (Instant::now(), cpu());
            std::hint::black_box(read(way, &file, len));
            wall[i].push(t.elapsed());
            used[i] += cpu() - c;
        }
    }
    println!("{len} bytes, {rounds} rounds in turns: median, slowest, CPU per read");
    for (i, way) in ways.iter().enumerate() {
        let mut w = wall[i].clone();
        w.sort();
        println!(
            "  {way:9} {:7.1} ms  {:7.1} ms  {:7.1} ms",
            w[w.len() / 2].as_secs_f64() * 1e3,
            w[w.len() - 1].as_secs_f64() * 1e3,
            used[i].as_secs_f64() * 1e3 / rounds as f64
        );
    }
}

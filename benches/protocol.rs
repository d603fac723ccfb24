//! Protocol-core benchmarks: signing and verifying against a bare HMAC and bare SHA-256 (the
//! machine's limit), and the per-delivery work of `send` (render + sign). Run with
//! `cargo bench --bench protocol`; `bench/run.sh` turns the medians into ratios.

use divan::{black_box, Bencher};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use wl_hook::fixture::{FixtureSet, Renderer};
use wl_hook::protocol::{self, Secret};

const SIZES: [usize; 4] = [64, 1024, 64 * 1024, 16 * 1024 * 1024];

fn main() {
    divan::main();
}

fn body(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| b"{\"abcdefghij\":0123456789}"[i % 25])
        .collect()
}

fn key() -> Secret {
    Secret::new(b"bench-key".to_vec()).expect("non-empty")
}

/// The reference: SHA-256 alone over the body, the floor for any HMAC.
#[divan::bench(args = SIZES)]
fn sha256_bare(bencher: Bencher, len: usize) {
    let b = body(len);
    bencher
        .counter(divan::counter::BytesCount::new(len))
        .bench(|| Sha256::digest(black_box(&b)));
}

/// The reference for signing: HMAC-SHA256 with the hmac crate directly.
#[divan::bench(args = SIZES)]
fn hmac_bare(bencher: Bencher, len: usize) {
    let b = body(len);
    bencher
        .counter(divan::counter::BytesCount::new(len))
        .bench(|| {
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(b"bench-key").expect("any key length");
            mac.update(black_box(&b));
            mac.finalize().into_bytes()
        });
}

/// wl-hook's signing: HMAC plus lower-case hex.
#[divan::bench(args = SIZES)]
fn sign(bencher: Bencher, len: usize) {
    let (b, k) = (body(len), key());
    bencher
        .counter(divan::counter::BytesCount::new(len))
        .bench(|| protocol::sign(&k, black_box(&b)));
}

/// wl-hook's verification of a header value: shape checks, hex decode, constant-time compare.
#[divan::bench(args = SIZES)]
fn verify(bencher: Bencher, len: usize) {
    let (b, k) = (body(len), key());
    let sig = protocol::sign(&k, &b);
    let keys = [k];
    bencher
        .counter(divan::counter::BytesCount::new(len))
        .bench(|| protocol::verify(&keys, black_box(&b), black_box(&sig)).is_ok());
}

/// The per-delivery work of `send`: a fresh event from a compiled fixture, its full header set.
#[divan::bench]
fn render_and_sign_delivery(bencher: Bencher) {
    let set = FixtureSet::builtin();
    let fixture = set.get("purchase.created").expect("bundled");
    let now = chrono::Utc::now();
    let mut renderer = Renderer::new(Some(1), false, now, Vec::new());
    let compiled = renderer
        .compile("purchase.created", &fixture.value)
        .expect("no overrides");
    let k = key();
    bencher.bench_local(|| {
        let r = renderer.fill(&compiled);
        protocol::build_headers(
            &protocol::Fidelity::default(),
            &r.event,
            &r.body,
            &k,
            r.generated_at,
            now,
        )
    });
}

/// The whole 72-hour `wellnessliving` schedule as a pure function.
#[divan::bench]
fn wellnessliving_schedule(bencher: Bencher) {
    let s = wl_hook::schedule::Schedule::default();
    bencher.bench(|| black_box(&s).attempts());
}

//! Benchmarks live in `benches/`; see README.md.

pub mod nip46_fixture;

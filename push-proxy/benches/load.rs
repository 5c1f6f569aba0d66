//! Load tool (filled in later).
fn main() {}

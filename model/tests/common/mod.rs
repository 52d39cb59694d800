//! Shared by the merge property tests.

/// `0..n` shuffled by an xorshift on `seed` (Fisher–Yates): the order a replica merges the
/// forks in, different per seed and the same for the same seed.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
        order.swap(i, usize::try_from(state % bound).unwrap_or(0));
    }
    order
}

//! A small seeded generator (xorshift64*), the same sequence on every
//! machine, so a failing case can be replayed: shared by the tests that
//! walk at random (`tests/it/hostile.rs`, `tests/it/serve.rs`,
//! `tests/it/lsp_random.rs`; each says `mod rng;`).
#![allow(dead_code)]

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `from` (not empty).
    pub(crate) fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }

    /// `n` random bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    /// Fewer than `n` random bytes.
    pub(crate) fn bytes_below(&mut self, n: usize) -> Vec<u8> {
        let n = self.below(n);
        self.bytes(n)
    }
}

//! Randomness and dates: a tiny fixed-seed generator and dates counted in
//! months from as-of.

/// as-of as a month count (`year * 12 + month - 1`); dates are written as
/// months before (negative) or after (positive) it.
const AS_OF_MONTH: i32 = 2026 * 12 + 10;

/// A 64-bit LCG (Knuth's MMIX constants): tiny, deterministic, good enough
/// to vary the details.
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Lcg {
        let mut lcg = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
        lcg.next();
        lcg
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub(crate) fn range(&mut self, low: i32, high: i32) -> i32 {
        low + self.below((high - low + 1) as usize) as i32
    }

    /// True with probability `percent` / 100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct items of `items`, in the order of `items`.
    pub(crate) fn choose<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k.min(items.len()) {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &items[i]).collect()
    }
}

/// The date `months` months from as-of's month, on day `day` (1–28, so
/// always a real date).
pub(crate) fn date(months: i32, day: i32) -> String {
    let m = AS_OF_MONTH + months;
    format!("{:04}-{:02}-{:02}", m / 12, m % 12 + 1, day.clamp(1, 28))
}

//! Cancelling a compilation in progress: a [`Cancel`] token its caller
//! keeps a clone of and sets, and that the compile path checks at its phase
//! boundaries (after reading, inside the parallel parse, after parsing,
//! before the model rules, before the evaluation). A set token makes the
//! check unwind with [`Cancelled`], as salsa's cancellation does: no phase
//! needs an early-return path, and [`Cancelled::catch`] turns the unwind
//! back into a value. The unwind leaves the compile cache whole: it is
//! written in one assignment, after parsing, so a cancelled compilation
//! left it either as it was or holding this compilation's parse.
//!
//! `pmoc lsp` sets the token of the compilation in progress when a change
//! arrives; a token nobody sets (the default) costs one relaxed load per
//! check.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag a compilation checks; set from any thread, never unset.
#[derive(Debug, Default, Clone)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the compilations holding this token to stop.
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Unwinds with [`Cancelled`] when the token is set (without the panic
    /// hook: nothing is printed).
    pub fn check(&self) {
        if self.is_set() {
            panic::resume_unwind(Box::new(Cancelled));
        }
    }
}

/// What a cancelled compilation unwinds with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl Cancelled {
    /// Runs `f`: its value, or `Err(Cancelled)` when a [`Cancel::check`]
    /// inside it unwound. Any other panic goes on unwinding.
    pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Cancelled> {
        match panic::catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => Ok(value),
            Err(payload) if payload.is::<Cancelled>() => Err(Cancelled),
            Err(payload) => panic::resume_unwind(payload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_token_unwinds_and_is_caught_as_cancelled() {
        let cancel = Cancel::default();
        assert_eq!(Cancelled::catch(|| cancel.check()), Ok(()));
        let clone = cancel.clone();
        clone.set();
        assert!(cancel.is_set());
        let reached = Cancelled::catch(|| {
            cancel.check();
            "past the check"
        });
        assert_eq!(reached, Err(Cancelled));
    }

    #[test]
    fn a_check_inside_a_parallel_loop_is_caught_too() {
        use rayon::prelude::*;
        let cancel = Cancel::default();
        cancel.set();
        let found = Cancelled::catch(|| {
            (0..64)
                .into_par_iter()
                .map(|i| {
                    cancel.check();
                    i
                })
                .sum::<i32>()
        });
        assert_eq!(found, Err(Cancelled));
    }

    #[test]
    fn another_panic_goes_on_unwinding() {
        let other = panic::catch_unwind(|| Cancelled::catch(|| panic::resume_unwind(Box::new(7))));
        assert!(other.unwrap_err().is::<i32>());
    }
}

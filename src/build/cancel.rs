//! Stopping a build from outside it: the front end keeps a clone of the
//! token and cancels it (Ctrl-C, a button); work stops at the next chapter
//! or utterance and nothing half-done replaces a good package.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Interrupted)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_cancels_the_original_and_a_new_token_starts_clear() {
        let token = Cancel::new();
        assert!(token.check().is_ok());
        token.clone().cancel();
        assert!(token.is_cancelled() && token.check().is_err());
        assert!(
            !Cancel::new().is_cancelled(),
            "the next build is not cancelled"
        );
    }
}

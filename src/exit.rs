//! Exit codes, the same for every command, and an error type that carries one.

use std::fmt;

/// What a run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: all good.
    Ok = 0,
    /// 1: a negative result (not accepted, invalid signature, expectation not met, check failed).
    Negative = 1,
    /// 2: usage or input error (bad flag, unknown topic, unreadable or malformed file).
    Input = 2,
    /// 3: the endpoint could not be reached at all, or the listener could not bind.
    Unreachable = 3,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The worse of two outcomes, for commands that combine several results.
    pub fn worst(self, other: Exit) -> Exit {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

/// The exit-code table shown at the end of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  all good
  1  a negative result: a delivery not accepted, a signature invalid, an expectation not met,
     a replay that gave up, a failed check; or the run could not finish (an internal error)
  2  usage or input error: bad flag, unknown topic, unreadable or malformed file, bad override
  3  the endpoint could not be reached at all, or the listener could not bind";

/// An error with the exit code it should end the run with.
#[derive(Debug)]
pub struct Failure {
    pub code: Exit,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// An input error (exit 2) with a message that says what to do.
pub fn input_error(message: impl Into<String>) -> anyhow::Error {
    Failure {
        code: Exit::Input,
        message: message.into(),
    }
    .into()
}

/// An error that ends the run with the given code.
pub fn failure(code: Exit, message: impl Into<String>) -> anyhow::Error {
    Failure {
        code,
        message: message.into(),
    }
    .into()
}

/// The exit code an error should end the run with: the first [`Failure`] in its chain, else 1.
/// An error nobody classified is not the user's input error (2): it means the run could not
/// finish, like a closed stdout.
pub fn code_of(err: &anyhow::Error) -> Exit {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map_or(Exit::Negative, |f| f.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_classified_errors_choose_their_code() {
        assert_eq!(code_of(&input_error("bad flag")), Exit::Input);
        let wrapped = failure(Exit::Unreachable, "no answer").context("while sending");
        assert_eq!(code_of(&wrapped), Exit::Unreachable);
        // An internal error is not the user's input error.
        assert_eq!(code_of(&anyhow::anyhow!("join error")), Exit::Negative);
    }
}

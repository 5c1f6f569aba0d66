//! The host's error type.

use std::fmt;

/// Everything the host can fail with.
#[derive(Debug)]
pub enum HostError {
    /// signer-core refused (see its docs for each case).
    Core(signer_core::Error),
    /// A file operation failed.
    Io(std::io::Error),
    /// The OS random source failed.
    Entropy,
    /// A state or key file is corrupt.
    Corrupt(&'static str),
    /// A named thing does not exist (e.g. "pending request", "account").
    NotFound(&'static str),
    /// Bad configuration or argument.
    Config(String),
    /// The host task is gone.
    Stopped,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Core(e) => write!(f, "signer: {e}"),
            HostError::Io(e) => write!(f, "i/o: {e}"),
            HostError::Entropy => f.write_str("OS random source failed"),
            HostError::Corrupt(what) => write!(f, "corrupt {what}"),
            HostError::NotFound(what) => write!(f, "{what} not found"),
            HostError::Config(why) => write!(f, "configuration: {why}"),
            HostError::Stopped => f.write_str("host stopped"),
        }
    }
}

impl std::error::Error for HostError {}

impl From<signer_core::Error> for HostError {
    fn from(e: signer_core::Error) -> Self {
        HostError::Core(e)
    }
}

impl From<std::io::Error> for HostError {
    fn from(e: std::io::Error) -> Self {
        HostError::Io(e)
    }
}

//! Entry point: turns the outcome of `dealrisk::cli::run` into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    dealrisk::cli::main()
}

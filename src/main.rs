//! Entry point: turns the outcome of `dealrisk::cli::run` into an exit code.

use std::process::ExitCode;

// An assessment builds and drops CEL values by the million (what-if re-assesses a deal over a
// hundred times): glibc's malloc and free took 40% of the instructions of `assess` on the
// reference case; mimalloc does the same work in far fewer (figures in docs/ci.md, Speed).
// Its `no_thp` feature (Cargo.toml) keeps it from asking for transparent huge pages, which
// doubled a small run's peak memory and added tens of MiB to a large scan's, for no speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    dealrisk::cli::main()
}

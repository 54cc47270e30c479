use std::process::ExitCode;

/// Exhaustive search clones and frees millions of small states; glibc's
/// allocator spent most of the search consolidating free lists
/// (docs/performance.md), mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tokenrace::cli::main()
}

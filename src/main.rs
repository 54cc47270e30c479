use std::process::ExitCode;

/// Exhaustive search clones and frees millions of small states; glibc's
/// allocator spent most of the search consolidating free lists
/// (docs/performance.md), mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's own option setter (linked with the allocator).
extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_arena_eager_commit` (mimalloc.h): committing each arena as
/// it is reserved made a 7 MiB floor of resident memory under every run;
/// committed on demand, a small search stays within a few MiB.
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
/// `mi_option_purge_delay`: pages a search frees (a BFS level it is done
/// with) go back to the system at once instead of after 10 ms, which kept
/// the resident peak at about 1.4x the live memory
/// (docs/performance.md, "Memory").
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Runs before `main` and before the Rust runtime allocates, so the first
/// arena is already reserved without eager commit.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LAZY_COMMIT: extern "C" fn() = {
    extern "C" fn lazy_commit() {
        // SAFETY: sets plain integer options, before any allocation.
        unsafe {
            mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
            mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
    lazy_commit
};

fn main() -> ExitCode {
    tokenrace::cli::main()
}

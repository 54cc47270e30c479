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
/// with) go back to the system at once instead of after mimalloc's
/// default delay, which kept the resident peak at about 1.4x the live
/// memory (docs/performance.md, "Memory"). Once a search grows large
/// (`explore::large_search`), purges wait mimalloc's default again
/// (`LARGE_PURGE_DELAY_MS`): at that size purging at once made a page
/// fault of every page a BFS level or a block freed, 14 % of the
/// three-tab scale target's wall time, and the resident floor no longer
/// matters.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
/// mimalloc v3's own default `purge_delay`, in milliseconds.
const LARGE_PURGE_DELAY_MS: std::ffi::c_long = 1000;

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

/// Large searches let mimalloc batch purges (see `MI_OPTION_PURGE_DELAY`).
fn batch_purges() {
    // SAFETY: sets a plain integer option, read by mimalloc at each purge.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, LARGE_PURGE_DELAY_MS) }
}

fn main() -> ExitCode {
    tokenrace::explore::large_search::on_large_search(batch_purges);
    tokenrace::cli::main()
}

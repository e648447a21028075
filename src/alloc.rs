//! What the program asks of the C allocator.

/// Have every buffer of [`OWN_PAGES_FROM`] or more (a chapter's samples, its
/// MP3, a package's files) take pages of its own from the system and give
/// them back when it is freed. glibc does that by default only until the
/// first such buffer is freed, then raises the threshold, and later buffers
/// come from heaps that keep the space once freed. A batch, which frees
/// many, held about 1.45 times the memory of its largest leaflet built alone
/// that way (`scripts/bench.sh`); with a fixed threshold both peaks drop
/// (about 47 to 38 MB alone, 68 to 50 MB for the batch of 50).
///
/// A fixed threshold also fixes the point at which a heap gives the free
/// space at its top back to the system, at glibc's default of 128 KB, where
/// the dynamic setting had kept it at twice the largest buffer freed. That
/// is raised to [`KEEP_FREE_UP_TO`]: see there.
#[allow(unsafe_code)]
pub fn hand_back_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes the allocator's settings; this runs
    // first thing in `main`, before any other thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM as libc::c_int);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREE_UP_TO as libc::c_int);
    }
}

/// The smallest buffer that gets pages of its own. Above the 320 KB table
/// that the `regex` crate's compiler allocates, fills and frees for every
/// pattern it compiles (its map of compiled UTF-8 ranges: 10,000 entries of
/// 32 bytes): at 256 KB each of those took 80 fresh pages from the system,
/// faulted in, filled and unmapped again, about a hundred times while the
/// script's patterns were compiled, which a one-chapter rebuild waits for.
/// From the heap, the table reuses the same memory each time. The buffers
/// that matter for the memory figures (a chapter's samples, a leaflet's
/// MP3) are megabytes.
pub const OWN_PAGES_FROM: usize = 384 * 1024;

/// How much free space at a heap's top is kept rather than given back: room
/// for the compiler's table above, which is freed at the top of the heap
/// and would otherwise be given back and faulted in again at every pattern.
/// A batch still gives all free pages back between its windows
/// ([`give_back_free_pages`]).
pub const KEEP_FREE_UP_TO: usize = 1024 * 1024;

/// Give the system back the free pages the allocator's heaps hold. Between
/// the windows of a batch the worker threads' heaps are full of holes
/// (a window's scripts, utterances and package files, freed), and glibc
/// returns only the free space at a heap's top on its own: a long batch
/// would hold a little more memory with every window.
#[allow(unsafe_code)]
pub fn give_back_free_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes the allocator's locks itself and only
    // releases pages that no allocation is using.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! What the program asks of the C allocator.

/// Have every buffer of 256 KB or more (a chapter's samples, its MP3, a
/// package's files) take pages of its own from the system and give them
/// back when it is freed. glibc does that by default only until the first
/// such buffer is freed, then raises the threshold, and later buffers come
/// from heaps that keep the space once freed. A batch, which frees many,
/// held about 1.45 times the memory of its largest leaflet built alone that
/// way (`scripts/bench.sh`); with a fixed threshold both peaks drop (about
/// 47 to 38 MB alone, 68 to 50 MB for the batch of 50).
#[allow(unsafe_code)]
pub fn hand_back_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes the allocator's settings; this runs
    // first thing in `main`, before any other thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

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

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

//! The process's allocator: the system's, with every large block marked for transparent huge
//! pages. A 1M-bar run allocates tens of megabytes of columns and series; touched 4 KB at a
//! time, each page is a fault of its own (35 thousand in a `run`, a third of its time), while
//! a 2 MB page is one. The kernel only backs memory with huge pages where it is asked to
//! (`/sys/kernel/mm/transparent_hugepage/enabled` is `madvise` on most distributions), so blocks
//! of `LARGE` bytes or more are asked for with `madvise(MADV_HUGEPAGE)`. Everything else is the
//! system allocator's, untouched; where the kernel says no (or elsewhere than Linux) nothing
//! changes but the speed.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size are advised: past two huge pages, so most of the block is in them.
const LARGE: usize = 4 << 20;
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

pub struct HugePages;

// SAFETY: every call is `System`'s with the same arguments; the advice only changes how the
// kernel backs pages of a block the caller now owns, never their contents or their lifetime.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc`, passed on.
        let p = unsafe { System.alloc(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        advise(p, new_size);
        p
    }
}

/// Ask for huge pages over the whole 2 MB pages inside `[p, p + len)`, for a large block.
fn advise(p: *mut u8, len: usize) {
    if p.is_null() || len < LARGE {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let start = (p as usize).next_multiple_of(HUGE_PAGE);
        let end = (p as usize + len) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: the range lies inside the block just allocated (rounded inwards to whole
            // huge pages); MADV_HUGEPAGE is advice, it neither frees nor changes memory.
            // A refusal (an old kernel, THP disabled) is ignored: the block works either way.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
}

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
    if let Some((start, end)) = whole_huge_pages(p as usize, len) {
        // SAFETY: the range lies inside the block just allocated (rounded inwards to whole
        // huge pages); MADV_HUGEPAGE is advice, it neither frees nor changes memory.
        // A refusal (an old kernel, THP disabled) is ignored: the block works either way.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
    }
}

/// The whole huge pages inside `[p, p + len)`: its start rounded up and its end rounded down
/// to 2 MB, if any page is left between them.
#[cfg(target_os = "linux")]
fn whole_huge_pages(p: usize, len: usize) -> Option<(usize, usize)> {
    let start = p.checked_next_multiple_of(HUGE_PAGE)?;
    let end = p.checked_add(len)? / HUGE_PAGE * HUGE_PAGE;
    (end > start).then_some((start, end))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    const MB: usize = 1 << 20;

    #[test]
    fn the_advice_covers_only_whole_huge_pages_inside_the_block() {
        assert_eq!(whole_huge_pages(2 * MB, 4 * MB), Some((2 * MB, 6 * MB)));
        // Unaligned on both ends: rounded inwards, never past the block.
        assert_eq!(whole_huge_pages(2 * MB + 16, 4 * MB), Some((4 * MB, 6 * MB)));
        assert_eq!(whole_huge_pages(MB, 4 * MB), Some((2 * MB, 4 * MB)));
        // No whole huge page inside, or an address space edge: nothing advised.
        assert_eq!(whole_huge_pages(2 * MB + 16, 2 * MB), None);
        assert_eq!(whole_huge_pages(usize::MAX - MB, 4 * MB), None);
    }

    /// Blocks through the allocator keep their contents across a reallocation and come back
    /// zeroed when asked; and where the kernel backs advised memory with huge pages (its
    /// setting `madvise` or `always`), a large block touched is backed by some.
    #[test]
    fn large_blocks_work_and_are_backed_by_huge_pages_where_the_kernel_allows() {
        let a = HugePages;
        let layout = Layout::from_size_align(16 * MB, 8).unwrap();
        // SAFETY: non-zero size; every pointer is used within its layout and freed once.
        unsafe {
            let z = a.alloc_zeroed(layout);
            assert!(!z.is_null());
            assert!(std::slice::from_raw_parts(z, layout.size()).iter().all(|&b| b == 0));
            a.dealloc(z, layout);
            let p = a.alloc(layout);
            assert!(!p.is_null());
            for i in (0..layout.size()).step_by(4096) {
                *p.add(i) = (i / 4096) as u8;
            }
            let thp =
                std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").unwrap_or_default();
            if thp.contains("[madvise]") || thp.contains("[always]") {
                // The first whole huge page of the block: its advised mapping, split off at
                // the advice (the block's first bytes may share a page with others).
                let (start, _) = whole_huge_pages(p as usize, layout.size()).unwrap();
                assert!(huge_kb_at(start) > 0, "no huge page backs an advised block (THP: {thp})");
            }
            let q = a.realloc(p, layout, 32 * MB);
            assert!(!q.is_null());
            for i in (0..layout.size()).step_by(4096) {
                assert_eq!(*q.add(i), (i / 4096) as u8);
            }
            a.dealloc(q, Layout::from_size_align(32 * MB, 8).unwrap());
        }
    }

    /// `AnonHugePages` of the mapping holding `addr`, in kB, from /proc/self/smaps.
    fn huge_kb_at(addr: usize) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ') {
                if let Some((lo, hi)) = range.split_once('-') {
                    if let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16)) {
                        inside = (lo..hi).contains(&addr);
                        continue;
                    }
                }
            }
            if inside {
                if let Some(kb) = line.strip_prefix("AnonHugePages:") {
                    return kb.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                }
            }
        }
        0
    }
}

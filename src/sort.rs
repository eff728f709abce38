//! A small in-place heapsort.
//!
//! `core`'s `sort`/`sort_unstable` are fast but large: every instantiation brings its own
//! quicksort, driftsort and small-sort networks (several KiB of code each), and libdl sorts
//! only short lists (dying libraries, link-time tables that are normally sorted already).
//! Heapsort is O(n log n) in the worst case, needs no allocation and compiles to a few hundred
//! bytes. It is not stable; callers that need a stable order make ties impossible (for
//! example by comparing the original position last).

/// Sorts `v` so that no element is `less` than the one before it.
///
/// The heapsort itself is not generic ([`heapsort`]): each element type adds only the small
/// closure that compares or swaps two positions.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    heapsort(v.len(), &mut |i, j, swap| {
        if swap {
            v.swap(i, j);
            false
        } else {
            less(&v[i], &v[j])
        }
    });
}

/// Heapsort of positions `0..n`: `at(i, j, false)` says whether the element at `i` is less
/// than the one at `j`, `at(i, j, true)` swaps them.
#[inline(never)]
fn heapsort(n: usize, at: &mut dyn FnMut(usize, usize, bool) -> bool) {
    // Build a max-heap, then repeatedly move its root behind the shrinking heap.
    for start in (0..n / 2).rev() {
        sift_down(n, start, at);
    }
    for end in (1..n).rev() {
        at(0, end, true);
        sift_down(end, 0, at);
    }
}

/// Moves the element at `node` down the heap `0..len` until neither child is greater.
fn sift_down(len: usize, mut node: usize, at: &mut dyn FnMut(usize, usize, bool) -> bool) {
    loop {
        let mut child = 2 * node + 1;
        if child >= len {
            return;
        }
        if child + 1 < len && at(child, child + 1, false) {
            child += 1;
        }
        if !at(node, child, false) {
            return;
        }
        at(node, child, true);
        node = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    #[test]
    fn sorts_small_cases() {
        let mut empty: [u32; 0] = [];
        sort_by(&mut empty, |a, b| a < b);
        let mut one = [7];
        sort_by(&mut one, |a, b| a < b);
        assert_eq!(one, [7]);
        let mut v = [5, 1, 4, 1, 5, 9, 2, 6];
        sort_by(&mut v, |a, b| a > b);
        assert_eq!(v, [9, 6, 5, 5, 4, 2, 1, 1]);
    }

    proptest! {
        #[test]
        fn agrees_with_core_sort(mut v in proptest::collection::vec(any::<u16>(), 0..200)) {
            let mut expected: Vec<u16> = v.clone();
            expected.sort();
            sort_by(&mut v, |a, b| a < b);
            prop_assert_eq!(v, expected);
        }
    }
}

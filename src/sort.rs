//! A small in-place heapsort.
//!
//! `core`'s `sort`/`sort_unstable` are fast but large: every instantiation brings its own
//! quicksort, driftsort and small-sort networks (several KiB of code each), and libdl sorts
//! only short lists (dying libraries, link-time tables that are normally sorted already).
//! Heapsort is O(n log n) in the worst case, needs no allocation and compiles to a few hundred
//! bytes. It is not stable; callers that need a stable order make ties impossible (for
//! example by comparing the original position last).

/// Sorts `v` so that no element is `less` than the one before it.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    // Build a max-heap, then repeatedly move its root behind the shrinking heap.
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, &mut less);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(&mut v[..end], 0, &mut less);
    }
}

/// Moves `v[node]` down until neither child is greater.
fn sift_down<T>(v: &mut [T], mut node: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    loop {
        let mut child = 2 * node + 1;
        if child >= v.len() {
            return;
        }
        if child + 1 < v.len() && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            return;
        }
        v.swap(node, child);
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

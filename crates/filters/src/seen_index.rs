//! A reusable table of the items seen so far in one document (lines, paragraphs, word n-grams), keyed by
//! 32 bits of a 64-bit hash of the item and holding the item's first position and count.
//!
//! The filters look every line and n-gram of every document up once, so this table is their hot path:
//! open addressing with linear probing over one flat array, kept per thread and reused from document to
//! document (emptied by starting a new generation: slots of an older one count as empty), so no document
//! allocates. Hashes may collide: an entry matches only when the caller's `same` test confirms it is the
//! same item, else probing goes on, so results are exact whatever the hash.

use std::cell::RefCell;

/// One slot: the top half of the item's hash, the reset it was filled after, the item's first position,
/// and how often it was seen. 16 bytes, four to a cache line. A slot from an earlier reset (another
/// generation) is empty, so a reset need not clear the slots.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u32,
    generation: u32,
    first: u32,
    count: u32,
}

/// The table (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct SeenIndex {
    slots: Vec<Slot>,
    /// The number of slots in use, minus 1 (a power of two minus 1).
    mask: usize,
    /// 32 minus log2 of the number of slots in use: the shift that turns a short key into a slot.
    shift: u32,
    /// Entries since the last reset.
    len: usize,
    /// Half the slots in use: the entries the table takes before it grows (so it stays at most half
    /// full), kept so that each sighting tests one comparison.
    limit: usize,
    /// The current generation: the slots holding it are in use (0 marks none, as new slots hold 0).
    generation: u32,
}

thread_local! {
    static INDEXES: RefCell<[SeenIndex; 2]> = RefCell::new(Default::default());
}

/// Runs `f` with this thread's two tables (a filter may need one inside another's use).
pub(crate) fn with_indexes<R>(f: impl FnOnce(&mut SeenIndex, &mut SeenIndex) -> R) -> R {
    INDEXES.with(|cell| match cell.try_borrow_mut() {
        Ok(mut pair) => {
            let [a, b] = &mut *pair;
            f(a, b)
        }
        // re-entered on this thread (not done by the filters): fresh tables, still correct
        Err(_) => f(&mut SeenIndex::default(), &mut SeenIndex::default()),
    })
}

/// Multiplier of Fibonacci hashing: spreads a key's bits so the top bits pick the slot.
const SPREAD: u64 = 0x9e37_79b9_7f4a_7c15;

impl SeenIndex {
    /// Empties the table and sizes it for up to `items` entries.
    pub(crate) fn reset(&mut self, items: usize) {
        let size = (items.saturating_mul(2)).next_power_of_two().max(16);
        self.generation = self.generation.wrapping_add(1);
        if self.slots.len() < size {
            self.slots = vec![Slot::default(); size];
        }
        if self.generation == 0 {
            // the generations wrapped: slots may hold any old one, so clear them all once
            self.slots.fill(Slot::default());
            self.generation = 1;
        }
        self.mask = size - 1;
        self.shift = 32u32.saturating_sub(size.trailing_zeros());
        self.len = 0;
        self.limit = size / 2;
    }

    /// The part of a hash a slot keeps: the top half of the spread hash, whose top bits pick the slot.
    fn short_key(key: u64) -> u32 {
        (key.wrapping_mul(SPREAD) >> 32) as u32
    }

    /// The home slot of a short key (tables have at most 2^32 slots, so its bits suffice).
    fn home(&self, short: u32) -> usize {
        (short >> self.shift) as usize & self.mask
    }

    /// Doubles the slots in use, keeping the entries (only when a caller sees more items than it reset
    /// for; the table stays at most half full, so probing always ends).
    fn grow(&mut self) {
        let generation = self.generation;
        let live: Vec<Slot> = self
            .slots
            .get(..=self.mask)
            .unwrap_or_default()
            .iter()
            .filter(|s| s.generation == generation)
            .copied()
            .collect();
        self.reset(self.mask + 1);
        self.len = live.len();
        for slot in live {
            let mut i = self.home(slot.key);
            while self.slots.get(i).is_some_and(|s| s.generation == self.generation) {
                i = (i + 1) & self.mask;
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = Slot {
                    generation: self.generation,
                    ..slot
                };
            }
        }
    }

    /// Records one sighting of the item at `position` with hash `key`: if an entry with this key passes
    /// `same(its first position)`, bumps its count and returns `Some((first position, new count))`;
    /// otherwise adds the item (count 1) and returns `None`. Inlined: it is the inner step of every walk.
    #[inline(always)]
    pub(crate) fn see(
        &mut self,
        key: u64,
        position: u32,
        mut same: impl FnMut(u32) -> bool,
    ) -> Option<(u32, u32)> {
        if self.len >= self.limit {
            self.grow();
        }
        let short = Self::short_key(key);
        let mut i = self.home(short);
        loop {
            let Some(slot) = self.slots.get_mut(i) else {
                return None; // unreachable: `i` is masked into the slots in use
            };
            if slot.generation != self.generation {
                *slot = Slot {
                    key: short,
                    generation: self.generation,
                    first: position,
                    count: 1,
                };
                self.len += 1;
                return None;
            }
            if slot.key == short && same(slot.first) {
                slot.count += 1;
                return Some((slot.first, slot.count));
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_keys_stay_apart_and_reset_empties() {
        let items = ["a", "b", "a", "c", "b", "a"];
        let mut index = SeenIndex::default();
        index.reset(items.len());
        // every item gets the same key: only `same` tells them apart
        let got: Vec<Option<(u32, u32)>> = (0..items.len())
            .map(|i| index.see(7, i as u32, |j| items[j as usize] == items[i]))
            .collect();
        assert_eq!(got, [None, None, Some((0, 2)), None, Some((1, 2)), Some((0, 3))]);
        index.reset(3);
        assert_eq!(index.see(7, 0, |_| true), None);
        assert_eq!(index.see(7, 1, |_| true), Some((0, 2)));
        // more items than reset for: the table grows and keeps what it holds
        index.reset(1);
        for i in 0..100u32 {
            assert_eq!(index.see(u64::from(i), i, |j| j == i), None);
        }
        assert_eq!(index.see(42, 100, |j| j == 42), Some((42, 2)));
    }

    #[test]
    fn wrapping_generations_leave_no_stale_entries() {
        let mut index = SeenIndex::default();
        index.reset(4);
        assert_eq!(index.see(1, 0, |_| true), None);
        // the next reset wraps the generation to 0: every slot is cleared, the old entry is gone
        index.generation = u32::MAX;
        index.reset(4);
        assert_eq!(index.generation, 1);
        assert_eq!(index.see(1, 3, |_| true), None);
        assert_eq!(index.see(1, 4, |_| true), Some((3, 2)));
        // a plain reset forgets the entries too
        index.reset(4);
        assert_eq!(index.see(1, 5, |_| true), None);
    }
}

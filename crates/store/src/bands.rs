//! The LSH band index, held in memory.
//!
//! A document's near-duplicate candidates are the stored documents that share
//! one of its 16 band keys. The keys are stored with each signature
//! (`minhash_signatures.bands`); this index over them is built from there the
//! first time a writer needs it and is kept in step with every signature the
//! writer puts or drops. Kept as a B-tree in SQLite instead, each document's
//! 16 inserts dirtied 16 random pages, written to the WAL and back at every
//! commit, and a writer's cost per document grew threefold from 10k to 1M
//! stored documents (`benches/dedup_scale.rs`, bench/README.md).
//!
//! Layout: one open-addressing table per band, linear probing, eight bytes a
//! slot: the high 32 bits of the band key (its fingerprint, never 0: 0 is an
//! empty slot) and either a document id or, when several documents share the
//! fingerprint, the tail of a circular chain of them in ascending id order.
//! Built for N documents, 1.56 N slots per band: 200 MB for a million.
//!
//! Two keys with the same high 32 bits share a slot, so a bucket can hold a
//! document whose key differs: callers check each candidate's stored bands
//! before they count it (`write::decide`). [`reference::Model`] is the plain
//! version a proptest holds this one to.
//!
//! Limits: document ids below 2^31 (a larger one is an error, not a wrong
//! answer). A commit by another connection (seen through `data_version`)
//! means a full rebuild inside the next write transaction: thresh's own
//! writers take the run lock, so this is the rare case of an outside writer.

/// Values below this in a slot are a document id; at or above, a chain.
const CHAIN: u32 = 1 << 31;
/// Largest load before a table grows (by half).
const MAX_LOAD: f64 = 0.8;
/// Number of LSH bands thresh writes (a signature with more gets more tables).
pub(crate) const BANDS: usize = 16;
/// Most slots a table starts with (it grows past this as entries come).
const MAX_START: usize = 1 << 24;

/// A document id the index cannot hold (2^31 and above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdTooLarge(pub i64);

#[derive(Clone, Copy)]
struct Node {
    doc: u32,
    next: u32,
}

struct Table {
    slots: Vec<u64>,
    len: usize,
}

/// The in-memory band index: for each band, band key → documents.
pub(crate) struct BandIndex {
    tables: Vec<Table>,
    nodes: Vec<Node>,
    free: Vec<u32>,
}

fn fingerprint(key: i64) -> u32 {
    ((key as u64) >> 32) as u32 | u32::from((key as u64) >> 32 == 0)
}

fn home(fp: u32, cap: usize) -> usize {
    ((u64::from(fp) * cap as u64) >> 32) as usize
}

fn slot(fp: u32, val: u32) -> u64 {
    (u64::from(fp) << 32) | u64::from(val)
}

fn fp_of(s: u64) -> u32 {
    (s >> 32) as u32
}

fn val_of(s: u64) -> u32 {
    s as u32
}

/// The band keys of a stored signature (`minhash_signatures.bands`: little-endian i64s).
pub(crate) fn keys(stored: &[u8]) -> impl Iterator<Item = i64> + '_ {
    stored.chunks_exact(8).map(|k| i64::from_le_bytes(k.try_into().expect("8-byte chunk")))
}

/// The slot after `i` in a table of `cap`, wrapping around.
fn next_slot(i: usize, cap: usize) -> usize {
    if i + 1 == cap {
        0
    } else {
        i + 1
    }
}

/// SQLite's count of commits by other connections, as this one sees it.
fn data_version(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

fn doc_id(doc: i64) -> Result<u32, IdTooLarge> {
    u32::try_from(doc).ok().filter(|&d| d < CHAIN).ok_or(IdTooLarge(doc))
}

impl Table {
    fn with_capacity(entries: usize) -> Table {
        let cap = ((entries as f64 / MAX_LOAD * 1.25) as usize).clamp(64, MAX_START);
        Table { slots: vec![0; cap], len: 0 }
    }

    /// The slot holding `fp`, or the empty slot where it would go.
    fn find(&self, fp: u32) -> (usize, bool) {
        let cap = self.slots.len();
        let mut i = home(fp, cap);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return (i, false);
            }
            if fp_of(s) == fp {
                return (i, true);
            }
            i = next_slot(i, cap);
        }
    }

    fn grow_if_full(&mut self) {
        if ((self.len + 1) as f64) <= self.slots.len() as f64 * MAX_LOAD {
            return;
        }
        // (Capacity stays below 2^32, so `home` cannot overflow: 2^31 ids
        // per band at most, at a load of 0.8.)
        let cap = self.slots.len() + self.slots.len() / 2;
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        for s in old.into_iter().filter(|&s| s != 0) {
            let (i, _) = self.find(fp_of(s));
            self.slots[i] = s;
        }
    }

    /// Empty slot `i`, shifting back the entries of its probe run that
    /// would otherwise no longer be found.
    fn remove_at(&mut self, mut i: usize) {
        let cap = self.slots.len();
        self.slots[i] = 0;
        self.len -= 1;
        let mut j = i;
        loop {
            j = next_slot(j, cap);
            let s = self.slots[j];
            if s == 0 {
                return;
            }
            let h = home(fp_of(s), cap);
            // The entry at j may move to i when i lies cyclically in [h, j).
            let movable = if i <= j { h <= i || h > j } else { h <= i && h > j };
            if movable {
                self.slots[i] = s;
                self.slots[j] = 0;
                i = j;
            }
        }
    }
}

impl BandIndex {
    /// An empty index sized for about `docs` documents.
    pub(crate) fn with_capacity(docs: usize) -> BandIndex {
        BandIndex {
            tables: (0..BANDS).map(|_| Table::with_capacity(docs)).collect(),
            nodes: Vec::new(),
            free: Vec::new(),
        }
    }

    fn table(&mut self, band: usize) -> &mut Table {
        while self.tables.len() <= band {
            self.tables.push(Table::with_capacity(0));
        }
        &mut self.tables[band]
    }

    fn alloc(&mut self, doc: u32, next: u32) -> u32 {
        let node = Node { doc, next };
        if let Some(i) = self.free.pop() {
            self.nodes[i as usize] = node;
            i
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        }
    }

    /// Room for two more chain nodes, or the error (before anything is linked).
    fn room_for_nodes(&self) -> Result<(), IdTooLarge> {
        let next = self.nodes.len() + 2;
        if self.free.len() >= 2 || next < CHAIN as usize {
            Ok(())
        } else {
            Err(IdTooLarge(next as i64))
        }
    }

    /// Record that `doc` has `key` in `band` (nothing if it is there already).
    pub(crate) fn insert(&mut self, band: usize, key: i64, doc: i64) -> Result<(), IdTooLarge> {
        let d = doc_id(doc)?;
        let fp = fingerprint(key);
        self.table(band).grow_if_full();
        let (i, found) = self.tables[band].find(fp);
        if !found {
            self.tables[band].slots[i] = slot(fp, d);
            self.tables[band].len += 1;
            return Ok(());
        }
        let v = val_of(self.tables[band].slots[i]);
        self.room_for_nodes()?;
        let tail = if v < CHAIN {
            if v == d {
                return Ok(());
            }
            // Two documents: a chain of two, ascending.
            let (lo, hi) = (v.min(d), v.max(d));
            let a = self.alloc(lo, 0);
            let b = self.alloc(hi, a);
            self.nodes[a as usize].next = b;
            b
        } else {
            let t = v - CHAIN;
            let Node { doc: last, next: head } = self.nodes[t as usize];
            if d > last {
                let n = self.alloc(d, head);
                self.nodes[t as usize].next = n;
                n
            } else {
                // Before the first larger id (rare: a stored document's
                // signature put again); nothing if it is there.
                let (mut prev, mut cur) = (t, head);
                while self.nodes[cur as usize].doc < d {
                    prev = cur;
                    cur = self.nodes[cur as usize].next;
                }
                if self.nodes[cur as usize].doc == d {
                    return Ok(());
                }
                let n = self.alloc(d, cur);
                self.nodes[prev as usize].next = n;
                t
            }
        };
        self.tables[band].slots[i] = slot(fp, CHAIN + tail);
        Ok(())
    }

    /// [`insert`](Self::insert) each of a document's keys, band by band,
    /// having first read the slots they start from, all at once: the bands'
    /// tables are far apart, and independent reads let their cache misses
    /// overlap instead of coming one after another (building the index is
    /// mostly waiting on memory).
    pub(crate) fn insert_all(&mut self, keys: &[i64], doc: i64) -> Result<(), IdTooLarge> {
        let mut touched = 0u64;
        for (band, &key) in keys.iter().enumerate() {
            if let Some(t) = self.tables.get(band) {
                touched = touched.wrapping_add(t.slots[home(fingerprint(key), t.slots.len())]);
            }
        }
        std::hint::black_box(touched);
        for (band, &key) in keys.iter().enumerate() {
            self.insert(band, key, doc)?;
        }
        Ok(())
    }

    /// Forget that `doc` has `key` in `band` (nothing if it had not).
    pub(crate) fn remove(&mut self, band: usize, key: i64, doc: i64) {
        let Ok(d) = doc_id(doc) else { return };
        let fp = fingerprint(key);
        let Some(table) = self.tables.get(band) else { return };
        let (i, found) = table.find(fp);
        if !found {
            return;
        }
        let v = val_of(self.tables[band].slots[i]);
        if v < CHAIN {
            if v == d {
                self.tables[band].remove_at(i);
            }
            return;
        }
        let t = v - CHAIN;
        let (mut prev, mut cur) = (t, self.nodes[t as usize].next);
        loop {
            if self.nodes[cur as usize].doc == d {
                break;
            }
            if cur == t {
                return;
            }
            prev = cur;
            cur = self.nodes[cur as usize].next;
        }
        let next = self.nodes[cur as usize].next;
        self.free.push(cur);
        if next == prev {
            // One document left: back in the slot.
            self.free.push(prev);
            self.tables[band].slots[i] = slot(fp, self.nodes[prev as usize].doc);
            return;
        }
        self.nodes[prev as usize].next = next;
        if cur == t {
            self.tables[band].slots[i] = slot(fp, CHAIN + prev);
        }
    }

    /// The documents filed under `key`'s fingerprint in `band`, ascending.
    pub(crate) fn bucket(&self, band: usize, key: i64) -> Bucket<'_> {
        let done = Bucket { nodes: &self.nodes, state: State::Done };
        let Some(table) = self.tables.get(band) else { return done };
        let (i, found) = table.find(fingerprint(key));
        if !found {
            return done;
        }
        let v = val_of(self.tables[band].slots[i]);
        let state = if v < CHAIN {
            State::One(v)
        } else {
            let t = v - CHAIN;
            State::Chain { at: self.nodes[t as usize].next, tail: t }
        };
        Bucket { nodes: &self.nodes, state }
    }

    /// Chain nodes in use (a test checks none leak).
    #[cfg(test)]
    pub(crate) fn live_nodes(&self) -> usize {
        self.nodes.len() - self.free.len()
    }

    /// Bytes of memory the index takes.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        let slots: usize = self.tables.iter().map(|t| t.slots.len()).sum();
        slots * 8 + self.nodes.capacity() * 8 + self.free.capacity() * 4
    }
}

enum State {
    Done,
    One(u32),
    Chain { at: u32, tail: u32 },
}

/// Iterator over one bucket's documents, ascending.
pub(crate) struct Bucket<'a> {
    nodes: &'a [Node],
    state: State,
}

impl Iterator for Bucket<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        match self.state {
            State::Done => None,
            State::One(d) => {
                self.state = State::Done;
                Some(i64::from(d))
            }
            State::Chain { at, tail } => {
                let n = self.nodes[at as usize];
                self.state = if at == tail { State::Done } else { State::Chain { at: n.next, tail } };
                Some(i64::from(n.doc))
            }
        }
    }
}

/// A writer's band index: built from the stored signatures when first
/// needed, dropped when a transaction it followed was rolled back or another
/// connection changed the database (SQLite's `data_version`), and built again.
#[derive(Default)]
pub(crate) struct LiveBands {
    index: Option<BandIndex>,
    version: i64,
    /// Times the index was built (a test tells keeping in step from rebuilding).
    pub(crate) builds: u32,
}

impl LiveBands {
    /// At the start of a write transaction: forget the index if another
    /// connection has committed since it was built.
    pub(crate) fn check(&mut self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        if self.index.is_some() && data_version(conn)? != self.version {
            self.index = None;
        }
        Ok(())
    }

    /// Forget the index (its transaction was rolled back).
    pub(crate) fn invalidate(&mut self) {
        self.index = None;
    }

    /// The index, to change in step with the signatures (none yet: nothing
    /// to keep in step, it is built from them when needed).
    pub(crate) fn loaded(&mut self) -> Option<&mut BandIndex> {
        self.index.as_mut()
    }

    /// The index, built from `minhash_signatures` if it is not yet.
    pub(crate) fn get(&mut self, conn: &rusqlite::Connection) -> rusqlite::Result<&BandIndex> {
        if self.index.is_none() {
            self.version = data_version(conn)?;
            // Sized for the signatures there can be: no more than the
            // largest id, nor than the file has room for (a signature row
            // is over 512 bytes), whatever ids a damaged database holds.
            let (top, bytes): (Option<i64>, i64) = conn.query_row(
                "SELECT (SELECT max(document_id) FROM minhash_signatures),
                        (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let expected = top.unwrap_or(0).min(bytes / 512).max(0);
            let mut index = BandIndex::with_capacity(usize::try_from(expected).unwrap_or(0));
            let mut st = conn.prepare("SELECT document_id, bands FROM minhash_signatures")?;
            let mut rows = st.query([])?;
            let mut keys = Vec::with_capacity(BANDS);
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                // Keys that are not a blob (a damaged row): that document is
                // no one's candidate, as the writer checks keys against it.
                let bands = row.get_ref(1)?.as_blob().unwrap_or_default();
                keys.clear();
                keys.extend(self::keys(bands));
                index.insert_all(&keys, id).map_err(too_large)?;
            }
            self.index = Some(index);
            self.builds += 1;
        }
        Ok(self.index.as_ref().expect("built above"))
    }
}

/// A document id past the index's range, as the SQLite error it surfaces as.
pub(crate) fn too_large(e: IdTooLarge) -> rusqlite::Error {
    rusqlite::Error::IntegralValueOutOfRange(0, e.0)
}

#[cfg(test)]
pub(crate) mod reference {
    //! The plain model: a sorted map from (band, fingerprint) to sorted ids.
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Default)]
    pub(crate) struct Model(BTreeMap<(usize, u32), BTreeSet<i64>>);

    impl Model {
        pub(crate) fn insert(&mut self, band: usize, key: i64, doc: i64) {
            self.0.entry((band, super::fingerprint(key))).or_default().insert(doc);
        }
        pub(crate) fn remove(&mut self, band: usize, key: i64, doc: i64) {
            let k = (band, super::fingerprint(key));
            if let Some(s) = self.0.get_mut(&k) {
                s.remove(&doc);
                if s.is_empty() {
                    self.0.remove(&k);
                }
            }
        }
        /// Documents in buckets of two or more (what the index chains).
        pub(crate) fn chained(&self) -> usize {
            self.0.values().map(BTreeSet::len).filter(|&n| n > 1).sum()
        }
        pub(crate) fn bucket(&self, band: usize, key: i64) -> Vec<i64> {
            self.0.get(&(band, super::fingerprint(key))).map(|s| s.iter().copied().collect()).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(usize, i64, i64),
        Remove(usize, i64, i64),
    }

    /// Keys from a small set (shared buckets, colliding fingerprints, keys
    /// whose high half is 0) and ids from a small range (repeats).
    fn op() -> impl Strategy<Value = Op> {
        // (High halves near 2^32 have their home at a table's end: their
        // probe runs wrap around to its start.)
        let key = prop_oneof![
            (0i64..6).prop_map(|k| k << 32 | 7),
            (0i64..6).prop_map(|k| k << 32 | 9),
            (1i64..8).prop_map(|k| ((u32::MAX as i64 + 1 - k) << 32) | k),
            any::<i64>(),
            Just(-1i64),
        ];
        // Bands past the 16 thresh writes, too.
        let band = prop_oneof![0usize..3, Just(BANDS + 1)];
        let doc = prop_oneof![1i64..40, 1i64..5_000];
        prop_oneof![
            3 => (band.clone(), key.clone(), doc.clone()).prop_map(|(b, k, d)| Op::Insert(b, k, d)),
            1 => (band, key, doc).prop_map(|(b, k, d)| Op::Remove(b, k, d)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn index_equals_the_model(ops in proptest::collection::vec(op(), 0..400), probes in proptest::collection::vec(any::<i64>(), 8)) {
            let mut index = BandIndex::with_capacity(0);
            let mut model = reference::Model::default();
            let mut keys = probes;
            for op in &ops {
                match *op {
                    Op::Insert(b, k, d) => { index.insert(b, k, d).unwrap(); model.insert(b, k, d); keys.push(k); }
                    Op::Remove(b, k, d) => { index.remove(b, k, d); model.remove(b, k, d); keys.push(k); }
                }
            }
            for band in [0, 1, 2, BANDS + 1, BANDS + 5] {
                for &k in &keys {
                    prop_assert_eq!(index.bucket(band, k).collect::<Vec<_>>(), model.bucket(band, k));
                }
            }
            prop_assert_eq!(index.live_nodes(), model.chained(), "no chain node leaks");
        }
    }

    #[test]
    fn grows_and_keeps_every_entry() {
        let mut index = BandIndex::with_capacity(0);
        for d in 1..20_000i64 {
            let key = (d * 0x9E37_79B9_7F4A_7C15u64 as i64) ^ (d << 7);
            index.insert(d as usize % BANDS, key, d).unwrap();
        }
        for d in 1..20_000i64 {
            let key = (d * 0x9E37_79B9_7F4A_7C15u64 as i64) ^ (d << 7);
            assert!(index.bucket(d as usize % BANDS, key).any(|x| x == d), "{d}");
        }
        assert!(index.bytes() < 20_000 * 8 * 3, "{}", index.bytes());
    }

    #[test]
    fn ids_past_the_limit_are_an_error_not_a_wrong_answer() {
        let mut index = BandIndex::with_capacity(0);
        assert_eq!(index.insert(0, 5, 1 << 31), Err(IdTooLarge(1 << 31)));
        assert_eq!(index.insert(0, 5, -3), Err(IdTooLarge(-3)));
        assert_eq!(index.bucket(0, 5).count(), 0);
    }
}

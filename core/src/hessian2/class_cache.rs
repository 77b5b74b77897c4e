//! Class definitions remembered across messages.
//!
//! Every Dubbo message is a fresh Hessian2 stream, so Java re-sends the same
//! class definitions (`C name count fields…`) in every request and reply. A
//! decoder given a [`ClassCache`] looks a definition up by its bytes instead of
//! parsing it and allocating its field names again, as Java's shared
//! `SerializerFactory` keeps its deserializers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

use crate::value::ClassDef;

/// Most definitions kept; later new ones are parsed as usual and not kept.
const MAX_ENTRIES: usize = 1024;
/// Longest definition kept, in bytes.
pub(super) const MAX_DEF_BYTES: usize = 4096;

/// Definitions already seen, keyed by their exact bytes. Shared freely between
/// decoders and threads; bounded, so hostile peers cannot grow it without end.
#[derive(Debug, Default)]
pub struct ClassCache {
    defs: Mutex<DefsByBytes>,
}

type DefsByBytes = HashMap<Box<[u8]>, Arc<ClassDef>, BuildHasherDefault<Fnv>>;

impl ClassCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many definitions it holds.
    pub fn len(&self) -> usize {
        self.defs.lock().map_or(0, |d| d.len())
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn get(&self, bytes: &[u8]) -> Option<Arc<ClassDef>> {
        self.defs.lock().ok()?.get(bytes).cloned()
    }

    pub(super) fn insert(&self, bytes: &[u8], def: &Arc<ClassDef>) {
        if let Ok(mut defs) = self.defs.lock()
            && defs.len() < MAX_ENTRIES
        {
            defs.insert(bytes.into(), def.clone());
        }
    }
}

/// FNV-1a: keys are short and come from one peer's messages; speed matters more
/// than resistance to crafted collisions, which the entry bound caps anyway.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

//! A fast hasher for in-memory maps keyed by card ids during sync: std's SipHash protects
//! against hash flooding, which local notes cannot mount, and costs a tenth of a sync of
//! 100,000 cards. This is the multiply-rotate scheme of rustc's FxHasher with a finaliser.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    fn finish(&self) -> u64 {
        // Multiplication only carries upwards, and hash tables index by the low bits: fold
        // the high bits down (the MurmurHash3 finaliser) so similar ids do not collide.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// `HashMap<K, V, FastMap>`.
pub type FastMap = BuildHasherDefault<FastHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn maps_work_with_the_fast_hasher() {
        let mut map: HashMap<String, u32, FastMap> = HashMap::default();
        for i in 0..1000 {
            map.insert(format!("{i:016x}"), i);
        }
        for i in 0..1000 {
            assert_eq!(map[&format!("{i:016x}")], i);
        }
        assert_eq!(map.len(), 1000);
    }

    #[test]
    fn similar_keys_spread_over_the_low_bits() {
        // Hash tables pick buckets by the low bits: 4096 hex ids must fill most of 4096
        // buckets, as random hashes would (about 63%).
        let mut buckets = std::collections::HashSet::new();
        for i in 0..4096u32 {
            let mut h = FastHasher::default();
            std::hash::Hash::hash(&format!("{:016x}", u64::from(i) * 0x9e37), &mut h);
            buckets.insert(h.finish() & 4095);
        }
        assert!(buckets.len() > 2400, "{} buckets", buckets.len());
    }
}

//! The text of every notes file read, kept for source snippets in messages and for sync's
//! record of the files it read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text of each notes file, by the path cards and diagnostics name it with.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    by_path: HashMap<PathBuf, Arc<String>>,
    /// Paths in the order they were read (sync records every file read, cards or not).
    order: Vec<PathBuf>,
}

impl Sources {
    pub fn get(&self, path: &Path) -> Option<&Arc<String>> {
        self.by_path.get(path)
    }

    pub fn insert(&mut self, path: PathBuf, text: Arc<String>) {
        if self.by_path.insert(path.clone(), text).is_none() {
            self.order.push(path);
        }
    }

    /// Every file read, in reading order.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.order.iter()
    }
}

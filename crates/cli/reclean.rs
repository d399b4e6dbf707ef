//! Re-cleaning stored documents when lines of their site were learned: the
//! queue the writer fills, cleaned again on the worker pool from the stored
//! input and written back.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use thresh_clean::Learned;
use thresh_doc::{Doc, Verdict};
use thresh_store::{Store, StoreError};

use crate::pipeline::{Prints, Stages};

/// Clean again the stored documents queued for it (lines of their site were
/// learned, in this run or in one that stopped first), on the worker pool,
/// and store the new results; each chunk leaves the queue as it is stored.
/// Returns how many documents changed. A document that would clean to
/// nothing keeps its stored text.
pub fn reclean(store: &mut Store, stages: &Stages, pool: &rayon::ThreadPool) -> Result<usize, StoreError> {
    let ids = store.queued_reclean()?;
    let mut changed = 0;
    for chunk in ids.chunks(crate::pipeline::BATCH) {
        let mut learned: HashMap<String, Arc<Learned>> = HashMap::new();
        let mut inputs = Vec::with_capacity(chunk.len());
        for &id in chunk {
            let Some(input) = store.stored_input(id)? else { continue };
            let Some(host) = thresh_store::learning_host(&input.doc) else { continue };
            let l = match learned.get(&host) {
                Some(l) => l.clone(),
                None => {
                    let l = Arc::new(Learned::new(store.learned(&host)?));
                    learned.insert(host, l.clone());
                    l
                }
            };
            inputs.push((input, l));
        }
        let done: Vec<(i64, Doc, Prints)> = pool.install(|| {
            inputs
                .into_par_iter()
                .filter_map(|(input, l)| match stages.cleaner.apply_with(input.doc, &l) {
                    Verdict::Keep(doc) => {
                        let prints = crate::pipeline::fingerprint(&doc, stages);
                        Some((input.id, doc, prints))
                    }
                    Verdict::Drop(..) => None,
                })
                .collect()
        });
        let items: Vec<_> = done.iter().map(|(id, doc, p)| (*id, doc, p.fingerprint())).collect();
        store.replace_clean(&items, chunk)?;
        changed += items.len();
    }
    Ok(changed)
}

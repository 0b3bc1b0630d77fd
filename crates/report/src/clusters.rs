//! Duplicate clusters of a `saring dedup` output: read from `clusters.tsv` (`id<TAB>cluster_id` for every
//! document in a cluster of two or more), or, without it, from the `dedup_cluster_size` metadata of the
//! sampled documents (each kept document stands for its cluster).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The clusters file `saring dedup` writes beside its shards.
pub(crate) const CLUSTERS_FILE: &str = "clusters.tsv";
/// Bytes of `clusters.tsv` read at most.
const MAX_CLUSTERS_BYTES: u64 = 1024 * 1024 * 1024;

/// Duplicate clusters (of two or more documents) and where they were found.
#[derive(Debug, Default)]
pub(crate) struct Clusters {
    /// Where the sizes come from, for the page.
    pub source: String,
    /// `(size, cluster id)`, largest first, then by id.
    pub sizes: Vec<(u64, String)>,
    /// Whether the file was longer than what was read.
    pub capped: bool,
}

impl Clusters {
    /// The clusters of `dir/clusters.tsv`, else of `sampled` (`(dedup_cluster_size, id)` of sampled
    /// documents); `None` when neither has a cluster of two or more.
    pub(crate) fn read(dir: &Path, sampled: &[(u64, String)]) -> Option<Clusters> {
        let path = dir.join(CLUSTERS_FILE);
        let clusters = match File::open(&path) {
            Ok(file) => from_tsv(file),
            Err(_) => Clusters {
                source: "the dedup_cluster_size of the sampled documents (no clusters.tsv)".to_owned(),
                sizes: sampled.iter().filter(|(size, _)| *size > 1).cloned().collect(),
                capped: false,
            },
        };
        let mut clusters = clusters;
        clusters
            .sizes
            .sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        (!clusters.sizes.is_empty()).then_some(clusters)
    }

    /// Clusters counted per size bucket: `2`, `3–4`, `5–8`, …, each bucket up to a power of two.
    pub(crate) fn buckets(&self) -> Vec<(String, u64)> {
        let mut counts: Vec<u64> = Vec::new();
        for (size, _) in &self.sizes {
            // Size 2 is bucket 0, 3–4 bucket 1, 5–8 bucket 2: the bits of size − 1, less one.
            let bucket = (u64::BITS - (size.saturating_sub(1)).leading_zeros()).saturating_sub(1) as usize;
            if counts.len() <= bucket {
                counts.resize(bucket + 1, 0);
            }
            if let Some(count) = counts.get_mut(bucket) {
                *count += 1;
            }
        }
        counts
            .iter()
            .enumerate()
            .map(|(bucket, n)| {
                let hi = 1u64 << (bucket + 1);
                let lo = if bucket == 0 { 2 } else { (hi / 2) + 1 };
                let label = if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}–{hi}")
                };
                (label, *n)
            })
            .collect()
    }
}

fn from_tsv(file: File) -> Clusters {
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut reader = BufReader::new(file.take(MAX_CLUSTERS_BYTES));
    let mut line = String::new();
    let mut read = 0u64;
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n as u64,
        }
        if let Some((_, cluster)) = line.trim_end_matches(['\n', '\r']).split_once('\t') {
            *counts.entry(cluster.to_owned()).or_default() += 1;
        }
    }
    Clusters {
        source: CLUSTERS_FILE.to_owned(),
        sizes: counts.into_iter().map(|(id, n)| (n, id)).collect(),
        capped: read >= MAX_CLUSTERS_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_the_tsv_largest_first_in_log_buckets() {
        let dir = tempfile::tempdir().unwrap();
        let mut tsv = String::new();
        for (cluster, size) in [("a", 2), ("b", 3), ("c", 4), ("d", 9), ("e", 2)] {
            for i in 0..size {
                tsv.push_str(&format!("{cluster}{i}\t{cluster}\n"));
            }
        }
        std::fs::write(dir.path().join(CLUSTERS_FILE), tsv).unwrap();
        let clusters = Clusters::read(dir.path(), &[]).unwrap();
        let sizes: Vec<u64> = clusters.sizes.iter().map(|(n, _)| *n).collect();
        assert_eq!(sizes, [9, 4, 3, 2, 2]);
        assert_eq!(clusters.sizes[0].1, "d");
        assert_eq!(
            clusters.buckets(),
            [
                ("2".to_owned(), 2),
                ("3–4".to_owned(), 2),
                ("5–8".to_owned(), 0),
                ("9–16".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn without_the_tsv_the_sample_metadata_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Clusters::read(dir.path(), &[(1, "x".into())]).is_none());
        let clusters = Clusters::read(dir.path(), &[(1, "x".into()), (5, "y".into())]).unwrap();
        assert_eq!(clusters.sizes, [(5, "y".to_owned())]);
        assert!(clusters.source.contains("dedup_cluster_size"));
    }
}

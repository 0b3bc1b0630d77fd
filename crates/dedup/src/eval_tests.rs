//! Tests of the one-shot mode over the shared fixtures: the small near-dup corpus with its truth, the
//! seed story and its syndicated copy, determinism across thread counts, bad input.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use saring_io::{ReaderConfig, open_input};
use serde_json::json;

use crate::{DedupConfig, Keep, RunOptions, dedup_files_with};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn run(inputs: &[&Path], out: &Path, config: &DedupConfig, threads: usize) -> (crate::DedupStats, String) {
    let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let tsv = out.join("clusters.tsv");
    let stats = dedup_files_with(&inputs, &out.join("data"), &tsv, config, &RunOptions { threads }).unwrap();
    (stats, std::fs::read_to_string(tsv).unwrap())
}

fn write_jsonl(path: &Path, docs: &[(&str, &str, &str)]) {
    let mut text = String::new();
    for (id, url, body) in docs {
        text.push_str(&json!({"id": id, "text": body, "url": url}).to_string());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// A one-shot run with the default config over `(id, url, text)` pages.
fn run_pages(pages: &[(String, String, String)]) -> (crate::DedupStats, String) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages.jsonl");
    let docs: Vec<(&str, &str, &str)> = pages
        .iter()
        .map(|(id, url, text)| (id.as_str(), url.as_str(), text.as_str()))
        .collect();
    write_jsonl(&input, &docs);
    run(&[&input], tmp.path(), &DedupConfig::default(), 1)
}

/// `id → cluster id` of a clusters TSV.
fn clusters(tsv: &str) -> HashMap<String, String> {
    tsv.lines()
        .map(|l| {
            let (id, cluster) = l.split_once('\t').unwrap();
            (id.to_owned(), cluster.to_owned())
        })
        .collect()
}

fn read_docs(dir: &Path) -> Vec<saring_core::Document> {
    let mut shards: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.retain(|p| p.to_string_lossy().ends_with(".jsonl.zst"));
    shards.sort();
    shards
        .iter()
        .flat_map(|p| open_input(p, &ReaderConfig::default()).unwrap())
        .map(Result::unwrap)
        .collect()
}

/// Pair precision, recall and F1 of predicted clusters (`id → cluster`, absent ids are singletons)
/// against the truth (`id → cluster` for every document), from the contingency table.
fn pair_scores(truth: &HashMap<String, String>, pred: &HashMap<String, String>) -> (f64, f64, f64) {
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    let mut pred_sizes: HashMap<&str, u64> = HashMap::new();
    let mut cells: HashMap<(&str, &str), u64> = HashMap::new();
    for (id, t) in truth {
        let p = pred.get(id).map_or(id.as_str(), String::as_str);
        *true_sizes.entry(t).or_default() += 1;
        *pred_sizes.entry(p).or_default() += 1;
        *cells.entry((t, p)).or_default() += 1;
    }
    let tp: u64 = cells.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let pred_pairs: u64 = pred_sizes.values().map(|&n| pairs(n)).sum();
    let precision = tp as f64 / pred_pairs.max(1) as f64;
    let recall = tp as f64 / true_pairs.max(1) as f64;
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE),
    )
}

#[test]
fn small_corpus_pair_f1_and_determinism() {
    let dir = shared().join("data/dedup");
    let truth: HashMap<String, String> =
        clusters(&std::fs::read_to_string(dir.join("small.truth.tsv")).unwrap());
    assert_eq!(truth.len(), 5000);
    let config = DedupConfig::default();
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let corpus = dir.join("small.jsonl.gz");
    let (stats, tsv) = run(&[&corpus], &one, &config, 1);
    let (stats2, tsv2) = run(&[&corpus], &two, &config, 2);

    let (precision, recall, f1) = pair_scores(&truth, &clusters(&tsv));
    // Measured with the defaults (20 × 5): precision 0.998, recall 0.769, F1 0.869 (14 × 8: 0.9995,
    // 0.675, 0.806).
    assert!(
        f1 >= 0.82,
        "pair F1 {f1:.4} (precision {precision:.4}, recall {recall:.4})"
    );
    assert!(precision >= 0.97, "pair precision {precision:.4}");
    assert_eq!(stats.read, 5000);
    assert_eq!(stats.kept + stats.removed, 5000);
    assert_eq!(stats.errored, 0);
    assert!(stats.boilerplate_keys > 0);

    // Same clusters, byte-identical output with 1 and 2 threads.
    assert_eq!(tsv, tsv2);
    assert_eq!(
        (stats.kept, stats.cluster.clone()),
        (stats2.kept, stats2.cluster.clone())
    );
    let shard = "data/00000-00000.jsonl.zst";
    assert_eq!(
        std::fs::read(one.join(shard)).unwrap(),
        std::fs::read(two.join(shard)).unwrap()
    );
}

#[test]
fn seed_story_and_its_syndicated_copy_are_one_cluster() {
    let seed = shared().join("examples/seed");
    let original = std::fs::read_to_string(seed.join("expected.txt")).unwrap();
    let syndicated = std::fs::read_to_string(seed.join("syndicated.expected.txt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("seed.jsonl");
    write_jsonl(
        &input,
        &[
            ("zid", "https://zidworld.example/dunia/putin", &original),
            (
                "berita",
                "https://beritaharian.example/2022/08/17/putin/",
                &syndicated,
            ),
        ],
    );
    for keep in [Keep::First, Keep::Longest] {
        let config = DedupConfig {
            keep: keep.clone(),
            ..DedupConfig::default()
        };
        let out = tmp.path().join(format!("{keep:?}"));
        let (stats, tsv) = run(&[&input], &out, &config, 1);
        assert_eq!(tsv, "zid\tzid\nberita\tzid\n");
        assert_eq!((stats.kept, stats.removed, stats.duplicate_clusters), (1, 1, 1));
        let docs = read_docs(&out.join("data"));
        assert_eq!(docs.len(), 1);
        // `expected.txt` is the longer of the two.
        assert_eq!(docs[0].id, "zid");
        assert_eq!(docs[0].metadata["dedup_cluster_id"], json!("zid"));
        assert_eq!(docs[0].metadata["dedup_cluster_size"], json!(2));
    }
}

#[test]
fn distinct_stories_in_one_site_template_stay_apart() {
    let seed = shared().join("examples/seed");
    let page = std::fs::read_to_string(seed.join("expected.txt")).unwrap();
    // The seed page holds two stories: the Putin letter, then "Korut Siap Bela Rusia".
    let (first, second) = page.split_once("Korut Siap Bela Rusia").unwrap();
    let header = "Zid World\nHome\nDunia\nNasional\nEkonomi\nOlahraga\nTeknologi\nHiburan\nKontak";
    let footer = "Berita Terpopuler\nKim Yo-jong Ancam Balas Latihan Militer AS-Korsel\n\
                  Harga Minyak Dunia Turun Tajam Pekan Ini\nTentang Kami\nKebijakan Privasi\n\
                  © 2018 Zid World All Rights Reserved. Designed By JoomShaper";
    let pages: Vec<String> = [
        first,
        &format!("Korut Siap Bela Rusia{second}"),
        "Berita singkat hari ini.",
    ]
    .iter()
    .map(|body| format!("{header}\n{body}\n{footer}"))
    .collect();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("site.jsonl");
    write_jsonl(
        &input,
        &[
            ("a", "https://zidworld.example/a", &pages[0]),
            ("b", "https://zidworld.example/b", &pages[1]),
            ("c", "https://zidworld.example/c", &pages[2]),
        ],
    );
    let (stats, tsv) = run(&[&input], tmp.path(), &DedupConfig::default(), 2);
    assert_eq!(tsv, "");
    assert_eq!(stats.kept, 3);
    assert!(stats.boilerplate_lines_removed >= 3 * 14, "{stats:?}");
}

#[test]
fn bad_records_and_missing_files_are_counted_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("bad.jsonl");
    let text = "{\"id\": \"a\", \"text\": \"one two three four five six seven eight nine ten\"}\n\
                not json\n\
                {\"id\": \"b\", \"text\": \"One, two, three, four, five, six, seven, eight, nine, ten!\"}\n\
                {\"id\": \"c\"}\n";
    std::fs::write(&input, text).unwrap();
    let missing = tmp.path().join("missing.jsonl");
    let (stats, tsv) = run(&[&input, &missing], tmp.path(), &DedupConfig::default(), 1);
    assert_eq!(tsv, "a\ta\nb\ta\n");
    assert_eq!(
        (stats.read, stats.kept, stats.removed, stats.errored),
        (5, 1, 1, 3)
    );
    assert_eq!(stats.first_errors.len(), 3);
}

#[test]
fn keep_picks_the_copy_with_the_highest_signal_or_the_longest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("copies.jsonl");
    let story = "The council voted on Tuesday to rebuild the old bridge over the river, \
                 after three years of closures and a long debate about its cost.";
    let docs = [
        ("a", story.to_owned(), None),
        ("b", format!("{story} Read more."), Some(0.9)),
        ("c", story.to_owned(), Some(0.9)),
        ("d", story.to_owned(), Some(0.2)),
    ];
    let mut text = String::new();
    for (id, body, q) in &docs {
        let mut doc = json!({"id": id, "text": body, "url": format!("https://{id}.example/")});
        if let Some(q) = q {
            doc["metadata"] = json!({"signals": {"quality.score": q}});
        }
        text.push_str(&doc.to_string());
        text.push('\n');
    }
    std::fs::write(&input, text).unwrap();
    for (keep, kept) in [
        ("first", "a"),
        ("longest", "b"),
        ("signal:quality.score", "b"),
        ("signal:missing.everywhere", "a"),
    ] {
        let config = DedupConfig::from_toml(&format!("keep = {keep:?}")).unwrap();
        let out = tmp.path().join(keep.replace(':', "-"));
        let (stats, tsv) = run(&[&input], &out, &config, 1);
        assert_eq!(tsv, "a\ta\nb\ta\nc\ta\nd\ta\n", "{keep}");
        assert_eq!(stats.kept, 1, "{keep}");
        let survivors = read_docs(&out.join("data"));
        assert_eq!(survivors[0].id, kept, "{keep}");
        assert_eq!(survivors[0].metadata["dedup_cluster_size"], json!(4));
    }
}

#[test]
fn a_chain_of_overlapping_pages_does_not_become_one_cluster() {
    // Page i holds lines i..i+10 of one long text: each page is a near copy of its neighbours
    // (9 of 10 lines shared), but page 0 and page 6 share only 4 lines. Pairs join neighbours;
    // clusters join only when their first pages pass the check too, so the chain breaks up.
    let line = |i: usize| {
        (0..12)
            .map(|w| format!("w{}x{}", i * 7 + w, (i * 31 + w * 17) % 97))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let pages: Vec<(String, String, String)> = (0..20)
        .map(|p| {
            let text = (p..p + 10).map(line).collect::<Vec<_>>().join("\n");
            (format!("p{p:02}"), format!("https://site{p}.example/"), text)
        })
        .collect();
    let (_, tsv) = run_pages(&pages);
    let clusters = clusters(&tsv);
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (id, cluster) in &clusters {
        members
            .entry(cluster.as_str())
            .or_default()
            .push(id.trim_start_matches('p').parse().unwrap());
    }
    assert!(members.len() >= 4, "{tsv}");
    for pages in members.values() {
        let (lo, hi) = (pages.iter().min().unwrap(), pages.iter().max().unwrap());
        // Every page shares at least 6 of its 10 lines with its cluster's first page.
        assert!(hi - lo <= 4, "{tsv}");
    }
}

#[test]
fn a_short_page_quoted_by_many_pages_does_not_join_them() {
    // Page `hub` is one long passage under a title; pages c00..c09, on other sites, each quote the whole
    // passage and add a paragraph of their own. Every page passes the check with the hub (the hub's
    // lines are all in it; Jaccard about 0.6), no two of them with each other (half their lines differ).
    // The hub may join one of them, not all: before containment pairs were told apart, the hub, first
    // in input order, was the representative of one cluster of all eleven pages.
    let word = |i: usize, w: usize| format!("w{}q{}", i * 131 + w, (i * 37 + w * 11) % 89);
    let passage = (0..60).map(|w| word(0, w)).collect::<Vec<_>>().join(" ");
    let mut pages = vec![(
        "hub".to_owned(),
        "https://hub.example/".to_owned(),
        format!("Title of the hub\n{passage}"),
    )];
    for p in 1..=10 {
        let own = (0..22).map(|w| word(p, w)).collect::<Vec<_>>().join(" ");
        let title = format!("Title {}", word(p, 99));
        pages.push((
            format!("c{p:02}"),
            format!("https://site{p}.example/"),
            format!("{title}\n{passage}\n{own}"),
        ));
    }
    let (stats, tsv) = run_pages(&pages);
    let clusters = clusters(&tsv);
    assert!(clusters.len() <= 2, "{tsv}");
    assert!(stats.cluster.contained_rejected >= 8, "{:?}", stats.cluster);
}

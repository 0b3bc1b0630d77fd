//! `saring dedup` on the output of `saring run`: the seed story and its syndicated copy are one cluster.

use crate::util::*;

#[test]
fn the_seed_story_and_its_syndicated_copy_end_in_one_cluster() {
    let dir = Dir::new();
    let seed = shared("examples/seed/page.html");
    let syndicated = shared("examples/seed/syndicated.html");
    let other = dir.write(
        "other.html",
        page("Another story", &sentences("unrelated", 20)).as_bytes(),
    );
    let out = dir.saring(&[
        "run",
        seed.to_str().unwrap(),
        syndicated.to_str().unwrap(),
        other.to_str().unwrap(),
        "-o",
        "extracted",
    ]);
    assert_exit!(out, 0);
    assert_eq!(read_shards(&dir.path("extracted")).len(), 3);

    for threads in ["1", "2"] {
        let out_dir = format!("dedup-{threads}");
        let out = dir.saring(&["dedup", "extracted", "-o", &out_dir, "--threads", threads]);
        assert_exit!(out, 0);
        let kept = read_shards(&dir.path(&out_dir));
        assert_eq!(kept.len(), 2, "one copy of the story and the other page");
        let clusters = std::fs::read_to_string(dir.path(&format!("{out_dir}/clusters.tsv"))).unwrap();
        let rows: Vec<Vec<&str>> = clusters.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), 2, "{clusters}");
        assert_eq!(rows[0][1], rows[1][1], "same cluster: {clusters}");
    }
    assert_eq!(
        output_files(&dir.path("dedup-1")),
        output_files(&dir.path("dedup-2"))
    );
}

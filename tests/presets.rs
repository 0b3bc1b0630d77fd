//! `saring run --preset NAME`: the built-in pipelines of `presets/` (issue 11: FineWeb, FineWeb-2, C4,
//! Gopher), each equal to running its file with `--config`.

use crate::util::*;

const PRESETS: [&str; 4] = ["fineweb", "fineweb2", "c4", "gopher"];

#[test]
fn every_preset_runs_the_example_as_its_config_file_does() {
    let dir = Dir::new();
    let example = repo().join("examples/crawl.warc.gz");
    let example = example.to_str().unwrap();
    for name in PRESETS {
        let preset_out = format!("{name}-preset");
        assert_exit!(
            dir.saring(&["run", example, "-o", &preset_out, "--preset", name]),
            0
        );
        let file = repo().join(format!("presets/{name}.toml"));
        let config_out = format!("{name}-config");
        let with_config = dir.saring(&[
            "run",
            example,
            "-o",
            &config_out,
            "--config",
            file.to_str().unwrap(),
        ]);
        assert_exit!(with_config, 0);
        assert_eq!(
            read_shard_lines(&dir.path(&preset_out)),
            read_shard_lines(&dir.path(&config_out)),
            "{name}"
        );
        let books = stats(&dir.path(&preset_out));
        assert_reconciles(&books);
        let run: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path(&format!("{preset_out}/run.json"))).unwrap())
                .unwrap();
        assert_eq!(run["config"], std::fs::read_to_string(&file).unwrap(), "{name}");
        assert_eq!(run["config_path"], format!("--preset {name}"), "{name}");
        // The report draws the preset's thresholds, read from run.json.
        let report = std::fs::read_to_string(dir.path(&format!("{preset_out}/report.html"))).unwrap();
        assert!(
            report.contains(&format!("<code>--preset {name} (from run.json)</code>")),
            "{name}"
        );
        if books["kept"] != 0 {
            assert!(report.contains("<g class=\"threshold\">"), "{name}");
        }
    }
    // The FineWeb preset is datatrove's chain: these steps, in this order.
    let steps: Vec<_> = stats(&dir.path("fineweb-preset"))["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        steps,
        [
            "extract",
            "langid",
            "gopher_repetition",
            "gopher_quality",
            "c4_quality",
            "fineweb_quality",
            "pii"
        ]
    );
}

#[test]
fn an_unknown_preset_or_a_preset_with_a_config_is_refused() {
    let dir = Dir::new();
    dir.write("p.toml", b"[[step]]\ntype = \"extract\"\n");
    let unknown = dir.saring(&["run", "x.warc", "-o", "out", "--preset", "fine"]);
    assert_exit!(unknown, 2);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("fineweb2") && stderr.contains("gopher"),
        "{stderr}"
    );
    let both = dir.saring(&[
        "run", "x.warc", "-o", "out", "--preset", "c4", "--config", "p.toml",
    ]);
    assert_exit!(both, 2);
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}

//! The page: sections in order, each a heading, a chart and a short table or note.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use saring_core::RunStats;

use crate::chart::{self, Axis, Bar, Segment, Series};
use crate::clusters::Clusters;
use crate::escape::{bytes, count, html, number, percent};
use crate::load::{self, ErrorLine};
use crate::sample::{self, DroppedSample, Example, Sample};
use crate::thresholds::Thresholds;
use crate::{ReportError, ReportOptions};

/// Builds the report of the run in `out_dir` as one self-contained HTML page.
///
/// Reads `stats.json` (or adds up `stats/*.json`), the first [`ReportOptions::max_error_lines`] lines of
/// `errors/*.jsonl` and at most [`ReportOptions::max_docs`] documents of the shards, in shard order.
/// Fails only when there are no stats, a stats file or the config is unreadable, or the directory cannot
/// be listed; unreadable shard records are counted in the report.
pub fn render_report(out_dir: &Path, options: &ReportOptions) -> Result<String, ReportError> {
    let loaded = load::stats(out_dir)?;
    // The config given, else the one the run recorded in run.json (a preset or the default included).
    let (thresholds, config) = match &options.config {
        Some(path) => (Some(Thresholds::read(path)?), Some(path.display().to_string())),
        None => match Thresholds::recorded(out_dir) {
            Some((thresholds, source)) => (Some(thresholds), Some(format!("{source} (from run.json)"))),
            None => (None, None),
        },
    };
    let sample = sample::read(
        out_dir,
        options.max_docs,
        options.max_examples,
        options.example_chars,
        loaded.stats.kept,
    )?;
    let (error_lines, error_files) = load::error_lines(out_dir, options.max_error_lines);
    let dropped = sample::dropped(out_dir, options.dropped_examples, options.example_chars);
    let clusters = Clusters::read(out_dir, &sample.cluster_sizes);
    let page = Page {
        stats: &loaded.stats,
        stats_source: &loaded.source,
        dedup: &loaded.dedup,
        sample: &sample,
        dropped: &dropped,
        clusters: clusters.as_ref(),
        thresholds: thresholds.as_ref(),
        config: config.as_deref(),
        error_lines: &error_lines,
        error_files,
        options,
    };
    Ok(page.render(out_dir))
}

struct Page<'a> {
    stats: &'a RunStats,
    stats_source: &'a str,
    dedup: &'a [(String, serde_json::Value)],
    sample: &'a Sample,
    dropped: &'a DroppedSample,
    clusters: Option<&'a Clusters>,
    thresholds: Option<&'a Thresholds>,
    /// What the thresholds come from: a config file, or the run's recorded config.
    config: Option<&'a str>,
    error_lines: &'a [ErrorLine],
    error_files: usize,
    options: &'a ReportOptions,
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2433;background:#f6f7f9;margin:0}
main{max-width:960px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:16px 0 4px}h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:14px 0 4px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:14px 18px;margin:14px 0}
nav a{margin-right:12px}p.note{color:#5b6472;margin:6px 0}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e6e9ee;padding:3px 10px 3px 0;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #dde1e7;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:20px}
svg.chart{display:block;max-width:100%;height:auto;font-size:12px}
svg text{fill:#1d2433}svg text.tick,svg text.value{fill:#5b6472}
rect.kept,rect.bin{fill:#3f7fbf}rect.dropped{fill:#e39b2d}rect.errored{fill:#c8423b}rect.other{fill:#9aa5b4}
line.axis{stroke:#9aa5b4}.threshold line{stroke:#c8423b;stroke-width:2;stroke-dasharray:5 3}.threshold text{fill:#c8423b;font-weight:600}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.legend .kept{background:#3f7fbf}.legend .dropped{background:#e39b2d}.legend .errored{background:#c8423b}
table.samples td.text{white-space:pre-wrap;max-width:560px;font-size:13px}
table.samples td{font-size:12px}.id{font-family:ui-monospace,monospace;word-break:break-all}
code{font-family:ui-monospace,monospace}
";

impl Page<'_> {
    fn render(&self, out_dir: &Path) -> String {
        let mut out = String::with_capacity(64 * 1024);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        let _ = write!(
            out,
            "<title>saring run report: {}</title><style>{STYLE}</style></head><body><main>",
            html(&out_dir.display().to_string())
        );
        let _ = write!(
            out,
            "<h1>saring run report</h1><p class=\"note\">Run directory <code>{}</code>; stats from {}.</p>",
            html(&out_dir.display().to_string()),
            html(self.stats_source)
        );
        out.push_str(
            "<nav><a href=\"#funnel\">Funnel</a><a href=\"#drop-reasons\">Drop reasons</a><a href=\"#errors\">Errors</a>\
             <a href=\"#languages\">Languages</a><a href=\"#domains\">Domains</a><a href=\"#lengths\">Text length</a>\
             <a href=\"#signals\">Signals</a><a href=\"#clusters\">Duplicates</a><a href=\"#throughput\">Throughput</a>\
             <a href=\"#samples\">Samples</a><a href=\"#dropped-samples\">Dropped samples</a></nav>",
        );
        self.overview(&mut out);
        self.funnel(&mut out);
        self.drop_reasons(&mut out);
        self.errors(&mut out);
        self.languages(&mut out);
        self.domains(&mut out);
        self.lengths(&mut out);
        self.signals(&mut out);
        self.clusters(&mut out);
        self.throughput(&mut out);
        self.samples(&mut out);
        self.dropped_samples(&mut out);
        out.push_str("</main></body></html>\n");
        out
    }

    fn sample_note(&self) -> String {
        let s = self.sample;
        let mut note = format!(
            "From a sample of the output: the first {} kept document(s) of {} shard(s) read (of {}), in shard order",
            count(s.docs),
            s.shards_read,
            s.shards_total
        );
        if s.capped {
            let _ = write!(
                note,
                "; reading stopped at the cap of {} documents, so later shards are not represented",
                count(self.options.max_docs as u64)
            );
        }
        note.push('.');
        if s.unreadable > 0 {
            let _ = write!(
                note,
                " {} record(s) or shard(s) could not be read (first: {}).",
                count(s.unreadable),
                s.first_unreadable.as_deref().unwrap_or_default()
            );
        }
        note
    }

    fn overview(&self, out: &mut String) {
        let s = self.stats;
        out.push_str("<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">");
        let cards = [
            ("read", count(s.read)),
            ("kept", format!("{} ({})", count(s.kept), percent(s.kept, s.read))),
            (
                "dropped",
                format!("{} ({})", count(s.dropped), percent(s.dropped, s.read)),
            ),
            (
                "errored",
                format!("{} ({})", count(s.errored), percent(s.errored, s.read)),
            ),
            ("input files", count(s.files)),
            (
                "bytes in → out",
                format!("{} → {}", bytes(s.bytes_in), bytes(s.bytes_out)),
            ),
            (
                "wall / CPU",
                format!("{} s / {} s", number(s.wall_secs), number(s.cpu_secs)),
            ),
        ];
        for (name, value) in cards {
            let _ = write!(
                out,
                "<div class=\"card\">{}<b>{}</b></div>",
                html(name),
                html(&value)
            );
        }
        out.push_str("</div>");
        if !self.dedup.is_empty() {
            out.push_str(
                "<h3>Deduplication</h3><p class=\"note\" id=\"dedup-stats\">This is the output of <code>saring dedup</code>: \
                 the duplicates it removed are the drops of one step, <code>dedup</code>.</p><table>",
            );
            for (key, value) in self.dedup {
                let value = value.as_f64().map_or_else(|| value.to_string(), number);
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                    html(key),
                    html(&value)
                );
            }
            out.push_str("</table>");
        }
        if s.read != s.kept + s.dropped + s.errored {
            let _ = write!(
                out,
                "<p class=\"note\">Warning: the counts do not reconcile: read {} ≠ kept + dropped + errored {}.</p>",
                s.read,
                s.kept + s.dropped + s.errored
            );
        }
        out.push_str("</section>");
    }

    fn funnel(&self, out: &mut String) {
        let s = self.stats;
        out.push_str("<section id=\"funnel\"><h2>Funnel</h2>");
        out.push_str(
            "<p class=\"legend\">Documents into each step, and what it did with them:<span class=\"kept\"></span>kept\
             <span class=\"dropped\"></span>dropped<span class=\"errored\"></span>errored</p>",
        );
        let reading_errors = s
            .errored
            .saturating_sub(s.steps.iter().map(|step| step.errored).sum::<u64>());
        let mut rows = vec![Bar {
            label: "read".to_owned(),
            segments: vec![
                seg(s.read.saturating_sub(reading_errors), "kept", "parsed"),
                seg(reading_errors, "errored", "unreadable"),
            ],
            note: count(s.read),
        }];
        for (i, step) in s.steps.iter().enumerate() {
            rows.push(Bar {
                label: format!("{}. {}", i + 1, step.name),
                segments: vec![
                    seg(step.kept, "kept", "kept"),
                    seg(step.dropped, "dropped", "dropped"),
                    seg(step.errored, "errored", "errored"),
                ],
                note: format!("{} → {}", count(step.total), count(step.kept)),
            });
        }
        rows.push(Bar {
            label: "written".to_owned(),
            segments: vec![seg(s.kept, "kept", "written")],
            note: count(s.kept),
        });
        out.push_str(&chart::bars("funnel-chart", &rows, Some(s.read)));
        out.push_str(
            "<table><tr><th>step</th><th class=\"n\">in</th><th class=\"n\">kept</th><th class=\"n\">dropped</th>\
             <th class=\"n\">errored</th><th class=\"n\">kept %</th><th class=\"n\">CPU s</th></tr>",
        );
        for step in &s.steps {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                html(&step.name),
                count(step.total),
                count(step.kept),
                count(step.dropped),
                count(step.errored),
                percent(step.kept, step.total),
                number(step.secs)
            );
        }
        out.push_str("</table>");
        out.push_str("<h3>Bytes</h3>");
        let byte_rows = [
            ("read (as stored)", s.bytes_in),
            ("written (as stored)", s.bytes_out),
        ]
        .map(|(label, n)| Bar {
            label: label.to_owned(),
            segments: vec![seg(n, "kept", "bytes")],
            note: bytes(n),
        });
        out.push_str(&chart::bars("bytes-chart", &byte_rows, None));
        let _ = write!(
            out,
            "<p class=\"note\">The stats count bytes at the ends of the run only, not per step. Text in the sample: {} \
             (UTF-8) in {} document(s).</p></section>",
            bytes(self.sample.text_bytes),
            count(self.sample.docs)
        );
    }

    fn drop_reasons(&self, out: &mut String) {
        out.push_str("<section id=\"drop-reasons\"><h2>Drop reasons</h2>");
        let mut rows = Vec::new();
        for step in &self.stats.steps {
            for (reason, n) in &step.drop_reasons {
                rows.push(Bar {
                    label: format!("{}: {}", step.name, reason),
                    segments: vec![seg(*n, "dropped", "dropped")],
                    note: format!("{} ({} of its input)", count(*n), percent(*n, step.total)),
                });
            }
        }
        if rows.is_empty() {
            out.push_str("<p class=\"note\" id=\"drop-reasons-none\">No step dropped any document.</p>");
        } else {
            out.push_str("<p class=\"note\">Per step, documents dropped by reason (the reason is the config key that decided).</p>");
            out.push_str(&chart::bars("drop-reasons-chart", &rows, None));
        }
        out.push_str("</section>");
    }

    fn errors(&self, out: &mut String) {
        let s = self.stats;
        out.push_str("<section id=\"errors\"><h2>Errors and skipped records</h2>");
        if s.errors.is_empty() {
            out.push_str("<p class=\"note\" id=\"errors-none\">No record errored.</p>");
        } else {
            let rows: Vec<Bar> = s
                .errors
                .iter()
                .map(|(kind, n)| Bar {
                    label: kind.clone(),
                    segments: vec![seg(*n, "errored", "errored")],
                    note: count(*n),
                })
                .collect();
            out.push_str("<h3>Errors by kind</h3>");
            out.push_str(&chart::bars("errors-chart", &rows, None));
        }
        if !self.error_lines.is_empty() {
            let _ = write!(
                out,
                "<h3>First error messages</h3><p class=\"note\">The first {} line(s) of {} file(s) in <code>errors/</code>.</p><table><tr><th>kind</th><th>message</th></tr>",
                self.error_lines.len(),
                self.error_files
            );
            for line in self.error_lines {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    html(&line.kind),
                    html(&crate::escape::cut(&line.message, 400))
                );
            }
            out.push_str("</table>");
        }
        if !s.skipped.is_empty() {
            out.push_str("<h3>Skipped records (not documents)</h3><table><tr><th>kind</th><th class=\"n\">records</th></tr>");
            for (kind, n) in &s.skipped {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                    html(kind),
                    count(*n)
                );
            }
            out.push_str("</table>");
        }
        out.push_str("</section>");
    }

    fn top_chart(&self, id: &str, counts: &BTreeMap<String, u64>, class: &'static str, out: &mut String) {
        let total: u64 = counts.values().sum();
        let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let max_bars = self.options.max_bars.max(1);
        let rows: Vec<Bar> = sorted
            .iter()
            .take(max_bars)
            .map(|(name, n)| Bar {
                label: (*name).clone(),
                segments: vec![seg(**n, class, class)],
                note: format!("{} ({})", count(**n), percent(**n, total)),
            })
            .collect();
        if rows.is_empty() {
            out.push_str("<p class=\"note\">No documents in the sample.</p>");
            return;
        }
        out.push_str(&chart::bars(id, &rows, None));
        if sorted.len() > max_bars {
            let rest: u64 = sorted.iter().skip(max_bars).map(|(_, n)| **n).sum();
            let _ = write!(
                out,
                "<p class=\"note\">And {} more, with {} document(s) ({}) in all.</p>",
                count((sorted.len() - max_bars) as u64),
                count(rest),
                percent(rest, total)
            );
        }
    }

    /// Whether the stats count languages (then the sample's note goes with the domains).
    fn languages_from_stats(&self) -> bool {
        !self.stats.languages_kept.is_empty() || !self.stats.languages_dropped.is_empty()
    }

    fn languages(&self, out: &mut String) {
        if self.languages_from_stats() {
            self.languages_of_the_run(out);
            return;
        }
        out.push_str("<section id=\"languages\"><h2>Languages of kept documents</h2>");
        let _ = write!(
            out,
            "<p class=\"note\">By <code>metadata.language</code> ({} label(s); <code>(none)</code>: no langid step labelled them). {}</p>",
            self.sample.languages.len(),
            html(&self.sample_note())
        );
        self.top_chart("languages-chart", &self.sample.languages, "kept", out);
        out.push_str("</section>");
    }

    /// Languages of every kept and dropped document, from the run's stats.
    fn languages_of_the_run(&self, out: &mut String) {
        let s = self.stats;
        out.push_str("<section id=\"languages\"><h2>Languages, kept and dropped</h2>");
        out.push_str(
            "<p class=\"note legend\">Every document of the run by <code>metadata.language</code> (<code>(none)</code>: \
             dropped before a langid step, or no langid step):<span class=\"kept\"></span>kept<span class=\"dropped\"></span>dropped</p>",
        );
        let mut labels: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (label, n) in &s.languages_kept {
            labels.entry(label).or_default().0 += n;
        }
        for (label, n) in &s.languages_dropped {
            labels.entry(label).or_default().1 += n;
        }
        let mut sorted: Vec<(&str, (u64, u64))> = labels.into_iter().collect();
        sorted.sort_by(|a, b| (b.1.0 + b.1.1).cmp(&(a.1.0 + a.1.1)).then_with(|| a.0.cmp(b.0)));
        let max_bars = self.options.max_bars.max(1);
        let rows: Vec<Bar> = sorted
            .iter()
            .take(max_bars)
            .map(|(label, (kept, dropped))| Bar {
                label: (*label).to_owned(),
                segments: vec![seg(*kept, "kept", "kept"), seg(*dropped, "dropped", "dropped")],
                note: format!("{} kept, {} dropped", count(*kept), count(*dropped)),
            })
            .collect();
        out.push_str(&chart::bars("languages-chart", &rows, None));
        if sorted.len() > max_bars {
            let (kept, dropped) = sorted
                .iter()
                .skip(max_bars)
                .fold((0, 0), |(k, d), (_, (kept, dropped))| (k + kept, d + dropped));
            let _ = write!(
                out,
                "<p class=\"note\">And {} more label(s), with {} kept and {} dropped document(s).</p>",
                count((sorted.len() - max_bars) as u64),
                count(kept),
                count(dropped)
            );
        }
        out.push_str("</section>");
    }

    fn domains(&self, out: &mut String) {
        out.push_str("<section id=\"domains\"><h2>Top domains</h2><h3>Kept documents</h3>");
        let _ = write!(
            out,
            "<p class=\"note\">By the host of <code>url</code>: {} host(s) in the sample.{}</p>",
            count(self.sample.domains.len() as u64),
            if self.languages_from_stats() {
                format!(" {}", html(&self.sample_note()))
            } else {
                String::new()
            }
        );
        self.top_chart("domains-chart", &self.sample.domains, "kept", out);
        if !self.dropped.domains.is_empty() {
            let _ = write!(
                out,
                "<h3>Dropped documents</h3><p class=\"note\">By the host of <code>url</code>: {} \
                 host(s) among the {} document(s) of the runner's sample of dropped documents (the first of each \
                 drop reason, not every dropped document).</p>",
                count(self.dropped.domains.len() as u64),
                count(self.dropped.docs)
            );
            self.top_chart("domains-dropped-chart", &self.dropped.domains, "dropped", out);
        }
        out.push_str("</section>");
    }

    fn lengths(&self, out: &mut String) {
        out.push_str("<section id=\"lengths\"><h2>Text length</h2>");
        let _ = write!(
            out,
            "<p class=\"note\">Characters per kept document, log scale ({}).</p>",
            html(&chart::summary(&self.sample.lengths))
        );
        let svg = chart::histogram("length-histogram", &self.sample.lengths, Axis::Log, &[]);
        if svg.is_empty() {
            out.push_str("<p class=\"note\">No documents in the sample.</p>");
        }
        out.push_str(&svg);
        out.push_str("</section>");
    }

    fn signals(&self, out: &mut String) {
        out.push_str("<section id=\"signals\"><h2>Signals</h2>");
        let config_note = match self.config {
            Some(source) => format!(
                "Thresholds (dashed lines) are the settings of the steps in <code>{}</code>, defaults included.",
                html(source)
            ),
            None => "No pipeline config was given (<code>saring report --config</code>) or recorded in <code>run.json</code>, so no thresholds are drawn.".to_owned(),
        };
        let _ = write!(
            out,
            "<p class=\"note\">Every signal found in the sample of kept documents. {config_note}</p>"
        );
        if self.sample.signals.is_empty() {
            out.push_str("<p class=\"note\" id=\"signals-none\">No document in the sample has signals.</p>");
        }
        for (i, (name, values)) in self.sample.signals.iter().enumerate() {
            let thresholds = self.thresholds.map(|t| t.for_signal(name)).unwrap_or_default();
            let _ = write!(
                out,
                "<h3><code>{}</code></h3><p class=\"note\">{}</p>",
                html(name),
                html(&chart::summary(values))
            );
            out.push_str(&chart::histogram(
                &format!("signal-{i}"),
                values,
                Axis::Linear,
                &thresholds,
            ));
        }
        out.push_str("</section>");
    }

    fn samples(&self, out: &mut String) {
        out.push_str("<section id=\"samples\"><h2>Sample kept documents</h2>");
        let _ = write!(
            out,
            "<p class=\"note\">{} document(s) spread over the sample, text cut at {} characters.</p>",
            self.sample.examples.len(),
            self.options.example_chars
        );
        example_table(&self.sample.examples, out);
        out.push_str("</section>");
    }

    fn dropped_samples(&self, out: &mut String) {
        out.push_str("<section id=\"dropped-samples\"><h2>Sample dropped documents</h2>");
        let d = self.dropped;
        if d.by_reason.is_empty() {
            out.push_str(
                "<p class=\"note\" id=\"dropped-none\">No sample of dropped documents in <code>dropped/</code> \
                 (nothing was dropped, or <code>[dropped] sample_per_reason = 0</code>).</p></section>",
            );
            return;
        }
        let _ = write!(
            out,
            "<p class=\"note\">From the run's sample in <code>dropped/</code> ({} file(s), {} document(s): the first \
             dropped documents of each step and reason, in input order, per rank): up to {} per reason, text cut at {} \
             characters.{}</p>",
            d.files,
            count(d.docs),
            self.options.dropped_examples,
            self.options.example_chars,
            if d.unreadable > 0 {
                format!(" {} record(s) could not be read.", count(d.unreadable))
            } else {
                String::new()
            }
        );
        for (i, ((step, reason), examples)) in d.by_reason.iter().enumerate() {
            let _ = write!(
                out,
                "<h3 id=\"dropped-{i}\">{}: <code>{}</code></h3>",
                html(step),
                html(reason)
            );
            example_table(examples, out);
        }
        out.push_str("</section>");
    }

    fn clusters(&self, out: &mut String) {
        out.push_str("<section id=\"clusters\"><h2>Duplicate clusters</h2>");
        let Some(clusters) = self.clusters else {
            out.push_str(
                "<p class=\"note\" id=\"clusters-none\">No duplicate clusters: this directory has no <code>clusters.tsv</code> \
                 and no sampled document carries <code>dedup_cluster_size</code> above 1 (run <code>saring dedup</code> to find them).</p></section>",
            );
            return;
        };
        let docs: u64 = clusters.sizes.iter().map(|(n, _)| n).sum();
        let _ = write!(
            out,
            "<p class=\"note\">{} cluster(s) of two or more documents, {} document(s) in all, from {}{}. Clusters by size \
             (log-scaled buckets):</p>",
            count(clusters.sizes.len() as u64),
            count(docs),
            html(&clusters.source),
            if clusters.capped {
                " (only the first 1 GB of it was read)"
            } else {
                ""
            }
        );
        let rows: Vec<Bar> = clusters
            .buckets()
            .into_iter()
            .map(|(label, n)| Bar {
                label: format!("{label} documents"),
                segments: vec![seg(n, "kept", "clusters")],
                note: format!("{} cluster(s)", count(n)),
            })
            .collect();
        out.push_str(&chart::bars("clusters-chart", &rows, None));
        out.push_str("<h3>Largest clusters</h3><table id=\"largest-clusters\"><tr><th>cluster (its first document)</th><th class=\"n\">documents</th></tr>");
        for (size, id) in clusters.sizes.iter().take(self.options.max_clusters) {
            let _ = write!(
                out,
                "<tr><td class=\"id\">{}</td><td class=\"n\">{}</td></tr>",
                html(id),
                count(*size)
            );
        }
        out.push_str("</table></section>");
    }

    fn throughput(&self, out: &mut String) {
        out.push_str("<section id=\"throughput\"><h2>Throughput over time</h2>");
        let timelines = &self.stats.timeline;
        if timelines.iter().all(|t| t.points.len() < 2) {
            out.push_str(
                "<p class=\"note\" id=\"throughput-none\">No timeline in the stats (a run too short to sample, or stats \
                 of an older saring).</p></section>",
            );
            return;
        }
        let rate = |value: fn(&saring_core::TimelinePoint) -> f64| -> Vec<Series> {
            timelines
                .iter()
                .map(|t| Series {
                    name: format!("rank {}", t.rank),
                    points: t
                        .points
                        .windows(2)
                        .filter_map(|w| {
                            let [a, b] = w else { return None };
                            let secs = b.secs - a.secs;
                            (secs > 0.0).then(|| (b.secs, (value(b) - value(a)) / secs))
                        })
                        .collect(),
                })
                .collect()
        };
        let _ = write!(
            out,
            "<p class=\"note\">Records done per second, one line per rank ({} rank(s)), from each rank's timeline of at \
             most {} points; seconds from the rank's start.</p>",
            timelines.len(),
            saring_core::Timeline::MAX_POINTS
        );
        out.push_str(&chart::lines(
            "throughput-docs",
            &rate(|p| p.docs as f64),
            "s",
            "documents/s",
        ));
        out.push_str("<h3>Input MB/s</h3>");
        out.push_str(&chart::lines(
            "throughput-bytes",
            &rate(|p| p.bytes as f64 / 1e6),
            "s",
            "MB/s (as stored)",
        ));
        out.push_str("</section>");
    }
}

/// A table of sample documents: id, url, title, language, length and signals, then the text.
fn example_table(examples: &[Example], out: &mut String) {
    out.push_str("<table class=\"samples\"><tr><th>document</th><th>text</th></tr>");
    for doc in examples {
        let mut meta = format!("<div class=\"id\">{}</div>", html(&doc.id));
        if let Some(url) = &doc.url {
            let _ = write!(meta, "<div class=\"id\">{}</div>", html(url));
        }
        if let Some(title) = &doc.title {
            let _ = write!(meta, "<div><b>{}</b></div>", html(title));
        }
        let _ = write!(
            meta,
            "<div>{} · {} chars</div>",
            html(doc.language.as_deref().unwrap_or("(no language)")),
            count(doc.chars as u64)
        );
        for (name, value) in &doc.signals {
            let _ = write!(meta, "<div>{} = {}</div>", html(name), number(*value));
        }
        let _ = write!(
            out,
            "<tr><td>{meta}</td><td class=\"text\">{}</td></tr>",
            html(&doc.text)
        );
    }
    out.push_str("</table>");
}

fn seg(value: u64, class: &'static str, name: &'static str) -> Segment {
    Segment { value, class, name }
}

//! Which input argument (a file, directory or glob as given) each document came from, for the per-source
//! counts of [`RunStats::sources`](saring_core::RunStats::sources).

use std::collections::HashMap;

use saring_core::Document;
use saring_io::list_inputs;

/// Input files mapped to the first argument that names them.
pub(super) struct Sources {
    args: Vec<String>,
    of_file: HashMap<String, usize>,
}

impl Sources {
    /// Lists each argument on its own to learn which files it stands for.
    pub(super) fn new(inputs: &[String]) -> Sources {
        let mut of_file = HashMap::new();
        for (i, arg) in inputs.iter().enumerate() {
            for file in list_inputs(std::slice::from_ref(arg)).0 {
                of_file.entry(file.display().to_string()).or_insert(i);
            }
        }
        Sources {
            args: inputs.to_vec(),
            of_file,
        }
    }

    /// The argument `doc`'s file came from, `(other)` when none names it.
    pub(super) fn of(&self, doc: &Document) -> &str {
        self.of_file
            .get(&doc.provenance.path)
            .and_then(|&i| self.args.get(i))
            .map_or("(other)", String::as_str)
    }
}

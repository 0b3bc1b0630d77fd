//! The output layer: from the hidden vector to the top-k labels, as fastText's `loss.cc` predicts.
//!
//! The arithmetic follows the C++ types: `std_log` adds `1e-5` and takes the logarithm in `double`,
//! the hierarchical softmax uses the exact sigmoid in `float`, negative sampling and one-vs-all use the
//! 512-entry sigmoid table, and the softmax exponentiates in `double`.

use super::args::LossKind;
use super::matrix::Matrix;
use crate::ModelError;

const SIGMOID_TABLE_SIZE: usize = 512;
const MAX_SIGMOID: f32 = 8.0;

/// fastText's `std_log(real x)`: `log(x + 1e-5)` computed in `double`, returned as `float`.
#[inline]
pub(crate) fn std_log(x: f32) -> f32 {
    ((x as f64) + 1e-5).ln() as f32
}

/// One node of the Huffman tree; leaves are labels `0..osz`, internal nodes follow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    left: i32,
    right: i32,
    count: i64,
    /// The parent node, -1 for the root.
    parent: i32,
    /// Whether this node is its parent's right child (fastText's `binary`).
    right_child: bool,
}

/// How a model turns its hidden vector into label scores.
#[derive(Debug)]
pub(crate) enum Loss {
    /// Hierarchical softmax: a depth-first search of the Huffman tree, pruned by the k-th best score.
    Hierarchical { tree: Vec<Node>, osz: usize },
    /// Softmax over all labels.
    Softmax { osz: usize },
    /// Negative sampling or one-vs-all: an independent (table) sigmoid per label.
    Binary { osz: usize, table: Vec<f32> },
}

/// Buffers for one prediction, reused between calls.
#[derive(Debug, Default)]
pub(crate) struct LossScratch {
    output: Vec<f32>,
    stack: Vec<(u32, f32)>,
    /// A label's path to the root: `(internal node, whether the step down goes right)`.
    path: Vec<(usize, bool)>,
    /// The best predictions so far: `(log probability, label)`, best first.
    pub(crate) top: Vec<(f32, u32)>,
}

impl Loss {
    /// The loss of the given kind for labels with these training counts; checks the output matrix's shape.
    pub(crate) fn new(kind: LossKind, counts: &[i64], output: &Matrix) -> Result<Loss, ModelError> {
        let osz = counts.len();
        let rows = output.rows();
        let invalid = |message: String| ModelError::Invalid { offset: 0, message };
        match kind {
            LossKind::HierarchicalSoftmax => {
                if rows + 1 < osz {
                    return Err(invalid(format!(
                        "hierarchical softmax over {osz} labels needs {} output rows, the model has {rows}",
                        osz - 1
                    )));
                }
                let tree = build_tree(counts).ok_or_else(|| {
                    invalid(
                        "the label counts do not make a Huffman tree (a node would be its own descendant)"
                            .to_owned(),
                    )
                })?;
                Ok(Loss::Hierarchical { tree, osz })
            }
            LossKind::Softmax | LossKind::NegativeSampling | LossKind::OneVsAll => {
                if rows != osz {
                    return Err(invalid(format!("{osz} labels but {rows} output rows")));
                }
                Ok(if kind == LossKind::Softmax {
                    Loss::Softmax { osz }
                } else {
                    Loss::Binary {
                        osz,
                        table: sigmoid_table(),
                    }
                })
            }
        }
    }

    /// The `k` best labels for `hidden` whose probability is at least `threshold`, into `scratch.top`.
    pub(crate) fn predict(
        &self,
        output: &Matrix,
        hidden: &[f32],
        k: usize,
        threshold: f32,
        scratch: &mut LossScratch,
    ) {
        scratch.top.clear();
        if k == 0 {
            return;
        }
        match self {
            Loss::Hierarchical { tree, osz } => {
                hierarchical(tree, *osz, output, hidden, k, threshold, scratch);
            }
            Loss::Softmax { .. } | Loss::Binary { .. } => {
                self.compute_output(output, hidden, &mut scratch.output);
                find_k_best(k, threshold, scratch);
            }
        }
    }

    /// The probability of one label, as [`Loss::predict`] would report it, without ranking the others:
    /// for the hierarchical softmax, the product along the label's path from the root, accumulated in the
    /// same order as the search does.
    pub(crate) fn label_probability(
        &self,
        output: &Matrix,
        hidden: &[f32],
        label: usize,
        scratch: &mut LossScratch,
    ) -> f32 {
        match self {
            Loss::Hierarchical { tree, osz } => {
                scratch.path.clear();
                let mut node = tree.get(label);
                while let Some(n) = node {
                    // Parents have higher indices than their children (checked in `build_tree`), so
                    // this ends at the root.
                    let Ok(parent) = usize::try_from(n.parent) else {
                        break;
                    };
                    scratch.path.push((parent, n.right_child));
                    node = tree.get(parent);
                }
                let mut score = 0.0f32;
                for &(parent, right_child) in scratch.path.iter().rev() {
                    let f = output.dot_row(hidden, parent.wrapping_sub(*osz));
                    let f = 1.0 / (1.0 + (-f).exp());
                    score += std_log(if right_child { f } else { 1.0 - f });
                }
                score.exp()
            }
            Loss::Softmax { .. } | Loss::Binary { .. } => {
                self.compute_output(output, hidden, &mut scratch.output);
                scratch.output.get(label).map_or(0.0, |&p| std_log(p).exp())
            }
        }
    }

    /// Every label's probability (softmax) or sigmoid (negative sampling, one-vs-all) into `out`.
    fn compute_output(&self, output: &Matrix, hidden: &[f32], out: &mut Vec<f32>) {
        out.clear();
        match self {
            Loss::Hierarchical { .. } => {}
            Loss::Softmax { osz } => {
                out.extend((0..*osz).map(|i| output.dot_row(hidden, i)));
                let first = out.first().copied().unwrap_or(0.0);
                let max = out.iter().fold(first, |max, &o| if o > max { o } else { max });
                let mut z = 0.0f32;
                for o in out.iter_mut() {
                    *o = (f64::from(*o - max)).exp() as f32;
                    z += *o;
                }
                for o in out.iter_mut() {
                    *o /= z;
                }
            }
            Loss::Binary { osz, table } => {
                out.extend((0..*osz).map(|i| table_sigmoid(table, output.dot_row(hidden, i))));
            }
        }
    }
}

/// fastText's `buildTree`: merge the two lightest nodes, leaves taken from the end (labels are sorted by
/// descending count). `None` when corrupt counts (above fastText's 1e15 sentinel) would make a node a
/// child of itself, which would send the search round in circles.
fn build_tree(counts: &[i64]) -> Option<Vec<Node>> {
    let osz = counts.len();
    let size = 2 * osz - 1;
    let mut tree = vec![
        Node {
            left: -1,
            right: -1,
            count: 1_000_000_000_000_000,
            parent: -1,
            right_child: false,
        };
        size
    ];
    for (node, &count) in tree.iter_mut().zip(counts) {
        node.count = count;
    }
    let count = |tree: &[Node], i: i64| tree.get(i as usize).map_or(i64::MAX, |n| n.count);
    let mut leaf = osz as i64 - 1;
    let mut node = osz as i64;
    for i in osz..size {
        let mut mini = [0i64; 2];
        for slot in &mut mini {
            if leaf >= 0 && count(&tree, leaf) < count(&tree, node) {
                *slot = leaf;
                leaf -= 1;
            } else {
                *slot = node;
                node += 1;
            }
        }
        if mini.iter().any(|&child| child >= i as i64) {
            return None;
        }
        let merged = count(&tree, mini[0]).saturating_add(count(&tree, mini[1]));
        if let Some(parent) = tree.get_mut(i) {
            parent.left = mini[0] as i32;
            parent.right = mini[1] as i32;
            parent.count = merged;
        }
        for (child, right_child) in [(mini[0], false), (mini[1], true)] {
            if let Some(child) = tree.get_mut(child as usize) {
                child.parent = i as i32;
                child.right_child = right_child;
            }
        }
    }
    Some(tree)
}

/// fastText's `HierarchicalSoftmaxLoss::dfs`, with an explicit stack (left subtree first) so that a deep
/// tree cannot overflow the thread's stack.
fn hierarchical(
    tree: &[Node],
    osz: usize,
    output: &Matrix,
    hidden: &[f32],
    k: usize,
    threshold: f32,
    scratch: &mut LossScratch,
) {
    let log_threshold = std_log(threshold);
    scratch.stack.clear();
    scratch.stack.push(((2 * osz - 2) as u32, 0.0));
    while let Some((node, score)) = scratch.stack.pop() {
        if score < log_threshold {
            continue;
        }
        if scratch.top.len() == k && scratch.top.last().is_some_and(|worst| score < worst.0) {
            continue;
        }
        let Some(n) = tree.get(node as usize) else {
            continue;
        };
        if n.left == -1 && n.right == -1 {
            insert(&mut scratch.top, k, score, node);
            continue;
        }
        let f = output.dot_row(hidden, (node as usize).wrapping_sub(osz));
        let f = 1.0 / (1.0 + (-f).exp());
        scratch.stack.push((n.right as u32, score + std_log(f)));
        scratch.stack.push((n.left as u32, score + std_log(1.0 - f)));
    }
}

/// fastText's `findKBest` over `scratch.output` (probabilities).
fn find_k_best(k: usize, threshold: f32, scratch: &mut LossScratch) {
    for (i, &p) in scratch.output.iter().enumerate() {
        if p < threshold {
            continue;
        }
        let score = std_log(p);
        if scratch.top.len() == k && scratch.top.last().is_some_and(|worst| score < worst.0) {
            continue;
        }
        insert(&mut scratch.top, k, score, i as u32);
    }
}

/// Adds a candidate to the best-first list and keeps `k`; on a tie the newer candidate goes first, so with
/// `k = 1` the later label wins as with fastText's heap.
fn insert(top: &mut Vec<(f32, u32)>, k: usize, score: f32, label: u32) {
    let at = top.partition_point(|entry| entry.0 > score);
    top.insert(at, (score, label));
    top.truncate(k);
}

fn sigmoid_table() -> Vec<f32> {
    (0..=SIGMOID_TABLE_SIZE)
        .map(|i| {
            let x = (i * 2 * MAX_SIGMOID as usize) as f32 / SIGMOID_TABLE_SIZE as f32 - MAX_SIGMOID;
            (1.0 / (1.0 + f64::from((-x).exp()))) as f32
        })
        .collect()
}

/// fastText's `Loss::sigmoid`: a table lookup between -8 and 8.
fn table_sigmoid(table: &[f32], x: f32) -> f32 {
    if x < -MAX_SIGMOID {
        0.0
    } else if x > MAX_SIGMOID {
        1.0
    } else {
        let i = ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE as f32 / MAX_SIGMOID / 2.0) as usize;
        table.get(i).copied().unwrap_or(1.0)
    }
}

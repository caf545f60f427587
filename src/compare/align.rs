//! Lining up two drafts sentence by sentence, and what changed inside a sentence,
//! word by word. The diffs come from the `similar` crate (Patience diff, which keeps
//! moved and repeated sentences readable); this file only decides which removed
//! sentence a new one rewrites.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

/// How one row of the side-by-side view came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    /// The same sentence in both (ignoring case and spacing).
    Same,
    /// A sentence rewritten.
    Changed,
    /// Only in the first draft.
    Removed,
    /// Only in the second draft.
    Added,
}

/// One row: sentence indices into each draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub kind: RowKind,
    pub before: Option<usize>,
    pub after: Option<usize>,
}

/// A new sentence is paired with a removed one as its rewrite only if they share at
/// least this much of their vocabulary (Dice coefficient over lowercase words);
/// below it, they are shown as one removed and one added, which reads better than a
/// diff that changes every word.
const SAME_SENTENCE_SIMILARITY: f64 = 0.3;

fn similarity(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> std::collections::HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64
}

fn normalised(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub fn align(before: &[&str], after: &[&str]) -> Vec<Row> {
    let old: Vec<String> = before.iter().map(|s| normalised(s)).collect();
    let new: Vec<String> = after.iter().map(|s| normalised(s)).collect();
    let mut rows = Vec::new();
    let (mut pending_old, mut pending_new) = (Vec::new(), Vec::new());
    for op in similar::capture_diff_slices(Algorithm::Patience, &old, &new) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                pair_up(&old, &new, &mut pending_old, &mut pending_new, &mut rows);
                rows.extend((0..len).map(|i| Row { kind: RowKind::Same, before: Some(old_index + i), after: Some(new_index + i) }));
            }
            DiffOp::Delete { old_index, old_len, .. } => pending_old.extend(old_index..old_index + old_len),
            DiffOp::Insert { new_index, new_len, .. } => pending_new.extend(new_index..new_index + new_len),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                pending_old.extend(old_index..old_index + old_len);
                pending_new.extend(new_index..new_index + new_len);
            }
        }
    }
    pair_up(&old, &new, &mut pending_old, &mut pending_new, &mut rows);
    rows
}

/// Sentence by sentence in order, for drafts in different languages (a
/// translation shares too few words to pair sentences by their vocabulary).
pub fn by_position(before: usize, after: usize) -> Vec<Row> {
    (0..before.max(after))
        .map(|i| {
            let (b, a) = ((i < before).then_some(i), (i < after).then_some(i));
            let kind = match (b, a) {
                (Some(_), Some(_)) => RowKind::Changed,
                (Some(_), None) => RowKind::Removed,
                _ => RowKind::Added,
            };
            Row { kind, before: b, after: a }
        })
        .collect()
}

/// Between two runs of unchanged sentences: pair a removed sentence with a new one
/// as its rewrite when each is the other's closest (and close enough), keeping
/// text order; the rest are removed or added. Mutual choice stops a short sentence
/// that shares a label ("Outcome:") with many from taking another's rewrite.
fn pair_up(old: &[String], new: &[String], pending_old: &mut Vec<usize>, pending_new: &mut Vec<usize>, rows: &mut Vec<Row>) {
    let sim: Vec<Vec<f64>> = pending_old.iter().map(|&o| pending_new.iter().map(|&n| similarity(&old[o], &new[n])).collect()).collect();
    let best_new = |i: usize| (0..pending_new.len()).max_by(|&a, &b| sim[i][a].total_cmp(&sim[i][b]).then(b.cmp(&a)));
    let best_old = |j: usize| (0..pending_old.len()).max_by(|&a, &b| sim[a][j].total_cmp(&sim[b][j]).then(b.cmp(&a)));
    let mut next_new = 0;
    for (i, &o) in pending_old.iter().enumerate() {
        let partner = best_new(i).filter(|&j| j >= next_new && sim[i][j] >= SAME_SENTENCE_SIMILARITY && best_old(j) == Some(i));
        match partner {
            Some(j) => {
                for &n in &pending_new[next_new..j] {
                    rows.push(Row { kind: RowKind::Added, before: None, after: Some(n) });
                }
                rows.push(Row { kind: RowKind::Changed, before: Some(o), after: Some(pending_new[j]) });
                next_new = j + 1;
            }
            None => rows.push(Row { kind: RowKind::Removed, before: Some(o), after: None }),
        }
    }
    for &n in &pending_new[next_new..] {
        rows.push(Row { kind: RowKind::Added, before: None, after: Some(n) });
    }
    pending_old.clear();
    pending_new.clear();
}

/// A piece of a word-level diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Piece {
    Kept,
    Deleted,
    Inserted,
}

/// The words of `before` and `after` in order, each kept, deleted or inserted
/// (spaces travel with the word before them).
pub fn word_diff<'a>(before: &'a str, after: &'a str) -> Vec<(Piece, &'a str)> {
    let diff = TextDiff::from_words(before, after);
    diff.iter_all_changes()
        .map(|c| {
            let piece = match c.tag() {
                ChangeTag::Equal => Piece::Kept,
                ChangeTag::Delete => Piece::Deleted,
                ChangeTag::Insert => Piece::Inserted,
            };
            (piece, c.value())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(rows: &[Row]) -> Vec<(RowKind, Option<usize>, Option<usize>)> {
        rows.iter().map(|r| (r.kind, r.before, r.after)).collect()
    }

    #[test]
    fn sentences_with_little_in_common_are_removed_and_added() {
        let before = ["I visited Mrs Ali at home.", "She was hostile.", "Case closed."];
        let after = [
            "I visited Mrs Ali at home.",
            "She shouted at me to leave and slammed the door.",
            "I closed the case because Mrs Ali told me she wants no more visits.",
        ];
        // Neither old sentence shares enough words with a new one to be paired:
        // both are shown as removed, then the new ones as added.
        assert_eq!(
            kinds(&align(&before, &after)),
            vec![
                (RowKind::Same, Some(0), Some(0)),
                (RowKind::Removed, Some(1), None),
                (RowKind::Removed, Some(2), None),
                (RowKind::Added, None, Some(1)),
                (RowKind::Added, None, Some(2)),
            ]
        );
    }

    #[test]
    fn close_rewrites_are_paired_and_new_sentences_added_in_place() {
        let before = ["Mr Price was seen at home.", "He is not coping.", "Referral made."];
        let after = [
            "I saw Mr Price at home on 3 May.",
            "He told me he has not eaten a hot meal since Tuesday.",
            "He is not coping with cooking.",
            "Referral made.",
        ];
        assert_eq!(
            kinds(&align(&before, &after)),
            vec![
                (RowKind::Changed, Some(0), Some(0)),
                (RowKind::Added, None, Some(1)),
                (RowKind::Changed, Some(1), Some(2)),
                (RowKind::Same, Some(2), Some(3)),
            ]
        );
    }

    #[test]
    fn case_and_spacing_do_not_make_a_change() {
        let rows = align(&["Case  closed."], &["case closed."]);
        assert_eq!(kinds(&rows), vec![(RowKind::Same, Some(0), Some(0))]);
    }

    #[test]
    fn word_diff_marks_what_was_replaced() {
        let pieces = word_diff("Mum was hostile today.", "Mum shouted at me today.");
        let words = |piece: Piece| -> Vec<&str> {
            pieces.iter().filter(|p| p.0 == piece).flat_map(|p| p.1.split_whitespace()).collect()
        };
        assert_eq!(words(Piece::Deleted), ["was", "hostile"]);
        assert_eq!(words(Piece::Inserted), ["shouted", "at", "me"]);
        let before: String = pieces.iter().filter(|p| p.0 != Piece::Inserted).map(|p| p.1).collect();
        assert_eq!(before, "Mum was hostile today.");
    }

    #[test]
    fn a_sentence_pairs_with_its_closest_rewrite_not_the_first_that_shares_a_label() {
        let before = ["Canlyniad personol: lleihau straen y gofalwr.", "Canlyniad: gofal seibiant unwaith y mis."];
        let after = ["Dywedodd Huw: \"Dw i isio cysgu noson gyfa.\"", "Canlyniad: seibiant unwaith y mis."];
        assert_eq!(
            kinds(&align(&before, &after)),
            vec![(RowKind::Removed, Some(0), None), (RowKind::Added, None, Some(0)), (RowKind::Changed, Some(1), Some(1))]
        );
    }
}

//! A workshop: many participants' pairs, and what the class as a whole improved
//! and still finds hard.

use serde::Serialize;

use super::{CategoryCounts, Comparison};
use crate::finding::Category;

/// One participant's pair: compared, or the problem that stopped it (naming the file).
pub struct Pair {
    /// The participant's name, or "Participant 3" when anonymised.
    pub name: String,
    /// Where each draft came from (a file, a CSV row, or the command line);
    /// empty when anonymised.
    pub before_source: String,
    pub after_source: String,
    pub result: Result<Comparison, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassSummary {
    pub pairs: usize,
    pub compared: usize,
    pub could_not_compare: usize,
    /// Participants with fewer findings after than before.
    pub improved: usize,
    /// Totals over the compared pairs, every category.
    pub categories: Vec<CategoryCounts>,
    /// Categories with resolved findings, most resolved first (ties: check order).
    pub improved_most: Vec<Ranked>,
    /// Categories with findings left or new in the afters, most first.
    pub trips_up: Vec<Ranked>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub category: Category,
    pub count: usize,
}

pub fn class_summary(pairs: &[Pair]) -> ClassSummary {
    let compared: Vec<&Comparison> = pairs.iter().filter_map(|p| p.result.as_ref().ok()).collect();
    let mut categories: Vec<CategoryCounts> = Category::ALL
        .iter()
        .map(|&category| CategoryCounts { category, before: 0, after: 0, resolved: 0, still_present: 0, introduced: 0 })
        .collect();
    for c in &compared {
        for one in c.by_category() {
            let total = &mut categories[one.category.index()];
            total.before += one.before;
            total.after += one.after;
            total.resolved += one.resolved;
            total.still_present += one.still_present;
            total.introduced += one.introduced;
        }
    }
    let ranked = |key: &dyn Fn(&CategoryCounts) -> usize| {
        let mut v: Vec<Ranked> = categories.iter().map(|c| Ranked { category: c.category, count: key(c) }).filter(|r| r.count > 0).collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.count));
        v
    };
    let (improved_most, trips_up) = (ranked(&|c| c.resolved), ranked(&|c| c.still_present + c.introduced));
    // The six established checks always; a newer one only where it was found.
    categories.retain(|c| c.category.is_established() || c.before + c.after > 0);
    ClassSummary {
        pairs: pairs.len(),
        compared: compared.len(),
        could_not_compare: pairs.len() - compared.len(),
        improved: compared.iter().filter(|c| c.after.findings.len() < c.before.findings.len()).count(),
        improved_most,
        trips_up,
        categories,
    }
}

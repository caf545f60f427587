//! Dates written in a note ("3 March 2025", "03/03/2025", "Fri 07/03/2025",
//! "3ydd o Fawrth 2025", "on the 4th"), read well enough to tell how many days lie
//! between two of them. Nothing here knows today's date: only the note's own dates
//! are compared.

/// A date as written: the day of the month, and the month and year when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    pub day: u8,
    pub month: Option<u8>,
    pub year: Option<i32>,
    /// Byte span in the text it was read from.
    pub start: usize,
    pub end: usize,
}

const EN_MONTHS: &[&str] =
    &["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const EN_SHORT: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/// Welsh month names with their mutated forms ("o Fawrth", "ym Mehefin").
const CY_MONTHS: &[(&str, u8)] = &[
    ("ionawr", 1), ("chwefror", 2), ("mawrth", 3), ("fawrth", 3), ("ebrill", 4), ("mai", 5), ("fai", 5), ("mehefin", 6), ("fehefin", 6),
    ("gorffennaf", 7), ("orffennaf", 7), ("awst", 8), ("medi", 9), ("fedi", 9), ("hydref", 10), ("tachwedd", 11), ("dachwedd", 11),
    ("rhagfyr", 12), ("ragfyr", 12),
];

/// The month a word names, if any ("Mar", "Fawrth"). "May" and "Mai" are months only
/// next to a day number, which the caller checks.
fn month_of(word: &str) -> Option<u8> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if let Some(i) = EN_MONTHS.iter().position(|m| *m == w) {
        return Some(i as u8 + 1);
    }
    if w == "sept" {
        return Some(9);
    }
    if let Some(i) = EN_SHORT.iter().position(|m| *m == w) {
        return Some(i as u8 + 1);
    }
    CY_MONTHS.iter().find(|(m, _)| *m == w).map(|&(_, n)| n)
}

/// A day number: "3", "03", "3rd", "23ain", "3ydd", "1af".
fn day_of(word: &str) -> Option<u8> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = &word[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !matches!(rest.to_lowercase().as_str(), "" | "st" | "nd" | "rd" | "th" | "af" | "ail" | "ydd" | "edd" | "fed" | "ain" | "eg" | "ed") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_of(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())).then(|| word.parse().ok()).flatten().filter(|y| (1990..=2100).contains(y))
}

/// Numeric dates: "07/03/2025", "7.3.25", "2025-03-07", "07/03".
fn numeric(word: &str) -> Option<(u8, u8, Option<i32>)> {
    let parts: Vec<&str> = word.split(['/', '.', '-']).collect();
    if !parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n = |s: &str| s.parse::<i32>().ok();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => Some((n(d)? as u8, n(m)? as u8, Some(n(y)?))),
        [d, m, y] if d.len() <= 2 && m.len() <= 2 && (y.len() == 4 || y.len() == 2) => {
            let y = n(y)?;
            Some((n(d)? as u8, n(m)? as u8, Some(if y < 100 { 2000 + y } else { y })))
        }
        // Day and month alone only with a slash ("07/03"): "7.3" is a number.
        [d, m] if word.contains('/') && d.len() <= 2 && m.len() <= 2 => Some((n(d)? as u8, n(m)? as u8, None)),
        _ => None,
    }
    .filter(|&(d, m, _)| (1..=31).contains(&d) && (1..=12).contains(&m))
}

/// Words after which a day/month is a score ("Score 6/10").
const SCORE_WORDS: &[&str] = &["scor", "sgôr", "sgor", "rated", "rating", "marc", "out of", "allan o"];

/// Every date in `text`, in order, with spans offset by `base`.
pub fn find(text: &str, base: usize) -> Vec<Written> {
    // Words with their spans: runs of letters, digits and the joiners of dates.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let part = c.is_alphanumeric() || ((c == '/' || c == '.' || c == '-') && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    // A trailing "." or "-" is punctuation, not part of the word.
    let words: Vec<(usize, usize)> = words
        .into_iter()
        .map(|(s, mut e)| {
            while e > s && matches!(text.as_bytes()[e - 1], b'.' | b'-' | b'/') {
                e -= 1;
            }
            (s, e)
        })
        .filter(|(s, e)| e > s)
        .collect();
    let w = |i: usize| &text[words[i].0..words[i].1];
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = w(i);
        if let Some((day, month, year)) = numeric(word) {
            // "6/10" after a score word is a score, not the 6th of October.
            let look = crate::safe_text::floor_boundary(text, words[i].0.saturating_sub(24));
            let before = text[look..words[i].0].to_lowercase();
            if year.is_none() && SCORE_WORDS.iter().any(|w| before.contains(w)) {
                i += 1;
                continue;
            }
            out.push(Written { day, month: Some(month), year, start: base + words[i].0, end: base + words[i].1 });
            i += 1;
            continue;
        }
        if let Some(day) = day_of(word) {
            // "3 March 2025", "3ydd o Fawrth", "3 Mar"
            let mut j = i + 1;
            if j < words.len() && matches!(w(j).to_lowercase().as_str(), "o" | "of") {
                j += 1;
            }
            if j < words.len() {
                if let Some(month) = month_of(w(j)) {
                    let year = (j + 1 < words.len()).then(|| year_of(w(j + 1))).flatten();
                    let end = if year.is_some() { words[j + 1].1 } else { words[j].1 };
                    out.push(Written { day, month: Some(month), year, start: base + words[i].0, end: base + end });
                    i = if year.is_some() { j + 2 } else { j + 1 };
                    continue;
                }
            }
            // "on the 4th", "ar y 4ydd": a day of the month alone, only in an ordinal form.
            let ordinal = word.len() > word.trim_end_matches(char::is_alphabetic).len();
            let the = i >= 1 && matches!(w(i - 1).to_lowercase().as_str(), "the" | "y" | "yr");
            if ordinal && the {
                out.push(Written { day, month: None, year: None, start: base + words[i].0, end: base + words[i].1 });
            }
            i += 1;
            continue;
        }
        if let Some(month) = month_of(word) {
            // "March 3, 2025", "March 3rd" (not "Medi: 3", a label and a number)
            if i + 1 < words.len() && text[words[i].1..words[i + 1].0].trim().is_empty() {
                if let Some(day) = day_of(w(i + 1)) {
                    let year = (i + 2 < words.len()).then(|| year_of(w(i + 2))).flatten();
                    let end = if year.is_some() { words[i + 2].1 } else { words[i + 1].1 };
                    out.push(Written { day, month: Some(month), year, start: base + words[i].0, end: base + end });
                    i += if year.is_some() { 3 } else { 2 };
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Days since 1 March of year 0 (a proleptic Gregorian day count), for differences.
pub fn day_number(year: i32, month: u8, day: u8) -> i64 {
    let (y, m) = if month <= 2 { (year as i64 - 1, month as i64 + 9) } else { (year as i64, month as i64 - 3) };
    365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + (153 * m + 2) / 5 + day as i64 - 1
}

/// The day number of `d`, with a missing year (and month) taken from `context`
/// (another date of the same note): a month after the context's month is taken as
/// the year before ("on 28 December" in a note dated 4 January).
pub fn resolve(d: &Written, context: Option<(i32, u8, u8)>) -> Option<i64> {
    match (d.month, d.year, context) {
        (Some(m), Some(y), _) => Some(day_number(y, m, d.day)),
        (Some(m), None, Some((cy, cm, _))) => Some(day_number(if m > cm + 1 { cy - 1 } else { cy }, m, d.day)),
        (None, None, Some((cy, cm, cd))) => {
            // "the 4th": this month if not after the context's day, else last month.
            if d.day <= cd {
                Some(day_number(cy, cm, d.day))
            } else if cm == 1 {
                Some(day_number(cy - 1, 12, d.day))
            } else {
                Some(day_number(cy, cm - 1, d.day))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> Vec<(u8, Option<u8>, Option<i32>)> {
        find(text, 0).into_iter().map(|d| (d.day, d.month, d.year)).collect()
    }

    #[test]
    fn reads_the_forms_notes_use() {
        assert_eq!(days("Date of visit: 3 March 2025. Recorded: 11/03/2025"), vec![(3, Some(3), Some(2025)), (11, Some(3), Some(2025))]);
        assert_eq!(days("Fri 07/03/2025 08:00 – Carer: Sioned."), vec![(7, Some(3), Some(2025))]);
        assert_eq!(days("ar y 3ydd o Fawrth 2025 ac ar 14 Ebrill"), vec![(3, Some(3), Some(2025)), (14, Some(4), None)]);
        assert_eq!(days("logged on the 14th as on the 3rd"), vec![(14, None, None), (3, None, None)]);
        assert_eq!(days("March 3rd, 2025 and 2025-03-04"), vec![(3, Some(3), Some(2025)), (4, Some(3), Some(2025))]);
    }

    #[test]
    fn leaves_numbers_that_are_not_dates() {
        assert!(days("She scored 6/10 and walked 3 miles in 2.5 hours; 25 metres; 4 May people").len() <= 1);
        assert_eq!(days("Score 6/10"), vec![]);
        assert_eq!(days("on 3 may"), vec![(3, Some(5), None)]);
        assert_eq!(days("aged 88, 3 times a week"), vec![]);
    }

    #[test]
    fn counts_days_between() {
        assert_eq!(day_number(2025, 3, 11) - day_number(2025, 3, 3), 8);
        assert_eq!(day_number(2025, 3, 1) - day_number(2025, 2, 28), 1);
        assert_eq!(day_number(2024, 3, 1) - day_number(2024, 2, 28), 2);
        let d = find("on 28 December", 0)[0];
        assert_eq!(resolve(&d, Some((2025, 1, 4))), Some(day_number(2024, 12, 28)));
    }
}

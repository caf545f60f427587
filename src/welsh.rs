//! Welsh initial mutation, undone.
//!
//! Welsh words change their first sound after certain words: "gofal" (care) appears
//! as "ofal" (soft), "ngofal" (nasal), and vowel-initial words take an "h"
//! ("ei hannibyniaeth"). A word list stores each term once, in its radical (dictionary)
//! form; to match running text, every word is expanded into the radical forms it
//! could come from. The expansion over-generates on purpose ("dda" yields "da" and
//! "tda"): a candidate only matters if it is a term in the word list, and the lists
//! are small and curated, so a wrong candidate has nothing to match.

/// The forms a (lowercase) Welsh word could have had before mutation, the word
/// itself first. Digraphs are Welsh letters (dd, ff, ll, ng, rh, ch, ph, th), so
/// the order of the tests below matters.
pub fn radical_forms(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    radical_parts(word, |prefix, rest| {
        let s = format!("{prefix}{rest}");
        if !s.is_empty() && !forms.contains(&s) {
            forms.push(s);
        }
    });
    forms
}

/// Calls `emit(prefix, rest)` for each radical candidate `prefix + rest` of `word`
/// (not the word itself, and possibly with repeats), without allocating.
pub fn radical_parts<'w>(word: &'w str, mut emit: impl FnMut(&'static str, &'w str)) {
    let rest = |n: usize| &word[n..];
    let starts = |p: &str| word.starts_with(p);

    // Nasal mutation: p→mh, t→nh, c→ngh, b→m, d→n, g→ng.
    if starts("ngh") {
        emit("c", rest(3));
    } else if starts("mh") {
        emit("p", rest(2));
    } else if starts("nh") {
        emit("t", rest(2));
    } else if starts("ng") {
        emit("g", rest(2));
    }
    // Aspirate mutation: p→ph, t→th, c→ch.
    if starts("ph") {
        emit("p", rest(2));
    } else if starts("th") {
        emit("t", rest(2));
    } else if starts("ch") {
        emit("c", rest(2));
    }
    // Soft mutation: p→b, t→d, c→g, b→f, d→dd, g→(gone), m→f, ll→l, rh→r.
    if starts("dd") {
        emit("d", rest(2));
    } else if starts("b") {
        emit("p", rest(1));
    } else if starts("d") {
        emit("t", rest(1));
    } else if starts("g") && !starts("ng") {
        emit("c", rest(1));
    } else if starts("f") && !starts("ff") {
        emit("b", rest(1));
        emit("m", rest(1));
    } else if starts("m") && !starts("mh") {
        // Nasal of b.
        emit("b", rest(1));
    } else if starts("n") && !starts("ng") && !starts("nh") {
        // Nasal of d.
        emit("d", rest(1));
    } else if starts("l") && !starts("ll") {
        emit("ll", rest(1));
    } else if starts("r") && !starts("rh") {
        emit("rh", rest(1));
    }
    // Soft mutation drops an initial g: "gwaith"→"waith", "gofal"→"ofal", "glan"→"lan".
    let first = word.chars().next();
    if matches!(first, Some('a' | 'e' | 'i' | 'o' | 'u' | 'w' | 'y' | 'â' | 'ê' | 'î' | 'ô' | 'û' | 'ŵ' | 'ŷ' | 'l' | 'r')) {
        emit("g", word);
    }
    // h-prothesis before vowels: "ei henw"→"enw", "eu hiaith"→"iaith".
    if let Some(after_h) = word.strip_prefix('h') {
        if matches!(after_h.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u' | 'w' | 'y' | 'â' | 'ê' | 'î' | 'ô' | 'û' | 'ŵ' | 'ŷ')) {
            emit("", after_h);
        }
    }
}

/// Short words written more than one way: the article (y, yr, 'r), "and" (a, ac)
/// and "with" (â, ag, and "a" when the circumflex is left off). A word list writes
/// one ("y", "â") and matches them all.
pub fn spelling_equivalents(word: &str) -> &'static [&'static str] {
    match word {
        "yr" => &["y"],
        "y" => &["yr"],
        "ac" => &["a"],
        "ag" => &["â"],
        "a" => &["â"],
        _ => &[],
    }
}

/// Welsh clitic forms written after an apostrophe ("mae hi'n", "i'r", "a'i") and the
/// full words they stand for, so that "'n ymosodol" matches a pattern "yn ymosodol".
pub fn clitic_expansion(clitic: &str) -> &'static [&'static str] {
    match clitic {
        "'n" => &["yn"],
        "'r" => &["yr", "y"],
        "'i" => &["ei"],
        "'w" => &["ei", "eu"],
        "'u" => &["eu"],
        "'m" => &["fy"],
        "'th" => &["dy"],
        "'ch" => &["eich"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::radical_forms;

    fn has(word: &str, radical: &str) -> bool {
        radical_forms(word).iter().any(|f| f == radical)
    }

    #[test]
    fn soft_mutation_is_undone() {
        assert!(has("ofal", "gofal"));
        assert!(has("bolisi", "polisi"));
        assert!(has("deulu", "teulu"));
        assert!(has("gartref", "cartref"));
        assert!(has("fam", "mam"));
        assert!(has("fws", "bws"));
        assert!(has("ddiogel", "diogel"));
        assert!(has("lythyr", "llythyr"));
        assert!(has("rieni", "rhieni"));
        assert!(has("waith", "gwaith"));
    }

    #[test]
    fn nasal_and_aspirate_mutation_and_h_are_undone() {
        assert!(has("nghartref", "cartref"));
        assert!(has("ngofal", "gofal"));
        assert!(has("mhlant", "plant"));
        assert!(has("nhad", "tad"));
        assert!(has("mrawd", "brawd"));
        assert!(has("nghyfarfod", "cyfarfod"));
        assert!(has("thad", "tad"));
        assert!(has("chartref", "cartref"));
        assert!(has("phlant", "plant"));
        assert!(has("hannibyniaeth", "annibyniaeth"));
    }

    #[test]
    fn the_word_itself_comes_first_and_radicals_stay() {
        assert_eq!(radical_forms("gofal")[0], "gofal");
        assert_eq!(radical_forms("ffrind"), vec!["ffrind".to_string()]);
    }
}

/// The three Welsh initial mutations, for words cofnod inserts (a replacement after
/// "i", "â", "fy" ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    Soft,
    Nasal,
    Aspirate,
}

/// `word` with its first sound mutated, the case of its first letter kept. Letters
/// that a mutation leaves alone (and the digraphs ch, dd, ff, ng, ph, th) stay.
pub fn mutate(word: &str, m: Mutation) -> String {
    let lower = word.to_lowercase();
    if ["ch", "dd", "ff", "ng", "ph", "th"].iter().any(|d| lower.starts_with(d)) {
        return word.to_string();
    }
    let table: &[(&str, &str)] = match m {
        Mutation::Soft => &[("ll", "l"), ("rh", "r"), ("p", "b"), ("t", "d"), ("c", "g"), ("b", "f"), ("d", "dd"), ("g", ""), ("m", "f")],
        Mutation::Nasal => &[("p", "mh"), ("t", "nh"), ("c", "ngh"), ("b", "m"), ("d", "n"), ("g", "ng")],
        Mutation::Aspirate => &[("p", "ph"), ("t", "th"), ("c", "ch")],
    };
    let Some((from, to)) = table.iter().find(|(from, _)| lower.starts_with(from)) else {
        return word.to_string();
    };
    let rest = &word[from.len()..];
    let mutated = format!("{to}{rest}");
    if word.chars().next().is_some_and(char::is_uppercase) {
        let mut c = mutated.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    } else {
        mutated
    }
}

/// The mutation a word makes on the word after it, for the unambiguous triggers:
/// prepositions and pronouns that always mutate ("i", "o", "gan", "fy", "â", "gyda").
/// "yn", "ei" and "y" depend on what follows (a verb-noun, his or her, a feminine
/// noun) and are left alone.
pub fn mutation_after(word: &str) -> Option<Mutation> {
    let w = word.to_lowercase();
    let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '’' && c != '\'');
    match w {
        "i" | "o" | "am" | "ar" | "at" | "gan" | "heb" | "dan" | "tan" | "dros" | "drwy" | "trwy" | "wrth" | "hyd" | "dy" | "neu" | "pa" | "mor"
        | "rhy" | "dau" | "dwy" | "ail" | "ganddi" | "ganddo" | "ganddyn" | "ganddynt" | "gennym" | "gennych" | "gennyf" => Some(Mutation::Soft),
        "fy" => Some(Mutation::Nasal),
        "â" | "a" | "gyda" | "efo" | "tri" | "chwe" | "na" | "tua" => Some(Mutation::Aspirate),
        _ => None,
    }
}

/// Does `word` start with a vowel sound ("â" becomes "ag" before it, "a" "ac")?
pub fn starts_with_vowel(word: &str) -> bool {
    word.chars().next().is_some_and(|c| "aeiouwyâêîôûŵŷáéíóúàèìòù".contains(c.to_lowercase().next().unwrap_or(c)))
}

//! Text folding: case, accents, punctuation, particles, romanisation,
//! nicknames, and Jaro-Winkler similarity.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Lower case, accents stripped to ASCII where a Latin letter carries them,
/// every other character kept as it is. `ß` → `ss`, `æ` → `ae`.
pub fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for l in c.to_lowercase() {
            match accent(l) {
                Some(a) => out.push_str(a),
                None => out.push(l),
            }
        }
    }
    out
}

fn accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ĕ' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'ĭ' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'ŏ' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'ŭ' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'š' | 'ś' | 'ş' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'đ' | 'ð' | 'ď' => "d",
        'ř' => "r",
        'ť' | 'ţ' => "t",
        'ğ' => "g",
        'þ' => "th",
        // Typographic apostrophes inside names (Shin’ichi, O’Brien).
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => "'",
        _ => return None,
    })
}

/// Particles left out of a name's tokens: Spanish, Portuguese, Dutch, German,
/// French, Italian. "de la Cruz" and "Cruz" are one surname.
const PARTICLES: &[&str] = &[
    "da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "e", "la", "las",
    "le", "los", "van", "von", "y",
];

/// A name's tokens: folded accents, apostrophes dropped inside a word
/// (Shin'ichi → shinichi), split on anything that is not a letter or digit,
/// particles left out (unless the name is nothing but particles).
pub fn name_tokens(s: &str) -> Vec<String> {
    tokens_keeping(s, false)
}

/// [`name_tokens`] for a given name or a whole name: the first word is kept
/// even when it is a particle's spelling (Korean Do-yun, Vietnamese Le).
pub fn given_name_tokens(s: &str) -> Vec<String> {
    tokens_keeping(s, true)
}

fn tokens_keeping(s: &str, keep_first: bool) -> Vec<String> {
    let folded = fold_accents(s);
    let mut all: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in folded.chars() {
        if c == '\'' || c == '`' {
            continue;
        }
        if c.is_alphanumeric() {
            cur.push(c);
        } else if !cur.is_empty() {
            all.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        all.push(cur);
    }
    let kept: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(k, t)| (keep_first && *k == 0) || !PARTICLES.contains(&t.as_str()))
        .map(|(_, t)| t.clone())
        .collect();
    if kept.is_empty() {
        all
    } else {
        kept
    }
}

/// Plain text normalised for comparison: folded accents, letters and digits
/// only, single spaces.
pub fn plain(s: &str) -> String {
    let folded = fold_accents(s);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// Letters and digits only, upper case (passport numbers, postcodes).
pub fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_uppercase())
        .collect()
}

/// Romanisation variants of one surname, mapped to one spelling before
/// folding: Korean (Lee/Yi/Rhee, Park/Pak/Bak…) and Chinese (Zhang/Chang/
/// Cheung, Wang/Wong…) spellings of the same name.
const VARIANTS: &[(&str, &[&str])] = &[
    (
        "li",
        &["lee", "yi", "rhee", "ri", "rhie", "rhi", "yee", "lie", "i"],
    ),
    ("pak", &["park", "bak", "pack", "bahk"]),
    ("kim", &["gim"]),
    ("choi", &["choe", "chey"]),
    ("jung", &["jeong", "chung", "cheong", "joung"]),
    ("kang", &["gang"]),
    ("cho", &["jo", "joh", "choh"]),
    ("yun", &["yoon", "youn"]),
    ("sin", &["shin", "shinn"]),
    ("lim", &["im", "rim", "leem"]),
    ("an", &["ahn"]),
    ("seo", &["suh"]),
    ("kwon", &["gwon"]),
    ("zhang", &["chang", "cheung"]),
    ("chen", &["chan"]),
    ("wang", &["wong"]),
    ("zhou", &["chou", "chow"]),
    ("wu", &["woo"]),
    ("xu", &["hsu"]),
    ("liu", &["lau"]),
    ("zhao", &["chao", "chiu"]),
    ("yang", &["yeung"]),
    ("guo", &["kuo", "kwok"]),
    ("zheng", &["cheng"]),
    ("xie", &["hsieh"]),
];

fn variant(token: &str) -> Option<&'static str> {
    static MAP: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m = BTreeMap::new();
        for (canon, others) in VARIANTS {
            m.insert(*canon, *canon);
            for o in *others {
                m.insert(*o, *canon);
            }
        }
        m
    });
    map.get(token).copied()
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Folds one token (already lower case, accents stripped) so that the
/// romanisations of one Japanese name meet: Hepburn, Kunrei and passport
/// spellings (shi/si, chi/ti, tsu/tu, fu/hu, ji/zi, sha/sya), long vowels
/// (ou, oo, oh, uu: ō and o), n or m before b, m and p, and doubled letters;
/// Korean and Chinese variants of one surname are mapped first.
/// A folded match is weaker evidence than an exact one: distinct names meet
/// here too (Ono and Ohno, Goto and Gotoh are written for one name and two).
pub fn fold_roman(token: &str) -> String {
    if let Some(v) = variant(token) {
        return v.to_string();
    }
    if !token.is_ascii() {
        return token.to_string();
    }
    let s = token.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + 2);
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with(b"tch") {
            out.extend_from_slice(b"tty");
            i += 3;
        } else if rest.starts_with(b"shi") {
            out.extend_from_slice(b"si");
            i += 3;
        } else if rest.starts_with(b"sh") {
            out.extend_from_slice(b"sy");
            i += 2;
        } else if rest.starts_with(b"chi") {
            out.extend_from_slice(b"ti");
            i += 3;
        } else if rest.starts_with(b"ch") {
            out.extend_from_slice(b"ty");
            i += 2;
        } else if rest.starts_with(b"tsu") {
            out.extend_from_slice(b"tu");
            i += 3;
        } else if rest.starts_with(b"fu") {
            out.extend_from_slice(b"hu");
            i += 2;
        } else if rest.starts_with(b"ji") || rest.starts_with(b"di") {
            out.extend_from_slice(b"zi");
            i += 2;
        } else if rest.starts_with(b"du") {
            out.extend_from_slice(b"zu");
            i += 2;
        } else if rest[0] == b'j' {
            out.extend_from_slice(b"zy");
            i += 1;
        } else if rest[0] == b'm' && rest.len() > 1 && matches!(rest[1], b'b' | b'm' | b'p') {
            out.push(b'n');
            i += 1;
        } else if rest[0] == b'h'
            && i > 0
            && s[i - 1] == b'o'
            && (rest.len() == 1 || !is_vowel(rest[1]) && rest[1] != b'y')
        {
            // "oh" before a consonant or at the end: a long o (Ohno, Satoh).
            i += 1;
        } else if rest[0] == b'u' && i > 0 && s[i - 1] == b'o' {
            // "ou": a long o (Satou, Kouji).
            i += 1;
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    // Doubled letters once: oo, uu, ii, aa, tt, ss, ll, nn…
    out.dedup();
    String::from_utf8(out).unwrap_or_default()
}

/// Nickname and short-form groups of given names (English, Spanish,
/// Portuguese). A token may be in several groups.
const NICKNAMES: &[&[&str]] = &[
    &["william", "bill", "billy", "will", "willy", "liam"],
    &["robert", "bob", "bobby", "rob", "robbie", "bert"],
    &["richard", "rick", "ricky", "dick", "rich", "richie"],
    &["james", "jim", "jimmy", "jamie"],
    &["john", "jack", "johnny", "jon"],
    &[
        "elizabeth",
        "liz",
        "lizzie",
        "beth",
        "betty",
        "eliza",
        "lisa",
        "libby",
        "elisabeth",
    ],
    &[
        "katherine",
        "catherine",
        "kathryn",
        "kate",
        "kathy",
        "cathy",
        "katie",
        "kat",
        "kath",
    ],
    &["margaret", "maggie", "meg", "peggy", "marge", "margie"],
    &["michael", "mike", "mick", "mikey", "mickey"],
    &["thomas", "tom", "tommy"],
    &["joseph", "joe", "joey"],
    &["charles", "charlie", "chuck", "chas"],
    &["edward", "ed", "eddie", "ted", "ned", "teddy"],
    &["anthony", "tony", "antonio", "tono"],
    &["christopher", "chris", "kit"],
    &["christine", "chris", "christina", "tina"],
    &["daniel", "dan", "danny"],
    &["david", "dave", "davy"],
    &["jennifer", "jen", "jenny"],
    &["patricia", "pat", "patty", "trish", "tricia"],
    &["patrick", "pat", "paddy"],
    &["susan", "sue", "suzy", "susie"],
    &["alexander", "alex", "sandy", "alejandro", "alexandre"],
    &["alexandra", "alex", "sandra", "alejandra"],
    &["andrew", "andy", "drew"],
    &["benjamin", "ben", "benny"],
    &["samuel", "sam", "sammy"],
    &["samantha", "sam"],
    &["matthew", "matt"],
    &["nicholas", "nick", "nicky"],
    &["stephen", "steven", "steve"],
    &["timothy", "tim"],
    &["gregory", "greg"],
    &["jessica", "jess", "jessie"],
    &["rebecca", "becky", "becca"],
    &["deborah", "debbie", "deb"],
    &["victoria", "vicky", "tori"],
    &["francisco", "paco", "pancho", "frank", "francis", "fran"],
    &["jose", "pepe"],
    &["ignacio", "nacho"],
    &["guadalupe", "lupe"],
    &["dolores", "lola"],
    &["enrique", "quique", "henry", "harry"],
    &["manuel", "manolo", "manu"],
    &["concepcion", "concha", "conchita"],
    &["jesus", "chucho", "chuy"],
    &["rosario", "charo"],
    &["mercedes", "meche"],
    &["alberto", "beto", "albert"],
    &["roberto", "beto", "tito"],
    &["fernando", "nando"],
    &["eduardo", "lalo"],
    &["guillermo", "memo", "william"],
    &["joao", "john", "juan"],
    &["juan", "juanito"],
    &["maria", "mary", "mari", "marie"],
    &["isabel", "isabella", "elizabeth", "chabela"],
];

fn nickname_groups() -> &'static BTreeMap<&'static str, Vec<u16>> {
    static MAP: OnceLock<BTreeMap<&'static str, Vec<u16>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: BTreeMap<&'static str, Vec<u16>> = BTreeMap::new();
        for (g, names) in NICKNAMES.iter().enumerate() {
            for n in *names {
                m.entry(n).or_default().push(g as u16);
            }
        }
        m
    })
}

/// The nickname groups a given-name token is in.
pub fn nickname_groups_of(token: &str) -> Vec<u16> {
    nickname_groups().get(token).cloned().unwrap_or_default()
}

/// Whether two given-name tokens are the same name by a known nickname or
/// short form (Bill and William, Pepe and José).
pub fn nickname_of(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let m = nickname_groups();
    match (m.get(a), m.get(b)) {
        (Some(x), Some(y)) => x.iter().any(|g| y.contains(g)),
        _ => false,
    }
}

/// Jaro-Winkler similarity (prefix scale 0.1, up to 4 letters) over bytes
/// for ASCII and over characters otherwise.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        jw_slice(a.as_bytes(), b.as_bytes())
    } else {
        let x: Vec<char> = a.chars().collect();
        let y: Vec<char> = b.chars().collect();
        jw_slice(&x, &y)
    }
}

fn jw_slice<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    let j = jaro(a, b);
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

fn jaro<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let window = (b.len() / 2).saturating_sub(1);
    let mut b_used = [false; 128];
    let mut b_used_vec;
    let b_used: &mut [bool] = if b.len() <= 128 {
        &mut b_used[..b.len()]
    } else {
        b_used_vec = vec![false; b.len()];
        &mut b_used_vec
    };
    let mut a_match = [0usize; 128];
    let mut matches = 0usize;
    let mut a_matched_chars: Vec<T> = Vec::new();
    let small = a.len() <= 128;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for k in lo..hi {
            if !b_used[k] && b[k] == c {
                b_used[k] = true;
                if small {
                    a_match[matches] = i;
                } else {
                    a_matched_chars.push(c);
                }
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let mut n = 0usize;
    for (k, &used) in b_used.iter().enumerate() {
        if used {
            let ac = if small {
                a[a_match[n]]
            } else {
                a_matched_chars[n]
            };
            if ac != b[k] {
                trans += 1;
            }
            n += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (trans / 2) as f64) / m) / 3.0
}

/// Whether two strings differ by at most one edit (insertion, deletion,
/// substitution) or one transposition of neighbours.
pub fn one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        one_edit_slice(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        one_edit_slice(&a, &b)
    }
}

fn one_edit_slice<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let mut i = 0;
    while i < la.min(lb) && a[i] == b[i] {
        i += 1;
    }
    if la == lb {
        // substitution or transposition
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
    } else if la > lb {
        a[i + 1..] == b[i..]
    } else {
        a[i..] == b[i + 1..]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn romanisations_meet() {
        for (a, b) in [
            ("shinichi", "siniti"),
            ("tsuyoshi", "tuyosi"),
            ("fujita", "huzita"),
            ("satou", "sato"),
            ("satoh", "sato"),
            ("oono", "ono"),
            ("ohno", "ono"),
            ("homma", "honma"),
            ("namba", "nanba"),
            ("shinbashi", "shimbashi"),
            ("junichirou", "zyunitiro"),
            ("yuuko", "yuko"),
            ("chiba", "tiba"),
            ("hattori", "hatori"),
            ("shouta", "syota"),
            ("hatchou", "hattyo"),
            ("rhee", "yi"),
            ("park", "bak"),
        ] {
            assert_eq!(fold_roman(a), fold_roman(b), "{a} / {b}");
        }
        assert_ne!(fold_roman("sato"), fold_roman("saito"));
        assert_ne!(fold_roman("ohara"), fold_roman("ora"));
    }

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler("", "abc"), 0.0);
        assert_eq!(jaro_winkler("abc", "abc"), 1.0);
    }

    #[test]
    fn one_edit_cases() {
        assert!(one_edit("abcd", "abed"));
        assert!(one_edit("abcd", "abdc"));
        assert!(one_edit("abcd", "abd"));
        assert!(one_edit("abd", "abcd"));
        assert!(!one_edit("abcd", "badc"));
        assert!(!one_edit("ab", "abcd"));
    }

    #[test]
    fn tokens_drop_particles_and_accents() {
        assert_eq!(name_tokens("de la Cruz"), vec!["cruz"]);
        assert_eq!(name_tokens("García-López"), vec!["garcia", "lopez"]);
        assert_eq!(name_tokens("Shin’ichi"), vec!["shinichi"]);
        assert_eq!(name_tokens("De La"), vec!["de", "la"]);
        assert_eq!(given_name_tokens("Do yun"), vec!["do", "yun"]);
        assert_eq!(
            given_name_tokens("María de los Ángeles"),
            vec!["maria", "angeles"]
        );
        assert!(nickname_of("bill", "william"));
        assert!(!nickname_of("bill", "robert"));
    }
}

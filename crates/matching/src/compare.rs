//! Graded comparisons per field.

use crate::record::{Name, PartialDate, Prepared};
use crate::text::{jaro_winkler, one_edit};

/// The level a comparison of one field reached. Machine names
/// ([`Level::name`]) are stable; descriptions are English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    Exact = 0,
    Folded = 1,
    Nickname = 2,
    Partial = 3,
    Swapped = 4,
    JaroWinkler92 = 5,
    JaroWinkler80 = 6,
    OneEdit = 7,
    Initial = 8,
    Close = 9,
    Disagree = 10,
    Missing = 11,
}

/// The number of levels (for arrays indexed by level).
pub const LEVELS: usize = 12;

impl Level {
    pub const ALL: [Level; LEVELS] = [
        Level::Exact,
        Level::Folded,
        Level::Nickname,
        Level::Partial,
        Level::Swapped,
        Level::JaroWinkler92,
        Level::JaroWinkler80,
        Level::OneEdit,
        Level::Initial,
        Level::Close,
        Level::Disagree,
        Level::Missing,
    ];

    pub fn from_u8(v: u8) -> Level {
        Level::ALL
            .get(v as usize)
            .copied()
            .unwrap_or(Level::Missing)
    }

    /// The stable machine name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Exact => "exact",
            Level::Folded => "folded",
            Level::Nickname => "nickname",
            Level::Partial => "partial",
            Level::Swapped => "swapped",
            Level::JaroWinkler92 => "jaro_winkler_92",
            Level::JaroWinkler80 => "jaro_winkler_80",
            Level::OneEdit => "one_edit",
            Level::Initial => "initial",
            Level::Close => "close",
            Level::Disagree => "disagree",
            Level::Missing => "missing",
        }
    }

    /// An English description, for the field it was reached on.
    pub fn description(self, field: &Field) -> &'static str {
        let date = matches!(field, Field::DateOfBirth);
        let age = matches!(field, Field::Age);
        match self {
            Level::Exact => "exact (ignoring case, accents and punctuation)",
            Level::Folded => {
                "same after romanisation folding (shi/si, chi/ti, tsu/tu, fu/hu, ji/zi, ou/oo/oh/o, n/m, Lee/Yi)"
            }
            Level::Nickname => "a known nickname or short form of the same name",
            Level::Partial if date => "agrees as far as the partial date goes",
            Level::Partial if matches!(field, Field::Email) => "same user name, other domain",
            Level::Partial => "one name of several agrees (e.g. one of two surnames)",
            Level::Swapped => "swapped with family name (given and family names exchanged)",
            Level::JaroWinkler92 => "similar spelling (Jaro-Winkler ≥ 0.92)",
            Level::JaroWinkler80 => "somewhat similar spelling (Jaro-Winkler ≥ 0.80)",
            Level::OneEdit if date => "one digit differs, or day and month swapped",
            Level::OneEdit => "one character differs, or two neighbours swapped",
            Level::Initial => "an initial agrees with the name",
            Level::Close if age => "within a year",
            Level::Close => "year within one",
            Level::Disagree => "disagree",
            Level::Missing => "missing (no evidence)",
        }
    }
}

/// A compared field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    GivenName,
    FamilyName,
    NativeName,
    DateOfBirth,
    Age,
    Sex,
    Nationality,
    PassportNumber,
    Street,
    City,
    Postcode,
    State,
    Email,
    Phone,
    /// Another column, by its name.
    Other(String),
}

impl Field {
    /// The stable machine name (`other:COLUMN` for other columns).
    pub fn name(&self) -> String {
        match self {
            Field::GivenName => "given_name".into(),
            Field::FamilyName => "family_name".into(),
            Field::NativeName => "native_name".into(),
            Field::DateOfBirth => "date_of_birth".into(),
            Field::Age => "age".into(),
            Field::Sex => "sex".into(),
            Field::Nationality => "nationality".into(),
            Field::PassportNumber => "passport_number".into(),
            Field::Street => "street".into(),
            Field::City => "city".into(),
            Field::Postcode => "postcode".into(),
            Field::State => "state".into(),
            Field::Email => "email".into(),
            Field::Phone => "phone".into(),
            Field::Other(c) => format!("other:{c}"),
        }
    }

    /// The levels this field's comparison can reach, strongest first
    /// (missing left out).
    pub fn levels(&self) -> &'static [Level] {
        use Level::*;
        match self {
            Field::GivenName => &[
                Exact,
                Folded,
                Nickname,
                Partial,
                Swapped,
                JaroWinkler92,
                OneEdit,
                JaroWinkler80,
                Initial,
                Disagree,
            ],
            Field::FamilyName => &[
                Exact,
                Folded,
                Partial,
                Swapped,
                JaroWinkler92,
                OneEdit,
                JaroWinkler80,
                Disagree,
            ],
            Field::NativeName => &[Exact, Partial, Disagree],
            Field::DateOfBirth => &[Exact, Partial, OneEdit, Close, Disagree],
            Field::Age => &[Exact, Close, Disagree],
            Field::Sex | Field::Nationality | Field::State => &[Exact, Disagree],
            Field::PassportNumber | Field::Postcode | Field::Phone => &[Exact, OneEdit, Disagree],
            Field::Street | Field::City | Field::Other(_) => {
                &[Exact, JaroWinkler92, JaroWinkler80, Disagree]
            }
            Field::Email => &[Exact, Partial, Disagree],
        }
    }

    /// Whether the field describes the person (names, birth, documents)
    /// rather than the household (address, phone) or an unknown column:
    /// only these drive EM's E-step.
    pub fn anchors_em(&self) -> bool {
        !self.household() && !matches!(self, Field::Other(_))
    }

    /// Fields one household shares: counted once in a score (the strongest
    /// agreement among them, plus every disagreement).
    pub fn household(&self) -> bool {
        matches!(
            self,
            Field::Street | Field::City | Field::Postcode | Field::State | Field::Phone
        )
    }

    /// Whether a term-frequency adjustment applies to its exact and folded levels.
    pub fn tf_adjusted(&self) -> bool {
        matches!(self, Field::GivenName | Field::FamilyName)
    }
}

fn good(l: Level) -> bool {
    matches!(
        l,
        Level::Exact | Level::Folded | Level::Nickname | Level::Partial | Level::JaroWinkler92
    )
}

/// Compares two name parts.
pub(crate) fn name(a: &Name, b: &Name, given: bool) -> Level {
    if a.joined == b.joined {
        return Level::Exact;
    }
    if a.fjoined == b.fjoined {
        return Level::Folded;
    }
    if a.ftokens.len() != b.ftokens.len() {
        let (short, long) = if a.ftokens.len() < b.ftokens.len() {
            (a, b)
        } else {
            (b, a)
        };
        let all = short.ftokens.iter().all(|t| {
            long.ftokens
                .iter()
                .any(|u| t == u || (t.len() > 3 && jaro_winkler(t, u) >= 0.92))
        });
        if all {
            return Level::Partial;
        }
    }
    if given && !a.nicknames.is_empty() && a.nicknames.iter().any(|g| b.nicknames.contains(g)) {
        return Level::Nickname;
    }
    // Names of several words each: every word must be alike (García López
    // and García Pérez share a prefix, not a surname).
    let jw = if a.ftokens.len() > 1 && a.ftokens.len() == b.ftokens.len() {
        a.ftokens
            .iter()
            .zip(b.ftokens.iter())
            .map(|(x, y)| jaro_winkler(x, y))
            .fold(1.0, f64::min)
            .max(jaro_winkler(&a.fjoined, &b.fjoined).min(0.91))
    } else {
        jaro_winkler(&a.fjoined, &b.fjoined)
    };
    if jw >= 0.92 {
        return Level::JaroWinkler92;
    }
    if a.fjoined.len() >= 3 && one_edit(&a.fjoined, &b.fjoined) {
        return Level::OneEdit;
    }
    if jw >= 0.80 {
        return Level::JaroWinkler80;
    }
    if given {
        let ia = a.tokens.first().map(|t| t.len() == 1).unwrap_or(false);
        let ib = b.tokens.first().map(|t| t.len() == 1).unwrap_or(false);
        if (ia || ib) && a.initial() == b.initial() {
            return Level::Initial;
        }
    }
    Level::Disagree
}

/// The given and family name levels of a pair, swapped orientation tried
/// when the direct one does not agree.
pub(crate) fn names(a: &Prepared, b: &Prepared) -> (Level, Level) {
    let direct = |x: &Option<Name>, y: &Option<Name>, given: bool| match (x, y) {
        (Some(x), Some(y)) => name(x, y, given),
        _ => Level::Missing,
    };
    let g = direct(&a.given, &b.given, true);
    let f = direct(&a.family, &b.family, false);
    if good(g) && good(f) {
        return (g, f);
    }
    // Crossed, a typo may remain: one edit or a Jaro-Winkler of 0.80 will
    // do for one side when the other agrees well.
    let near = |l: Level| good(l) || matches!(l, Level::OneEdit | Level::JaroWinkler80);
    let fits = |l: Level| near(l) || l == Level::Missing;
    let sg = direct(&a.given, &b.family, true);
    if !fits(sg) {
        return (g, f);
    }
    let sf = direct(&a.family, &b.given, true);
    let swapped_ok = fits(sg) && fits(sf) && (good(sg) || good(sf)) && !(good(g) || good(f));
    if swapped_ok {
        let mark = |l: Level| {
            if l == Level::Missing {
                Level::Missing
            } else {
                Level::Swapped
            }
        };
        return (mark(sg), mark(sf));
    }
    (g, f)
}

pub(crate) fn date(a: &PartialDate, b: &PartialDate) -> Level {
    if a.is_full() && b.is_full() {
        if a == b {
            return Level::Exact;
        }
        let digits = |d: &PartialDate| {
            let (y, m, dd) = (
                d.year as u32,
                d.month.unwrap_or(0) as u32,
                d.day.unwrap_or(0) as u32,
            );
            let n = y * 10000 + m * 100 + dd;
            let mut out = [0u8; 8];
            let mut v = n;
            for k in (0..8).rev() {
                out[k] = b'0' + (v % 10) as u8;
                v /= 10;
            }
            out
        };
        let (x, y) = (digits(a), digits(b));
        let hamming = x.iter().zip(y.iter()).filter(|(p, q)| p != q).count();
        let swapped = a.year == b.year && a.month == b.day && a.day == b.month;
        let transposed = hamming == 2
            && (0..7).any(|k| x[k] == y[k + 1] && x[k + 1] == y[k] && x[k] != x[k + 1]);
        if hamming <= 1 || swapped || transposed {
            return Level::OneEdit;
        }
    } else {
        let m = match (a.month, b.month) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        let d = match (a.day, b.day) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if a.year == b.year && m && d {
            return Level::Partial;
        }
    }
    if a.year.abs_diff(b.year) <= 1 {
        return Level::Close;
    }
    Level::Disagree
}

pub(crate) fn text(a: &str, b: &str) -> Level {
    if a == b {
        return Level::Exact;
    }
    let jw = jaro_winkler(a, b);
    if jw >= 0.92 {
        Level::JaroWinkler92
    } else if jw >= 0.80 {
        Level::JaroWinkler80
    } else {
        Level::Disagree
    }
}

pub(crate) fn code(a: &str, b: &str) -> Level {
    if a == b {
        Level::Exact
    } else if one_edit(a, b) {
        Level::OneEdit
    } else {
        Level::Disagree
    }
}

fn same(a: &str, b: &str) -> Level {
    if a == b {
        Level::Exact
    } else {
        Level::Disagree
    }
}

/// Compares one field of two prepared records.
pub(crate) fn field(f: &Field, a: &Prepared, b: &Prepared, col: usize) -> Level {
    fn both<'x, T: ?Sized>(
        x: Option<&'x T>,
        y: Option<&'x T>,
        f: impl Fn(&T, &T) -> Level,
    ) -> Level {
        match (x, y) {
            (Some(x), Some(y)) => f(x, y),
            _ => Level::Missing,
        }
    }
    match f {
        Field::GivenName => names(a, b).0,
        Field::FamilyName => names(a, b).1,
        Field::NativeName => both(a.native.as_deref(), b.native.as_deref(), |x, y| {
            if x == y {
                Level::Exact
            } else if x.chars().next() == y.chars().next()
                && (x.starts_with(y) || y.starts_with(x) || x.chars().take(2).eq(y.chars().take(2)))
            {
                Level::Partial
            } else {
                Level::Disagree
            }
        }),
        Field::DateOfBirth => both(a.dob.as_ref(), b.dob.as_ref(), date),
        Field::Age => both(a.age.as_ref(), b.age.as_ref(), |x, y| {
            if x == y {
                Level::Exact
            } else if x.abs_diff(*y) <= 1 {
                Level::Close
            } else {
                Level::Disagree
            }
        }),
        Field::Sex => both(a.sex.as_ref(), b.sex.as_ref(), |x, y| {
            if x == y {
                Level::Exact
            } else {
                Level::Disagree
            }
        }),
        Field::Nationality => both(a.nationality.as_deref(), b.nationality.as_deref(), same),
        Field::PassportNumber => both(a.passport.as_deref(), b.passport.as_deref(), code),
        Field::Street => both(a.street.as_deref(), b.street.as_deref(), text),
        Field::City => both(a.city.as_deref(), b.city.as_deref(), text),
        Field::Postcode => both(a.postcode.as_deref(), b.postcode.as_deref(), code),
        Field::State => both(a.state.as_deref(), b.state.as_deref(), same),
        Field::Email => both(a.email.as_deref(), b.email.as_deref(), |x, y| {
            if x == y {
                Level::Exact
            } else if x.split('@').next() == y.split('@').next() {
                Level::Partial
            } else {
                Level::Disagree
            }
        }),
        Field::Phone => both(a.phone.as_deref(), b.phone.as_deref(), code),
        Field::Other(_) => both(
            a.other.get(col).and_then(|o| o.as_deref()),
            b.other.get(col).and_then(|o| o.as_deref()),
            text,
        ),
    }
}

/// Compares every field of a pair into `out` (one level per field).
pub(crate) fn pair(fields: &[Field], a: &Prepared, b: &Prepared, out: &mut [u8]) {
    let mut names_done: Option<(Level, Level)> = None;
    let mut other = 0;
    for (k, f) in fields.iter().enumerate() {
        let l = match f {
            Field::GivenName | Field::FamilyName => {
                let (g, fam) = *names_done.get_or_insert_with(|| names(a, b));
                if matches!(f, Field::GivenName) {
                    g
                } else {
                    fam
                }
            }
            Field::Other(_) => {
                let l = field(f, a, b, other);
                other += 1;
                l
            }
            _ => field(f, a, b, 0),
        };
        if let Some(slot) = out.get_mut(k) {
            *slot = l as u8;
        }
    }
}

//! The demo's people of concern: invented hostages of the Lima seizure (no
//! real person's details), of several nationalities, whose names reach the
//! desk in three lists spelled three ways — the host government's (surname
//! first in capitals, Spanish country names, day-first dates, long vowels
//! written out), the Japanese companies' (their staff, with kanji), and the
//! Embassy's consular list (passport spellings and numbers) — imported
//! through the same path as any list and reconciled by the engine, a few
//! left for review; then releases in stages, until 72 remained, and the
//! rescue: 71 freed (24 of them Japanese), one hostage dead.

use honbu_domain::time::Timestamp;

/// Japanese family names (Hepburn, kanji).
const JP_FAMILY: &[(&str, &str)] = &[
    ("Aoki", "青木"),
    ("Fujita", "藤田"),
    ("Hayashi", "林"),
    ("Ishikawa", "石川"),
    ("Kato", "加藤"),
    ("Kimura", "木村"),
    ("Kobayashi", "小林"),
    ("Matsumoto", "松本"),
    ("Mori", "森"),
    ("Nakajima", "中島"),
    ("Ogawa", "小川"),
    ("Okada", "岡田"),
    ("Saito", "斎藤"),
    ("Sakamoto", "坂本"),
    ("Shimizu", "清水"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Ueda", "上田"),
    ("Watanabe", "渡辺"),
    ("Yamaguchi", "山口"),
    ("Yoshida", "吉田"),
    ("Endo", "遠藤"),
    ("Goto", "後藤"),
    ("Inoue", "井上"),
    ("Kondo", "近藤"),
    ("Murata", "村田"),
    ("Nishimura", "西村"),
    ("Ota", "太田"),
    ("Sugiyama", "杉山"),
    ("Chiba", "千葉"),
    ("Fukuda", "福田"),
    ("Oshima", "大島"),
    ("Shibata", "柴田"),
];
/// Japanese given names (Hepburn, kanji).
const JP_GIVEN: &[(&str, &str)] = &[
    ("Taro", "太郎"),
    ("Ichiro", "一郎"),
    ("Shinichi", "真一"),
    ("Koji", "浩二"),
    ("Yusuke", "祐介"),
    ("Shuji", "修二"),
    ("Tetsuo", "哲夫"),
    ("Hiroshi", "博"),
    ("Kazuo", "和夫"),
    ("Jun", "潤"),
    ("Tsutomu", "勉"),
    ("Shunsuke", "俊介"),
    ("Yuji", "雄二"),
    ("Masao", "正夫"),
    ("Kenji", "健二"),
    ("Toshio", "敏夫"),
    ("Shoichi", "昭一"),
    ("Akira", "明"),
    ("Makoto", "誠"),
    ("Fumio", "文雄"),
    ("Yoichi", "洋一"),
    ("Chikara", "力"),
    ("Ryohei", "良平"),
    ("Kohei", "浩平"),
    ("Jiro", "次郎"),
    ("Takashi", "隆"),
    ("Osamu", "修"),
    ("Minoru", "稔"),
    ("Noboru", "昇"),
    ("Shigeru", "茂"),
    ("Yoshio", "義雄"),
    ("Tatsuya", "達也"),
    ("Kenta", "健太"),
    ("Satoshi", "聡"),
];
const PE_FAMILY: &[&str] = &[
    "Quispe Mamani",
    "García Flores",
    "Rodríguez Vargas",
    "Torres Salazar",
    "Chávez Ramos",
    "Huamán Rojas",
    "Mendoza Castillo",
    "Sánchez Díaz",
    "Romero Gutiérrez",
    "Paredes Núñez",
    "Valdivia Herrera",
    "Cárdenas Soto",
    "Espinoza León",
    "Villanueva Ríos",
    "Medina Aguilar",
    "Zevallos Ortiz",
    "Benavides Cruz",
    "Alvarado Peña",
    "Del Castillo Reyes",
    "De la Cruz Palacios",
    "Bustamante Lazo",
    "Aranda Málaga",
    "Olivares Tello",
];
const PE_GIVEN: &[&str] = &[
    "Luis Alberto",
    "José Carlos",
    "Jorge",
    "Manuel",
    "Víctor Raúl",
    "Carlos Enrique",
    "Javier",
    "Ricardo",
    "Alfredo",
    "Fernando",
    "Eduardo",
    "Miguel Ángel",
    "César Augusto",
    "Óscar",
    "Juan Pablo",
    "Hernán",
    "Guillermo",
    "Rafael",
    "Gustavo",
    "Alberto",
];
/// The other guests still in the list (nationality, family, given).
const OTHERS: &[(&str, &str, &str)] = &[
    ("BO", "Gumucio Pinto", "Jorge"),
    ("US", "Harrison", "Mark"),
    ("US", "Delaney", "Robert"),
    ("CA", "Fraser", "Colin"),
    ("DE", "Hoffmann", "Klaus"),
    ("DE", "Brandt", "Peter"),
    ("KR", "Lee", "Min-ho"),
    ("CU", "Fernández", "Raúl"),
    ("ES", "Martín Gil", "Andrés"),
];

/// The government's spelling of a Hepburn name: long vowels written out,
/// and Kunrei for some of them, as a clerk's typing might.
fn gov_spelling(hepburn: &str, i: usize) -> String {
    let kunrei = [
        ("shi", "si"),
        ("chi", "ti"),
        ("tsu", "tu"),
        ("fu", "hu"),
        ("ji", "zi"),
        ("sh", "sy"),
        ("ch", "ty"),
    ];
    let long = [
        ("Yoichi", "Youichi"),
        ("Ota", "Oota"),
        ("Kohei", "Kouhei"),
        ("Ryohei", "Ryouhei"),
        ("Shoichi", "Shouichi"),
        ("Kato", "Katou"),
        ("Saito", "Saitou"),
        ("Goto", "Gotou"),
        ("Endo", "Endou"),
        ("Kondo", "Kondou"),
        ("Koji", "Kouji"),
        ("Yuji", "Yuuji"),
        ("Shuji", "Shuuji"),
        ("Oshima", "Ooshima"),
    ];
    if let Some((_, l)) = long.iter().find(|(h, _)| *h == hepburn) {
        return l.to_string();
    }
    if matches!(i % 3, 0) {
        let mut s = hepburn.to_lowercase();
        for (h, k) in kunrei {
            s = s.replace(h, k);
        }
        let mut c = s.chars();
        return c
            .next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default();
    }
    hepburn.to_string()
}

/// One invented person of the demo.
pub struct Person {
    pub nationality: &'static str,
    pub family: String,
    pub given: String,
    pub native: String,
    /// Year, month, day.
    pub born: (u32, u32, u32),
    pub employer: Option<&'static str>,
    pub passport: Option<String>,
    /// When released (JST), if before the rescue; `None`: held to the end.
    pub released: Option<&'static str>,
}

const COMPANIES: &[&str] = &[
    "Nikko Trading",
    "Andes Mitsuwa Motors",
    "Pacífico Electric",
    "Inka Marine Insurance",
];

/// The early releases (JST), in stages, and how many each freed.
pub const STAGES: &[(&str, usize)] = &[
    ("1996-12-19T06:00:00+09:00", 8),
    ("1996-12-21T04:00:00+09:00", 6),
    ("1996-12-23T08:00:00+09:00", 7),
    ("1996-12-27T05:00:00+09:00", 5),
    ("1997-01-01T09:00:00+09:00", 4),
];

/// The roster: 102 people, 30 released in stages, 72 held to the end
/// (24 Japanese, 47 Peruvian, the Bolivian ambassador); the last of them
/// is the one who died in the rescue.
pub fn roster() -> Vec<Person> {
    let mut out = vec![];
    let mut lcg: u64 = 1996;
    let mut next = |n: usize| {
        lcg = lcg
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((lcg >> 33) as usize) % n
    };
    // 34 Japanese: 24 held to the end, 10 released early.
    for i in 0..34 {
        let (f, fk) = JP_FAMILY[i];
        let (g, gk) = JP_GIVEN[(i * 7) % JP_GIVEN.len()];
        out.push(Person {
            nationality: "JP",
            family: f.into(),
            given: g.into(),
            native: format!("{fk} {gk}"),
            born: (
                1935 + next(30) as u32,
                1 + next(12) as u32,
                1 + next(28) as u32,
            ),
            employer: if i % 5 == 4 {
                Some("Embassy of Japan")
            } else {
                Some(COMPANIES[i % COMPANIES.len()])
            },
            passport: Some(format!(
                "T{}{:07}",
                ["K", "H", "R", "Z"][i % 4],
                1_230_000 + i * 7919
            )),
            released: None,
        });
    }
    // 59 Peruvians: 47 held, 12 released early.
    for i in 0..59 {
        out.push(Person {
            nationality: "PE",
            family: PE_FAMILY[i % PE_FAMILY.len()].into(),
            // No two alike: those sharing a family name get given names 7 apart.
            given: PE_GIVEN[((i / PE_FAMILY.len()) * 7 + i % PE_FAMILY.len()) % PE_GIVEN.len()]
                .into(),
            native: String::new(),
            born: (
                1932 + next(35) as u32,
                1 + next(12) as u32,
                1 + next(28) as u32,
            ),
            employer: None,
            passport: None,
            released: None,
        });
    }
    for (n, f, g) in OTHERS {
        out.push(Person {
            nationality: n,
            family: f.to_string(),
            given: g.to_string(),
            native: String::new(),
            born: (
                1938 + next(25) as u32,
                1 + next(12) as u32,
                1 + next(28) as u32,
            ),
            employer: None,
            passport: None,
            released: None,
        });
    }
    // Who was released early: 10 Japanese (the last ten), 12 Peruvians, the
    // eight others but the Bolivian ambassador.
    let mut early: Vec<usize> = (24..34).chain(34 + 47..34 + 59).chain(94..102).collect();
    early.sort_unstable();
    let mut stage = 0;
    let mut left = STAGES[0].1;
    for i in early {
        while left == 0 {
            stage += 1;
            left = STAGES[stage].1;
        }
        out[i].released = Some(STAGES[stage].0);
        left -= 1;
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn spanish_country(code: &str) -> &'static str {
    match code {
        "JP" => "Japón",
        "PE" => "Perú",
        "BO" => "Bolivia",
        "US" => "Estados Unidos",
        "CA" => "Canadá",
        "DE" => "Alemania",
        "KR" => "Corea del Sur",
        "CU" => "Cuba",
        _ => "España",
    }
}

/// The host government's list of the people held (19 Dec): everyone, the
/// surname first in capitals, dates day first, Japanese names as a Spanish
/// clerk typed them.
pub fn government_list(r: &[Person]) -> String {
    let mut out = String::from("full_name,date_of_birth,nationality,status\n");
    for (i, p) in r.iter().enumerate() {
        let (family, given) = if p.nationality == "JP" {
            (gov_spelling(&p.family, i), gov_spelling(&p.given, i + 1))
        } else {
            (p.family.clone(), p.given.clone())
        };
        let name = format!("{}, {}", family.to_uppercase(), given);
        out.push_str(&format!(
            "{},{:02}/{:02}/{},{},hostage\n",
            csv_field(&name),
            p.born.2,
            p.born.1,
            p.born.0,
            spanish_country(p.nationality)
        ));
    }
    out
}

/// The Japanese companies' staff lists (20 Dec), one file from their
/// association: passport spellings, kanji, employers, dates as ISO.
pub fn companies_list(r: &[Person]) -> String {
    let mut out =
        String::from("family_name,given_name,native_name,date_of_birth,nationality,employer\n");
    for p in r
        .iter()
        .filter(|p| p.nationality == "JP" && p.employer.is_some_and(|e| e != "Embassy of Japan"))
    {
        out.push_str(&format!(
            "{},{},{},{}-{:02}-{:02},JP,{}\n",
            p.family,
            p.given,
            p.native,
            p.born.0,
            p.born.1,
            p.born.2,
            csv_field(p.employer.unwrap_or_default())
        ));
    }
    out
}

/// The Embassy's consular list of Japanese nationals (21 Dec): passport
/// spellings and numbers; three of its records are the kind a desk must
/// look at twice (no given name; another given name with the same date of birth —
/// a brother? —; a name with its parts swapped, the year alone).
pub fn embassy_list(r: &[Person]) -> String {
    let mut out = String::from("surname,given_name,date_of_birth,passport_number,nationality\n");
    for (k, p) in r.iter().filter(|p| p.nationality == "JP").enumerate() {
        let (mut family, mut given, mut dob, mut passport) = (
            p.family.to_uppercase(),
            p.given.to_uppercase(),
            format!("{}-{:02}-{:02}", p.born.0, p.born.1, p.born.2),
            p.passport.clone().unwrap_or_default(),
        );
        match k {
            3 => {
                given.clear();
                passport.clear();
            }
            8 => {
                given = "KENJI".into();
                passport.clear();
            }
            15 => {
                std::mem::swap(&mut family, &mut given);
                passport.clear();
                dob = format!("{}", p.born.0);
            }
            _ => {}
        }
        out.push_str(&format!("{family},{given},{dob},{passport},JP\n"));
    }
    out
}

/// When the lists came (JST).
pub const GOVERNMENT_AT: &str = "1996-12-18T20:00:00+09:00";
pub const COMPANIES_AT: &str = "1996-12-20T15:00:00+09:00";
pub const EMBASSY_AT: &str = "1996-12-21T10:00:00+09:00";
/// The rescue's outcome reported by the host government (JST).
pub const RESCUE_AT: &str = "1997-04-23T07:30:00+09:00";

/// The time of a stage, parsed.
pub fn at(s: &str) -> anyhow::Result<Timestamp> {
    Ok(honbu_domain::time::parse_time("demo", s)?)
}

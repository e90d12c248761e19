//! Synthetic crisis lists with known truth: Japanese (passport Hepburn,
//! Hepburn with macrons, wāpuro and Kunrei spellings, kanji), Spanish (one or
//! two surnames, particles, accents kept or dropped), Portuguese, Chinese
//! (family-first or Western order), Korean (Lee/Yi/Rhee, hyphenated given
//! names) and English (nicknames) names; swapped order, typos, partial
//! dates, missing fields, households sharing a surname and an address,
//! twins, namesakes. Seeded and deterministic.

use crate::record::Record;
use crate::rng::Rng;

/// Generated records and, for each, the person it belongs to.
#[derive(Debug, Clone, Default)]
pub struct Synthetic {
    pub records: Vec<Record>,
    /// The true cluster (person) of each record, aligned with `records`.
    pub truth: Vec<String>,
}

/// The CSV columns the generator fills, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "given_name",
    "family_name",
    "full_name",
    "native_name",
    "date_of_birth",
    "sex",
    "nationality",
    "passport_number",
    "street",
    "city",
    "postcode",
    "phone",
    "email",
];

impl Record {
    /// The value of a generator column ([`COLUMNS`]), empty when missing.
    pub fn column(&self, name: &str) -> &str {
        let v = match name {
            "id" => return &self.id,
            "given_name" => &self.given_name,
            "family_name" => &self.family_name,
            "full_name" => &self.full_name,
            "native_name" => &self.native_name,
            "date_of_birth" => &self.date_of_birth,
            "sex" => &self.sex,
            "nationality" => &self.nationality,
            "passport_number" => &self.passport_number,
            "street" => &self.street,
            "city" => &self.city,
            "postcode" => &self.postcode,
            "phone" => &self.phone,
            "email" => &self.email,
            "age" => &self.age,
            "state" => &self.state,
            _ => return "",
        };
        v.as_deref().unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culture {
    Japanese,
    Spanish,
    Portuguese,
    Chinese,
    Korean,
    English,
}

const JP_FAMILY: &[(&str, &str)] = &[
    ("Satō", "佐藤"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Itō", "伊藤"),
    ("Watanabe", "渡辺"),
    ("Yamamoto", "山本"),
    ("Nakamura", "中村"),
    ("Kobayashi", "小林"),
    ("Katō", "加藤"),
    ("Yoshida", "吉田"),
    ("Yamada", "山田"),
    ("Sasaki", "佐々木"),
    ("Yamaguchi", "山口"),
    ("Matsumoto", "松本"),
    ("Inoue", "井上"),
    ("Kimura", "木村"),
    ("Hayashi", "林"),
    ("Shimizu", "清水"),
    ("Saitō", "斎藤"),
    ("Ōno", "大野"),
    ("Kōno", "河野"),
    ("Gotō", "後藤"),
    ("Endō", "遠藤"),
    ("Kondō", "近藤"),
    ("Andō", "安藤"),
    ("Ishii", "石井"),
    ("Fujita", "藤田"),
    ("Chiba", "千葉"),
    ("Tsuchiya", "土屋"),
    ("Honma", "本間"),
    ("Nanba", "難波"),
    ("Shinohara", "篠原"),
    ("Ōta", "太田"),
    ("Ōshima", "大島"),
    ("Hashimoto", "橋本"),
    ("Ikeda", "池田"),
    ("Mori", "森"),
    ("Ishikawa", "石川"),
    ("Maeda", "前田"),
    ("Fujii", "藤井"),
    ("Okada", "岡田"),
    ("Hasegawa", "長谷川"),
    ("Murakami", "村上"),
    ("Jinbo", "神保"),
    ("Sanpei", "三瓶"),
    ("Shōji", "庄司"),
    ("Chūjō", "中条"),
    ("Tsuji", "辻"),
    ("Fukuda", "福田"),
    ("Nishimura", "西村"),
    ("Aoki", "青木"),
    ("Morita", "森田"),
    ("Hirano", "平野"),
    ("Kudō", "工藤"),
    ("Ōtsuka", "大塚"),
    ("Yūki", "結城"),
    ("Shibata", "柴田"),
    ("Sakai", "酒井"),
    ("Kubo", "久保"),
];
const JP_MALE: &[(&str, &str)] = &[
    ("Shin'ichi", "真一"),
    ("Jun'ichirō", "潤一郎"),
    ("Shōta", "翔太"),
    ("Ryūji", "竜二"),
    ("Kōji", "浩二"),
    ("Tsuyoshi", "剛"),
    ("Jirō", "次郎"),
    ("Shūhei", "修平"),
    ("Kenta", "健太"),
    ("Hiroshi", "博"),
    ("Takashi", "隆"),
    ("Makoto", "誠"),
    ("Yūsuke", "雄介"),
    ("Daisuke", "大輔"),
    ("Kazuo", "和夫"),
    ("Shigeru", "茂"),
    ("Ichirō", "一郎"),
    ("Tarō", "太郎"),
    ("Kenji", "健二"),
    ("Masaaki", "正明"),
    ("Shinpei", "新平"),
    ("Junpei", "純平"),
    ("Ken'ichi", "健一"),
    ("Yōichi", "洋一"),
    ("Fumio", "文雄"),
    ("Tetsuya", "哲也"),
    ("Hajime", "一"),
    ("Osamu", "修"),
    ("Akira", "明"),
    ("Yoshio", "義雄"),
    ("Tomohiro", "智浩"),
    ("Ryōta", "亮太"),
];
const JP_FEMALE: &[(&str, &str)] = &[
    ("Yūko", "裕子"),
    ("Yōko", "洋子"),
    ("Chiharu", "千春"),
    ("Fumiko", "文子"),
    ("Junko", "順子"),
    ("Haruka", "遥"),
    ("Emi", "恵美"),
    ("Yuki", "由紀"),
    ("Keiko", "恵子"),
    ("Akiko", "明子"),
    ("Sachiko", "幸子"),
    ("Michiko", "美智子"),
    ("Tomoko", "智子"),
    ("Kyōko", "京子"),
    ("Shizuka", "静香"),
    ("Chie", "千恵"),
    ("Mayumi", "真由美"),
    ("Naoko", "直子"),
    ("Ayumi", "歩"),
    ("Misaki", "美咲"),
    ("Yūka", "優香"),
    ("Shōko", "祥子"),
    ("Reiko", "玲子"),
    ("Chizuru", "千鶴"),
    ("Megumi", "恵"),
    ("Kaori", "香織"),
    ("Noriko", "典子"),
    ("Hiroko", "裕子"),
];
const ES_GIVEN_M: &[&str] = &[
    "José",
    "Juan Carlos",
    "Jesús",
    "Ángel",
    "Francisco",
    "Manuel",
    "Antonio",
    "Javier",
    "Martín",
    "Andrés",
    "Raúl",
    "Íñigo",
    "Ignacio",
    "Enrique",
    "José Luis",
    "Juan",
    "Luis",
    "Carlos",
    "Pedro",
    "Miguel Ángel",
    "Alejandro",
    "Fernando",
    "Eduardo",
    "Roberto",
];
const ES_GIVEN_F: &[&str] = &[
    "María",
    "Ana",
    "Lucía",
    "Carmen",
    "Pilar",
    "Dolores",
    "Sofía",
    "Rocío",
    "Inés",
    "Begoña",
    "Guadalupe",
    "Mercedes",
    "Concepción",
    "Rosario",
    "María José",
    "Isabel",
    "Elena",
    "Marta",
    "Teresa",
    "Patricia",
    "Lourdes",
    "Ximena",
];
const ES_FAMILY: &[&str] = &[
    "García",
    "Rodríguez",
    "Fernández",
    "González",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Díaz",
    "Hernández",
    "Muñoz",
    "Álvarez",
    "Jiménez",
    "Ruiz",
    "Ortiz",
    "Núñez",
    "Peña",
    "Ibáñez",
    "Castillo",
    "de la Cruz",
    "del Valle",
    "de León",
    "Quispe",
    "Mamani",
    "Huamán",
    "Flores",
    "Vargas",
    "Chávez",
    "Ramírez",
    "Torres",
    "Morales",
    "de los Santos",
    "Ríos",
    "Córdova",
    "Valdés",
    "Benítez",
    "Zúñiga",
    "Salazar",
    "Paredes",
];
const PT_GIVEN_M: &[&str] = &[
    "João",
    "José",
    "Antônio",
    "Francisco",
    "Luís",
    "Gonçalo",
    "Joaquim",
    "Sebastião",
    "Thiago",
    "Rafael",
    "Marcelo",
    "Paulo",
];
const PT_GIVEN_F: &[&str] = &[
    "Maria",
    "Ana",
    "Conceição",
    "Inês",
    "Lúcia",
    "Fernanda",
    "Juliana",
    "Beatriz",
    "Leonor",
];
const PT_FAMILY: &[&str] = &[
    "da Silva",
    "dos Santos",
    "de Oliveira",
    "Souza",
    "Pereira",
    "Ferreira",
    "da Costa",
    "Rodrigues",
    "Almeida",
    "Gonçalves",
    "Magalhães",
    "Araújo",
    "Carvalho",
    "Ribeiro",
    "Lopes",
    "Barbosa",
    "Fonseca",
];
const CN_FAMILY: &[(&str, &str)] = &[
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Zhu", "朱"),
    ("Hu", "胡"),
    ("Guo", "郭"),
    ("He", "何"),
    ("Lin", "林"),
    ("Gao", "高"),
    ("Luo", "罗"),
    ("Zheng", "郑"),
];
const CN_GIVEN: &[(&str, &str)] = &[
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Xiuying", "秀英"),
    ("Jing", "静"),
    ("Min", "敏"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yang", "洋"),
    ("Yong", "勇"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiaoming", "小明"),
    ("Xiaohong", "小红"),
    ("Jianguo", "建国"),
    ("Lili", "丽丽"),
    ("Hui", "辉"),
    ("Yan", "燕"),
    ("Haiyan", "海燕"),
    ("Zhiwei", "志伟"),
    ("Qiang", "强"),
    ("Xin", "欣"),
    ("Yuxuan", "宇轩"),
];
/// Korean surnames: the spellings of each one.
const KR_FAMILY: &[(&[&str], &str)] = &[
    (&["Kim", "Gim"], "김"),
    (&["Lee", "Yi", "Rhee", "I"], "이"),
    (&["Park", "Pak", "Bak"], "박"),
    (&["Choi", "Choe"], "최"),
    (&["Jung", "Jeong", "Chung"], "정"),
    (&["Kang", "Gang"], "강"),
    (&["Cho", "Jo"], "조"),
    (&["Yoon", "Yun"], "윤"),
    (&["Jang"], "장"),
    (&["Lim", "Im"], "임"),
    (&["Han"], "한"),
    (&["Shin", "Sin"], "신"),
    (&["Seo", "Suh"], "서"),
    (&["Kwon"], "권"),
    (&["Hwang"], "황"),
];
const KR_GIVEN: &[(&str, &str)] = &[
    ("Min-jun", "민준"),
    ("Seo-yeon", "서연"),
    ("Ji-hoon", "지훈"),
    ("Ha-eun", "하은"),
    ("Do-yun", "도윤"),
    ("Su-bin", "수빈"),
    ("Ji-woo", "지우"),
    ("Hye-jin", "혜진"),
    ("Sung-min", "성민"),
    ("Young-ho", "영호"),
    ("Eun-ji", "은지"),
    ("Jae-won", "재원"),
    ("Seung-hyun", "승현"),
    ("Ye-jin", "예진"),
    ("Dong-hyun", "동현"),
    ("Ji-yeon", "지연"),
];
const EN_GIVEN_M: &[&str] = &[
    "William",
    "Robert",
    "Michael",
    "James",
    "John",
    "Thomas",
    "Richard",
    "Daniel",
    "Christopher",
    "Edward",
    "Joseph",
    "Andrew",
    "Matthew",
    "Nicholas",
    "Samuel",
];
const EN_GIVEN_F: &[&str] = &[
    "Elizabeth",
    "Katherine",
    "Margaret",
    "Jennifer",
    "Susan",
    "Patricia",
    "Rebecca",
    "Victoria",
    "Jessica",
    "Deborah",
    "Alexandra",
    "Samantha",
];
const EN_FAMILY: &[&str] = &[
    "Smith", "Jones", "Williams", "Brown", "Taylor", "Wilson", "Johnson", "O'Brien", "McDonald",
    "Anderson", "Thompson", "White", "Martin", "Walker", "Harris", "Clarke", "Robinson", "Wright",
    "Hughes", "Edwards",
];
const NICK: &[(&str, &str)] = &[
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("Michael", "Mike"),
    ("James", "Jim"),
    ("John", "Jack"),
    ("Thomas", "Tom"),
    ("Richard", "Rick"),
    ("Daniel", "Dan"),
    ("Christopher", "Chris"),
    ("Edward", "Ted"),
    ("Joseph", "Joe"),
    ("Andrew", "Andy"),
    ("Matthew", "Matt"),
    ("Nicholas", "Nick"),
    ("Samuel", "Sam"),
    ("Elizabeth", "Liz"),
    ("Katherine", "Kate"),
    ("Margaret", "Peggy"),
    ("Jennifer", "Jenny"),
    ("Susan", "Sue"),
    ("Patricia", "Pat"),
    ("Rebecca", "Becky"),
    ("Victoria", "Vicky"),
    ("Jessica", "Jess"),
    ("Deborah", "Debbie"),
    ("Alexandra", "Alex"),
    ("Samantha", "Sam"),
    ("Francisco", "Paco"),
    ("José", "Pepe"),
    ("Ignacio", "Nacho"),
    ("Guadalupe", "Lupe"),
    ("Dolores", "Lola"),
    ("Manuel", "Manolo"),
    ("Concepción", "Concha"),
    ("Rosario", "Charo"),
];
const STREETS: &[&str] = &[
    "Avenida Arequipa",
    "Calle Los Pinos",
    "Jirón de la Unión",
    "Avenida Larco",
    "Calle Mayor",
    "Rua Augusta",
    "Chūō-dōri",
    "Meiji-dōri",
    "Hongō",
    "Shinjuku",
    "Gangnam-daero",
    "Jongno",
    "Nanjing Road",
    "Huaihai Road",
    "High Street",
    "Station Road",
    "King Street",
    "Avenida Javier Prado",
    "Calle Schell",
    "Avenida Benavides",
    "Paseo de la República",
];
const CITIES: &[&str] = &[
    "Lima",
    "Miraflores",
    "San Isidro",
    "Cusco",
    "Arequipa",
    "Tōkyō",
    "Ōsaka",
    "Kyōto",
    "Yokohama",
    "Madrid",
    "Sevilla",
    "São Paulo",
    "Lisboa",
    "Seoul",
    "Busan",
    "Beijing",
    "Shanghai",
    "London",
    "Sydney",
    "Ciudad de México",
    "Bogotá",
    "Santiago",
];

#[derive(Debug, Clone)]
struct Person {
    culture: Culture,
    male: bool,
    given: String,
    given_native: Option<String>,
    /// Surnames (Spanish and Portuguese: up to two).
    family: Vec<String>,
    family_native: Option<String>,
    /// Korean: the surname's spellings.
    family_spellings: Vec<String>,
    dob: (u16, u8, u8),
    nationality: &'static str,
    passport: String,
    street: String,
    city: String,
    postcode: String,
    phone: String,
    email: Option<String>,
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn letter(rng: &mut Rng) -> char {
    char::from(b'A' + rng.below(26) as u8)
}

fn ascii_fold(s: &str) -> String {
    crate::text::fold_accents(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn new_person(rng: &mut Rng) -> Person {
    let culture = match rng.below(100) {
        0..=39 => Culture::Japanese,
        40..=59 => Culture::Spanish,
        60..=67 => Culture::Portuguese,
        68..=79 => Culture::Chinese,
        80..=89 => Culture::Korean,
        _ => Culture::English,
    };
    let male = rng.chance(0.5);
    let (given, given_native, family, family_native, family_spellings, nationality) = match culture
    {
        Culture::Japanese => {
            let (f, fk) = *rng.pick(JP_FAMILY);
            let (g, gk) = *rng.pick(if male { JP_MALE } else { JP_FEMALE });
            (
                g.to_string(),
                Some(gk.to_string()),
                vec![f.to_string()],
                Some(fk.to_string()),
                vec![],
                "JP",
            )
        }
        Culture::Spanish => {
            let g = *rng.pick(if male { ES_GIVEN_M } else { ES_GIVEN_F });
            let mut fam = vec![rng.pick(ES_FAMILY).to_string()];
            if rng.chance(0.8) {
                fam.push(rng.pick(ES_FAMILY).to_string());
            }
            let nat = *rng.pick(&["PE", "PE", "PE", "ES", "MX", "CO", "AR", "BO"]);
            (g.to_string(), None, fam, None, vec![], nat)
        }
        Culture::Portuguese => {
            let g = *rng.pick(if male { PT_GIVEN_M } else { PT_GIVEN_F });
            let mut fam = vec![rng.pick(PT_FAMILY).to_string()];
            if rng.chance(0.7) {
                fam.push(rng.pick(PT_FAMILY).to_string());
            }
            (
                g.to_string(),
                None,
                fam,
                None,
                vec![],
                *rng.pick(&["BR", "BR", "PT"]),
            )
        }
        Culture::Chinese => {
            let (f, fk) = *rng.pick(CN_FAMILY);
            let (g, gk) = *rng.pick(CN_GIVEN);
            (
                g.to_string(),
                Some(gk.to_string()),
                vec![f.to_string()],
                Some(fk.to_string()),
                vec![],
                "CN",
            )
        }
        Culture::Korean => {
            let (fs, fk) = *rng.pick(KR_FAMILY);
            let (g, gk) = *rng.pick(KR_GIVEN);
            (
                g.to_string(),
                Some(gk.to_string()),
                vec![fs[0].to_string()],
                Some(fk.to_string()),
                fs.iter().map(|s| s.to_string()).collect(),
                "KR",
            )
        }
        Culture::English => {
            let g = *rng.pick(if male { EN_GIVEN_M } else { EN_GIVEN_F });
            let f = *rng.pick(EN_FAMILY);
            (
                g.to_string(),
                None,
                vec![f.to_string()],
                None,
                vec![],
                *rng.pick(&["GB", "US", "AU"]),
            )
        }
    };
    let dob = (
        1935 + rng.below(80) as u16,
        1 + rng.below(12) as u8,
        1 + rng.below(28) as u8,
    );
    let passport = format!("{}{}{}", letter(rng), letter(rng), digits(rng, 7));
    let street = format!("{} {}", 1 + rng.below(2000), rng.pick(STREETS));
    let city = rng.pick(CITIES).to_string();
    let postcode = digits(rng, 5);
    let phone = format!("+{} {}", 1 + rng.below(90), digits(rng, 9));
    let email = rng.chance(0.5).then(|| {
        format!(
            "{}.{}{}@example.org",
            ascii_fold(&given).to_lowercase(),
            ascii_fold(&family[0]).to_lowercase(),
            rng.below(100)
        )
    });
    Person {
        culture,
        male,
        given,
        given_native,
        family,
        family_native,
        family_spellings,
        dob,
        nationality,
        passport,
        street,
        city,
        postcode,
        phone,
        email,
    }
}

/// Japanese romanisation styles of a name written in Hepburn with macrons.
fn japanese_style(s: &str, style: usize, rng: &mut Rng) -> String {
    let lower = s.to_lowercase();
    let mut out = String::new();
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let rest: String = chars[i..].iter().collect();
        match style {
            // passport Hepburn: no macrons (or "oh"), m before b/m/p, no apostrophe
            0 => match c {
                'ō' => {
                    let end_or_consonant = next.map(|n| !"aeiou".contains(n)).unwrap_or(true);
                    out.push_str(if end_or_consonant && rng.chance(0.3) {
                        "oh"
                    } else {
                        "o"
                    });
                }
                'ū' => out.push('u'),
                '\'' => {}
                'n' if matches!(next, Some('b' | 'm' | 'p')) => out.push('m'),
                _ => out.push(c),
            },
            // Hepburn with macrons
            1 => out.push(c),
            // wāpuro: ou / oo, uu
            2 => match c {
                'ō' => out.push_str(if i == 0 { "oo" } else { "ou" }),
                'ū' => out.push_str("uu"),
                _ => out.push(c),
            },
            // Kunrei
            _ => {
                let pairs: &[(&str, &str)] = &[
                    ("tch", "tt"),
                    ("shi", "si"),
                    ("sh", "sy"),
                    ("chi", "ti"),
                    ("ch", "ty"),
                    ("tsu", "tu"),
                    ("fu", "hu"),
                    ("ji", "zi"),
                    ("j", "zy"),
                ];
                if let Some((from, to)) = pairs.iter().find(|(f, _)| rest.starts_with(f)) {
                    out.push_str(to);
                    i += from.chars().count();
                    continue;
                }
                match c {
                    'ō' => out.push('ô'),
                    'ū' => out.push('û'),
                    _ => out.push(c),
                }
            }
        }
        i += 1;
    }
    capitalise(&out)
}

fn capitalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ' || c == '-';
    }
    out
}

fn typo(s: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let i = 1 + rng.below(c.len() - 1);
    match rng.below(4) {
        0 => {
            c.remove(i);
        }
        1 if i + 1 < c.len() => c.swap(i, i + 1),
        2 => c.insert(i, char::from(b'a' + rng.below(26) as u8)),
        _ => c[i] = char::from(b'a' + rng.below(26) as u8),
    }
    c.into_iter().collect()
}

fn maybe_strip_accents(s: &str, rng: &mut Rng, p: f64) -> String {
    if rng.chance(p) {
        // Accents dropped, case kept.
        s.chars()
            .map(|ch| {
                let f = crate::text::fold_accents(&ch.to_string());
                if ch.is_uppercase() {
                    f.to_uppercase()
                } else {
                    f
                }
            })
            .collect()
    } else {
        s.to_string()
    }
}

/// One list's spelling of a person.
fn render(p: &Person, rng: &mut Rng, id: String) -> Record {
    let mut given = p.given.clone();
    let mut family: String;
    match p.culture {
        Culture::Japanese => {
            let style = match rng.below(10) {
                0..=4 => 0,
                5 | 6 => 1,
                7 | 8 => 2,
                _ => 3,
            };
            given = japanese_style(&p.given, style, rng);
            family = japanese_style(&p.family[0], style, rng);
        }
        Culture::Spanish | Culture::Portuguese => {
            let fam: Vec<String> = match (p.family.len(), rng.below(10)) {
                (2, 0..=2) if p.culture == Culture::Spanish => vec![p.family[0].clone()],
                (2, 0..=2) => vec![p.family[1].clone()],
                _ => p.family.clone(),
            };
            let fam: Vec<String> = fam
                .into_iter()
                .map(|f| {
                    if rng.chance(0.2) {
                        // particles dropped
                        f.split_whitespace()
                            .filter(|w| {
                                !crate::text::name_tokens(w).is_empty()
                                    && w.chars().next().map(|c| c.is_uppercase()).unwrap_or(false)
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    } else {
                        f
                    }
                })
                .collect();
            family = if rng.chance(0.1) {
                fam.join("-")
            } else {
                fam.join(" ")
            };
            family = maybe_strip_accents(&family, rng, 0.4);
            given = maybe_strip_accents(&given, rng, 0.4);
            if rng.chance(0.1) {
                if let Some((_, nick)) = NICK.iter().find(|(g, _)| *g == p.given) {
                    given = nick.to_string();
                }
            }
            if given.contains(' ') && rng.chance(0.2) {
                // the first given name alone
                given = given.split(' ').next().unwrap_or("").to_string();
            }
        }
        Culture::Chinese => {
            family = p.family[0].clone();
            let splits: &[(&str, usize)] = &[
                ("Xiuying", 3),
                ("Xiaoming", 4),
                ("Xiaohong", 4),
                ("Jianguo", 4),
                ("Lili", 2),
                ("Haiyan", 3),
                ("Zhiwei", 3),
                ("Yuxuan", 2),
            ];
            if let Some((_, at)) = splits.iter().find(|(g, _)| *g == given) {
                if rng.chance(0.3) {
                    // Xiaoming / Xiao Ming / Xiao-ming
                    let (a, b) = given.split_at(*at);
                    given = if rng.chance(0.5) {
                        format!("{a} {}", capitalise(b))
                    } else {
                        format!("{a}-{}", b)
                    };
                }
            }
        }
        Culture::Korean => {
            family = rng.pick(&p.family_spellings).clone();
            given = match rng.below(4) {
                0 => given.replace('-', ""),
                1 => given.replace('-', " "),
                _ => given,
            };
        }
        Culture::English => {
            family = p.family[0].clone();
            if rng.chance(0.2) {
                if let Some((_, nick)) = NICK.iter().find(|(g, _)| *g == p.given) {
                    given = nick.to_string();
                }
            }
        }
    }
    if rng.chance(0.07) {
        given = typo(&given, rng);
    }
    if rng.chance(0.07) {
        family = typo(&family, rng);
    }
    let mut r = Record::new(id);
    // Order and form of the name.
    let form = rng.below(100);
    let east = matches!(
        p.culture,
        Culture::Japanese | Culture::Chinese | Culture::Korean
    );
    if form < 6 {
        // given and family exchanged in their columns
        r.given_name = Some(family);
        r.family_name = Some(given);
    } else if form < 26 {
        r.full_name = Some(match rng.below(3) {
            0 => format!("{}, {given}", family.to_uppercase()),
            1 if east => format!("{} {given}", family.to_uppercase()),
            1 => format!("{given} {}", family.to_uppercase()),
            _ if east && rng.chance(0.5) => format!("{family} {given}"),
            _ => format!("{given} {family}"),
        });
    } else {
        r.given_name = Some(given);
        r.family_name = Some(family);
    }
    if let (Some(f), Some(g)) = (&p.family_native, &p.given_native) {
        if rng.chance(0.3) {
            r.native_name = Some(if rng.chance(0.5) {
                format!("{f}{g}")
            } else {
                format!("{f} {g}")
            });
        }
    }
    // Date of birth.
    let (y, m, d) = p.dob;
    let dob = match rng.below(100) {
        0..=9 => None,
        10..=15 => Some(format!("{y}")),
        16..=19 => Some(format!("{y}-{m:02}")),
        20..=22 => Some(format!("{y}-{d:02}-{m:02}")),
        23..=24 => Some(format!("{}-{m:02}-{d:02}", y + 1)),
        25..=26 => Some(format!("{y}-{m:02}-{:02}", (d % 28) + 1)),
        27..=50 => Some(format!("{d:02}/{m:02}/{y}")),
        _ => Some(format!("{y}-{m:02}-{d:02}")),
    };
    r.date_of_birth = dob;
    if rng.chance(0.9) {
        r.sex = Some(
            match (p.male, rng.below(2)) {
                (true, 0) => "M",
                (true, _) => "male",
                (false, 0) => "F",
                (false, _) => "female",
            }
            .to_string(),
        );
    }
    if rng.chance(0.85) {
        r.nationality = Some(match rng.below(3) {
            0 => p.nationality.to_string(),
            1 => crate::country::alpha3(p.nationality).to_string(),
            _ => crate::country::name(p.nationality).to_string(),
        });
    }
    if rng.chance(0.6) {
        let mut pp = p.passport.clone();
        if rng.chance(0.03) {
            pp = typo(&pp.to_lowercase(), rng).to_uppercase();
        }
        r.passport_number = Some(pp);
    }
    if rng.chance(0.7) {
        r.street = Some(if rng.chance(0.1) {
            typo(&p.street, rng)
        } else {
            p.street.clone()
        });
    }
    if rng.chance(0.8) {
        r.city = Some(maybe_strip_accents(&p.city, rng, 0.5));
    }
    if rng.chance(0.6) {
        r.postcode = Some(p.postcode.clone());
    }
    if rng.chance(0.6) {
        r.phone = Some(if rng.chance(0.5) {
            p.phone.clone()
        } else {
            p.phone.replace([' ', '+'], "")
        });
    }
    if let Some(e) = &p.email {
        if rng.chance(0.5) {
            r.email = Some(e.clone());
        }
    }
    r
}

/// People with households (a shared surname, address and phone), twins
/// (same date of birth in a household) and namesakes (a name reused).
fn population(n: usize, rng: &mut Rng) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::with_capacity(n);
    while people.len() < n {
        let mut p = new_person(rng);
        if people.len() > 10 && rng.chance(0.03) {
            // a namesake: someone else's name, a life of their own
            let o = &people[rng.below(people.len())];
            if o.culture == p.culture {
                p.given = o.given.clone();
                p.given_native = o.given_native.clone();
                p.family = o.family.clone();
                p.family_native = o.family_native.clone();
                p.family_spellings = o.family_spellings.clone();
            }
        }
        let household = if rng.chance(0.25) {
            1 + rng.below(4)
        } else {
            0
        };
        let head = p.clone();
        let mut given_names = vec![p.given.clone()];
        people.push(p);
        for k in 0..household {
            if people.len() >= n {
                break;
            }
            let mut q = new_person(rng);
            if q.culture != head.culture {
                q = new_person(rng);
            }
            if q.culture != head.culture {
                continue;
            }
            q.family = head.family.clone();
            q.family_native = head.family_native.clone();
            q.family_spellings = head.family_spellings.clone();
            q.street = head.street.clone();
            q.city = head.city.clone();
            q.postcode = head.postcode.clone();
            q.phone = head.phone.clone();
            q.nationality = head.nationality;
            if k == 0 && rng.chance(0.1) {
                // twins
                q.dob = head.dob;
            }
            // Two of one household are not given one name.
            if given_names.contains(&q.given) {
                continue;
            }
            given_names.push(q.given.clone());
            people.push(q);
        }
    }
    people
}

fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

/// One file of `count` records with duplicates: each person has 1 to 4
/// records (1.7 on average), shuffled. Ids `r1…`, clusters `p1…`.
pub fn with_duplicates(count: usize, seed: u64) -> Synthetic {
    let mut rng = Rng::new(seed);
    let people = population(count, &mut rng);
    let mut rows: Vec<(usize, Record)> = Vec::with_capacity(count);
    'people: for (k, p) in people.iter().enumerate() {
        let copies = match rng.below(100) {
            0..=54 => 1,
            55..=79 => 2,
            80..=91 => 3,
            _ => 4,
        };
        for _ in 0..copies {
            if rows.len() >= count {
                break 'people;
            }
            rows.push((k, render(p, &mut rng, String::new())));
        }
    }
    shuffle(&mut rows, &mut rng);
    let mut out = Synthetic::default();
    for (i, (k, mut r)) in rows.into_iter().enumerate() {
        r.id = format!("r{}", i + 1);
        out.records.push(r);
        out.truth.push(format!("p{}", k + 1));
    }
    out
}

/// A register of `registry` people (one record each) and a list of `list`
/// records: `overlap` of them (a share, 0 to 1) people of the register
/// spelled the list's way, the rest people not in it. Ids `reg1…` and
/// `list1…`; a list record and a register record are one person when their
/// truth is the same.
pub fn registry_and_list(
    registry: usize,
    list: usize,
    overlap: f64,
    seed: u64,
) -> (Synthetic, Synthetic) {
    let mut rng = Rng::new(seed);
    let shared = ((list as f64 * overlap.clamp(0.0, 1.0)) as usize).min(registry);
    let people = population(registry + (list - shared), &mut rng);
    let mut reg = Synthetic::default();
    for (k, p) in people.iter().take(registry).enumerate() {
        reg.records
            .push(render(p, &mut rng, format!("reg{}", k + 1)));
        reg.truth.push(format!("p{}", k + 1));
    }
    let mut chosen: Vec<usize> = (0..registry).collect();
    shuffle(&mut chosen, &mut rng);
    chosen.truncate(shared);
    chosen.extend(registry..people.len());
    shuffle(&mut chosen, &mut rng);
    let mut lst = Synthetic::default();
    for (i, k) in chosen.into_iter().enumerate() {
        lst.records
            .push(render(&people[k], &mut rng, format!("list{}", i + 1)));
        lst.truth.push(format!("p{}", k + 1));
    }
    (reg, lst)
}

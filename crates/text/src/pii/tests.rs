use super::*;

fn run(config: &PiiConfig, id: &str, text: &str) -> Document {
    let mut doc = Document::new(id.into(), text.into());
    assert_eq!(Pii::new(config).process(&mut doc), Verdict::Keep);
    doc
}

#[test]
fn patterns_compile() {
    assert!(EMAIL.is_match("a@b.co"));
    assert!(IPV4.is_match("8.8.8.8"));
    assert!(PHONE.is_match("+62 21 555 0100"));
}

#[test]
fn emails_are_replaced_as_datatrove_does() {
    let config = PiiConfig::default();
    let doc = run(
        &config,
        "x",
        "Write to kim.jong+news@mail.example.co.kr or to ops@[192.168.0.1].",
    );
    assert_eq!(doc.signals["pii.emails"], 2.0);
    assert!(!doc.text.contains("kim.jong"), "{}", doc.text);
    assert!(!doc.text.contains("ops@"), "{}", doc.text);
    // Both placeholders, in turn.
    assert!(doc.text.contains("email@example.com"), "{}", doc.text);
    assert!(
        doc.text.contains("firstname.lastname@example.org"),
        "{}",
        doc.text
    );
    // datatrove's pattern is case-sensitive: upper-case addresses are left as they are.
    let doc = run(&config, "x", "Mail John@Example.COM");
    assert_eq!(doc.text, "Mail John@Example.COM");
    assert_eq!(doc.signals["pii.emails"], 0.0);
    // Not e-mail: a lone @, a handle.
    let doc = run(&config, "x", "@user said hi @ noon");
    assert_eq!(doc.signals["pii.emails"], 0.0);
}

#[test]
fn only_public_ipv4_addresses_are_replaced() {
    let config = PiiConfig::default();
    let text = "public 8.8.8.8, private 192.168.1.10 and 10.0.0.1, loopback 127.0.0.1, \
                shared 100.64.1.1, doc 203.0.113.5, zeros 08.8.8.8, version 1.2.3";
    let doc = run(&config, "x", text);
    assert_eq!(doc.signals["pii.ips"], 1.0);
    assert!(!doc.text.contains("public 8.8.8.8"));
    assert!(doc.text.contains("zeros 08.8.8.8"));
    for kept in [
        "192.168.1.10",
        "10.0.0.1",
        "127.0.0.1",
        "100.64.1.1",
        "203.0.113.5",
        "version 1.2.3",
    ] {
        assert!(doc.text.contains(kept), "{kept}: {}", doc.text);
    }
    let all = PiiConfig {
        only_public_ips: false,
        ..PiiConfig::default()
    };
    let doc = run(&all, "x", "192.168.1.10 and 127.0.0.1");
    assert_eq!(doc.signals["pii.ips"], 2.0);
    assert!(
        default_ip_replacements()
            .iter()
            .any(|r| doc.text.starts_with(r.as_str()))
    );
}

#[test]
fn ipv6_addresses() {
    let config = PiiConfig::default();
    let doc = run(
        &config,
        "x",
        "host 2a00:1450:4001:81b::200e. Local fe80::1, doc 2001:db8::5.",
    );
    assert_eq!(doc.signals["pii.ips"], 1.0);
    assert!(!doc.text.contains("2a00"), "{}", doc.text);
    assert!(doc.text.contains("fe80::1") && doc.text.contains("2001:db8::5"));
    for text in [
        "at 10:30:00",
        "std::vector",
        "a::b",
        "MAC 00:1A:2B:3C:4D:5E",
        "x::",
        "::",
    ] {
        let doc = run(&config, "x", text);
        assert_eq!(doc.text, text);
    }
    let off = PiiConfig {
        ipv6: false,
        ..PiiConfig::default()
    };
    let doc = run(&off, "x", "host 2a00:1450:4001:81b::200e");
    assert_eq!(doc.signals["pii.ips"], 0.0);
}

#[test]
fn phones_are_off_by_default_and_noisy_when_on() {
    let text = "Call +62 21 5550 1234 or (021) 555-0199 or 0812-3456-7890; \
                on 2018-08-16 at 192.168.1.100, order 12345.";
    let doc = run(&PiiConfig::default(), "x", text);
    assert_eq!(doc.text, text);
    assert!(!doc.signals.contains_key("pii.phones"));
    let on = PiiConfig {
        phones: true,
        ..PiiConfig::default()
    };
    let doc = run(&on, "x", text);
    assert_eq!(doc.signals["pii.phones"], 3.0, "{}", doc.text);
    for kept in ["2018-08-16", "192.168.1.100", "12345"] {
        assert!(doc.text.contains(kept), "{kept}: {}", doc.text);
    }
}

#[test]
fn placeholders_depend_only_on_the_document() {
    let config = PiiConfig::default();
    let text = "a@b.com c@d.com 8.8.8.8 1.1.1.1 9.9.9.9";
    let first = run(&config, "doc-1", text);
    for _ in 0..3 {
        assert_eq!(run(&config, "doc-1", text).text, first.text);
    }
    // Different ids start the turn at different places (for some id).
    assert!((0..20).any(|i| run(&config, &format!("doc-{i}"), text).text != first.text));
}

#[test]
fn config_defaults_validation_and_unknown_keys() {
    let config: PiiConfig = toml::from_str("").unwrap();
    assert_eq!(config, PiiConfig::default());
    assert!(config.validate().is_empty());
    let bad: PiiConfig = toml::from_str("email_replacements = []").unwrap();
    assert_eq!(
        bad.validate(),
        ["email_replacements = [] must hold at least one placeholder"]
    );
    let err = toml::from_str::<PiiConfig>("phone = true")
        .unwrap_err()
        .to_string();
    assert!(err.contains("phone"), "{err}");
    // An empty list is harmless at run time too.
    let doc = run(&bad, "x", "a@b.com");
    assert_eq!(doc.text, "a@b.com");
}

#[test]
fn odd_input() {
    let config = PiiConfig {
        phones: true,
        ..PiiConfig::default()
    };
    for text in [
        "",
        "@@@@",
        ":::::",
        "1.1.1.1.1.1.1.1",
        "🙂@🙂.com",
        &"9".repeat(100_000),
    ] {
        let _ = run(&config, "x", text);
    }
}

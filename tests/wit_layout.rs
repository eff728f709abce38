//! `src/loader.rs` lowers `import-value`s by hand (its `case` constants); they must be the
//! cases of `variant import-value` in `wit/module-loader.wit`, in declaration order.

/// The case names of `variant NAME { ... }` in a WIT text, in order (comments skipped).
fn variant_cases(wit: &str, name: &str) -> Vec<String> {
    let start = wit.find(&format!("variant {name} {{")).unwrap_or_else(|| panic!("no variant {name}"));
    let body = &wit[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .map(|l| l.split("//").next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_end_matches(',').split('(').next().unwrap().trim().to_string())
        .collect()
}

#[test]
fn loader_case_constants_follow_the_wit() {
    let root = env!("CARGO_MANIFEST_DIR");
    let wit = std::fs::read_to_string(format!("{root}/wit/module-loader.wit")).unwrap();
    let loader = std::fs::read_to_string(format!("{root}/src/loader.rs")).unwrap();
    let cases = variant_cases(&wit, "import-value");
    assert!(cases.len() >= 8, "{cases:?}");
    let constants: Vec<(String, u8)> = loader
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.strip_suffix(';'))
        .filter_map(|l| {
            let (name, value) = l.split_once(": u8 = ")?;
            Some((name.to_lowercase().replace('_', "-"), value.parse().ok()?))
        })
        .collect();
    let expected: Vec<(String, u8)> = cases.into_iter().zip(0..).collect();
    assert_eq!(constants, expected, "src/loader.rs `mod case` against wit/module-loader.wit");
}

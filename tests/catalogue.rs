//! The bad-input catalogue (issue: robustness): malformed modules built by editing real side
//! modules' bytes, dependency errors, ids outside the preopens, 64 KiB and non-UTF-8 names.
//! The C program checks each dlerror and that no handle slot leaks; its whole stdout is
//! compared with the transcript.

mod support;
use support::{expected_in, read_leb, write_leb as leb, write_name, write_section, Scratch};

/// The LEB128 at `bytes[*p..]`, advancing `p`.
fn leb_at(bytes: &[u8], p: &mut usize) -> u32 {
    let (v, n) = read_leb(&bytes[*p..]).expect("a LEB128");
    *p += n;
    v
}

/// Splits a side module into (dylink.0 payload, the sections after it).
fn split_dylink(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut p = 8;
    assert_eq!(bytes[p], 0, "first section is a custom section");
    p += 1;
    let size = leb_at(bytes, &mut p) as usize;
    let end = p + size;
    assert_eq!(&bytes[p..p + 9], b"\x08dylink.0");
    (bytes[p + 9..end].to_vec(), bytes[end..].to_vec())
}

fn custom_section(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    write_name(name, &mut body);
    body.extend_from_slice(payload);
    let mut s = Vec::new();
    write_section(0, body, &mut s);
    s
}

/// A module from a header, sections before dylink.0, a dylink.0 payload and the rest.
fn assemble(before: &[u8], dylink: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    out.extend_from_slice(before);
    out.extend(custom_section("dylink.0", dylink));
    out.extend_from_slice(rest);
    out
}

/// Replaces the MEM_INFO subsection (which wasm-ld writes first) with `body`.
fn with_mem_info(dylink: &[u8], body: &[u8]) -> Vec<u8> {
    assert_eq!(dylink[0], 1, "MEM_INFO first");
    let mut p = 1;
    let len = leb_at(dylink, &mut p) as usize;
    let mut out = vec![1];
    leb(body.len() as u32, &mut out);
    out.extend_from_slice(body);
    out.extend_from_slice(&dylink[p + len..]);
    out
}

#[test]
fn bad_input_catalogue() {
    let s = Scratch::new("catalogue");
    let lib = |src: &str, out: &str, extra: &[&str]| s.side_module_in("catalogue", src, out, extra);
    lib("libgood.c", "libgood.so", &[]);
    let good = std::fs::read(s.path("libgood.so")).unwrap();
    let (dylink, rest) = split_dylink(&good);

    // dylink.0 not first: a small custom section ahead of it.
    s.write("libnotfirst.so", &assemble(&custom_section("x", b""), &dylink, &rest));
    // MEM_INFO asking for 2 GiB of data.
    let mut huge = Vec::new();
    for v in [0x7fff_fff0, 0, 0, 0] {
        leb(v, &mut huge);
    }
    s.write("libhugemem.so", &assemble(&[], &with_mem_info(&dylink, &huge), &rest));
    // A MEM_INFO size that does not fit in 32 bits.
    let bad_leb = [0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0];
    s.write("libbadleb.so", &assemble(&[], &with_mem_info(&dylink, &bad_leb), &rest));

    // A library that needs itself.
    lib("libself.c", "libself.so", &[]);
    lib("libself.c", "libself.so", &["-L.", "-lself"]);

    // a -> b -> c -> d, then d disappears.
    lib("libchain_d.c", "libchain_d.so", &[]);
    lib("libchain_c.c", "libchain_c.so", &["-L.", "-lchain_d"]);
    lib("libchain_b.c", "libchain_b.so", &["-L.", "-lchain_c"]);
    lib("libchain_a.c", "libchain_a.so", &["-L.", "-lchain_b"]);
    s.remove("libchain_d.so");

    // A library outside the preopened directory, reached by `..` and by a symlink.
    std::fs::write(s.dir.parent().unwrap().join("catalogue-outside.so"), &good).unwrap();
    let _ = std::fs::remove_file(s.path("libescape.so"));
    std::os::unix::fs::symlink("../catalogue-outside.so", s.path("libescape.so")).unwrap();

    s.program_in("catalogue", "catalogue.c", "catalogue.wasm", &[]);
    s.run("catalogue.wasm", &[], &[]).expect(&expected_in("catalogue", "catalogue.expected"));
}

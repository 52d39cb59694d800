//! What a wasm file is made of: its custom sections removed for release, and its code weighed
//! by crate from the twin that keeps function names (`target/symbols/`), for the size table
//! `cargo xtask bench` prints.
//!
//! The attribution reads the `name` section wasm-bindgen leaves in the twin (demangled Rust
//! paths) and gives each function body to the crate its path starts with. A generic
//! instantiation counts for the crate that defines the function (`alloc::vec::Vec<T>::push`
//! is `alloc` whoever `T` is), as `cargo bloat` does; `<T as leptos::IntoView>::into_view` with
//! a bare type parameter counts for the trait's crate.

use std::collections::BTreeMap;

use anyhow::Context;
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// `wasm` without its custom sections (the `name` section, `producers`, `target_features`,
/// the lazy-loading markers): the browser ignores them, and a phone should not download them.
/// Function indices and every other section stay exactly as they were, so the twin with names
/// explains the stripped file's `wasm-function[N]` frames.
pub fn strip_custom_sections(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(wasm.len());
    out.extend_from_slice(wasm.get(..8).context("not a wasm module")?);
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("cannot parse the wasm")?;
        if matches!(payload, Payload::CustomSection(_)) {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            out.push(id);
            leb128(&mut out, range.len() as u64);
            out.extend_from_slice(&wasm[range]);
        }
    }
    Ok(out)
}

fn leb128(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A module's bytes by where they go.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Function bodies by crate (each without its size prefix).
    pub code: BTreeMap<String, usize>,
    /// The data section: string literals, tables, statics.
    pub data: usize,
    /// Custom sections (the names, in the twin; none in the shipped file).
    pub custom: usize,
    /// Everything else: types, imports, exports, the function table, section headers.
    pub rest: usize,
    /// The whole file.
    pub total: usize,
}

impl Breakdown {
    /// Adds another module's bytes to these (the chunks, summed).
    pub fn add(&mut self, other: &Breakdown) {
        for (name, bytes) in &other.code {
            *self.code.entry(name.clone()).or_default() += bytes;
        }
        self.data += other.data;
        self.custom += other.custom;
        self.rest += other.rest;
        self.total += other.total;
    }

    /// The crates, largest first.
    pub fn crates_by_size(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self.code.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

/// Weighs `wasm`'s code by crate, using its `name` section (functions without a name count
/// as "(unnamed)").
pub fn breakdown(wasm: &[u8]) -> anyhow::Result<Breakdown> {
    let mut imported_functions = 0u32;
    let mut bodies: Vec<usize> = Vec::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    let mut b = Breakdown {
        total: wasm.len(),
        ..Breakdown::default()
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("cannot parse the wasm")?;
        match payload {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported_functions += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len()),
            Payload::DataSection(s) => b.data += s.range().len(),
            Payload::CustomSection(c) => {
                b.custom += c.range().len();
                if let KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader {
                        if let Name::Function(map) = sub? {
                            for naming in map {
                                let naming = naming?;
                                // wasm-bindgen demangles the main module's names; the split
                                // tool's chunks keep the linker's.
                                let name = rustc_demangle::demangle(naming.name).to_string();
                                names.insert(naming.index, name);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (i, size) in bodies.into_iter().enumerate() {
        let crate_name = names
            .get(&(imported_functions + i as u32))
            .map_or_else(|| "(unnamed)".to_owned(), |n| crate_of(n).to_owned());
        *b.code.entry(crate_name).or_default() += size;
    }
    let code: usize = b.code.values().sum();
    b.rest = b.total.saturating_sub(code + b.data + b.custom);
    Ok(b)
}

const PRIMITIVES: &[&str] = &[
    "str", "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64",
];

/// The crate a demangled function name belongs to.
pub fn crate_of(name: &str) -> &str {
    let mut s = name;
    loop {
        let trimmed = s
            .trim_start_matches(['<', '&', '*', '(', '['])
            .trim_start_matches("mut ")
            .trim_start_matches("const ")
            .trim_start_matches("dyn ");
        if trimmed == s {
            break;
        }
        s = trimmed;
    }
    let ident_end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let ident = &s[..ident_end];
    if ident.is_empty() {
        return "(other)";
    }
    let mut rest = &s[ident_end..];
    // The standard library's paths are v0-demangled with their disambiguator:
    // `core[c5930c85a12de822]::num::...`.
    if rest.starts_with('[')
        && let Some(end) = rest.find(']')
    {
        rest = &rest[end + 1..];
    }
    if rest.starts_with("::") {
        return ident;
    }
    // `<str>::to_lowercase`, `<u128>::_fmt_inner`: inherent methods of primitive types.
    if rest.starts_with(">::") && PRIMITIVES.contains(&ident) {
        return "core";
    }
    // `<T as path::Trait>::f` with a bare type parameter: the trait's crate.
    if let Some(after) = rest.strip_prefix(" as ") {
        return crate_of(after);
    }
    // A symbol with no path: libc-like helpers and wasm-bindgen's exports.
    "(no crate)"
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A module with one imported and two defined functions, a data segment and custom
    /// sections, written by hand (section ids and LEB128 sizes as the spec lays them out).
    fn module() -> Vec<u8> {
        fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
            out.push(id);
            leb128(out, body.len() as u64);
            out.extend_from_slice(body);
        }
        fn name(out: &mut Vec<u8>, s: &str) {
            leb128(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        section(&mut m, 1, &[1, 0x60, 0, 0]); // one type: () -> ()
        let mut imports = vec![1];
        name(&mut imports, "env");
        name(&mut imports, "f");
        imports.extend([0, 0]); // a function of type 0
        section(&mut m, 2, &imports);
        section(&mut m, 3, &[2, 0, 0]); // two functions of type 0
        section(&mut m, 5, &[1, 0, 1]); // one memory of one page
        // Bodies: no locals, then `end` (3 bytes with the size); the second has 3 `nop`s.
        section(&mut m, 10, &[2, 2, 0, 0x0b, 5, 0, 1, 1, 1, 0x0b]);
        section(&mut m, 11, &[1, 0, 0x41, 0, 0x0b, 3, b'a', b'b', b'c']);
        let mut names = Vec::new();
        name(&mut names, "name");
        let mut map = vec![3];
        for (i, n) in [
            (0u8, "env_f"),
            (1, "alloc::vec::Vec<T,A>::push"),
            (2, "<T as leptos::IntoView>::into_view"),
        ] {
            map.push(i);
            name(&mut map, n);
        }
        names.push(1);
        leb128(&mut names, map.len() as u64);
        names.extend(map);
        section(&mut m, 0, &names);
        let mut producers = Vec::new();
        name(&mut producers, "producers");
        producers.push(0);
        section(&mut m, 0, &producers);
        m
    }

    #[test]
    fn stripping_keeps_every_section_but_the_custom_ones() {
        let m = module();
        let stripped = strip_custom_sections(&m).unwrap();
        let sections = |wasm: &[u8]| -> Vec<(u8, Vec<u8>)> {
            Parser::new(0)
                .parse_all(wasm)
                .filter_map(|p| {
                    p.unwrap()
                        .as_section()
                        .map(|(id, r)| (id, wasm[r].to_vec()))
                })
                .collect()
        };
        let before = sections(&m);
        let after = sections(&stripped);
        assert_eq!(after.iter().filter(|(id, _)| *id == 0).count(), 0);
        let kept: Vec<_> = before.into_iter().filter(|(id, _)| *id != 0).collect();
        assert_eq!(after, kept);
        wasmparser::Validator::new()
            .validate_all(&stripped)
            .unwrap();
    }

    #[test]
    fn code_is_weighed_by_the_crate_its_name_starts_with() {
        let m = module();
        let b = breakdown(&m).unwrap();
        // Each body without its size prefix: 2 and 5 bytes.
        assert_eq!(
            b.code,
            BTreeMap::from([("alloc".to_owned(), 2), ("leptos".to_owned(), 5)])
        );
        assert_eq!(b.data, 9);
        assert!(b.custom > 0);
        let code: usize = b.code.values().sum();
        assert_eq!(code + b.data + b.custom + b.rest, b.total);
        assert_eq!(
            breakdown(&strip_custom_sections(&m).unwrap())
                .unwrap()
                .custom,
            0
        );
    }

    #[test]
    fn crates_are_read_from_demangled_paths() {
        assert_eq!(crate_of("tachys::html::element::Div::new"), "tachys");
        assert_eq!(
            crate_of("<alloc::vec::Vec<T> as core::clone::Clone>::clone"),
            "alloc"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R>>::parse"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<F as reactive_graph::effect::EffectFunction>::run"),
            "reactive_graph"
        );
        assert_eq!(
            crate_of("core[c5930c85a12de822]::num::flt2dec::strategy::dragon::format_exact"),
            "core"
        );
        assert_eq!(
            crate_of("<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<S>>::malloc"),
            "dlmalloc"
        );
        assert_eq!(crate_of("<str>::to_lowercase"), "core");
        assert_eq!(crate_of("memcpy"), "(no crate)");
        let mangled = "_ZN6tachys4html7element3Div3new17h0123456789abcdefE";
        assert_eq!(
            crate_of(&rustc_demangle::demangle(mangled).to_string()),
            "tachys"
        );
        assert_eq!(crate_of("{{closure}}"), "(other)");
    }
}

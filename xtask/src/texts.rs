//! The app's texts for pages written before the wasm runs (`public/index.html`'s first paint):
//! `{{da:Key}}` and `{{en:Key}}` in a template become the wording of `Key` in the app's own
//! catalog (`app/src/i18n/*.rs`, `Key => { da: "...", en: "..." }`), HTML-escaped. The first
//! paint therefore says exactly what the app says once it runs, in both languages, with no
//! copy of the wording to keep in step.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};

/// Every text of the catalog in `dir`: key -> (Danish, English).
pub fn catalog(dir: &Path) -> anyhow::Result<BTreeMap<String, (String, String)>> {
    let mut texts = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for (key, da, en) in entries(&source) {
            texts.insert(key, (da, en));
        }
    }
    Ok(texts)
}

/// The `Key => { da: "...", en: "..." }` entries of one file whose wordings are plain string
/// literals (an entry built another way is skipped, and a template naming it fails).
fn entries(source: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("=> {") {
        let before = rest[..at].trim_end();
        let key_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let key = &before[key_start..];
        rest = &rest[at + 4..];
        let parsed = (|| {
            let body = rest.trim_start().strip_prefix("da:")?;
            let (da, body) = literal(body.trim_start())?;
            let body = body.trim_start().strip_prefix(',')?.trim_start();
            let body = body.strip_prefix("en:")?;
            let (en, _) = literal(body.trim_start())?;
            Some((da, en))
        })();
        if let Some((da, en)) = parsed
            && key.starts_with(|c: char| c.is_ascii_uppercase())
        {
            out.push((key.to_owned(), da, en));
        }
    }
    out
}

/// A Rust string literal at the start of `s` (escapes `\"`, `\\`, `\n` and a line
/// continuation), and what follows it.
fn literal(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                '\n' => {
                    // A line continuation: the newline and the next line's indent go.
                    while chars.clone().next().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// Replaces every `{{da:Key}}` and `{{en:Key}}` in `template` with the escaped wording.
pub fn fill(template: &str, texts: &BTreeMap<String, (String, String)>) -> anyhow::Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find("}}") else {
            bail!("an unclosed {{{{ in the template");
        };
        let inner = &after[..end];
        match inner.split_once(':') {
            Some((lang @ ("da" | "en"), key)) => {
                let Some((da, en)) = texts.get(key) else {
                    bail!(
                        "the template names {key}, which is not a plain text of the app's catalog"
                    );
                };
                out.push_str(&escape(if lang == "da" { da } else { en }));
            }
            // Not a text: left for the other placeholders.
            _ => out.push_str(&rest[at..at + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
define_messages! {
    Shell;
    AppName => { da: "Samskab", en: "Samskab" },
    /// A doc line.
    Intro => {
        da: "Find en \"opgave\" & mød \
             andre.",
        en: "Find a task <now>.",
    },
    Built => { da: concat!("a", "b"), en: "ab" },
}
"#;

    #[test]
    fn reads_plain_entries_and_skips_built_ones() {
        let got = entries(SOURCE);
        assert_eq!(
            got,
            vec![
                ("AppName".into(), "Samskab".into(), "Samskab".into()),
                (
                    "Intro".into(),
                    "Find en \"opgave\" & mød andre.".into(),
                    "Find a task <now>.".into()
                ),
            ]
        );
    }

    #[test]
    fn fills_texts_escaped_and_leaves_other_placeholders() {
        let texts = entries(SOURCE)
            .into_iter()
            .map(|(k, da, en)| (k, (da, en)))
            .collect();
        let html = fill(
            r#"<p data-en="{{en:Intro}}">{{da:Intro}}</p><link href="{{style}}">"#,
            &texts,
        )
        .unwrap();
        assert_eq!(
            html,
            r#"<p data-en="Find a task &lt;now&gt;.">Find en &quot;opgave&quot; &amp; mød andre.</p><link href="{{style}}">"#
        );
        assert!(fill("{{da:Built}}", &texts).is_err());
        assert!(fill("{{da:Missing}}", &texts).is_err());
    }

    #[test]
    fn the_apps_catalog_has_the_first_paints_texts() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let texts = catalog(&root.join("app/src/i18n")).unwrap();
        let template = std::fs::read_to_string(root.join("public/index.html")).unwrap();
        fill(&template, &texts).unwrap();
        assert_eq!(
            texts["NavTasks"],
            ("Opgaver".to_owned(), "Tasks".to_owned())
        );
    }
}

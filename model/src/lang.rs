//! The UI languages. Danish is the default and the language of record; English is the
//! alternative for residents who do not read Danish.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language the UI can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Danish, the default.
    #[default]
    Da,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order a language switch offers them.
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    /// The BCP 47 tag, as used in `<html lang>` and in stored settings.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The language's own name for itself, which is how a switch should label it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A language tag that Samskab does not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}; expected one of \"da\", \"en\"")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts a bare tag or a regional one (`da-DK`, `en-GB`), case-insensitively, so that
    /// `navigator.language` can be passed straight in.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "da" => Ok(Lang::Da),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// An error's English `Display` text as a sentence: capitalised, with a full stop. The
/// English wording of model errors is their `Display`; Danish ones are written out.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bare_and_regional_tags() {
        assert_eq!("da".parse(), Ok(Lang::Da));
        assert_eq!("da-DK".parse(), Ok(Lang::Da));
        assert_eq!("EN_gb".parse(), Ok(Lang::En));
    }

    #[test]
    fn refuses_unknown_tags() {
        assert_eq!("de".parse::<Lang>(), Err(UnknownLang("de".into())));
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn tag_round_trips_through_display_and_serde() {
        for lang in Lang::ALL {
            assert_eq!(lang.to_string().parse(), Ok(lang));
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.tag()));
            assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), lang);
        }
    }
}

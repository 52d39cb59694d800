//! The fields a person gives when an account is made (name, e-mail, phone) and the rules they
//! must meet, so that the relay refuses exactly what the app's form would tell the person to
//! fix. Each check trims first and returns the value to store; a refusal names the field and
//! the rule, in English for developers (the app shows its own sentence).

/// The longest e-mail address SMTP can carry (RFC 5321's path limit less its brackets).
pub const MAX_EMAIL: usize = 254;
/// Characters in a name: room for several given names and a double surname.
pub const MAX_NAME: usize = 100;
/// Characters in a phone number: an international number with spaces and an extension.
pub const MAX_PHONE: usize = 30;

/// Which field a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Email,
    Phone,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("the {0} contains a control character")]
    ControlCharacter(Field),
    #[error("a name of 1 to {MAX_NAME} characters is required")]
    Name,
    #[error(
        "a valid email address is required: one @, a name before it, a domain with a dot after \
         it, no spaces, at most {MAX_EMAIL} characters"
    )]
    Email,
    #[error("a phone number has at most {MAX_PHONE} of 0-9, space, +, -, ( and )")]
    Phone,
}

/// Trims `value` and refuses control characters anywhere in it (a newline in a name ends up in
/// a roster, a CSV export or a log line where it does not belong).
fn clean(value: &str, field: Field) -> Result<&str, FieldError> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(FieldError::ControlCharacter(field));
    }
    Ok(value)
}

/// A person's name: 1 to [`MAX_NAME`] characters after trimming.
pub fn name(value: &str) -> Result<String, FieldError> {
    let value = clean(value, Field::Name)?;
    if value.is_empty() || value.chars().count() > MAX_NAME {
        return Err(FieldError::Name);
    }
    Ok(value.to_owned())
}

/// An e-mail address, trimmed and lowercased (accounts are found by it, case-blind).
///
/// Deliberately a shape check, not RFC 5322: what people type into a form, with one `@`, a
/// non-empty local part and a domain with a dot that neither starts nor ends it. Whether the
/// address works is for a mail to find out.
pub fn email(value: &str) -> Result<String, FieldError> {
    let value = clean(value, Field::Email)?.to_lowercase();
    let Some((local, domain)) = value.split_once('@') else {
        return Err(FieldError::Email);
    };
    let shaped = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !value.chars().any(char::is_whitespace)
        && value.len() <= MAX_EMAIL;
    if !shaped {
        return Err(FieldError::Email);
    }
    Ok(value)
}

/// A phone number (optional: empty is fine): at most [`MAX_PHONE`] of digits, spaces, `+`,
/// `-`, `(` and `)`.
pub fn phone(value: &str) -> Result<String, FieldError> {
    let value = clean(value, Field::Phone)?;
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')');
    if value.chars().count() > MAX_PHONE || !value.chars().all(allowed) {
        return Err(FieldError::Phone);
    }
    Ok(value.to_owned())
}

/// Characters a password needs at least.
pub const MIN_PASSWORD: usize = 10;
/// Bytes a password may have at most (argon2 takes any length; the relay does not hash
/// megabytes).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD} characters")]
    TooShort,
    #[error("the password is too long")]
    TooLong,
}

/// A new password (registration, change, reset): at least [`MIN_PASSWORD`] characters, at
/// most [`MAX_PASSWORD_BYTES`] bytes. Not trimmed: spaces are part of a passphrase.
pub fn password(value: &str) -> Result<(), PasswordError> {
    if value.chars().count() < MIN_PASSWORD {
        return Err(PasswordError::TooShort);
    }
    if value.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_count_characters_and_bound_bytes() {
        assert_eq!(password("123456789"), Err(PasswordError::TooShort));
        assert_eq!(password("ææææææææææ"), Ok(()), "characters, not bytes");
        assert_eq!(password(&"a".repeat(MAX_PASSWORD_BYTES)), Ok(()));
        assert_eq!(
            password(&"a".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn emails_have_one_at_a_local_part_and_a_dotted_domain() {
        assert_eq!(email(" Anna@Example.DK ").as_deref(), Ok("anna@example.dk"));
        assert!(email("a@b.dk").is_ok());
        for bad in [
            "",
            "@",
            "anna",
            "anna@",
            "@example.dk",
            "anna@localhost",
            "anna@@example.dk",
            "an@na@example.dk",
            "anna@.dk",
            "anna@example.",
            "anna@example..dk",
            "an na@example.dk",
            "anna@exa\u{0}mple.dk",
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
        let longest = format!("{}@example.dk", "a".repeat(MAX_EMAIL - 11));
        assert_eq!(longest.len(), MAX_EMAIL);
        assert!(email(&longest).is_ok());
        assert_eq!(email(&format!("a{longest}")), Err(FieldError::Email));
    }

    #[test]
    fn names_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(name("  Anna Bølle ").as_deref(), Ok("Anna Bølle"));
        assert_eq!(name("   "), Err(FieldError::Name));
        assert!(name(&"å".repeat(MAX_NAME)).is_ok(), "characters, not bytes");
        assert_eq!(name(&"å".repeat(MAX_NAME + 1)), Err(FieldError::Name));
        assert_eq!(
            name("Anna\nBølle"),
            Err(FieldError::ControlCharacter(Field::Name))
        );
        assert_eq!(
            name("Anna\u{7f}"),
            Err(FieldError::ControlCharacter(Field::Name))
        );
    }

    #[test]
    fn phones_are_optional_short_and_numeric() {
        assert_eq!(phone("").as_deref(), Ok(""));
        assert_eq!(
            phone(" +45 (12) 34-56 78 ").as_deref(),
            Ok("+45 (12) 34-56 78")
        );
        assert!(phone(&"1".repeat(MAX_PHONE)).is_ok());
        assert_eq!(phone(&"1".repeat(MAX_PHONE + 1)), Err(FieldError::Phone));
        assert_eq!(phone("ring efter 17"), Err(FieldError::Phone));
        assert_eq!(
            phone("12\t34"),
            Err(FieldError::ControlCharacter(Field::Phone))
        );
    }
}

//! Checks on single input values shared by several modules: required text, Russian dates, СНИЛС and the
//! unified ОМС policy number (ЕНП). Each returns the normalised value or an `Invalid` error naming the field.
use crate::error::{Check, Error, Result};
use chrono::NaiveDate;

/// Trims `value` and checks it is present and at most `max` characters long.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, Check::Required));
    }
    optional_text(field, v, max).map(|o| o.unwrap_or_default())
}

/// Like `text`, but an empty value is `None`.
pub fn optional_text(field: &'static str, value: &str, max: usize) -> Result<Option<String>> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(field, Check::TooLong { max }));
    }
    Ok((!v.is_empty()).then(|| v.to_string()))
}

/// Reads a date written `ДД.ММ.ГГГГ` (as Russian users write it) or `ГГГГ-ММ-ДД`.
pub fn date(field: &'static str, value: &str) -> Result<NaiveDate> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .map_err(|_| Error::invalid(field, Check::NotADate))
}

/// Reads a moment written `ДД.ММ.ГГГГ ЧЧ:ММ` or `ГГГГ-ММ-ДД ЧЧ:ММ` (also with a `T` and seconds, as HTML inputs send).
pub fn instant(field: &'static str, value: &str) -> Result<chrono::NaiveDateTime> {
    let v = value.trim();
    ["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(v, f).ok())
        .ok_or(Error::invalid(field, Check::NotADate))
}

/// A period given as two dates (`from`, `to`), either left empty for "open"; the end may not precede the start.
pub fn period(from: &str, to: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let from = Some(from.trim()).filter(|s| !s.is_empty()).map(|s| date("from", s)).transpose()?;
    let to = Some(to.trim()).filter(|s| !s.is_empty()).map(|s| date("to", s)).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(Error::invalid("to", Check::EndBeforeStart));
        }
    }
    Ok((from, to))
}

/// A time of day written `ЧЧ:ММ` (empty: none given), stored as it is written.
pub fn time_of_day(field: &'static str, value: &str) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    chrono::NaiveTime::parse_from_str(v, "%H:%M")
        .map(|t| Some(t.format("%H:%M").to_string()))
        .map_err(|_| Error::invalid(field, Check::NotATime))
}

/// A validated ОГРН (the organisation's primary state registration number): 13 digits, the last the remainder of
/// the first twelve, as a number, modulo 11 (its last digit when the remainder is 10).
pub fn ogrn(field: &'static str, value: &str) -> Result<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if v.len() != 13 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, Check::OgrnFormat));
    }
    let body: u64 = v[..12].parse().map_err(|_| Error::invalid(field, Check::OgrnFormat))?;
    if (body % 11 % 10) as u8 != v.as_bytes()[12] - b'0' {
        return Err(Error::invalid(field, Check::OgrnChecksum));
    }
    Ok(v)
}

/// A date as Russian documents print it: ДД.ММ.ГГГГ.
pub fn show_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A period for a title: `ДД.ММ.ГГГГ — ДД.ММ.ГГГГ`, `…` for an open end, or "all time".
pub fn show_open_period(from: Option<NaiveDate>, to: Option<NaiveDate>, lang: crate::i18n::Lang) -> String {
    match (from, to) {
        (None, None) => crate::i18n::tr(lang, "journal.all_time", &[]),
        (f, t) => format!(
            "{} — {}",
            f.map(show_date).unwrap_or_else(|| "…".into()),
            t.map(show_date).unwrap_or_else(|| "…".into())
        ),
    }
}

/// A validated СНИЛС, stored as its 11 digits.
pub fn snils(field: &'static str, value: &str) -> Result<String> {
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    let only_separators = value.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    if digits.len() != 11 || !only_separators {
        return Err(Error::invalid(field, Check::SnilsFormat));
    }
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let number: u32 = d[..9].iter().fold(0, |n, x| n * 10 + x);
    // Numbers up to 001-001-998 were issued before the checksum existed.
    if number > 1_001_998 {
        let sum: u32 = d[..9].iter().enumerate().map(|(i, x)| x * (9 - i as u32)).sum();
        let check = match sum % 101 {
            100 => 0,
            s => s,
        };
        if check != d[9] * 10 + d[10] {
            return Err(Error::invalid(field, Check::SnilsChecksum));
        }
    }
    Ok(digits)
}

/// An id a user or the UI sent back (a UUID); a typed error naming the field otherwise.
pub fn id(field: &'static str, text: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(text.trim()).map_err(|_| Error::invalid(field, Check::OneOf { allowed: "UUID".into() }))
}

/// СНИЛС as printed: `XXX-XXX-XXX YY`.
pub fn show_snils(digits: &str) -> String {
    if digits.len() != 11 {
        return digits.to_string();
    }
    format!("{}-{}-{} {}", &digits[0..3], &digits[3..6], &digits[6..9], &digits[9..11])
}

/// A validated unified ОМС policy number (ЕНП): 16 digits, the last a Luhn check digit.
pub fn enp(field: &'static str, value: &str) -> Result<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if v.len() != 16 || !v.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(field, Check::EnpFormat));
    }
    let sum: u32 = v
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    if !sum.is_multiple_of(10) {
        return Err(Error::invalid(field, Check::EnpChecksum));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_of(r: Result<String>) -> Option<Check> {
        match r {
            Err(Error::Invalid { check, .. }) => Some(check),
            _ => None,
        }
    }

    #[test]
    fn valid_snils_is_accepted_in_any_common_spelling() {
        // 112-233-445 95: sum = 1*9+1*8+2*7+2*6+3*5+3*4+4*3+4*2+5*1 = 95.
        assert_eq!(snils("snils", "112-233-445 95").unwrap(), "11223344595", "the printed form must be accepted");
        assert_eq!(snils("snils", "11223344595").unwrap(), "11223344595", "bare digits must be accepted");
        assert_eq!(show_snils("11223344595"), "112-233-445 95", "SNILS must print as XXX-XXX-XXX YY");
    }

    #[test]
    fn snils_checksum_rules() {
        assert_eq!(
            check_of(snils("snils", "112-233-445 96")),
            Some(Check::SnilsChecksum),
            "a wrong checksum must be refused"
        );
        // 000-000-001 ... old numbers below 001-001-998 are not checked.
        assert!(snils("snils", "001-001-998 00").is_ok(), "numbers up to 001-001-998 carry no checksum");
        assert_eq!(check_of(snils("snils", "123")), Some(Check::SnilsFormat), "too few digits is a format error");
    }

    #[test]
    fn snils_sums_of_100_and_over_101() {
        // digits 9,0,0,0,0,0,2,0,3: 81 + 2*3 + 3*1 = 90 -> checksum 90.
        assert!(snils("snils", "900-000-203 90").is_ok(), "a sum below 100 is the checksum itself");
        // 9,0,0,0,0,0,0,5,5: 81 + 10 + 5 = 96; 9,0,0,0,0,0,6,0,1: 81+18+1 = 100 -> 00.
        assert!(snils("snils", "900-000-601 00").is_ok(), "a sum of 100 gives checksum 00");
        // 9,9,0,0,0,0,0,0,0: 81 + 72 = 153 -> 153 mod 101 = 52.
        assert!(snils("snils", "990-000-000 52").is_ok(), "a sum over 101 is taken mod 101");
        assert!(snils("snils", "990-000-000 53").is_err(), "and a wrong one is refused");
    }

    #[test]
    fn enp_luhn() {
        assert!(enp("oms", "8451999122899990").is_ok(), "the DOMAIN.md test vector must be valid");
        assert_eq!(check_of(enp("oms", "8451999122899991")), Some(Check::EnpChecksum), "a wrong Luhn digit");
        assert_eq!(check_of(enp("oms", "84519991228")), Some(Check::EnpFormat), "too short");
    }

    #[test]
    fn dates_in_russian_and_iso_form() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(date("birth_date", "07.03.2026").unwrap(), d, "ДД.ММ.ГГГГ must parse");
        assert_eq!(date("birth_date", "2026-03-07").unwrap(), d, "ISO must parse");
        assert!(date("birth_date", "31.02.2026").is_err(), "an impossible date must be refused");
        assert_eq!(show_date(d), "07.03.2026", "dates print as ДД.ММ.ГГГГ");
    }
}

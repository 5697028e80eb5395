//! PDF text strings and dates as signature dictionaries need them. Text outside ASCII (Cyrillic names,
//! reasons, places) is written as UTF-16BE with the FE FF mark, in hexadecimal form so that no byte of it
//! needs escaping; dates follow the PDF form `D:YYYYMMDDHHmmSS+HH'mm'`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike};
use lopdf::{Object, StringFormat};

/// A PDF text string: printable ASCII as a literal string, anything else as UTF-16BE with a byte-order mark.
pub(super) fn encode(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Decodes a PDF text string: UTF-16BE when it starts with FE FF, UTF-8 with its mark, otherwise Latin-1
/// (close enough to PDFDocEncoding for names).
pub(super) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// `D:YYYYMMDDHHmmSS+HH'mm'`, the form of /M.
pub(super) fn format_date(time: &DateTime<FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs() / 60;
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        offset / 60,
        offset % 60
    )
}

/// Parses a PDF date; the fields after the year are optional, as the PDF specification allows.
pub(super) fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 || digits % 2 != 0 || digits > 14 {
        return None;
    }
    let field = |from: usize, default: u32| -> Option<u32> {
        if from + 2 > digits && from >= 4 {
            return Some(default);
        }
        text.get(from..from + 2)?.parse().ok()
    };
    let year: i32 = text.get(0..4)?.parse().ok()?;
    let (month, day) = (field(4, 1)?, field(6, 1)?);
    let (hour, minute, second) = (field(8, 0)?, field(10, 0)?, field(12, 0)?);
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    let offset = parse_offset(&text[digits..])?;
    offset.from_local_datetime(&naive).single()
}

/// `Z`, `+HH'mm'`, `-HH'mm`, `+HH` or nothing (taken as UTC).
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let mut chars = text.chars();
    let sign = match chars.next() {
        None | Some('Z') => return FixedOffset::east_opt(0),
        Some('+') => 1,
        Some('-') => -1,
        Some(_) => return None,
    };
    let rest: String = chars.filter(|c| c.is_ascii_digit()).collect();
    let hours: i32 = rest.get(0..2)?.parse().ok()?;
    let minutes: i32 = rest.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_keep_cyrillic() {
        let Object::String(bytes, format) = encode("Подпись 1") else { panic!("a text string is a PDF string") };
        assert_eq!(format, StringFormat::Hexadecimal, "non-ASCII text is hex-encoded so no byte needs escaping");
        assert_eq!(&bytes[..2], &[0xFE, 0xFF], "UTF-16BE text strings start with the FE FF mark");
        assert_eq!(decode(&bytes), "Подпись 1", "decoding gives the original text back");
        let Object::String(ascii, _) = encode("Signature (1)") else { panic!("a text string is a PDF string") };
        assert_eq!(decode(&ascii), "Signature (1)", "ASCII stays as it is");
    }

    #[test]
    fn dates_round_trip() {
        let offset = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
        let time = offset.with_ymd_and_hms(2026, 3, 5, 14, 7, 9).single().expect("a valid time");
        let text = format_date(&time);
        assert_eq!(text, "D:20260305140709+03'00'", "the PDF date form with the Moscow offset");
        assert_eq!(parse_date(&text), Some(time), "the date reads back to the same moment and offset");
        assert_eq!(
            parse_date("D:20260305"),
            offset.with_ymd_and_hms(2026, 3, 5, 3, 0, 0).single(),
            "a date without time is midnight UTC"
        );
        assert_eq!(parse_date("yesterday"), None, "text that is not a PDF date is rejected");
    }
}

//! Working days for deadlines: the Russian production calendar (public holidays of Labour Code art. 112 and
//! the Government's yearly transfers), shipped as data in `assets/calendar/ru.csv`. Outside the years the file
//! covers, and for years marked provisional there, Saturdays and Sundays are the only days off, and callers
//! can ask whether a date's calendar is provisional to say so beside a deadline.
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../assets/calendar/ru.csv");

struct Calendar {
    /// Weekdays that are days off (true) and weekend days that are working days (false).
    exceptions: HashMap<NaiveDate, bool>,
    /// Years whose every transfer is fixed by an adopted act.
    confirmed: Vec<i32>,
    provisional: Vec<i32>,
}

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let mut c = Calendar { exceptions: HashMap::new(), confirmed: Vec::new(), provisional: Vec::new() };
        for line in DATA.lines().filter(|l| l.starts_with(|ch: char| ch.is_ascii_digit())) {
            let mut parts = line.splitn(3, ',');
            let (Some(date), Some(kind), source) = (parts.next(), parts.next(), parts.next().unwrap_or("")) else {
                continue;
            };
            let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else { continue };
            c.exceptions.insert(date, kind == "off");
            let years = if source.contains("provisional") { &mut c.provisional } else { &mut c.confirmed };
            if !years.contains(&date.year()) {
                years.push(date.year());
            }
        }
        c
    })
}

/// Whether `day` is a working day (five-day week).
pub fn is_working_day(day: NaiveDate) -> bool {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    match calendar().exceptions.get(&day) {
        Some(true) => false,
        Some(false) => true,
        None => !weekend,
    }
}

/// Whether the calendar for `day`'s year is only provisional (transfers not yet loaded, or a year the data
/// does not cover).
pub fn is_provisional(day: NaiveDate) -> bool {
    let c = calendar();
    !c.confirmed.contains(&day.year()) || c.provisional.contains(&day.year())
}

/// The last day of a period of `n` working days that starts the day after `event` (the usual reading of "within
/// N working days" of an event). `n = 0` gives the event day itself.
pub fn add_working_days(event: NaiveDate, n: u32) -> NaiveDate {
    let mut day = event;
    let mut left = n;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// The last day of a period of `n` calendar days after `event`; if it falls on a day off, the next working day
/// (Civil Code art. 193).
pub fn add_calendar_days(event: NaiveDate, n: u32) -> NaiveDate {
    let mut day = event.checked_add_days(Days::new(n as u64)).unwrap_or(event);
    while !is_working_day(day) {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%d.%m.%Y").unwrap()
    }

    #[test]
    fn holidays_and_transfers_of_2025() {
        for off in ["01.01.2025", "08.01.2025", "02.05.2025", "08.05.2025", "13.06.2025", "03.11.2025", "31.12.2025"] {
            assert!(!is_working_day(d(off)), "{off} is a day off in 2025 (art. 112, Resolution 1335)");
        }
        assert!(is_working_day(d("01.11.2025")), "Saturday 01.11.2025 is a working day (moved to 03.11)");
        assert!(is_working_day(d("24.02.2025")), "23.02.2025 (a Sunday) was moved to 08.05, not to the Monday");
        assert!(!is_provisional(d("15.07.2025")));
    }

    #[test]
    fn holidays_and_transfers_of_2026() {
        for off in ["02.01.2026", "09.01.2026", "23.02.2026", "09.03.2026", "11.05.2026", "12.06.2026", "04.11.2026"] {
            assert!(!is_working_day(d(off)), "{off} is a day off in 2026 (art. 112, Resolution 1466)");
        }
        assert!(!is_working_day(d("31.12.2026")), "31.12.2026 takes the day off of Sunday 04.01");
        assert!(is_working_day(d("12.01.2026")), "work resumes on Monday 12.01.2026");
        assert!(!is_provisional(d("01.06.2026")));
    }

    #[test]
    fn the_2027_calendar_is_provisional_but_moves_weekend_holidays() {
        for off in ["01.01.2027", "08.03.2027", "03.05.2027", "10.05.2027", "14.06.2027", "04.11.2027"] {
            assert!(!is_working_day(d(off)), "{off} is a day off in 2027 under art. 112");
        }
        assert!(is_provisional(d("01.03.2027")), "the 2027 transfers are not adopted data yet, and callers must know");
        assert!(is_provisional(d("01.03.2030")), "a year the data does not cover is provisional");
    }

    #[test]
    fn a_working_day_deadline_skips_holidays_and_counts_a_working_saturday() {
        // Thursday 30.10.2025 + 3 working days: Fri 31.10 (1), Sat 01.11 working (2), 03–04.11 off, Wed 05.11 (3).
        assert_eq!(add_working_days(d("30.10.2025"), 3), d("05.11.2025"));
        // Tuesday 30.12.2025 + 5: 31.12 and 01–11.01 off, then 12–16.01.
        assert_eq!(add_working_days(d("30.12.2025"), 5), d("16.01.2026"));
        assert_eq!(add_working_days(d("30.12.2025"), 0), d("30.12.2025"), "zero days is the event day");
    }

    #[test]
    fn a_calendar_day_deadline_ending_on_a_day_off_moves_to_the_next_working_day() {
        // 15 days after 20.02.2026 is Saturday 07.03; 08.03 is a Sunday and 09.03 the holiday moved to Monday.
        assert_eq!(add_calendar_days(d("20.02.2026"), 15), d("10.03.2026"));
        // 15 calendar days after 22.04.2026 is Thursday 07.05.2026, a working day: unchanged.
        assert_eq!(add_calendar_days(d("22.04.2026"), 15), d("07.05.2026"));
        // 15 days after 24.04.2026 is Saturday 09.05; 10.05 is a Sunday and 11.05 a day off: Tuesday 12.05.
        assert_eq!(add_calendar_days(d("24.04.2026"), 15), d("12.05.2026"));
    }
}

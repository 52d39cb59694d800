//! Local time in the municipality (Danish time: CET, CEST in summer by the EU rule), computed
//! without a time zone database so that matching gives the same answer on every device and
//! at the relay. Documents store UTC milliseconds; weekdays, parts of the day and dates for
//! matching are local.

use crate::profile::{Availability, DayPart, Weekday};
use crate::task::Millis;

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 24 * HOUR;

/// A local calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub weekday: Weekday,
    /// Minutes since local midnight.
    pub minute: u32,
}

impl LocalTime {
    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days since 1970-01-01 to a (year, month, day) (Howard Hinnant's civil-from-days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The UTC instant summer time starts or ends in `year`: 01:00 UTC on the last Sunday of
/// `month`.
fn last_sunday_1am(year: i64, month: u32) -> Millis {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday; Monday is 0 here.
    let weekday = (last + 3).rem_euclid(7);
    (last - (weekday - 6).rem_euclid(7)) * DAY + HOUR
}

/// The offset from UTC of Danish time at `at`.
pub fn offset(at: Millis) -> Millis {
    let (year, _, _) = civil_from_days(at.div_euclid(DAY));
    let summer = last_sunday_1am(year, 3) <= at && at < last_sunday_1am(year, 10);
    if summer { 2 * HOUR } else { HOUR }
}

/// Danish local time at `at`.
pub fn local(at: Millis) -> LocalTime {
    let local = at + offset(at);
    let days = local.div_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    LocalTime {
        year,
        month,
        day,
        weekday: Weekday::ALL[(days + 3).rem_euclid(7) as usize],
        minute: (local.rem_euclid(DAY) / MINUTE) as u32,
    }
}

/// The instant of a Danish local date and time of day (`minute` since local midnight). In the
/// hour skipped in spring it is the instant an hour later on the clock; in the hour repeated
/// in autumn, the first of the two.
pub fn from_local(year: i64, month: u32, day: u32, minute: u32) -> Millis {
    let wall = days_from_civil(year, month, day) * DAY + Millis::from(minute) * MINUTE;
    let guess = wall - offset(wall - 2 * HOUR);
    wall - offset(guess)
}

/// Which of its weekday in its month `at` is, from 1 (the first Thursday), in Danish time.
pub fn week_of_month(at: Millis) -> u32 {
    (local(at).day - 1) / 7 + 1
}

/// The meeting after `at` on the same weekday in the same place of the next month, at the
/// same local time: the 2nd Thursday at 16:00 after the 2nd Thursday at 16:00. A 5th weekday
/// (which most months lack) is followed by the last one of the next month.
pub fn same_weekday_next_month(at: Millis) -> Millis {
    let here = local(at);
    let (year, month) = if here.month == 12 {
        (here.year + 1, 1)
    } else {
        (here.year, here.month + 1)
    };
    let first = days_from_civil(year, month, 1);
    // 1970-01-01 was a Thursday; Monday is 0 here.
    let first_weekday = (first + 3).rem_euclid(7);
    let wanted = here.weekday.index() as i64;
    let first_day = 1 + (wanted - first_weekday).rem_euclid(7);
    let nth = i64::from(week_of_month(at));
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let days_in_month = days_from_civil(next_year, next_month, 1) - first;
    let mut day = first_day + 7 * (nth.min(5) - 1);
    while day > days_in_month {
        day -= 7;
    }
    from_local(year, month, day as u32, here.minute)
}

/// `at` as RFC 3339 in Danish time, to the second: `2026-12-06T05:33:52+01:00` (summer time
/// `+02:00`). For people reading a file, and for programs parsing it.
pub fn rfc3339(at: Millis) -> String {
    let offset = offset(at);
    let here = local(at);
    let seconds = (at + offset).rem_euclid(MINUTE) / 1_000;
    format!(
        "{}T{:02}:{:02}:{:02}+{:02}:00",
        here.date(),
        here.minute / 60,
        here.minute % 60,
        seconds,
        offset / HOUR
    )
}

/// The local date of `at`, `YYYY-MM-DD`.
pub fn date(at: Millis) -> String {
    local(at).date()
}

/// The weekday parts of the day a span `[start, end)` overlaps (each local day it touches).
pub fn slots(start: Millis, end: Millis) -> Availability {
    let mut grid = Availability::default();
    let mut at = start;
    // Walk day by day; a shift longer than a week covers every slot anyway.
    for _ in 0..8 {
        if at >= end {
            break;
        }
        let here = local(at);
        let midnight = at - Millis::from(here.minute) * MINUTE;
        let day_end = (midnight + DAY).min(end);
        let to = here.minute + ((day_end - at) / MINUTE) as u32;
        for part in DayPart::ALL {
            let (a, b) = part.minutes();
            if here.minute < b && a < to {
                grid.set(here.weekday, *part, true);
            }
        }
        at = midnight + DAY;
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> Millis {
        days_from_civil(y, mo, d) * DAY + h * HOUR + mi * MINUTE
    }

    #[test]
    fn dates_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_419, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_419), (2025, 11, 27));
    }

    #[test]
    fn rfc3339_is_danish_time_with_its_offset() {
        assert_eq!(
            rfc3339(utc(2026, 12, 6, 4, 33) + 52_999),
            "2026-12-06T05:33:52+01:00"
        );
        assert_eq!(
            rfc3339(utc(2026, 6, 11, 22, 5)),
            "2026-06-12T00:05:00+02:00"
        );
        assert_eq!(
            rfc3339(utc(2026, 12, 31, 23, 0)),
            "2027-01-01T00:00:00+01:00"
        );
    }

    #[test]
    fn local_times_to_instants_across_summer_time() {
        // 16:00 in Denmark: 15:00 UTC in winter, 14:00 UTC in summer.
        assert_eq!(from_local(2026, 12, 10, 16 * 60), utc(2026, 12, 10, 15, 0));
        assert_eq!(from_local(2026, 6, 11, 16 * 60), utc(2026, 6, 11, 14, 0));
        for at in [
            utc(2026, 3, 29, 0, 30),
            utc(2026, 3, 29, 1, 30),
            utc(2026, 10, 25, 0, 30),
        ] {
            let here = local(at);
            assert_eq!(from_local(here.year, here.month, here.day, here.minute), at);
        }
    }

    #[test]
    fn the_same_weekday_of_the_next_month() {
        // The 2nd Thursday of December 2026 (the 10th) at 16:00 → the 2nd Thursday of
        // January 2027 (the 14th) at 16:00.
        let dec = from_local(2026, 12, 10, 16 * 60);
        assert_eq!(week_of_month(dec), 2);
        let jan = same_weekday_next_month(dec);
        assert_eq!(local(jan).date(), "2027-01-14");
        assert_eq!(local(jan).minute, 16 * 60);
        assert_eq!(local(jan).weekday, Weekday::Thursday);
        // Across the change to summer time: the 2nd Thursday of March (the 11th, winter)
        // → of April (the 8th, summer), still 16:00 on the clock.
        let april = same_weekday_next_month(from_local(2027, 3, 11, 16 * 60));
        assert_eq!(local(april).date(), "2027-04-08");
        assert_eq!(local(april).minute, 16 * 60);
        // A 5th Tuesday (30 March 2027) → the last Tuesday of April (the 27th).
        let fifth = from_local(2027, 3, 30, 10 * 60);
        assert_eq!(week_of_month(fifth), 5);
        assert_eq!(local(same_weekday_next_month(fifth)).date(), "2027-04-27");
    }

    #[test]
    fn winter_and_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(offset(utc(2026, 3, 29, 0, 59)), HOUR);
        assert_eq!(offset(utc(2026, 3, 29, 1, 0)), 2 * HOUR);
        assert_eq!(offset(utc(2026, 10, 25, 0, 59)), 2 * HOUR);
        assert_eq!(offset(utc(2026, 10, 25, 1, 0)), HOUR);
        let t = local(utc(2026, 11, 28, 9, 30)); // Saturday 10:30 local
        assert_eq!(t.date(), "2026-11-28");
        assert_eq!(t.weekday, Weekday::Saturday);
        assert_eq!(t.minute, 10 * 60 + 30);
        let late = local(utc(2026, 7, 3, 22, 30)); // Saturday 00:30 local in summer
        assert_eq!(late.date(), "2026-07-04");
        assert_eq!(late.weekday, Weekday::Saturday);
    }

    #[test]
    fn spans_cover_the_parts_they_touch() {
        // Saturday 11:00 to 14:00 local: morning and afternoon.
        let s = slots(utc(2026, 11, 28, 10, 0), utc(2026, 11, 28, 13, 0));
        let got: Vec<_> = s.slots().collect();
        assert_eq!(
            got,
            vec![
                (Weekday::Saturday, DayPart::Morning),
                (Weekday::Saturday, DayPart::Afternoon)
            ]
        );
        // Friday 22:00 to Saturday 02:00 local: Friday evening only (night is no part).
        let n = slots(utc(2026, 11, 27, 21, 0), utc(2026, 11, 28, 1, 0));
        assert_eq!(
            n.slots().collect::<Vec<_>>(),
            vec![(Weekday::Friday, DayPart::Evening)]
        );
    }
}

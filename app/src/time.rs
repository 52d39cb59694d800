//! Local dates and times for forms: `<input type="date">` and `<input type="time">` speak
//! "YYYY-MM-DD" and "HH:MM"; documents store UTC milliseconds. Local means Danish time
//! (`samskab_model::local_time`), whatever zone the device is set to: the relay writes the
//! same clock times into mails and calendar files, and a shift at 09.00 is at 09.00 for
//! everyone in the municipality (a device left on UTC showed and entered every time an hour
//! off from its mails).

use samskab_model::local_time;

/// Now, in Unix milliseconds.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The instant of a Danish local date and time, if both parse.
pub fn to_millis(date: &str, time: &str) -> Option<i64> {
    let mut d = date.trim().splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.trim().splitn(2, ':').map(str::parse::<u32>);
    let (hour, minute) = (t.next()?.ok()?, t.next()?.ok()?);
    let month = u32::try_from(month).ok()?;
    let day = u32::try_from(day).ok()?;
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59;
    valid.then(|| local_time::from_local(year, month, day, hour * 60 + minute))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// "YYYY-MM-DD" of an instant, Danish time.
pub fn date_input(millis: i64) -> String {
    local_time::local(millis).date()
}

/// "HH:MM" of an instant, Danish time.
pub fn time_input(millis: i64) -> String {
    let minute = local_time::local(millis).minute;
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

//! Local dates and times for forms: `<input type="date">` and `<input type="time">` speak
//! "YYYY-MM-DD" and "HH:MM" in the browser's time zone; documents store UTC milliseconds.

/// Now, in Unix milliseconds.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The instant of a local date and time, if both parse.
pub fn to_millis(date: &str, time: &str) -> Option<i64> {
    let mut d = date.trim().splitn(3, '-').map(str::parse::<i32>);
    let (year, month, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.trim().splitn(2, ':').map(str::parse::<i32>);
    let (hour, minute) = (t.next()?.ok()?, t.next()?.ok()?);
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..=23).contains(&hour)
        && (0..=59).contains(&minute);
    let year = u32::try_from(year).ok()?;
    if !valid {
        return None;
    }
    let millis =
        js_sys::Date::new_with_year_month_day_hr_min(year, month - 1, day, hour, minute).get_time();
    (!millis.is_nan()).then_some(millis as i64)
}

fn local(millis: i64) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64))
}

/// "YYYY-MM-DD" of an instant, local time.
pub fn date_input(millis: i64) -> String {
    let d = local(millis);
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// "HH:MM" of an instant, local time.
pub fn time_input(millis: i64) -> String {
    let d = local(millis);
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

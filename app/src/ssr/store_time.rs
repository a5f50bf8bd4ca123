//! Times as the store's pages show and read them: on the store's clock
//! (`DOWNLINK_TIME_ZONE`), stored in UTC. Receipts, the library, the admin's
//! orders, downloads, customers and audit log all say the same time of day
//! as the dashboard, and a day picked in a filter is the store's day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::dashboard::Tz;
use leptos::prelude::use_context;

use super::AppContext;

/// The store's time zone; UTC outside a request.
fn zone() -> Tz {
    use_context::<AppContext>().map_or(Tz::UTC, |ctx| ctx.dashboard.zone())
}

fn shown(at: DateTime<Utc>, tz: Tz, format: &str) -> String {
    at.with_timezone(&tz).format(format).to_string()
}

/// A moment to the minute: `2026-12-01 10:00 CET`.
pub fn when(at: DateTime<Utc>) -> String {
    shown(at, zone(), "%Y-%m-%d %H:%M %Z")
}

/// A moment to the second: `2026-12-01 10:00:07 CET`.
pub fn when_exactly(at: DateTime<Utc>) -> String {
    shown(at, zone(), "%Y-%m-%d %H:%M:%S %Z")
}

/// The store's date of a moment: `2026-12-01`.
pub fn day_of(at: DateTime<Utc>) -> String {
    shown(at, zone(), "%Y-%m-%d")
}

/// From the start of day `from` to the end of day `until` in `tz`, the
/// store's zone (`YYYY-MM-DD`); a missing or unreadable day leaves that side
/// open. The zone is passed in, not read from the request: the CSV routes
/// filter by it too.
pub fn store_days(
    from: Option<String>,
    until: Option<String>,
    tz: Tz,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let day = |text: Option<String>| NaiveDate::parse_from_str(text?.trim(), "%Y-%m-%d").ok();
    domain::dashboard::day_bounds(day(from), day(until), tz)
}

/// A form's date and time (`2026-12-01T09:00`) on the store's clock; `None`
/// when it cannot be read. A time skipped by daylight saving is read an hour
/// later (02:30 as 03:30); one that happens twice, as the earlier.
pub fn read_local(text: &str) -> Option<DateTime<Utc>> {
    read_local_in(text, zone())
}

fn read_local_in(text: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(domain::dashboard::local_instant(local, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn outside_a_request_times_are_utc() {
        let moment = at("2026-03-29T00:30:00Z");
        assert_eq!(when(moment), "2026-03-29 00:30 UTC");
        assert_eq!(when_exactly(moment), "2026-03-29 00:30:00 UTC");
        assert_eq!(day_of(moment), "2026-03-29");
        let day = || Some("2026-03-29".to_owned());
        assert_eq!(
            store_days(day(), day(), Tz::UTC),
            (
                Some(at("2026-03-29T00:00:00Z")),
                Some(at("2026-03-30T00:00:00Z"))
            )
        );
        assert_eq!(
            read_local("2026-03-29T02:30"),
            Some(at("2026-03-29T02:30:00Z"))
        );
    }

    #[test]
    fn the_stores_days_and_clock_follow_its_zone_through_daylight_saving() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 29 March 2026: clocks go from 02:00 to 03:00, a 23-hour day.
        let day = || Some("2026-03-29".to_owned());
        assert_eq!(
            store_days(day(), day(), berlin),
            (
                Some(at("2026-03-28T23:00:00Z")),
                Some(at("2026-03-29T22:00:00Z"))
            )
        );
        assert_eq!(
            shown(at("2026-03-28T23:30:00Z"), berlin, "%Y-%m-%d %H:%M %Z"),
            "2026-03-29 00:30 CET"
        );
        assert_eq!(
            shown(at("2026-03-29T12:00:00Z"), berlin, "%Y-%m-%d %H:%M %Z"),
            "2026-03-29 14:00 CEST"
        );
        // 02:30 never happened that night: read as 03:30 CEST.
        assert_eq!(
            read_local_in("2026-03-29T02:30", berlin),
            Some(at("2026-03-29T01:30:00Z"))
        );
        assert_eq!(
            read_local_in("2026-12-01T09:00", berlin),
            Some(at("2026-12-01T08:00:00Z"))
        );
        assert_eq!(read_local_in("tomorrow", berlin), None);
        assert_eq!(store_days(Some("soon".into()), None, berlin), (None, None));
    }
}

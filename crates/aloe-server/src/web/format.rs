//! How the pages write numbers, amounts and times: amounts in ether at full precision (so a person can
//! copy an installment into a form and pay it exactly), times as UTC dates (the chain's clock is Unix
//! seconds, and on a development chain it jumps), addresses shortened where a table needs the room.

use alloy_primitives::{Address, U256};
use aloe_index::Amount;

use crate::api::problem::format_amount;

/// `amount` in ether, every decimal kept ("0.680044222962938517").
pub(super) fn ether(amount: Amount) -> String {
    format_amount(amount.0)
}

/// `value` in ether as a float, for charts only (never for a form: it rounds).
pub(super) fn ether_f64(value: U256) -> f64 {
    f64::from(value) / 1e18
}

/// `address` as 0x1234…abcd.
pub(super) fn short(address: Address) -> String {
    let full = address.to_string();
    format!("{}…{}", &full[..6], &full[full.len() - 4..])
}

/// `fraction` as a percentage with one decimal ("62.5 %").
pub(super) fn percent(fraction: f64) -> String {
    format!("{:.1} %", fraction * 100.0)
}

/// Seconds as whole days ("30 days"), the unit the forms take.
pub(super) fn days(seconds: u64) -> String {
    let days = seconds / 86_400;
    if days == 1 { "1 day".into() } else { format!("{days} days") }
}

/// Unix seconds as "2026-01-31 00:00 UTC".
pub fn date_time(unix: u64) -> String {
    let (year, month, day) = civil(unix / 86_400);
    let minutes = unix % 86_400 / 60;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", minutes / 60, minutes % 60)
}

/// Unix seconds as "2026-01-31".
pub fn date(unix: u64) -> String {
    let (year, month, day) = civil(unix / 86_400);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`, for
/// non-negative days: the chain's clock never precedes the epoch).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A whole number with thousands separators ("139,157").
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_read_as_a_person_writes_them() {
        assert_eq!(date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(date_time(1_767_225_600), "2026-01-01 00:00 UTC");
        assert_eq!(date_time(1_769_817_600 + 3_660), "2026-01-31 01:01 UTC");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(thousands(139_157), "139,157");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(ether(Amount(U256::from(680_044_222_962_938_517u64))), "0.680044222962938517");
        assert_eq!(days(2_592_000), "30 days");
        assert_eq!(short("0xef415f740b020512d70702329fe5de4e6ffa4ea0".parse().unwrap()), "0xEf41…4Ea0");
    }
}

//! The shop's money, clock and store, as OpenCart itself sees them, read once per run.
//!
//! Trendyol sells in Turkish lira on Turkey's clock; OpenCart keeps prices in its default
//! currency (`config_currency`), dates in its own time zone (`config_timezone`) and may run
//! several stores. So every price that leaves for Trendyol is converted with OpenCart's own rate
//! for TRY (`oc_currency.value`: units of TRY per unit of the default currency, the same
//! `amount * value` rounded to the currency's decimals as `system/library/cart/currency.php`),
//! every date written into OpenCart's tables is the shop's local time (OpenCart 4 sets PHP's
//! zone to `config_timezone` and its MySQL session to that zone's current offset), and the store
//! and customer group come from the module's settings.
//!
//! The engine's own session stays in UTC (its `trendyol_*` tables keep UTC); local times are
//! computed here with a time zone database and passed as parameters, because MariaDB has no
//! named zones loaded by default.

use mysql_async::prelude::*;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};

/// What the shop owner must do when the shop has no Turkish lira.
pub const NO_LIRA: &str = "the shop has no Turkish Lira (TRY) currency, so no price can be \
     converted for Trendyol: add Turkish Lira with code TRY and its rate under System > \
     Localisation > Currencies";

/// OpenCart's rate for TRY.
#[derive(Debug, Clone, PartialEq)]
pub struct Lira {
    pub currency_id: u32,
    pub code: String,
    /// TRY per unit of the shop's default currency (`oc_currency.value`).
    pub value: f64,
    /// `oc_currency.decimal_place` (kuruş: 2).
    pub decimal_place: u32,
}

impl Lira {
    /// Reads TRY's row of `oc_currency`, if the shop has one.
    pub async fn load(db: &Database) -> Result<Option<Lira>> {
        let mut conn = db.conn().await?;
        let row: Option<(u32, String, f64, u32)> = conn
            .query_first(format!(
                "SELECT currency_id, code, value, decimal_place FROM {} WHERE code = 'TRY' \
                 ORDER BY status DESC, currency_id LIMIT 1",
                db.table("currency")
            ))
            .await
            .map_err(Error::db("reading the shop's rate for Turkish lira"))?;
        match row {
            None => Ok(None),
            Some((currency_id, code, value, decimal_place)) => {
                if !(value.is_finite() && value > 0.0) {
                    return Err(Error::Config(format!(
                        "the shop's Turkish Lira (TRY) has the rate {value}: set its value (TRY per \
                         unit of the default currency) under System > Localisation > Currencies"
                    )));
                }
                Ok(Some(Lira {
                    currency_id,
                    code,
                    value,
                    decimal_place,
                }))
            }
        }
    }

    /// The rate as an SQL literal: Rust prints an `f64` without an exponent, as the shortest
    /// text that reads back as the same number (`34.5`), which MariaDB reads as an exact decimal.
    pub fn sql_value(&self) -> String {
        format!("{}", self.value)
    }

    /// Decimals of a TRY amount sent to Trendyol: TRY's own, never more than kuruş.
    pub fn decimals(&self) -> u32 {
        self.decimal_place.min(2)
    }

    /// A lira amount in the shop's default currency, as OpenCart stores the amounts of an
    /// order placed in TRY (so that `amount * currency_value` gives the lira back).
    pub fn to_default(&self, lira: f64) -> f64 {
        lira / self.value
    }
}

/// The shop's clock: `config_timezone`.
#[derive(Debug, Clone)]
pub struct ShopClock {
    zone: jiff::tz::TimeZone,
    name: String,
}

impl ShopClock {
    /// The zone `name` names; an unknown or empty name is UTC, as PHP falls back to UTC when
    /// `date_default_timezone_set` refuses a name.
    pub fn named(name: &str) -> ShopClock {
        match jiff::tz::TimeZone::get(name.trim()) {
            Ok(zone) => ShopClock {
                zone,
                name: name.trim().to_string(),
            },
            Err(e) => {
                if !name.trim().is_empty() {
                    tracing::warn!(
                        "config_timezone {name:?} is not a known time zone ({e}); using UTC"
                    );
                }
                ShopClock {
                    zone: jiff::tz::TimeZone::UTC,
                    name: "UTC".into(),
                }
            }
        }
    }

    /// Reads `config_timezone` of the default store (OpenCart has one zone per installation).
    pub async fn load(db: &Database) -> Result<ShopClock> {
        let mut conn = db.conn().await?;
        let name: Option<String> = conn
            .query_first(format!(
                "SELECT `value` FROM {} WHERE store_id = 0 AND code = 'config' \
                 AND `key` = 'config_timezone' LIMIT 1",
                db.table("setting")
            ))
            .await
            .map_err(Error::db("reading the shop's time zone"))?;
        Ok(ShopClock::named(name.as_deref().unwrap_or("UTC")))
    }

    pub fn zone_name(&self) -> &str {
        &self.name
    }

    /// Now, as the shop's `Y-m-d H:i:s`.
    pub fn now(&self) -> String {
        self.format(jiff::Timestamp::now())
    }

    /// Today's date on the shop's clock, `Y-m-d`.
    pub fn today(&self) -> String {
        jiff::Timestamp::now()
            .to_zoned_datetime(self.zone.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }

    /// A Unix time (seconds) as the shop's `Y-m-d H:i:s`; `None` when out of range.
    pub fn local(&self, unix_seconds: i64) -> Option<String> {
        jiff::Timestamp::from_second(unix_seconds)
            .ok()
            .map(|t| self.format(t))
    }

    fn format(&self, t: jiff::Timestamp) -> String {
        t.to_zoned_datetime(self.zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
}

/// What the desired prices of a run are computed from.
#[derive(Debug, Clone)]
pub struct PriceBasis {
    /// `None`: the shop has no TRY, so no price may be sent ([`NO_LIRA`]).
    pub lira: Option<Lira>,
    /// The customer group whose specials make the sale price.
    pub customer_group_id: u32,
    /// The store whose catalog is synced.
    pub store_id: u32,
    /// Today on the shop's clock (`Y-m-d`): specials' dates are the shop's local dates.
    pub today: String,
}

impl PriceBasis {
    pub async fn load(db: &Database, settings: &Settings) -> Result<PriceBasis> {
        let lira = Lira::load(db).await?;
        let clock = ShopClock::load(db).await?;
        let store = StoreChoice::load(db, settings).await?;
        Ok(PriceBasis {
            lira,
            customer_group_id: store.customer_group_id,
            store_id: store.store_id,
            today: clock.today(),
        })
    }
}

/// The store and customer group the module works for, checked against the shop.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreChoice {
    pub store_id: u32,
    /// As OpenCart's checkout writes it: `config_name` of that store.
    pub store_name: String,
    /// For the default store `config_url` (OpenCart's `HTTP_SERVER`), else `oc_store.url`.
    pub store_url: String,
    pub customer_group_id: u32,
}

impl StoreChoice {
    /// Resolves the settings' `store_id` and `customer_group_id` (0: the shop's default group),
    /// refusing ones the shop does not have.
    pub async fn load(db: &Database, settings: &Settings) -> Result<StoreChoice> {
        let mut conn = db.conn().await?;
        let store_id = settings.store_id;
        let config = |key: &'static str, store: u32| {
            (
                format!(
                    "SELECT `value` FROM {} WHERE store_id = ? AND code = 'config' AND `key` = ? \
                     LIMIT 1",
                    db.table("setting")
                ),
                (store, key),
            )
        };
        let (sql, params) = config("config_name", store_id);
        let own_name: Option<String> = conn
            .exec_first(sql, params)
            .await
            .map_err(Error::db("reading the store's name"))?;
        let (store_name, store_url) = if store_id == 0 {
            let (sql, params) = config("config_url", 0);
            let url: Option<String> = conn
                .exec_first(sql, params)
                .await
                .map_err(Error::db("reading the store's address"))?;
            (
                own_name.unwrap_or_else(|| "Store".into()),
                url.unwrap_or_default(),
            )
        } else {
            let store: Option<(String, String)> = conn
                .exec_first(
                    format!(
                        "SELECT name, url FROM {} WHERE store_id = ?",
                        db.table("store")
                    ),
                    (store_id,),
                )
                .await
                .map_err(Error::db("reading the store"))?;
            let (name, url) = store.ok_or_else(|| {
                Error::Config(format!(
                    "store_id {store_id} (setting store_id) is not a store of this shop: pick one \
                     under System > Settings, or 0 for the default store"
                ))
            })?;
            (own_name.filter(|n| !n.is_empty()).unwrap_or(name), url)
        };
        let customer_group_id = if settings.customer_group_id > 0 {
            settings.customer_group_id
        } else {
            let (sql, params) = config("config_customer_group_id", 0);
            let id: Option<String> = conn
                .exec_first(sql, params)
                .await
                .map_err(Error::db("reading the default customer group"))?;
            id.and_then(|v| v.trim().parse().ok()).unwrap_or(1)
        };
        let group: Option<u32> = conn
            .exec_first(
                format!(
                    "SELECT customer_group_id FROM {} WHERE customer_group_id = ?",
                    db.table("customer_group")
                ),
                (customer_group_id,),
            )
            .await
            .map_err(Error::db("reading the customer group"))?;
        if group.is_none() {
            return Err(Error::Config(format!(
                "customer_group_id {customer_group_id} (setting customer_group_id) is not a \
                 customer group of this shop: pick one under Customers > Customer Groups, or 0 \
                 for the shop's default group"
            )));
        }
        Ok(StoreChoice {
            store_id,
            store_name,
            store_url,
            customer_group_id,
        })
    }
}

/// What is wrong with these store and customer group settings in this shop, by setting name
/// (empty when both exist). The settings form refuses to save such values.
pub async fn check_store_settings(
    db: &Database,
    store_id: u32,
    customer_group_id: u32,
) -> Result<Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    if store_id > 0 && !row_exists(db, "store", "store_id", store_id).await? {
        problems.push((
            "store_id",
            format!(
                "got \"{store_id}\": no store of this shop has that id (0 is the default store)"
            ),
        ));
    }
    if customer_group_id > 0
        && !row_exists(db, "customer_group", "customer_group_id", customer_group_id).await?
    {
        problems.push((
            "customer_group_id",
            format!(
                "got \"{customer_group_id}\": no customer group of this shop has that id \
                 (0 is the shop's default group)"
            ),
        ));
    }
    Ok(problems)
}

/// Whether OpenCart's `table` has a row whose `id_column` is `id`.
async fn row_exists(db: &Database, table: &str, id_column: &str, id: u32) -> Result<bool> {
    let mut conn = db.conn().await?;
    let found: Option<u32> = conn
        .exec_first(
            format!(
                "SELECT {id_column} FROM {} WHERE {id_column} = ?",
                db.table(table)
            ),
            (id,),
        )
        .await
        .map_err(Error::db("checking the store and customer group settings"))?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_read_on_the_shops_clock() {
        let istanbul = ShopClock::named("Europe/Istanbul");
        // 2024-06-10 11:26:00 UTC is 14:26 in Istanbul (UTC+3 all year).
        assert_eq!(
            istanbul.local(1_718_018_760).unwrap(),
            "2024-06-10 14:26:00"
        );
        let utc = ShopClock::named("UTC");
        assert_eq!(utc.local(1_718_018_760).unwrap(), "2024-06-10 11:26:00");
        // New York keeps summer time: UTC-4 in June, UTC-5 in January.
        let ny = ShopClock::named("America/New_York");
        assert_eq!(ny.local(1_718_018_760).unwrap(), "2024-06-10 07:26:00");
        assert_eq!(ny.local(1_704_886_000).unwrap(), "2024-01-10 06:26:40");
    }

    #[test]
    fn an_unknown_zone_is_utc() {
        let clock = ShopClock::named("Mars/Olympus");
        assert_eq!(clock.zone_name(), "UTC");
        assert_eq!(clock.local(0).unwrap(), "1970-01-01 00:00:00");
    }

    #[test]
    fn lira_amounts_go_back_to_the_default_currency() {
        let lira = Lira {
            currency_id: 5,
            code: "TRY".into(),
            value: 34.5,
            decimal_place: 2,
        };
        assert_eq!(lira.sql_value(), "34.5");
        assert!((lira.to_default(345.0) - 10.0).abs() < 1e-12);
        assert_eq!(lira.decimals(), 2);
    }
}

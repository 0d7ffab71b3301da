//! The facts about the shop an imported order needs, read once per run.
//!
//! An OpenCart order row has some sixty NOT NULL columns. Most come from the shop itself — its
//! name, default customer group, invoice prefix, language, the currency to book Trendyol's lira
//! in, Turkey's country row and its 81 provinces — and none of them change while a job runs, so
//! they are read once here instead of once per package.

use std::collections::HashMap;

use mysql_async::prelude::*;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::shop_locale::{Lira, ShopClock, StoreChoice};

/// A currency row of `oc_currency`.
#[derive(Debug, Clone, PartialEq)]
pub struct Currency {
    pub id: u32,
    pub code: String,
    pub value: f64,
}

/// A zone (province) of Turkey.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: u32,
    pub name: String,
}

/// Everything about the shop an order row needs.
#[derive(Debug, Clone)]
pub struct ShopFacts {
    pub store_id: u32,
    pub store_name: String,
    pub store_url: String,
    pub customer_group_id: u32,
    pub invoice_prefix: String,
    pub language_id: u32,
    pub language_code: String,
    /// The currency orders are booked in: TRY when the shop has it.
    pub currency: Currency,
    /// TRY's rate when the shop has TRY: every lira amount is stored divided by it (in the
    /// default currency), as OpenCart's checkout stores an order placed in TRY.
    pub lira: Option<Lira>,
    /// The shop's clock: every date written into OpenCart's tables is its local time.
    pub clock: ShopClock,
    /// Set when the shop has no TRY and orders are booked in another currency: the dashboard
    /// shows it, because every amount is then Trendyol's lira figure under another code.
    pub currency_warning: Option<String>,
    pub country_id: u32,
    pub country_name: String,
    pub address_format: String,
    /// By ISO 3166-2 code (`TR-34`).
    zones_by_code: HashMap<String, Zone>,
    /// By folded name (`istanbul`).
    zones_by_name: HashMap<String, Zone>,
}

impl ShopFacts {
    pub async fn load(db: &Database, settings: &Settings) -> Result<ShopFacts> {
        let mut conn = db.conn().await?;
        let config: Vec<(String, String)> = conn
            .exec(
                format!(
                    "SELECT `key`, `value` FROM {} WHERE store_id = 0 AND code = 'config' \
                     AND `key` IN ('config_name', 'config_customer_group_id', \
                     'config_invoice_prefix', 'config_currency', 'config_url')",
                    db.table("setting")
                ),
                (),
            )
            .await
            .map_err(Error::db("reading the shop's settings"))?;
        let config: HashMap<String, String> = config.into_iter().collect();
        let store = StoreChoice::load(db, settings).await?;
        let lira = Lira::load(db).await?;
        let clock = ShopClock::load(db).await?;
        let language: Option<(u32, String)> = conn
            .exec_first(
                format!(
                    "SELECT language_id, code FROM {} WHERE language_id = ?",
                    db.table("language")
                ),
                (settings.language_id,),
            )
            .await
            .map_err(Error::db("reading the order language"))?;
        let (language_id, language_code) = language.ok_or_else(|| {
            Error::Config(format!(
                "language_id {} (setting language_id) is not a language of this shop",
                settings.language_id
            ))
        })?;
        let currencies: Vec<(u32, String, f64)> = conn
            .query(format!(
                "SELECT currency_id, code, value FROM {}",
                db.table("currency")
            ))
            .await
            .map_err(Error::db("reading the shop's currencies"))?;
        let find = |code: &str| {
            currencies
                .iter()
                .find(|(_, c, _)| c.eq_ignore_ascii_case(code))
                .map(|(id, c, v)| Currency {
                    id: *id,
                    code: c.clone(),
                    value: *v,
                })
        };
        let shop_default = config
            .get("config_currency")
            .cloned()
            .unwrap_or_else(|| "USD".into());
        let (currency, currency_warning) = if let Some(c) = find("TRY") {
            (c, None)
        } else if let Some(c) = find(&settings.order_currency) {
            let warning = format!(
                "the shop has no TRY currency: Trendyol orders are booked in {} (setting order_currency); add Turkish Lira under System > Localisation > Currencies",
                c.code
            );
            (c, Some(warning))
        } else if let Some(c) = find(&shop_default) {
            let warning = format!(
                "the shop has neither TRY nor {} (setting order_currency): Trendyol orders are booked in the shop's default {}",
                settings.order_currency, c.code
            );
            (c, Some(warning))
        } else {
            return Err(Error::Config(
                "the shop has no usable currency (no TRY, no order_currency, no config_currency)"
                    .into(),
            ));
        };
        let country: Option<(u32, String, u32)> = conn
            .query_first(format!(
                "SELECT country_id, name, address_format_id FROM {} WHERE iso_code_2 = 'TR' \
                 ORDER BY status DESC, country_id LIMIT 1",
                db.table("country")
            ))
            .await
            .map_err(Error::db("reading Turkey's country row"))?;
        let (country_id, country_name, format_id) = country.unwrap_or((0, "Türkiye".into(), 0));
        let address_format: Option<String> = conn
            .exec_first(
                format!(
                    "SELECT address_format FROM {} WHERE address_format_id = ?",
                    db.table("address_format")
                ),
                (format_id,),
            )
            .await
            .map_err(Error::db("reading the address format"))?;
        let zones: Vec<(u32, String, String)> = conn
            .exec(
                format!(
                    "SELECT zone_id, name, code FROM {} WHERE country_id = ?",
                    db.table("zone")
                ),
                (country_id,),
            )
            .await
            .map_err(Error::db("reading Turkey's zones"))?;
        let mut zones_by_code = HashMap::new();
        let mut zones_by_name = HashMap::new();
        for (id, name, code) in zones {
            let zone = Zone {
                id,
                name: name.clone(),
            };
            zones_by_code.insert(code.to_ascii_uppercase(), zone.clone());
            zones_by_name.insert(fold_turkish(&name), zone);
        }
        Ok(ShopFacts {
            store_id: store.store_id,
            store_name: store.store_name,
            store_url: if settings.store_url.is_empty() {
                store.store_url
            } else {
                settings.store_url.clone()
            },
            customer_group_id: store.customer_group_id,
            invoice_prefix: config
                .get("config_invoice_prefix")
                .cloned()
                .unwrap_or_default(),
            language_id,
            language_code,
            currency,
            lira,
            clock,
            currency_warning,
            country_id,
            country_name,
            address_format: address_format.unwrap_or_default(),
            zones_by_code,
            zones_by_name,
        })
    }

    /// A lira amount as booked: in the default currency when the shop has TRY (`amount / value`,
    /// so that `amount * currency_value` on the order gives the lira back), else as it is.
    pub fn booked(&self, lira: f64) -> f64 {
        match &self.lira {
            Some(rate) => rate.to_default(lira),
            None => lira,
        }
    }

    /// The province of an address: by Trendyol's city code (the licence-plate number, which
    /// is the ISO 3166-2 suffix: 34 → `TR-34`), else by the city's name, else none.
    pub fn zone(&self, city_code: Option<i64>, city: &str) -> Option<&Zone> {
        if let Some(code) = city_code.filter(|c| (1..=81).contains(c)) {
            if let Some(zone) = self.zones_by_code.get(&format!("TR-{code:02}")) {
                return Some(zone);
            }
        }
        self.zones_by_name.get(&fold_turkish(city))
    }
}

/// Folds a Turkish place name for comparison: `İSTANBUL`, `Istanbul` and `istanbul` agree, as do
/// `Muğla` and `Mugla`.
pub fn fold_turkish(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            'İ' | 'I' | 'ı' | 'i' => 'i',
            'Ş' | 'ş' => 's',
            'Ğ' | 'ğ' => 'g',
            'Ü' | 'ü' => 'u',
            'Ö' | 'ö' => 'o',
            'Ç' | 'ç' => 'c',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold_turkish;

    #[test]
    fn turkish_names_fold_together() {
        assert_eq!(fold_turkish("İSTANBUL"), fold_turkish("Istanbul"));
        assert_eq!(fold_turkish("Muğla"), "mugla");
        assert_eq!(fold_turkish(" Şanlıurfa "), "sanliurfa");
        assert_ne!(fold_turkish("Ankara"), fold_turkish("Antalya"));
    }
}

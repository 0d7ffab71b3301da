//! Trendyol's cargo companies: the V1 numeric ids the shop owner picks in the settings, and the
//! V2 provider codes the product endpoints want.
//!
//! One list so that the settings validator and the product mapping can never disagree about
//! which ids exist (the list is Trendyol's own, from `GET .../lookup/cargo-providers`).

/// `(V1 cargoCompanyId, V2 cargoProviders code)`.
pub const CARGO_COMPANIES: &[(u32, &str)] = &[
    (4, "YKMP"),
    (6, "HOROZMP"),
    (7, "ARASMP"),
    (9, "SURATMP"),
    (10, "DHLECOMMP"),
    (17, "TEXMP"),
    (19, "PTTMP"),
    (20, "CEVAMP"),
    (38, "KOLAYGELSINMP"),
];

/// The V2 provider code of a V1 cargo company id.
pub fn code_for(cargo_company_id: u32) -> Option<&'static str> {
    CARGO_COMPANIES
        .iter()
        .find(|(id, _)| *id == cargo_company_id)
        .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn trendyol_express_is_texmp() {
        assert_eq!(super::code_for(17), Some("TEXMP"));
        assert_eq!(super::code_for(18), None);
    }
}

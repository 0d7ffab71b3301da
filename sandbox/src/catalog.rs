//! Reference data: brands, the category tree, category attributes and values, cargo providers.
//!
//! Fixed data (independent of the seed) so that fixtures written against one run hold in every
//! run. The tree is small but has the shape that matters: products may only use **leaf**
//! categories, and brand lookup by name is **case-sensitive**.

use std::collections::{BTreeMap, HashSet};
use trendyol_wire::catalog::{
    AttributeValue, Brand, CargoProvider, Category, CategoryAttribute, CategoryTree, IdName,
};

/// A brand that always exists (handy for fixtures).
pub const DEMO_BRAND_ID: u64 = 1791;
pub const DEMO_BRAND_NAME: &str = "MesChain Demo";
/// A leaf category that always exists ("Elbise").
pub const DEMO_LEAF_CATEGORY: u64 = 411;
/// A non-leaf category ("Kadın Giyim").
pub const DEMO_PARENT_CATEGORY: u64 = 403;

/// An attribute with its values.
#[derive(Debug, Clone)]
pub struct AttrDef {
    pub meta: CategoryAttribute,
    pub values: Vec<AttributeValue>,
}

/// All reference data, built once.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub brands: Vec<Brand>,
    pub tree: CategoryTree,
    pub leaves: HashSet<u64>,
    pub category_names: BTreeMap<u64, String>,
    pub attributes: BTreeMap<u64, Vec<AttrDef>>,
    pub cargo: Vec<CargoProvider>,
}

fn cat(id: u64, name: &str, parent: Option<u64>, subs: Vec<Category>) -> Category {
    Category {
        id,
        name: name.into(),
        parent_id: parent,
        sub_categories: subs,
    }
}

#[allow(clippy::too_many_arguments)]
fn attr(
    category_id: u64,
    id: u64,
    name: &str,
    required: bool,
    allow_custom: bool,
    varianter: bool,
    slicer: bool,
    values: &[(u64, &str)],
) -> AttrDef {
    AttrDef {
        meta: CategoryAttribute {
            category_id: Some(category_id),
            attribute: IdName {
                id,
                name: name.into(),
            },
            required,
            allow_custom,
            varianter,
            slicer,
            allow_multiple_attribute_values: false,
            attribute_values: values
                .iter()
                .map(|(id, n)| IdName {
                    id: *id,
                    name: (*n).into(),
                })
                .collect(),
        },
        values: values
            .iter()
            .map(|(id, n)| AttributeValue {
                attribute_value_id: *id,
                attribute_value_name: (*n).into(),
            })
            .collect(),
    }
}

impl Catalog {
    pub fn build() -> Self {
        // Brands: two fixed ones and 1,998 generated, all distinct.
        let firsts = [
            "Anka", "Bora", "Cem", "Deniz", "Ece", "Firuze", "Gök", "Hilal", "Ilgaz", "Jale",
            "Kuzey", "Lale", "Mavi", "Nehir", "Orkide", "Poyraz", "Rüzgar", "Sahil", "Toprak",
            "Umut", "Vadi", "Yakamoz", "Zeytin", "Ada", "Bulut",
        ];
        let seconds = [
            "Tekstil",
            "Moda",
            "Giyim",
            "Home",
            "Design",
            "Kids",
            "Sport",
            "Style",
            "Atelier",
            "Collection",
            "Basic",
            "Concept",
            "Life",
            "Studio",
            "Line",
            "Store",
            "Works",
            "Craft",
            "Trend",
            "Denim",
            "Active",
            "Casual",
            "Select",
            "Point",
            "House",
            "Market",
            "Lab",
            "Club",
            "Wear",
            "Co",
            "Shop",
            "Center",
            "Plus",
            "One",
            "Pro",
            "Max",
            "Mini",
            "Nova",
            "Urban",
            "Natura",
            "Classic",
            "Modern",
            "Vintage",
            "Royal",
            "Star",
            "Sun",
            "Moon",
            "Sea",
            "Stone",
            "Wood",
            "Leaf",
            "Silk",
            "Cotton",
            "Linen",
            "Wool",
            "Gold",
            "Silver",
            "Pearl",
            "Iris",
            "Rose",
            "Mint",
            "Olive",
            "Coral",
            "Amber",
            "Ruby",
            "Onyx",
            "Jade",
            "Opal",
            "Ivory",
            "Ebony",
            "Azure",
            "Indigo",
            "Violet",
            "Scarlet",
            "Crimson",
            "Saffron",
            "Cinnamon",
            "Pepper",
        ];
        let mut brands = vec![
            Brand {
                id: DEMO_BRAND_ID,
                name: DEMO_BRAND_NAME.into(),
            },
            Brand {
                id: 2032,
                name: "Sandbox Basics".into(),
            },
        ];
        let mut n = 0u64;
        'outer: for s in seconds {
            for f in firsts {
                if brands.len() >= 2000 {
                    break 'outer;
                }
                brands.push(Brand {
                    id: 10_000 + n,
                    name: format!("{f} {s}"),
                });
                n += 1;
            }
        }

        let tree = CategoryTree {
            categories: vec![
                cat(
                    368,
                    "Giyim",
                    None,
                    vec![
                        cat(
                            403,
                            "Kadın Giyim",
                            Some(368),
                            vec![
                                cat(411, "Elbise", Some(403), vec![]),
                                cat(412, "Bluz", Some(403), vec![]),
                            ],
                        ),
                        cat(
                            404,
                            "Erkek Giyim",
                            Some(368),
                            vec![
                                cat(521, "Tişört", Some(404), vec![]),
                                cat(522, "Gömlek", Some(404), vec![]),
                            ],
                        ),
                    ],
                ),
                cat(
                    1000,
                    "Elektronik",
                    None,
                    vec![cat(
                        1001,
                        "Telefon Aksesuarları",
                        Some(1000),
                        vec![
                            cat(1002, "Telefon Kılıfı", Some(1001), vec![]),
                            cat(1003, "Şarj Cihazı", Some(1001), vec![]),
                        ],
                    )],
                ),
                cat(
                    2000,
                    "Ev & Yaşam",
                    None,
                    vec![
                        cat(2001, "Mutfak Gereçleri", Some(2000), vec![]),
                        cat(2002, "Ev Tekstili", Some(2000), vec![]),
                    ],
                ),
            ],
        };
        let mut leaves = HashSet::new();
        let mut category_names = BTreeMap::new();
        fn walk(c: &Category, leaves: &mut HashSet<u64>, names: &mut BTreeMap<u64, String>) {
            names.insert(c.id, c.name.clone());
            if c.is_leaf() {
                leaves.insert(c.id);
            }
            for s in &c.sub_categories {
                walk(s, leaves, names);
            }
        }
        for c in &tree.categories {
            walk(c, &mut leaves, &mut category_names);
        }

        let mut attributes = BTreeMap::new();
        let colors: &[(u64, &str)] = &[
            (6980, "Siyah"),
            (6981, "Beyaz"),
            (6982, "Kırmızı"),
            (6983, "Mavi"),
            (6984, "Yeşil"),
        ];
        let sizes: &[(u64, &str)] = &[
            (7001, "XS"),
            (7002, "S"),
            (7003, "M"),
            (7004, "L"),
            (7005, "XL"),
        ];
        let materials: &[(u64, &str)] = &[(7101, "Pamuk"), (7102, "Polyester"), (7103, "Keten")];
        let phone_brands: &[(u64, &str)] = &[(7201, "Apple"), (7202, "Samsung"), (7203, "Xiaomi")];
        for leaf in [411, 412, 521, 522, 2002] {
            attributes.insert(
                leaf,
                vec![
                    attr(leaf, 47, "Renk", false, true, false, true, colors),
                    attr(leaf, 338, "Beden", true, false, true, false, sizes),
                    attr(leaf, 14, "Materyal", false, false, false, false, materials),
                ],
            );
        }
        for leaf in [1002, 1003] {
            attributes.insert(
                leaf,
                vec![
                    attr(leaf, 47, "Renk", false, true, false, true, colors),
                    attr(
                        leaf,
                        500,
                        "Uyumlu Marka",
                        true,
                        false,
                        false,
                        false,
                        phone_brands,
                    ),
                ],
            );
        }
        attributes.insert(
            2001,
            vec![attr(
                2001, 14, "Materyal", false, true, false, false, materials,
            )],
        );

        let cargo = [
            (4, "YKMP", "Yurtiçi Kargo Marketplace"),
            (6, "HOROZMP", "Horoz Kargo Marketplace"),
            (7, "ARASMP", "Aras Kargo Marketplace"),
            (9, "SURATMP", "Sürat Kargo Marketplace"),
            (10, "DHLECOMMP", "DHL eCommerce Marketplace"),
            (17, "TEXMP", "Trendyol Express Marketplace"),
            (19, "PTTMP", "PTT Kargo Marketplace"),
            (20, "CEVAMP", "Ceva Marketplace"),
            (38, "KOLAYGELSINMP", "Kolay Gelsin Marketplace"),
        ]
        .into_iter()
        .map(|(id, code, name)| CargoProvider {
            id,
            code: code.into(),
            name: name.into(),
            // Made-up ten-digit tax numbers: Trendyol lists each carrier's.
            tax_number: Some(format!("{}", 3_100_000_000u64 + id * 7_919)),
        })
        .collect();

        Catalog {
            brands,
            tree,
            leaves,
            category_names,
            attributes,
            cargo,
        }
    }

    pub fn brand(&self, id: u64) -> Option<&Brand> {
        self.brands.iter().find(|b| b.id == id)
    }

    pub fn is_leaf(&self, id: u64) -> bool {
        self.leaves.contains(&id)
    }

    pub fn category_name(&self, id: u64) -> Option<&str> {
        self.category_names.get(&id).map(String::as_str)
    }

    pub fn cargo_by_id(&self, id: u64) -> Option<&CargoProvider> {
        self.cargo.iter().find(|c| c.id == id)
    }

    pub fn cargo_by_code(&self, code: &str) -> Option<&CargoProvider> {
        self.cargo.iter().find(|c| c.code == code)
    }

    pub fn attribute_name(&self, category: u64, attribute: u64) -> Option<&str> {
        self.attributes
            .get(&category)?
            .iter()
            .find(|a| a.meta.attribute.id == attribute)
            .map(|a| a.meta.attribute.name.as_str())
    }
}

//! A small macro for "string enums" read from the API.
//!
//! Trendyol adds statuses without notice. A closed Rust enum would turn a new status into a
//! deserialization error and lose the whole page it came in; these enums keep the unexpected
//! value in `Unknown(String)` so the caller can log it and carry on.

/// Declares `enum $name { $Variant, ..., Unknown(String) }` with `as_str`, `parse`, `Display`,
/// and string (de)serialization. `parse` is exact first, then case- and separator-insensitive
/// (so `AT_COLLECTION_POINT` reads as `AtCollectionPoint`).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this crate does not know yet, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value exactly as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Reads a value leniently; never fails.
            pub fn parse(s: &str) -> Self {
                $(if s == $text { return $name::$variant; })+
                let folded = $crate::string_enum::fold(s);
                $(if folded == $crate::string_enum::fold($text) { return $name::$variant; })+
                $name::Unknown(s.to_string())
            }

            /// True for the `Unknown` arm.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}

/// Lower-cases and drops `_`, `-` and spaces, for lenient matching.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

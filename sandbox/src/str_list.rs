//! A frozen list of strings in one allocation.
//!
//! A product's image URLs and cargo codes are set together and read together, and a million
//! products each hold a few. As a boxed slice of boxed strings each string is an allocation of
//! its own plus a pointer and a length; here the whole list is one run of bytes: how many
//! strings, each one's length, then their text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The strings in order. Counts and lengths are `u32`: a request body is far smaller.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StrList(Box<[u8]>);

const WORD: usize = 4;

impl StrList {
    pub fn new<S: AsRef<str>>(items: &[S]) -> Self {
        let text: usize = items.iter().map(|s| s.as_ref().len()).sum();
        let mut bytes = Vec::with_capacity(WORD * (1 + items.len()) + text);
        bytes.extend_from_slice(&(items.len() as u32).to_le_bytes());
        for s in items {
            bytes.extend_from_slice(&(s.as_ref().len() as u32).to_le_bytes());
        }
        for s in items {
            bytes.extend_from_slice(s.as_ref().as_bytes());
        }
        StrList(bytes.into_boxed_slice())
    }

    fn word(&self, i: usize) -> usize {
        self.0
            .get(WORD * i..WORD * (i + 1))
            .and_then(|w| <[u8; WORD]>::try_from(w).ok())
            .map_or(0, |w| u32::from_le_bytes(w) as usize)
    }

    pub fn len(&self) -> usize {
        self.word(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let n = self.len();
        let mut at = WORD * (1 + n);
        (0..n).map(move |i| {
            let end = at + self.word(1 + i);
            // Built from `&str`s only, so every piece is UTF-8 on its boundaries.
            let s = std::str::from_utf8(&self.0[at..end]).unwrap_or_default();
            at = end;
            s
        })
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl std::fmt::Debug for StrList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// In a state file, a plain list of strings.
impl Serialize for StrList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(StrList::new(&Vec::<String>::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::StrList;

    #[test]
    fn strings_read_back_in_order() {
        let list = StrList::new(&["https://a/1.jpg", "", "çğış"]);
        assert_eq!(list.len(), 3);
        assert_eq!(list.to_vec(), vec!["https://a/1.jpg", "", "çğış"]);
        assert!(StrList::new::<&str>(&[]).is_empty());
        assert_eq!(StrList::default().iter().count(), 0);
    }

    #[test]
    fn a_state_file_holds_a_plain_list() {
        let list = StrList::new(&["TEXMP", "ARASMP"]);
        let text = serde_json::to_string(&list).unwrap();
        assert_eq!(text, r#"["TEXMP","ARASMP"]"#);
        assert_eq!(serde_json::from_str::<StrList>(&text).unwrap(), list);
    }
}

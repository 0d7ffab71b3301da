//! The request items a batch result echoes back, kept as deflated JSON text.
//!
//! A batch result repeats every item of its request (`requestItem`), and Trendyol keeps results
//! for four hours, so a catalog push of a million products holds a million echoed items at once.
//! Kept as parsed JSON trees they were most of the sandbox's memory; yet they are frozen the
//! moment the batch is made and read back only when someone asks for the result. So each batch
//! keeps its items as one run of compact JSON text — exactly what serializing the item would
//! write, so answers do not change by a byte — deflated (items of one request share their keys
//! and most of their text, and shrink several times over), with where each item ends.

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde::Serialize;
use serde_json::value::RawValue;
use std::io::{Read, Write};

/// Collects the echoes of one request, item by item.
#[derive(Debug, Default)]
pub struct EchoWriter {
    text: Vec<u8>,
    ends: Vec<u32>,
}

impl EchoWriter {
    /// Appends one item's echo as compact JSON.
    pub fn push<T: Serialize + ?Sized>(&mut self, echo: &T) {
        // Writing a JSON value into a Vec cannot fail (no I/O, and a Value's keys are strings).
        let _ = serde_json::to_writer(&mut self.text, echo);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// Freezes the echoes.
    pub fn finish(self) -> Echoes {
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(self.text.len() / 4), Compression::fast());
        // Deflating into memory cannot fail; an empty result would only lose the echoes.
        let deflated = encoder
            .write_all(&self.text)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Echoes {
            deflated: deflated.into_boxed_slice(),
            ends: self.ends.into_boxed_slice(),
        }
    }
}

/// The frozen echoes of one batch.
#[derive(Debug, Clone, Default)]
pub struct Echoes {
    deflated: Box<[u8]>,
    /// Where each item's text ends in the inflated run.
    ends: Box<[u32]>,
}

impl Echoes {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The echoes, ready to be read item by item.
    pub fn open(&self) -> OpenEchoes {
        let mut text = String::with_capacity(self.ends.last().copied().unwrap_or(0) as usize);
        // The text was deflated from valid UTF-8 by `EchoWriter`; a failure leaves it empty and
        // `item` then answers `null` rather than a wrong item.
        let _ = DeflateDecoder::new(&self.deflated[..]).read_to_string(&mut text);
        OpenEchoes {
            text,
            ends: self.ends.clone(),
        }
    }
}

/// Inflated echoes, owned so an answer can be written after the world's lock is released.
#[derive(Debug)]
pub struct OpenEchoes {
    text: String,
    ends: Box<[u32]>,
}

impl OpenEchoes {
    /// Item `i` as the JSON text it was echoed as.
    pub fn item(&self, i: usize) -> &RawValue {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.text
            .get(start..end)
            .and_then(|s| serde_json::from_str::<&RawValue>(s).ok())
            .unwrap_or(RawValue::NULL)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::EchoWriter;
    use serde_json::json;

    #[test]
    fn items_read_back_as_the_text_serializing_them_writes() {
        let items = [
            json!({"barcode": "B-1", "product": {"title": "Çanta", "salePrice": 10.5}}),
            json!({"barcode": "B-2", "quantity": 3}),
            json!("plain"),
        ];
        let mut w = EchoWriter::default();
        for i in &items {
            w.push(i);
        }
        let echoes = w.finish();
        assert_eq!(echoes.len(), 3);
        let open = echoes.open();
        for (i, item) in items.iter().enumerate() {
            assert_eq!(open.item(i).get(), serde_json::to_string(item).unwrap());
        }
    }
}

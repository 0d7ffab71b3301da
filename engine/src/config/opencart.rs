//! Reading an OpenCart `config.php` without executing it.
//!
//! The file is plain `define('NAME', value);` lines, but shops edit it by hand: single or double
//! quotes, odd spacing, comments, `define("DB_PORT", 3306)` as a number, lower-case `define`.
//! Executing it from the extension is not an option (it may `require` other files, and running
//! shop code from a sync engine is a security hazard), so this is a small tokenizer for the PHP
//! subset that appears in real config files. Values that are expressions (for example
//! `__DIR__ . '/admin/'`) are kept as [`ConfigValue::Expression`] and rejected only if a
//! database key needs them.

use std::collections::BTreeMap;
use std::path::Path;

use super::{split_host_port, validate_prefix, DbConfig};
use crate::error::{Error, Result};

/// One `define()`d value.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    Text(String),
    Integer(i64),
    Bool(bool),
    Null,
    /// Anything else, kept as source text.
    Expression(String),
}

impl ConfigValue {
    fn as_text(&self) -> Option<String> {
        match self {
            ConfigValue::Text(s) => Some(s.clone()),
            ConfigValue::Integer(i) => Some(i.to_string()),
            ConfigValue::Null => Some(String::new()),
            ConfigValue::Bool(_) | ConfigValue::Expression(_) => None,
        }
    }
}

/// All constants a config file defines, by name (the first definition wins, as in PHP).
#[derive(Debug, Clone, Default)]
pub struct OpenCartConfig {
    pub defines: BTreeMap<String, ConfigValue>,
}

impl OpenCartConfig {
    pub fn read(path: &Path) -> Result<OpenCartConfig> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let config = Self::parse(&text);
        if config.defines.is_empty() {
            return Err(Error::Config(format!(
                "{} defines no constants; is it OpenCart's config.php?",
                path.display()
            )));
        }
        Ok(config)
    }

    pub fn parse(source: &str) -> OpenCartConfig {
        let mut defines = BTreeMap::new();
        for (name, value) in Parser::new(source).defines() {
            defines.entry(name).or_insert(value);
        }
        OpenCartConfig { defines }
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.defines.get(name).and_then(ConfigValue::as_text)
    }

    /// The database section, validated. Errors name the constant that is missing or unusable.
    pub fn db_config(&self) -> Result<DbConfig> {
        let required = |name: &str| -> Result<String> {
            match self.defines.get(name) {
                None => Err(Error::Config(format!("config.php does not define {name}"))),
                Some(value) => value.as_text().ok_or_else(|| {
                    Error::Config(format!(
                        "config.php defines {name} as an expression ({value:?}); a literal is needed"
                    ))
                }),
            }
        };
        if let Some(driver) = self.text("DB_DRIVER") {
            let driver = driver.to_ascii_lowercase();
            if !matches!(driver.as_str(), "mysqli" | "pdo" | "mpdo" | "") {
                return Err(Error::Config(format!(
                    "DB_DRIVER {driver:?} is not supported; MesChain needs MySQL/MariaDB (mysqli or pdo)"
                )));
            }
        }
        let raw_host = required("DB_HOSTNAME")?;
        // mysqli accepts "p:host" for persistent connections; the prefix means nothing here.
        let raw_host = raw_host.trim().trim_start_matches("p:").to_string();
        let (mut host, inline_port) = split_host_port(&raw_host)?;
        let port = match self.text("DB_PORT").filter(|p| !p.trim().is_empty()) {
            Some(p) => p.trim().parse::<u16>().map_err(|_| {
                Error::Config(format!("config.php DB_PORT is not a port number: {p:?}"))
            })?,
            None => inline_port.unwrap_or(3306),
        };
        // For mysqli, "localhost" means the local unix socket. Use it when it exists so shops whose
        // server does not listen on TCP still work; otherwise fall back to TCP on 127.0.0.1.
        let mut socket = None;
        if host.eq_ignore_ascii_case("localhost") {
            socket = LOCAL_SOCKETS
                .iter()
                .find(|p| Path::new(p).exists())
                .map(|p| p.to_string());
            host = "127.0.0.1".into();
        }
        let prefix = self.text("DB_PREFIX").unwrap_or_default();
        validate_prefix(&prefix)?;
        let config = DbConfig {
            host,
            port,
            socket,
            user: required("DB_USERNAME")?,
            password: self.text("DB_PASSWORD").unwrap_or_default(),
            database: required("DB_DATABASE")?,
            prefix,
        };
        config.validate()?;
        Ok(config)
    }
}

/// Where Debian, Ubuntu and RHEL family servers put the socket.
const LOCAL_SOCKETS: &[&str] = &[
    "/run/mysqld/mysqld.sock",
    "/var/run/mysqld/mysqld.sock",
    "/var/lib/mysql/mysql.sock",
    "/tmp/mysql.sock",
];

/// A tokenizer over PHP source that understands exactly what `define()` lines need: comments,
/// quoted strings with their escapes, and bare words.
struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Self {
        Parser {
            src: source.as_bytes(),
            pos: 0,
        }
    }

    fn defines(mut self) -> Vec<(String, ConfigValue)> {
        let mut out = Vec::new();
        while self.pos < self.src.len() {
            self.skip_trivia();
            if self.pos >= self.src.len() {
                break;
            }
            let c = self.src[self.pos];
            if c == b'\'' || c == b'"' {
                // A string outside define(): skip it whole so its content is not mistaken for code.
                let _ = self.string();
            } else if is_word_start(c) {
                let word = self.word();
                if word.eq_ignore_ascii_case("define") {
                    let save = self.pos;
                    match self.define_call() {
                        Some(pair) => out.push(pair),
                        None => self.pos = save,
                    }
                }
            } else {
                self.pos += 1;
            }
        }
        out
    }

    /// After the word `define`: `( 'NAME' , value [, ...] )`.
    fn define_call(&mut self) -> Option<(String, ConfigValue)> {
        self.skip_trivia();
        self.expect(b'(')?;
        self.skip_trivia();
        let name = self.string()?;
        self.skip_trivia();
        self.expect(b',')?;
        self.skip_trivia();
        let value = self.value();
        Some((name, value))
    }

    fn value(&mut self) -> ConfigValue {
        let start = self.pos;
        let simple = match self.src.get(self.pos) {
            Some(b'\'') | Some(b'"') => self.string().map(ConfigValue::Text),
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let begin = self.pos;
                self.pos += 1;
                while self.pos < self.src.len() && self.src[self.pos].is_ascii_digit() {
                    self.pos += 1;
                }
                std::str::from_utf8(&self.src[begin..self.pos])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .map(ConfigValue::Integer)
            }
            Some(c) if is_word_start(*c) => {
                let word = self.word().to_ascii_lowercase();
                match word.as_str() {
                    "true" => Some(ConfigValue::Bool(true)),
                    "false" => Some(ConfigValue::Bool(false)),
                    "null" => Some(ConfigValue::Null),
                    _ => None,
                }
            }
            _ => None,
        };
        // A simple literal counts only if the argument ends right after it.
        self.skip_trivia();
        if let Some(value) = simple {
            if matches!(self.src.get(self.pos), Some(b')') | Some(b',')) {
                return value;
            }
        }
        // Otherwise capture the expression text up to the closing parenthesis of define().
        self.pos = start;
        let mut depth = 0usize;
        while self.pos < self.src.len() {
            match self.src[self.pos] {
                b'\'' | b'"' => {
                    let _ = self.string();
                    continue;
                }
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b',' if depth == 0 => break,
                b';' => break,
                _ => {}
            }
            self.pos += 1;
        }
        let text = String::from_utf8_lossy(&self.src[start..self.pos])
            .trim()
            .to_string();
        ConfigValue::Expression(text)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        if self.src.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.src.len()
            && (self.src[self.pos].is_ascii_alphanumeric()
                || self.src[self.pos] == b'_'
                || self.src[self.pos] == b'\\')
        {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.src[start..self.pos]).into_owned()
    }

    /// A single- or double-quoted PHP string with PHP's escape rules.
    fn string(&mut self) -> Option<String> {
        let quote = *self.src.get(self.pos)?;
        if quote != b'\'' && quote != b'"' {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        while self.pos < self.src.len() {
            let c = self.src[self.pos];
            self.pos += 1;
            if c == quote {
                return Some(String::from_utf8_lossy(&out).into_owned());
            }
            if c == b'\\' && self.pos < self.src.len() {
                let next = self.src[self.pos];
                let escaped = if quote == b'\'' {
                    // Single quotes only know \' and \\.
                    match next {
                        b'\'' | b'\\' => Some(next),
                        _ => None,
                    }
                } else {
                    match next {
                        b'"' | b'\\' | b'$' => Some(next),
                        b'n' => Some(b'\n'),
                        b't' => Some(b'\t'),
                        b'r' => Some(b'\r'),
                        b'0' => Some(0),
                        _ => None,
                    }
                };
                match escaped {
                    Some(e) => {
                        out.push(e);
                        self.pos += 1;
                    }
                    None => out.push(b'\\'),
                }
                continue;
            }
            out.push(c);
        }
        None // unterminated
    }

    fn skip_trivia(&mut self) {
        while self.pos < self.src.len() {
            let c = self.src[self.pos];
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else if c == b'#' || self.src[self.pos..].starts_with(b"//") {
                while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                    // `?>` ends a line comment too, but config files do not rely on that.
                    self.pos += 1;
                }
            } else if self.src[self.pos..].starts_with(b"/*") {
                match find(&self.src[self.pos + 2..], b"*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => self.pos = self.src.len(),
                }
            } else if self.src[self.pos..].starts_with(b"<?php") {
                self.pos += 5;
            } else if self.src[self.pos..].starts_with(b"?>") {
                self.pos += 2;
            } else {
                break;
            }
        }
    }
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'\\'
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOCK: &str = r#"<?php
// APPLICATION
define('APPLICATION', 'Catalog');

// HTTP
define('HTTP_SERVER', 'http://shop.example/');

// DIR
define('DIR_OPENCART', '/var/www/html/');
define('DIR_APPLICATION', DIR_OPENCART . 'catalog/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', '127.0.0.1');
define('DB_USERNAME', 'shop');
define('DB_PASSWORD', 'p@ss\'word\\x');
define('DB_DATABASE', 'opencart');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
"#;

    #[test]
    fn reads_a_stock_config() {
        let config = OpenCartConfig::parse(STOCK);
        let db = config.db_config().unwrap();
        assert_eq!(db.host, "127.0.0.1");
        assert_eq!(db.port, 3306);
        assert_eq!(db.user, "shop");
        assert_eq!(db.password, "p@ss'word\\x");
        assert_eq!(db.database, "opencart");
        assert_eq!(db.prefix, "oc_");
        assert_eq!(
            config.defines["DIR_APPLICATION"],
            ConfigValue::Expression("DIR_OPENCART . 'catalog/'".into())
        );
    }

    #[test]
    fn odd_spacing_double_quotes_numbers_and_comments() {
        let src = r#"<?php
        /* define('DB_HOSTNAME', 'commented-out'); */
        # define('DB_USERNAME', 'nope');
        DEFINE ( "DB_HOSTNAME" ,"db.internal:3307" ) ;
        define("DB_USERNAME","u\"ser");
        define(  'DB_PASSWORD'  ,  ""  );
        define("DB_DATABASE", "shop_db");
        define('DB_PORT', 3310);
        define('DB_PREFIX', "");
        $x = "define('DB_DATABASE', 'inside-a-string')";
        "#;
        let db = OpenCartConfig::parse(src).db_config().unwrap();
        assert_eq!(db.host, "db.internal");
        assert_eq!(db.port, 3310, "DB_PORT wins over the inline port");
        assert_eq!(db.user, "u\"ser");
        assert_eq!(db.password, "");
        assert_eq!(db.database, "shop_db");
        assert_eq!(db.prefix, "");
    }

    #[test]
    fn missing_and_bad_values_are_named() {
        let err = OpenCartConfig::parse("<?php define('DB_HOSTNAME','h');")
            .db_config()
            .unwrap_err()
            .to_string();
        assert!(err.contains("DB_USERNAME"), "{err}");

        let src = "<?php define('DB_HOSTNAME','h'); define('DB_USERNAME','u'); \
                   define('DB_DATABASE','d'); define('DB_PORT','33o6');";
        let err = OpenCartConfig::parse(src)
            .db_config()
            .unwrap_err()
            .to_string();
        assert!(err.contains("DB_PORT"), "{err}");

        let src = "<?php define('DB_HOSTNAME','h'); define('DB_USERNAME','u'); \
                   define('DB_DATABASE','d'); define('DB_PREFIX','oc`; DROP');";
        let err = OpenCartConfig::parse(src)
            .db_config()
            .unwrap_err()
            .to_string();
        assert!(err.contains("DB_PREFIX"), "{err}");

        let src = "<?php define('DB_DRIVER','pgsql'); define('DB_HOSTNAME','h');";
        let err = OpenCartConfig::parse(src)
            .db_config()
            .unwrap_err()
            .to_string();
        assert!(err.contains("DB_DRIVER"), "{err}");
    }

    #[test]
    fn persistent_prefix_and_first_definition_wins() {
        let src = "<?php define('DB_HOSTNAME','p:10.0.0.5'); define('DB_HOSTNAME','later'); \
                   define('DB_USERNAME','u'); define('DB_DATABASE','d');";
        let db = OpenCartConfig::parse(src).db_config().unwrap();
        assert_eq!(db.host, "10.0.0.5");
        assert_eq!(db.port, 3306);
    }

    #[test]
    fn garbage_never_panics() {
        for src in [
            "",
            "<?php define(",
            "define('A'",
            "define('A', 'unterminated",
            "/* open comment define('A','b')",
            "define(\"A\", \"\\",
            "\u{0}\u{ffff}define('x',)",
        ] {
            let _ = OpenCartConfig::parse(src).db_config();
        }
    }
}

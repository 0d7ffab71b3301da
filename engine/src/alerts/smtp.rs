//! A small SMTP client: enough to hand one alert e-mail to the shop's mail server.
//!
//! It speaks what OpenCart's own `system/library/mail/smtp.php` speaks, so a shop whose OpenCart
//! sends mail sends MesChain's alerts the same way: `EHLO`, optional `STARTTLS` (OpenCart's
//! `tls://host` prefix), implicit TLS (`ssl://host`, usually port 465), `AUTH LOGIN` when a user
//! name is set (or `AUTH PLAIN` when the server offers only that), then one message. Every read
//! and write has the configured timeout, because PHP's `max_execution_time` cannot interrupt a
//! wait inside the extension. TLS is rustls (ring) with the platform's trust store.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::config::settings::Secret;
use crate::error::{Error, Result};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS (a local relay).
    Plain,
    /// Plain connect, then `STARTTLS` (required: a server that does not offer it is an error).
    StartTls,
    /// TLS from the first byte.
    Tls,
}

/// Where and how to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: Secret,
    pub timeout: Duration,
    /// The name this side gives in `EHLO`.
    pub helo: String,
}

impl SmtpTarget {
    /// Reads OpenCart's host field: `tls://host` means STARTTLS, `ssl://host` implicit TLS.
    pub fn parse_host(field: &str) -> (String, Security) {
        let field = field.trim();
        if let Some(host) = field.strip_prefix("tls://") {
            (host.to_string(), Security::StartTls)
        } else if let Some(host) = field.strip_prefix("ssl://") {
            (host.to_string(), Security::Tls)
        } else {
            (field.to_string(), Security::Plain)
        }
    }

    fn label(&self) -> String {
        format!("smtp {}:{}", self.host, self.port)
    }

    fn fail(&self, reason: impl Into<String>) -> Error {
        Error::Io {
            path: self.label(),
            source: std::io::Error::other(reason.into()),
        }
    }
}

/// Sends `data` (a complete RFC 5322 message, CRLF line ends) from `from` to `to`.
pub async fn send(target: &SmtpTarget, from: &str, to: &[&str], data: &str) -> Result<()> {
    let addr = format!("{}:{}", target.host, target.port);
    let tcp = match tokio::time::timeout(target.timeout, TcpStream::connect(&addr)).await {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => return Err(target.fail(format!("cannot connect: {e}"))),
        Err(_) => return Err(target.fail("no connection within the timeout")),
    };
    match target.security {
        Security::Tls => {
            let tls = tls_wrap(target, tcp).await?;
            let mut conn = Conn::new(tls, target);
            conn.expect_greeting().await?;
            let offered = conn.ehlo().await?;
            conn.transaction(&offered, from, to, data).await
        }
        Security::Plain => {
            let mut conn = Conn::new(tcp, target);
            conn.expect_greeting().await?;
            let offered = conn.ehlo().await?;
            conn.transaction(&offered, from, to, data).await
        }
        Security::StartTls => {
            let mut conn = Conn::new(tcp, target);
            conn.expect_greeting().await?;
            let offered = conn.ehlo().await?;
            if !offered.iter().any(|l| l.eq_ignore_ascii_case("STARTTLS")) {
                return Err(target.fail("the server does not offer STARTTLS (tls:// was asked)"));
            }
            conn.command("STARTTLS", &[220]).await?;
            let tcp = conn.stream;
            let tls = tls_wrap(target, tcp).await?;
            let mut conn = Conn::new(tls, target);
            let offered = conn.ehlo().await?;
            conn.transaction(&offered, from, to, data).await
        }
    }
}

async fn tls_wrap(
    target: &SmtpTarget,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>> {
    crate::trendyol::client::install_crypto_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Error::Config(format!("cannot load the TLS trust store: {e}")))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(target.host.clone())
        .map_err(|_| target.fail("the host name is not valid for TLS"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match tokio::time::timeout(target.timeout, connector.connect(name, tcp)).await {
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(e)) => Err(target.fail(format!("TLS handshake failed: {e}"))),
        Err(_) => Err(target.fail("TLS handshake timed out")),
    }
}

struct Conn<'t, S> {
    stream: S,
    buf: Vec<u8>,
    target: &'t SmtpTarget,
}

impl<'t, S: AsyncRead + AsyncWrite + Unpin> Conn<'t, S> {
    fn new(stream: S, target: &'t SmtpTarget) -> Self {
        Conn {
            stream,
            buf: Vec::new(),
            target,
        }
    }

    /// Reads one (possibly multi-line) reply: its code and the text of each line.
    async fn reply(&mut self) -> Result<(u16, Vec<String>)> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await?;
            if line.len() < 3 || !line.as_bytes()[..3].iter().all(u8::is_ascii_digit) {
                return Err(self.target.fail(format!("not an SMTP reply: {line:?}")));
            }
            let code: u16 = line[..3].parse().unwrap_or(0);
            let more = line.as_bytes().get(3) == Some(&b'-');
            lines.push(line.get(4..).unwrap_or("").to_string());
            if !more {
                return Ok((code, lines));
            }
        }
    }

    async fn line(&mut self) -> Result<String> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let raw: Vec<u8> = self.buf.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&raw);
                return Ok(text.trim_end_matches(['\r', '\n']).to_string());
            }
            if self.buf.len() > 64 * 1024 {
                return Err(self.target.fail("an SMTP reply line is too long"));
            }
            let mut chunk = [0u8; 4096];
            let n = match tokio::time::timeout(self.target.timeout, self.stream.read(&mut chunk))
                .await
            {
                Ok(Ok(n)) => n,
                Ok(Err(e)) => return Err(self.target.fail(format!("reading failed: {e}"))),
                Err(_) => return Err(self.target.fail("no answer within the timeout")),
            };
            if n == 0 {
                return Err(self.target.fail("the server closed the connection"));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let work = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout(self.target.timeout, work).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.target.fail(format!("writing failed: {e}"))),
            Err(_) => Err(self.target.fail("writing timed out")),
        }
    }

    /// Sends `line` and checks the reply code. `shown` replaces the line in errors (credentials).
    async fn command_shown(
        &mut self,
        line: &str,
        expect: &[u16],
        shown: &str,
    ) -> Result<Vec<String>> {
        self.write(format!("{line}\r\n").as_bytes()).await?;
        let (code, text) = self.reply().await?;
        if !expect.contains(&code) {
            return Err(self.target.fail(format!(
                "the server answered {code} {} to {shown}",
                text.join(" ")
            )));
        }
        Ok(text)
    }

    async fn command(&mut self, line: &str, expect: &[u16]) -> Result<Vec<String>> {
        let verb = line.split_whitespace().next().unwrap_or(line).to_string();
        self.command_shown(line, expect, &verb).await
    }

    async fn expect_greeting(&mut self) -> Result<()> {
        let (code, text) = self.reply().await?;
        if code != 220 {
            return Err(self
                .target
                .fail(format!("greeting {code} {}", text.join(" "))));
        }
        Ok(())
    }

    /// `EHLO`; returns the extension lines (`AUTH LOGIN PLAIN`, `STARTTLS`, ...).
    async fn ehlo(&mut self) -> Result<Vec<String>> {
        let helo = self.target.helo.clone();
        let lines = self.command(&format!("EHLO {helo}"), &[250]).await?;
        Ok(lines.into_iter().skip(1).collect())
    }

    async fn login(&mut self, offered: &[String]) -> Result<()> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        let user = self.target.username.clone();
        let pass = self.target.password.expose().to_string();
        let auth: Vec<String> = offered
            .iter()
            .filter(|l| l.to_ascii_uppercase().starts_with("AUTH"))
            .flat_map(|l| {
                l.split([' ', '='])
                    .map(str::to_ascii_uppercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        if auth.iter().any(|m| m == "PLAIN") && !auth.iter().any(|m| m == "LOGIN") {
            let token = b64(&format!("\0{user}\0{pass}"));
            self.command_shown(&format!("AUTH PLAIN {token}"), &[235], "AUTH PLAIN")
                .await?;
            return Ok(());
        }
        self.command("AUTH LOGIN", &[334]).await?;
        self.command_shown(&b64(&user), &[334], "the user name")
            .await?;
        self.command_shown(&b64(&pass), &[235], "the password")
            .await?;
        Ok(())
    }

    async fn transaction(
        &mut self,
        offered: &[String],
        from: &str,
        to: &[&str],
        data: &str,
    ) -> Result<()> {
        if !self.target.username.is_empty() {
            self.login(offered).await?;
        }
        self.command(&format!("MAIL FROM:<{from}>"), &[250]).await?;
        for rcpt in to {
            self.command(&format!("RCPT TO:<{rcpt}>"), &[250, 251])
                .await?;
        }
        self.command("DATA", &[354]).await?;
        let mut body = String::with_capacity(data.len() + 16);
        for line in data.split("\r\n") {
            // Dot-stuffing: a line starting with '.' gets another, so it cannot end the data.
            if line.starts_with('.') {
                body.push('.');
            }
            body.push_str(line);
            body.push_str("\r\n");
        }
        body.push_str(".\r\n");
        self.write(body.as_bytes()).await?;
        let (code, text) = self.reply().await?;
        if code != 250 {
            return Err(self.target.fail(format!(
                "the server refused the message: {code} {}",
                text.join(" ")
            )));
        }
        // A failed QUIT does not undo a delivered message.
        let _ = self.command("QUIT", &[221]).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opencart_host_prefixes() {
        assert_eq!(
            SmtpTarget::parse_host("tls://mail.example.com"),
            ("mail.example.com".into(), Security::StartTls)
        );
        assert_eq!(
            SmtpTarget::parse_host("ssl://mail.example.com"),
            ("mail.example.com".into(), Security::Tls)
        );
        assert_eq!(
            SmtpTarget::parse_host(" 127.0.0.1 "),
            ("127.0.0.1".into(), Security::Plain)
        );
    }
}

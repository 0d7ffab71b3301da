//! The OpenMetrics 1.0 text format: metric families, samples, escaping, `# EOF`.

use std::fmt::Write;

/// The family types MesChain exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    Gauge,
    Counter,
    StateSet,
}

impl MetricType {
    fn as_str(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Counter => "counter",
            MetricType::StateSet => "stateset",
        }
    }
}

/// One metric family and its samples.
#[derive(Debug, Clone)]
pub struct Family {
    name: &'static str,
    kind: MetricType,
    help: &'static str,
    samples: Vec<String>,
}

impl Family {
    pub fn new(name: &'static str, kind: MetricType, help: &'static str) -> Family {
        Family {
            name,
            kind,
            help,
            samples: Vec::new(),
        }
    }

    /// Adds a sample named `{family}{suffix}` (`_total` for counters) with `labels`.
    pub fn sample(&mut self, suffix: &str, labels: &[(&str, String)], value: f64) {
        let mut line = format!("{}{suffix}", self.name);
        if !labels.is_empty() {
            line.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                let _ = write!(line, "{k}=\"{}\"", escape(v));
            }
            line.push('}');
        }
        let _ = write!(line, " {}", number(value));
        self.samples.push(line);
    }
}

/// The whole exposition, `# EOF` terminated.
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for f in families {
        let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind.as_str());
        let _ = writeln!(out, "# HELP {} {}", f.name, escape(f.help));
        for s in &f.samples {
            out.push_str(s);
            out.push('\n');
        }
    }
    out.push_str("# EOF\n");
    out
}

/// Label values and help text: backslash, double quote and newline escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Integers without a fraction, others as Rust prints them; non-finite as OpenMetrics spells them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_families_and_eof() {
        let mut c = Family::new("x_calls", MetricType::Counter, "Calls.");
        c.sample("_total", &[("endpoint", "a\"b\\c\nd".into())], 3.0);
        let mut g = Family::new("x_age_seconds", MetricType::Gauge, "Age.");
        g.sample("", &[], 1.5);
        let text = render(&[c, g]);
        assert_eq!(
            text,
            "# TYPE x_calls counter\n# HELP x_calls Calls.\nx_calls_total{endpoint=\"a\\\"b\\\\c\\nd\"} 3\n\
             # TYPE x_age_seconds gauge\n# HELP x_age_seconds Age.\nx_age_seconds 1.5\n# EOF\n"
        );
    }
}

//! Text for people: each finding with its line and a caret under it, colour only on
//! a terminal, and a closing summary.

use anstyle::{AnsiColor, Style};
use std::io::Write;

use super::{FileReport, Reporter, Summary};
use crate::finding::Severity;

/// Text for people. `colour` is decided once (a terminal, and NO_COLOR unset), so
/// piped output is written plainly instead of being filtered afterwards.
pub struct Text {
    pub colour: bool,
}

impl Text {
    fn style(&self, s: Style) -> Style {
        if self.colour {
            s
        } else {
            Style::new()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
        Severity::Hint => Style::new().dimmed(),
    }
}

impl Reporter for Text {
    fn render(&self, file: &FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = self.write_file(&mut out, file);
        out
    }

    fn begin_file(&self, _out: &mut dyn Write, _file: &FileReport) -> std::io::Result<()> {
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        self.write_summary(out, s)
    }
}

impl Text {
    fn write_file(&self, out: &mut dyn Write, file: &FileReport) -> std::io::Result<()> {
        let bold = self.style(Style::new().bold());
        let dim = self.style(Style::new().dimmed());
        // Names, messages and suggestions are shown with control characters escaped:
        // a note or a file name must not be able to drive the terminal.
        let safe = crate::safe_text::for_terminal;
        let path = file.name();
        if let Some(error) = &file.error {
            let red = self.style(AnsiColor::Red.on_default().bold());
            return writeln!(out, "{bold}{path}{bold:#}: {red}error{red:#}: {}", safe(error));
        }
        if file.empty {
            return writeln!(out, "{bold}{path}{bold:#}: {dim}{}{dim:#}", if crate::export::Kind::of(std::path::Path::new(&file.path)).is_some() { "no records; nothing to check" } else { "empty file; nothing to check" });
        }
        for f in &file.findings {
            let sev = self.style(severity_style(f.severity));
            writeln!(out, "{bold}{path}:{}:{}{bold:#}: {sev}{}{sev:#}: {}", f.start.line, f.start.column, f.category, safe(&f.message))?;
            let number = f.start.line.to_string();
            let pad = " ".repeat(number.len());
            if let Some(shown) = &f.shown {
                writeln!(out, "  {dim}{number} |{dim:#} {}", shown.line)?;
                writeln!(out, "  {pad} {dim}|{dim:#} {}{sev}{}{sev:#}", " ".repeat(shown.caret), "^".repeat(shown.width.max(1)))?;
            }
            let replacements: Vec<String> =
                f.suggestions
                    .iter()
                    .filter_map(|s| s.replacement.as_ref().map(|r| (r, &s.replaced_text)))
                    .map(|(r, replaced)| match replaced {
                        // The fix reaches beyond the finding: say what it replaces.
                        Some(old) => format!("“{}” → “{}”", safe(old), safe(r)),
                        None => format!("“{}”", safe(r)),
                    })
                    .collect();
            if !replacements.is_empty() {
                let try_ = match file.message_lang.unwrap_or(f.lang) {
                    crate::language::Lang::En => "try",
                    crate::language::Lang::Cy => "cynnig",
                };
                writeln!(out, "  {pad} {dim}={dim:#} {try_}: {}", replacements.join(", "))?;
            }
            for s in f.suggestions.iter().filter(|s| s.replacement.is_none()) {
                writeln!(out, "  {pad} {dim}={dim:#} {}", safe(&s.description))?;
            }
        }
        Ok(())
    }

    fn write_summary(&self, out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
        let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        let files = match (s.files - s.records, s.records) {
            (files, 0) => plural(files, "file", "files"),
            (0, records) => plural(records, "record", "records"),
            (files, records) => format!("{} and {}", plural(records, "record", "records"), plural(files, "file", "files")),
        };
        let mut line = if s.findings == 0 {
            format!("{files} checked: no findings")
        } else {
            let parts: Vec<String> = s.by_category.iter().map(|(c, n)| format!("{c} {n}")).collect();
            let noun = if s.findings == 1 { "finding" } else { "findings" };
            format!("{files} checked: {} {noun} ({})", s.findings, parts.join(", "))
        };
        if s.errors > 0 {
            line.push_str(&format!("; {} could not be checked", s.errors));
        }
        if s.skipped > 0 {
            line.push_str(&format!("; {} skipped (not a note, a Word document or an export)", s.skipped));
        }
        let bold = self.style(Style::new().bold());
        writeln!(out, "{bold}{line}{bold:#}")
    }
}

//! The man page `--man` prints: clap_mangen's sections, from the program's clap definition, and
//! two that no clap definition holds, given by each program: EXIT STATUS and EXAMPLES, in the
//! place man-pages(7) gives them (after the options, before the version).

use std::io::{self, Write};

use roff::{bold, roman, Roff};

/// What a program's man page says beyond its options, in its own words.
#[derive(Debug, Clone, Copy)]
pub struct ManPage {
    /// Each exit code, and when the program ends with it.
    pub exit_status: &'static [(&'static str, &'static str)],
    /// Each example: a command line, and what it does.
    pub examples: &'static [(&'static str, &'static str)],
}

impl ManPage {
    /// Writes the whole page for `command` to `out`.
    pub fn render(&self, command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        let page = String::from_utf8_lossy(&page);
        let ours = self.sections();
        let at = page.find("\n.SH VERSION\n").map_or(page.len(), |at| at + 1);
        out.write_all(page[..at].as_bytes())?;
        out.write_all(ours.as_bytes())?;
        out.write_all(page[at..].as_bytes())
    }

    /// EXIT STATUS and EXAMPLES in roff, each entry a tagged paragraph: the code or the command
    /// in bold, then its text. roff's own escaping, as clap_mangen's sections have it.
    fn sections(&self) -> String {
        let mut roff = Roff::new();
        for (title, entries) in [
            ("EXIT STATUS", self.exit_status),
            ("EXAMPLES", self.examples),
        ] {
            roff.control("SH", [title]);
            for (tag, text) in entries {
                roff.control("TP", []);
                roff.text([bold(*tag)]);
                roff.text([roman(*text)]);
            }
        }
        // Without the preamble the page already has at its top.
        let text = roff.render();
        text.find(".SH ")
            .map_or(text.clone(), |at| text[at..].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_go_before_the_version_and_escape_what_roff_reads() {
        let page = ManPage {
            exit_status: &[("0", "it worked")],
            examples: &[("prog --port 9000", "listens on port 9000")],
        };
        let command = clap::Command::new("prog")
            .version("1.0")
            .arg(clap::Arg::new("port").long("port"));
        let mut out = Vec::new();
        page.render(command, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let [options, exit, examples, version] = [
            ".SH OPTIONS",
            ".SH \"EXIT STATUS\"",
            ".SH EXAMPLES",
            ".SH VERSION",
        ]
        .map(|h| out.find(h).unwrap_or_else(|| panic!("{h}:\n{out}")));
        assert!(
            options < exit && exit < examples && examples < version,
            "{out}"
        );
        assert!(
            out.contains(".TP\n\\fBprog \\-\\-port 9000\\fR\nlistens on port 9000\n"),
            "{out}"
        );
        assert_eq!(out.matches(".ds Aq").count(), 2, "one preamble: {out}");
    }
}

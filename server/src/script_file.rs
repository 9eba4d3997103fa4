//! Scripts as files a lead writes by hand: TOML, English and Spanish side by side, read
//! into a [`groundgame_core::Script`] and checked by its validation, with every problem
//! reported at its line ("line 14: question \"pledge\" has no Spanish text; add text_es =
//! \"...\"").
//!
//! The file's shape (see `server/examples/scripts/canvass.toml`):
//!
//! ```toml
//! key = "door"
//! name_en = "Door canvass"
//! name_es = "Puerta a puerta"
//! intro_en = "Hi! I'm a volunteer with ..."
//! intro_es = "¡Hola! Soy voluntaria de ..."
//!
//! [[questions]]
//! key = "support"              # letters, digits, - or _
//! kind = "survey"              # survey (default), pledge, volunteer_ask, donation_ask
//! text_en = "..."
//! text_es = "..."
//! next = "volunteer"           # optional: default is the next question; "end" ends
//!
//! [[questions.choices]]
//! key = "1"
//! label_en = "Strong supporter"
//! label_es = "Apoyo firme"
//! next = "pledge"              # optional: jump when this answer is given
//! ```
//!
//! Line numbers come from `toml::Spanned`: every field and table keeps its byte range in
//! the source, and a problem found by the core's validation (which knows only "question 3,
//! field next") is mapped back to that range.

use std::ops::Range;
use std::path::Path;

use groundgame_core::script::{
    QuestionKind, Script, ScriptChoice, ScriptIssue, ScriptPlace, ScriptQuestion,
};
use serde::Deserialize;
use toml::Spanned;

/// One problem with a script file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIssue {
    pub line: usize,
    pub message: String,
    /// The message in Spanish.
    pub message_es: String,
}

impl std::fmt::Display for FileIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Why a script file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ScriptFileError {
    #[error("could not read the script file: {0}; check the path")]
    Io(#[from] std::io::Error),
    /// Not valid TOML, or a field of the wrong type or an unknown field.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid TOML, but not a usable script: every problem found, in line order.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FileIssue>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    key: Option<Spanned<String>>,
    name_en: Option<Spanned<String>>,
    name_es: Option<Spanned<String>>,
    intro_en: Option<Spanned<String>>,
    intro_es: Option<Spanned<String>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: Option<Spanned<String>>,
    kind: Option<Spanned<QuestionKind>>,
    text_en: Option<Spanned<String>>,
    text_es: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
    #[serde(default)]
    choices: Vec<Spanned<RawChoice>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    key: Option<Spanned<String>>,
    label_en: Option<Spanned<String>>,
    label_es: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
}

fn text(v: &Option<Spanned<String>>) -> String {
    v.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
}

fn span_of(v: &Option<Spanned<String>>) -> Option<Range<usize>> {
    v.as_ref().map(Spanned::span)
}

impl RawScript {
    fn to_script(&self) -> Script {
        Script {
            key: text(&self.key),
            name_en: text(&self.name_en),
            name_es: text(&self.name_es),
            intro_en: text(&self.intro_en),
            intro_es: text(&self.intro_es),
            questions: self
                .questions
                .iter()
                .map(|q| {
                    let q = q.get_ref();
                    ScriptQuestion {
                        key: text(&q.key),
                        kind: q.kind.as_ref().map(|k| *k.get_ref()).unwrap_or_default(),
                        text_en: text(&q.text_en),
                        text_es: text(&q.text_es),
                        next: q.next.as_ref().map(|n| n.get_ref().clone()),
                        choices: q
                            .choices
                            .iter()
                            .map(|c| {
                                let c = c.get_ref();
                                ScriptChoice {
                                    key: text(&c.key),
                                    label_en: text(&c.label_en),
                                    label_es: text(&c.label_es),
                                    next: c.next.as_ref().map(|n| n.get_ref().clone()),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }

    /// The source range an issue points at: its field when written, else its table.
    fn span(&self, issue: &ScriptIssue) -> Option<Range<usize>> {
        match issue.place {
            ScriptPlace::Script => match issue.field? {
                "key" => span_of(&self.key),
                "name_en" => span_of(&self.name_en),
                "name_es" => span_of(&self.name_es),
                "intro_en" => span_of(&self.intro_en),
                "intro_es" => span_of(&self.intro_es),
                _ => None,
            },
            ScriptPlace::Question(qi) => {
                let spanned = self.questions.get(qi)?;
                let q = spanned.get_ref();
                let field = match issue.field {
                    Some("key") => span_of(&q.key),
                    Some("text_en") => span_of(&q.text_en),
                    Some("text_es") => span_of(&q.text_es),
                    Some("next") => span_of(&q.next),
                    _ => None,
                };
                field.or_else(|| Some(spanned.span()))
            }
            ScriptPlace::Choice(qi, ci) => {
                let spanned = self.questions.get(qi)?.get_ref().choices.get(ci)?;
                let c = spanned.get_ref();
                let field = match issue.field {
                    Some("key") => span_of(&c.key),
                    Some("label_en") => span_of(&c.label_en),
                    Some("label_es") => span_of(&c.label_es),
                    Some("next") => span_of(&c.next),
                    _ => None,
                };
                field.or_else(|| Some(spanned.span()))
            }
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Read and check a script from TOML text.
pub fn parse(source: &str) -> Result<Script, ScriptFileError> {
    let raw: RawScript = toml::from_str(source).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |span| line_column(source, span.start));
        ScriptFileError::Syntax {
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let script = raw.to_script();
    if let Err(issues) = script.validate() {
        let mut found: Vec<FileIssue> = issues
            .iter()
            .map(|issue| FileIssue {
                line: raw
                    .span(issue)
                    .map_or(1, |span| line_column(source, span.start).0),
                message: issue.error.to_string(),
                message_es: issue.error.in_spanish(),
            })
            .collect();
        found.sort_by_key(|i| i.line);
        return Err(ScriptFileError::Invalid(found));
    }
    Ok(script)
}

/// Read and check a script file.
pub fn read(path: &Path) -> Result<Script, ScriptFileError> {
    parse(&std::fs::read_to_string(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/scripts/canvass.toml");

    fn issues(source: &str) -> Vec<String> {
        match parse(source) {
            Err(ScriptFileError::Invalid(found)) => found.iter().map(ToString::to_string).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    const SMALL: &str = r#"key = "door"
name_en = "Door"
name_es = "Puerta"
intro_en = "Hi"
intro_es = "Hola"

[[questions]]
key = "support"
text_en = "Would you support her?"
text_es = "¿La apoyaría?"

[[questions.choices]]
key = "1"
label_en = "Yes"
label_es = "Sí"
next = "pledge"

[[questions.choices]]
key = "5"
label_en = "No"
label_es = "No"
next = "end"

[[questions]]
key = "pledge"
kind = "pledge"
text_en = "Will you pledge to vote?"
text_es = "¿Se compromete a votar?"

[[questions.choices]]
key = "yes"
label_en = "Yes"
label_es = "Sí"
"#;

    #[test]
    fn the_example_script_reads_and_branches() {
        let s = parse(EXAMPLE).expect("the example is valid");
        assert_eq!(s.key, "canvass");
        let keys: Vec<&str> = s.questions.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, ["support", "pledge", "plan_ride", "volunteer"]);
        let support = &s.questions[0];
        assert_eq!(support.choices.len(), 5);
        assert_eq!(support.choices[0].label_en, "Strong supporter");
        let next =
            |q: &str, a: Option<&str>| s.next_question(q, a).expect("known").map(|q| q.key.clone());
        assert_eq!(next("support", Some("1")).as_deref(), Some("pledge"));
        assert_eq!(next("support", Some("2")).as_deref(), Some("pledge"));
        assert_eq!(next("support", Some("3")).as_deref(), Some("volunteer"));
        assert_eq!(next("support", Some("5")), None);
        assert_eq!(next("pledge", Some("yes")).as_deref(), Some("plan_ride"));
        assert_eq!(next("pledge", Some("no")).as_deref(), Some("volunteer"));
        assert_eq!(next("volunteer", Some("yes")), None);
        assert!(s
            .questions
            .iter()
            .all(|q| !q.text_es.is_empty() && q.choices.iter().all(|c| !c.label_es.is_empty())));
        parse(SMALL).expect("the small script is valid");
    }

    #[test]
    fn toml_syntax_errors_give_line_and_column() {
        let broken = SMALL.replace("label_es = \"Sí\"\nnext", "label_es = \"Sí\nnext");
        match parse(&broken) {
            Err(ScriptFileError::Syntax { line, column, .. }) => {
                // The string is cut by the line end, after `label_es = "Sí`.
                assert_eq!((line, column), (15, 15));
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let unknown = SMALL.replace("kind = \"pledge\"", "kind = \"pledge\"\ncolour = \"red\"");
        let err = parse(&unknown).expect_err("unknown field").to_string();
        assert!(
            err.starts_with("line 27, column 1: unknown field `colour`, expected one of"),
            "{err}"
        );
        let bad_kind = SMALL.replace("kind = \"pledge\"", "kind = \"petition\"");
        let err = parse(&bad_kind).expect_err("unknown kind").to_string();
        assert!(
            err.starts_with("line 26, column 8: unknown variant `petition`, expected one of"),
            "{err}"
        );
    }

    #[test]
    fn unknown_branch_target() {
        let s = SMALL.replace("next = \"pledge\"", "next = \"pledg\"");
        assert_eq!(
            issues(&s),
            [
                "line 16: \"pledg\" is not a question of this script; go to one of its question \
              keys or \"end\""
            ]
        );
    }

    #[test]
    fn missing_translation() {
        let s = SMALL.replace("text_es = \"¿Se compromete a votar?\"\n", "");
        assert_eq!(
            issues(&s),
            ["line 24: question \"pledge\" has no Spanish text; add text_es = \"...\""]
        );
        let s = SMALL.replace("label_en = \"No\"", "label_en = \"  \"");
        assert_eq!(
            issues(&s),
            [
                "line 20: choice \"5\" of question \"support\" has no English text; add \
              label_en = \"...\""
            ]
        );
        let s = SMALL.replace("intro_es = \"Hola\"\n", "");
        assert_eq!(
            issues(&s),
            ["line 1: the script's intro has no Spanish text; add intro_es = \"...\""]
        );
    }

    #[test]
    fn duplicate_keys() {
        let s = SMALL.replace("key = \"pledge\"", "key = \"support\"");
        assert_eq!(
            issues(&s),
            [
                // The branch to "pledge" now has nowhere to go.
                "line 16: \"pledge\" is not a question of this script; go to one of its \
                 question keys or \"end\"",
                "line 25: two questions have the key \"support\"; give each question its own key",
            ]
        );
        let s = SMALL.replace("key = \"5\"", "key = \"1\"");
        assert_eq!(
            issues(&s),
            [
                "line 19: question \"support\" has two choices with the key \"1\"; give each \
              choice its own key"
            ]
        );
    }

    #[test]
    fn branch_cycle() {
        // The last choice ("yes" to the pledge) goes back to the first question.
        let s = format!("{SMALL}next = \"support\"\n");
        assert_eq!(
            issues(&s),
            [
                "line 34: the script goes round in a circle (support → pledge → support); send \
              one of these to another question or \"end\""
            ]
        );
    }

    #[test]
    fn empty_choices() {
        let cut = SMALL
            .find("[[questions.choices]]\nkey = \"yes\"")
            .expect("found");
        let s = &SMALL[..cut];
        assert_eq!(
            issues(s),
            [
                "line 24: question \"pledge\" has no answer choices; add at least one \
              [[questions.choices]]"
            ]
        );
    }

    #[test]
    fn pledge_choices_must_be_yes_no_maybe() {
        let s = SMALL.replace("key = \"yes\"", "key = \"sure\"");
        assert_eq!(
            issues(&s),
            [
                "line 31: question \"pledge\" records a pledge to vote, so its choices must be \
              yes, no or maybe, not \"sure\""
            ]
        );
    }
}

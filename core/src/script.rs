//! Scripts: what a canvasser or phone banker says and asks, in English and Spanish, with
//! branching (an answer may jump to another question or end the script). A lead writes one
//! by hand (the server reads it from a TOML file); the device walks it with
//! [`Script::next_question`].
//!
//! Scripts are versioned by the server ([`VersionedScript`]): a device keeps answering the
//! version it had, so a new version never changes a visit already recorded.
//!
//! [`Script::validate`] is the one place the rules for a usable script live. It returns
//! every problem with its place in the script ([`ScriptPlace`] and field name), so a reader
//! of the source file can point at the line.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::domain::{SurveyChoice, SurveyQuestion};
use crate::ids::CampaignId;

/// The branch target that ends the script.
pub const END: &str = "end";

/// A script as a lead wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// Stable name of the script within its campaign ("door", "phone-gotv"); storing a
    /// changed script under the same key makes a new version.
    pub key: String,
    pub name_en: String,
    pub name_es: String,
    /// What the volunteer says first.
    pub intro_en: String,
    pub intro_es: String,
    /// In the order they are asked, unless a branch says otherwise.
    pub questions: Vec<ScriptQuestion>,
}

/// What answering a question records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A survey answer (the choice's key), like the 1–5 support question.
    #[default]
    Survey,
    /// A pledge to vote: choices are `yes`, `no`, `maybe`; yes asks for the plan.
    Pledge,
    /// An ask to volunteer: choices are `yes`, `no`, `maybe`.
    VolunteerAsk,
    /// An ask to donate: choices are `yes`, `no`, `maybe`.
    DonationAsk,
}

impl QuestionKind {
    fn describe(self) -> &'static str {
        match self {
            QuestionKind::Survey => "survey answer",
            QuestionKind::Pledge => "pledge to vote",
            QuestionKind::VolunteerAsk => "volunteer ask",
            QuestionKind::DonationAsk => "donation ask",
        }
    }

    fn describe_es(kind: &str) -> &'static str {
        match kind {
            "pledge to vote" => "un compromiso de votar",
            "volunteer ask" => "un pedido de voluntariado",
            "donation ask" => "un pedido de donación",
            _ => "una respuesta de encuesta",
        }
    }
}

/// One question of a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScriptQuestion {
    pub key: String,
    #[serde(default)]
    pub kind: QuestionKind,
    pub text_en: String,
    pub text_es: String,
    /// Where to go after this question unless the choice says otherwise: a question key or
    /// [`END`]. When absent, the next question in the script (or the end, after the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    pub choices: Vec<ScriptChoice>,
}

/// One answer choice; `next` jumps to another question or [`END`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScriptChoice {
    pub key: String,
    pub label_en: String,
    pub label_es: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A stored script: the version a device holds and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VersionedScript {
    pub campaign: CampaignId,
    pub version: u32,
    pub script: Script,
}

/// Where in a script a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScriptPlace {
    Script,
    /// A question, by position.
    Question(usize),
    /// A choice, by question and choice position.
    Choice(usize, usize),
}

/// One problem found by [`Script::validate`]: the place, the field when it is one field's
/// fault (`"next"`, `"text_es"`, ...), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptIssue {
    pub place: ScriptPlace,
    pub field: Option<&'static str>,
    pub error: ScriptError,
}

/// Why a script cannot be used, or a step cannot be taken. Messages say what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("{what} has no {language} text; add {field} = \"...\"")]
    MissingTranslation {
        what: String,
        /// `what` in Spanish.
        what_es: String,
        language: &'static str,
        field: &'static str,
    },
    #[error("{what} needs a key of letters, digits, - or _ (like \"support\")")]
    BadKey {
        what: String,
        /// `what` in Spanish.
        what_es: String,
    },
    #[error("\"end\" means the end of the script; give this question another key")]
    ReservedKey,
    #[error("the script has no questions; add at least one [[questions]]")]
    NoQuestions,
    #[error("two questions have the key \"{0}\"; give each question its own key")]
    DuplicateQuestion(String),
    #[error(
        "question \"{question}\" has two choices with the key \"{choice}\"; give each choice \
         its own key"
    )]
    DuplicateChoice { question: String, choice: String },
    #[error("question \"{0}\" has no answer choices; add at least one [[questions.choices]]")]
    EmptyChoices(String),
    #[error("\"{0}\" is not a question of this script; go to one of its question keys or \"end\"")]
    UnknownTarget(String),
    #[error(
        "question \"{question}\" records a {kind}, so its choices must be yes, no or maybe, \
         not \"{choice}\""
    )]
    NotAnAskAnswer {
        question: String,
        kind: &'static str,
        choice: String,
    },
    #[error(
        "the script goes round in a circle ({0}); send one of these to another question or \"end\""
    )]
    Cycle(String),
    #[error("there is no question \"{0}\" in this script; sync to get the current script")]
    UnknownQuestion(String),
    #[error("\"{answer}\" is not one of the answers to \"{question}\"")]
    UnknownAnswer { question: String, answer: String },
}

impl ScriptError {
    /// The message in Spanish, for a lead whose app is in Spanish (the English is `Display`).
    pub fn in_spanish(&self) -> String {
        match self {
            ScriptError::MissingTranslation {
                what_es,
                language,
                field,
                ..
            } => {
                let language = if *language == "Spanish" {
                    "español"
                } else {
                    "inglés"
                };
                format!("{what_es} no tiene texto en {language}; agregue {field} = \"...\"")
            }
            ScriptError::BadKey { what_es, .. } => {
                format!("{what_es} necesita una clave de letras, dígitos, - o _ (como \"support\")")
            }
            ScriptError::ReservedKey => {
                "\"end\" significa el final del guion; dé otra clave a esta pregunta".into()
            }
            ScriptError::NoQuestions => {
                "el guion no tiene preguntas; agregue al menos una [[questions]]".into()
            }
            ScriptError::DuplicateQuestion(key) => format!(
                "dos preguntas tienen la clave \"{key}\"; dé a cada pregunta su propia clave"
            ),
            ScriptError::DuplicateChoice { question, choice } => format!(
                "la pregunta \"{question}\" tiene dos opciones con la clave \"{choice}\"; dé a \
                 cada opción su propia clave"
            ),
            ScriptError::EmptyChoices(key) => format!(
                "la pregunta \"{key}\" no tiene opciones de respuesta; agregue al menos una \
                 [[questions.choices]]"
            ),
            ScriptError::UnknownTarget(key) => format!(
                "\"{key}\" no es una pregunta de este guion; vaya a una de sus claves de \
                 pregunta o a \"end\""
            ),
            ScriptError::NotAnAskAnswer {
                question,
                kind,
                choice,
            } => format!(
                "la pregunta \"{question}\" registra {}, así que sus opciones deben ser yes, \
                 no o maybe, no \"{choice}\"",
                QuestionKind::describe_es(kind)
            ),
            ScriptError::Cycle(path) => format!(
                "el guion da vueltas en círculo ({path}); envíe una de estas a otra pregunta o a \
                 \"end\""
            ),
            ScriptError::UnknownQuestion(key) => format!(
                "no hay una pregunta \"{key}\" en este guion; sincronice para recibir el guion \
                 actual"
            ),
            ScriptError::UnknownAnswer { question, answer } => {
                format!("\"{answer}\" no es una de las respuestas a \"{question}\"")
            }
        }
    }
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The choice keys a pledge or an ask may have (they become `AskAnswer`s).
const ASK_ANSWERS: [&str; 3] = ["yes", "no", "maybe"];

impl Script {
    /// Check everything: keys, both languages, choices, branch targets and cycles.
    /// Problems come in script order.
    pub fn validate(&self) -> Result<(), Vec<ScriptIssue>> {
        let mut issues = Vec::new();
        let mut issue = |place, field, error| {
            issues.push(ScriptIssue {
                place,
                field,
                error,
            })
        };
        if !is_key(&self.key) {
            let (what, what_es) = ("the script".to_string(), "el guion".to_string());
            issue(
                ScriptPlace::Script,
                Some("key"),
                ScriptError::BadKey { what, what_es },
            );
        }
        for (field, text, language) in [
            ("name_en", &self.name_en, "English"),
            ("name_es", &self.name_es, "Spanish"),
            ("intro_en", &self.intro_en, "English"),
            ("intro_es", &self.intro_es, "Spanish"),
        ] {
            if text.trim().is_empty() {
                let part = &field[..field.len() - 3];
                let what = format!("the script's {part}");
                let what_es = match part {
                    "name" => "el nombre del guion",
                    _ => "la introducción del guion",
                }
                .to_string();
                issue(
                    ScriptPlace::Script,
                    Some(field),
                    ScriptError::MissingTranslation {
                        what,
                        what_es,
                        language,
                        field,
                    },
                );
            }
        }
        if self.questions.is_empty() {
            issue(ScriptPlace::Script, None, ScriptError::NoQuestions);
        }
        let mut keys: HashSet<&str> = HashSet::new();
        for (qi, q) in self.questions.iter().enumerate() {
            let at = ScriptPlace::Question(qi);
            if q.key == END {
                issue(at, Some("key"), ScriptError::ReservedKey);
            } else if !is_key(&q.key) {
                let what = format!("question {}", qi + 1);
                let what_es = format!("la pregunta {}", qi + 1);
                issue(at, Some("key"), ScriptError::BadKey { what, what_es });
            } else if !keys.insert(&q.key) {
                issue(
                    at,
                    Some("key"),
                    ScriptError::DuplicateQuestion(q.key.clone()),
                );
            }
            let what = format!("question \"{}\"", q.key);
            let what_es = format!("la pregunta \"{}\"", q.key);
            for (field, text, language) in [
                ("text_en", &q.text_en, "English"),
                ("text_es", &q.text_es, "Spanish"),
            ] {
                if text.trim().is_empty() {
                    let (what, what_es) = (what.clone(), what_es.clone());
                    issue(
                        at,
                        Some(field),
                        ScriptError::MissingTranslation {
                            what,
                            what_es,
                            language,
                            field,
                        },
                    );
                }
            }
            if q.choices.is_empty() {
                issue(at, None, ScriptError::EmptyChoices(q.key.clone()));
            }
            let mut choice_keys: HashSet<&str> = HashSet::new();
            for (ci, c) in q.choices.iter().enumerate() {
                let at = ScriptPlace::Choice(qi, ci);
                if !is_key(&c.key) {
                    let what = format!("choice {} of question \"{}\"", ci + 1, q.key);
                    let what_es = format!("la opción {} de la pregunta \"{}\"", ci + 1, q.key);
                    issue(at, Some("key"), ScriptError::BadKey { what, what_es });
                } else if !choice_keys.insert(&c.key) {
                    issue(
                        at,
                        Some("key"),
                        ScriptError::DuplicateChoice {
                            question: q.key.clone(),
                            choice: c.key.clone(),
                        },
                    );
                } else if q.kind != QuestionKind::Survey && !ASK_ANSWERS.contains(&c.key.as_str()) {
                    issue(
                        at,
                        Some("key"),
                        ScriptError::NotAnAskAnswer {
                            question: q.key.clone(),
                            kind: q.kind.describe(),
                            choice: c.key.clone(),
                        },
                    );
                }
                let what = format!("choice \"{}\" of question \"{}\"", c.key, q.key);
                let what_es = format!("la opción \"{}\" de la pregunta \"{}\"", c.key, q.key);
                for (field, text, language) in [
                    ("label_en", &c.label_en, "English"),
                    ("label_es", &c.label_es, "Spanish"),
                ] {
                    if text.trim().is_empty() {
                        let (what, what_es) = (what.clone(), what_es.clone());
                        issue(
                            at,
                            Some(field),
                            ScriptError::MissingTranslation {
                                what,
                                what_es,
                                language,
                                field,
                            },
                        );
                    }
                }
            }
        }
        // Branch targets.
        let index: HashMap<&str, usize> = self
            .questions
            .iter()
            .enumerate()
            .rev()
            .map(|(i, q)| (q.key.as_str(), i))
            .collect();
        let mut known = true;
        for (place, target) in self.branches() {
            if target != END && !index.contains_key(target) {
                known = false;
                issue(
                    place,
                    Some("next"),
                    ScriptError::UnknownTarget(target.to_string()),
                );
            }
        }
        if known {
            self.find_cycles(&index, &mut issue);
        }
        issues.sort_by_key(|i| i.place);
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    /// Every explicit branch: (where it is written, target).
    fn branches(&self) -> impl Iterator<Item = (ScriptPlace, &str)> {
        self.questions.iter().enumerate().flat_map(|(qi, q)| {
            let own = q
                .next
                .as_deref()
                .map(|t| (ScriptPlace::Question(qi), t))
                .into_iter();
            let choices = q.choices.iter().enumerate().filter_map(move |(ci, c)| {
                c.next.as_deref().map(|t| (ScriptPlace::Choice(qi, ci), t))
            });
            own.chain(choices)
        })
    }

    /// Where question `qi` goes when the answer does not say: its `next`, or the following
    /// question, or the end. `None` is the end.
    fn default_next(&self, qi: usize) -> Option<&str> {
        match self.questions[qi].next.as_deref() {
            Some(END) => None,
            Some(target) => Some(target),
            None => self.questions.get(qi + 1).map(|q| q.key.as_str()),
        }
    }

    /// Report every branch that leads back to a question already on the way to it.
    fn find_cycles(
        &self,
        index: &HashMap<&str, usize>,
        issue: &mut impl FnMut(ScriptPlace, Option<&'static str>, ScriptError),
    ) {
        // Edges of question qi, in order: each choice's target, then the default.
        let edges = |qi: usize| -> Vec<(ScriptPlace, Option<&'static str>, usize)> {
            let q = &self.questions[qi];
            let mut out = Vec::new();
            for (ci, c) in q.choices.iter().enumerate() {
                if let Some(t) = c.next.as_deref() {
                    if let Some(&to) = index.get(t) {
                        out.push((ScriptPlace::Choice(qi, ci), Some("next"), to));
                    }
                }
            }
            let field = q.next.as_ref().map(|_| "next");
            if let Some(&to) = self.default_next(qi).and_then(|t| index.get(t)) {
                out.push((ScriptPlace::Question(qi), field, to));
            }
            out
        };
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnPath,
            Done,
        }
        let n = self.questions.len();
        let mut mark = vec![Mark::New; n];
        let mut reported: HashSet<(ScriptPlace, usize)> = HashSet::new();
        for start in 0..n {
            if mark[start] != Mark::New {
                continue;
            }
            // Iterative depth-first search: (question, its edges, next edge to follow).
            let mut stack = vec![(start, edges(start), 0usize)];
            mark[start] = Mark::OnPath;
            while let Some((qi, out, next)) = stack.last_mut() {
                let qi = *qi;
                let Some(&(place, field, to)) = out.get(*next) else {
                    mark[qi] = Mark::Done;
                    stack.pop();
                    continue;
                };
                *next += 1;
                match mark[to] {
                    Mark::New => {
                        mark[to] = Mark::OnPath;
                        stack.push((to, edges(to), 0));
                    }
                    Mark::OnPath => {
                        if reported.insert((place, to)) {
                            let from = stack.iter().position(|(q, _, _)| *q == to).unwrap_or(0);
                            let mut path: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(q, _, _)| self.questions[*q].key.as_str())
                                .collect();
                            path.push(&self.questions[to].key);
                            issue(place, field, ScriptError::Cycle(path.join(" → ")));
                        }
                    }
                    Mark::Done => {}
                }
            }
        }
    }

    /// The first question asked, `None` for a script without questions.
    pub fn first_question(&self) -> Option<&ScriptQuestion> {
        self.questions.first()
    }

    /// The question to ask after `current` was answered with `answer` (`None`: skipped or
    /// not answered); `Ok(None)` when the script ends there.
    pub fn next_question(
        &self,
        current: &str,
        answer: Option<&str>,
    ) -> Result<Option<&ScriptQuestion>, ScriptError> {
        let qi = self
            .questions
            .iter()
            .position(|q| q.key == current)
            .ok_or_else(|| ScriptError::UnknownQuestion(current.to_string()))?;
        let q = &self.questions[qi];
        let jump = match answer {
            Some(answer) => {
                let choice = q.choices.iter().find(|c| c.key == answer).ok_or_else(|| {
                    ScriptError::UnknownAnswer {
                        question: current.to_string(),
                        answer: answer.to_string(),
                    }
                })?;
                choice.next.as_deref()
            }
            None => None,
        };
        let target = match jump {
            Some(END) => None,
            Some(target) => Some(target),
            None => self.default_next(qi),
        };
        match target {
            None => Ok(None),
            Some(key) => self
                .questions
                .iter()
                .find(|q| q.key == key)
                .map(Some)
                .ok_or_else(|| ScriptError::UnknownQuestion(key.to_string())),
        }
    }

    /// The survey questions of this script as the campaign's survey questions, so answers
    /// recorded with it are accepted as survey events.
    pub fn survey_questions(&self) -> Vec<SurveyQuestion> {
        self.questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Survey)
            .map(|q| SurveyQuestion {
                key: q.key.clone(),
                text_en: q.text_en.clone(),
                text_es: q.text_es.clone(),
                choices: q
                    .choices
                    .iter()
                    .map(|c| SurveyChoice {
                        key: c.key.clone(),
                        label_en: c.label_en.clone(),
                        label_es: c.label_es.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(key: &str, next: Option<&str>) -> ScriptChoice {
        ScriptChoice {
            key: key.into(),
            label_en: format!("{key} (en)"),
            label_es: format!("{key} (es)"),
            next: next.map(Into::into),
        }
    }

    fn question(key: &str, next: Option<&str>, choices: Vec<ScriptChoice>) -> ScriptQuestion {
        ScriptQuestion {
            key: key.into(),
            kind: QuestionKind::Survey,
            text_en: format!("{key}?"),
            text_es: format!("¿{key}?"),
            next: next.map(Into::into),
            choices,
        }
    }

    fn script(questions: Vec<ScriptQuestion>) -> Script {
        Script {
            key: "door".into(),
            name_en: "Door".into(),
            name_es: "Puerta".into(),
            intro_en: "Hi".into(),
            intro_es: "Hola".into(),
            questions,
        }
    }

    fn errors(s: &Script) -> Vec<(ScriptPlace, Option<&'static str>, String)> {
        s.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i.place, i.field, i.error.to_string()))
            .collect()
    }

    #[test]
    fn branches_are_followed() {
        let s = script(vec![
            question(
                "support",
                None,
                vec![
                    choice("1", Some("pledge")),
                    choice("5", Some(END)),
                    choice("3", None),
                ],
            ),
            question("issue", Some("volunteer"), vec![choice("jobs", None)]),
            question("pledge", None, vec![choice("yes", None)]),
            question("volunteer", None, vec![choice("yes", None)]),
        ]);
        assert_eq!(s.validate(), Ok(()));
        let key =
            |r: Result<Option<&ScriptQuestion>, ScriptError>| r.map(|q| q.map(|q| q.key.clone()));
        assert_eq!(
            key(s.next_question("support", Some("1"))),
            Ok(Some("pledge".into()))
        );
        assert_eq!(key(s.next_question("support", Some("5"))), Ok(None));
        assert_eq!(
            key(s.next_question("support", Some("3"))),
            Ok(Some("issue".into()))
        );
        assert_eq!(
            key(s.next_question("support", None)),
            Ok(Some("issue".into()))
        );
        assert_eq!(
            key(s.next_question("issue", Some("jobs"))),
            Ok(Some("volunteer".into()))
        );
        assert_eq!(
            key(s.next_question("pledge", None)),
            Ok(Some("volunteer".into()))
        );
        assert_eq!(key(s.next_question("volunteer", Some("yes"))), Ok(None));
        assert_eq!(
            key(s.next_question("support", Some("9"))),
            Err(ScriptError::UnknownAnswer {
                question: "support".into(),
                answer: "9".into()
            })
        );
        assert_eq!(
            key(s.next_question("colour", None)),
            Err(ScriptError::UnknownQuestion("colour".into()))
        );
        assert_eq!(s.survey_questions().len(), 4);
    }

    #[test]
    fn every_problem_is_found_with_its_place() {
        let mut s = script(vec![
            question(
                "a",
                Some("nowhere"),
                vec![choice("x", None), choice("x", None)],
            ),
            question("a", None, vec![]),
            question("end", None, vec![choice("y", None)]),
        ]);
        s.intro_es = " ".into();
        s.questions[2].choices[0].label_es.clear();
        assert_eq!(
            errors(&s),
            [
                (
                    ScriptPlace::Script,
                    Some("intro_es"),
                    "the script's intro has no Spanish text; add intro_es = \"...\"".into()
                ),
                (
                    ScriptPlace::Question(0),
                    Some("next"),
                    "\"nowhere\" is not a question of this script; go to one of its question \
                     keys or \"end\""
                        .into()
                ),
                (
                    ScriptPlace::Question(1),
                    Some("key"),
                    "two questions have the key \"a\"; give each question its own key".into()
                ),
                (
                    ScriptPlace::Question(1),
                    None,
                    "question \"a\" has no answer choices; add at least one [[questions.choices]]"
                        .into()
                ),
                (
                    ScriptPlace::Question(2),
                    Some("key"),
                    "\"end\" means the end of the script; give this question another key".into()
                ),
                (
                    ScriptPlace::Choice(0, 1),
                    Some("key"),
                    "question \"a\" has two choices with the key \"x\"; give each choice its own \
                     key"
                    .into()
                ),
                (
                    ScriptPlace::Choice(2, 0),
                    Some("label_es"),
                    "choice \"y\" of question \"end\" has no Spanish text; add label_es = \"...\""
                        .into()
                ),
            ]
        );
    }

    /// The same problems in Spanish, for a lead whose app is in Spanish.
    #[test]
    fn every_problem_says_itself_in_spanish() {
        let mut s = script(vec![
            question(
                "a",
                Some("nowhere"),
                vec![choice("x", None), choice("x", None)],
            ),
            question("a", None, vec![]),
            question("end", None, vec![choice("y", None)]),
        ]);
        s.intro_es = " ".into();
        s.questions[2].choices[0].label_es.clear();
        s.questions[1].kind = QuestionKind::Pledge;
        s.questions[1].choices.push(choice("soon", None));
        let spanish: Vec<String> = s
            .validate()
            .expect_err("invalid")
            .iter()
            .map(|i| i.error.in_spanish())
            .collect();
        assert_eq!(
            spanish,
            [
                "la introducción del guion no tiene texto en español; agregue intro_es = \"...\"",
                "\"nowhere\" no es una pregunta de este guion; vaya a una de sus claves de \
                 pregunta o a \"end\"",
                "dos preguntas tienen la clave \"a\"; dé a cada pregunta su propia clave",
                "\"end\" significa el final del guion; dé otra clave a esta pregunta",
                "la pregunta \"a\" tiene dos opciones con la clave \"x\"; dé a cada opción su \
                 propia clave",
                "la pregunta \"a\" registra un compromiso de votar, así que sus opciones deben \
                 ser yes, no o maybe, no \"soon\"",
                "la opción \"y\" de la pregunta \"end\" no tiene texto en español; agregue \
                 label_es = \"...\"",
            ]
        );
    }

    #[test]
    fn cycles_are_named() {
        let s = script(vec![
            question("a", None, vec![choice("1", Some("c"))]),
            question("b", None, vec![choice("1", None)]),
            question(
                "c",
                None,
                vec![choice("1", Some("b")), choice("2", Some("a"))],
            ),
        ]);
        assert_eq!(
            errors(&s),
            [
                // b goes on to c (the next question) when it says nothing.
                (
                    ScriptPlace::Question(1),
                    None,
                    "the script goes round in a circle (c → b → c); send one of these to \
                     another question or \"end\""
                        .into()
                ),
                (
                    ScriptPlace::Choice(2, 1),
                    Some("next"),
                    "the script goes round in a circle (a → c → a); send one of these to \
                     another question or \"end\""
                        .into()
                )
            ]
        );
        // A question's own default can close the circle too.
        let s = script(vec![
            question("a", None, vec![choice("1", None)]),
            question("b", Some("a"), vec![choice("1", None)]),
        ]);
        assert_eq!(
            errors(&s),
            [(
                ScriptPlace::Question(1),
                Some("next"),
                "the script goes round in a circle (a → b → a); send one of these to another \
                 question or \"end\""
                    .into()
            )]
        );
    }

    #[test]
    fn asks_take_yes_no_maybe() {
        let mut q = question(
            "pledge",
            None,
            vec![choice("yes", None), choice("sure", None)],
        );
        q.kind = QuestionKind::Pledge;
        let s = script(vec![q]);
        assert_eq!(
            errors(&s),
            [(
                ScriptPlace::Choice(0, 1),
                Some("key"),
                "question \"pledge\" records a pledge to vote, so its choices must be yes, no or \
                 maybe, not \"sure\""
                    .into()
            )]
        );
        assert!(s.survey_questions().is_empty());
        let empty = script(vec![]);
        assert_eq!(
            errors(&empty),
            [(
                ScriptPlace::Script,
                None,
                "the script has no questions; add at least one [[questions]]".into()
            )]
        );
    }

    #[test]
    fn round_trips_through_json_and_rejects_unknown_fields() {
        let s = script(vec![question("a", Some(END), vec![choice("1", None)])]);
        let json = serde_json::to_string(&s).expect("json");
        let back: Script = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, s);
        let extra = json.replacen('{', "{\"colour\":1,", 1);
        assert!(serde_json::from_str::<Script>(&extra).is_err());
    }
}

//! The campaign's door script at the door: its intro, then its questions one after another
//! as big choice buttons, the next one chosen by [`Script::next_question`] from the answer
//! given (a choice's branch, the question's default, or the end).
//!
//! The answers live in the door form ([`VisitForm::script`]) keyed by question, so they
//! are part of the draft. The path is always recomputed from the first question: changing
//! an earlier answer drops the answers to questions the new path no longer passes
//! ([`answer`]), and only the answers on the path are ever recorded ([`on_path`]).
//! An answer the script no longer knows (a newer version arrived with a sync) stops the
//! path at its question, which is asked again.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use dioxus::prelude::*;
use groundgame_core::script::{QuestionKind, Script, ScriptQuestion};

use super::door::VisitForm;
use crate::ui::i18n::{Lang, Msg};

/// Answers to a script's questions by question key: the chosen choice's key, or `None`
/// when the volunteer skipped the question.
pub type ScriptAnswers = BTreeMap<String, Option<String>>;

/// Where the script stands with these answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptPath<'a> {
    /// The questions asked so far, in order; the last is the open one unless `ended`.
    pub questions: Vec<&'a ScriptQuestion>,
    /// Every question on the path is answered (or skipped) and the script is over.
    pub ended: bool,
}

/// Walk `script` from its first question, following each answer, until a question without
/// an answer (the open one) or the end.
pub fn path<'a>(script: &'a Script, answers: &ScriptAnswers) -> ScriptPath<'a> {
    let mut questions = Vec::new();
    // A validated script has no circles; this guard keeps a damaged one from looping.
    let mut seen = HashSet::new();
    let mut current = script.first_question();
    while let Some(q) = current {
        if !seen.insert(q.key.as_str()) {
            break;
        }
        questions.push(q);
        let Some(given) = answers.get(&q.key) else {
            return ScriptPath {
                questions,
                ended: false,
            };
        };
        match script.next_question(&q.key, given.as_deref()) {
            Ok(next) => current = next,
            // An answer this version of the script does not know: ask again.
            Err(_) => {
                return ScriptPath {
                    questions,
                    ended: false,
                }
            }
        }
    }
    ScriptPath {
        questions,
        ended: true,
    }
}

/// The answers after `question` was answered with `choice` (`None`: skipped): the new
/// answer, and of the others only those to questions still on the path.
pub fn answer(
    script: &Script,
    answers: &ScriptAnswers,
    question: &str,
    choice: Option<String>,
) -> ScriptAnswers {
    let mut next = answers.clone();
    next.insert(question.to_owned(), choice);
    let keep: HashSet<String> = path(script, &next)
        .questions
        .iter()
        .map(|q| q.key.clone())
        .collect();
    next.retain(|key, _| keep.contains(key));
    next
}

/// The answers to record: each question on the path with the choice given (skipped
/// questions and answers the script does not know are left out), in the order asked.
pub fn on_path<'a>(
    script: &'a Script,
    answers: &ScriptAnswers,
) -> Vec<(&'a ScriptQuestion, &'a str)> {
    path(script, answers)
        .questions
        .into_iter()
        .filter_map(|q| {
            let given = answers.get(&q.key)?.as_deref()?;
            let choice = q.choices.iter().find(|c| c.key == given)?;
            Some((q, choice.key.as_str()))
        })
        .collect()
}

/// The intro: what the volunteer says when the door opens.
#[component]
pub fn ScriptIntro(script: Script, lang: Lang) -> Element {
    let l = lang;
    rsx! {
        section { class: "script", "aria-labelledby": "script-title",
            h3 { id: "script-title", {l.pick(&script.name_en, &script.name_es)} }
            p { class: "script-intro", {l.pick(&script.intro_en, &script.intro_es)} }
        }
    }
}

/// The script's questions on the path so far, each with its choices (and Skip); the
/// pledge's plan fields open under a "yes" to a pledge question.
#[component]
pub fn ScriptQuestions(script: Script, lang: Lang, form: Signal<VisitForm>) -> Element {
    let l = lang;
    let mut form = form;
    let script = Rc::new(script);
    let f = form();
    let walk = path(&script, &f.script);
    let ended = walk.ended;
    let steps: Vec<ScriptQuestion> = walk.questions.into_iter().cloned().collect();
    rsx! {
        section { class: "conversation script-questions", "aria-labelledby": "script-questions-title",
            h3 { id: "script-questions-title", {l.t(Msg::ScriptQuestions)} }
            for q in steps {
                div { class: "script-question", key: "{q.key}",
                    p { class: "question", id: "question-{q.key}", {l.pick(&q.text_en, &q.text_es)} }
                    div { class: "choices column", role: "group", "aria-labelledby": "question-{q.key}",
                        for c in q.choices.iter() {
                            button {
                                key: "{c.key}",
                                class: if chosen(&f.script, &q.key) == Some(c.key.as_str()) { "choice selected" } else { "choice" },
                                r#type: "button",
                                "data-answer": "{q.key}:{c.key}",
                                "aria-pressed": if chosen(&f.script, &q.key) == Some(c.key.as_str()) { "true" } else { "false" },
                                onclick: {
                                    let (script, question, choice) = (script.clone(), q.key.clone(), c.key.clone());
                                    move |_| {
                                        let mut w = form.write();
                                        w.script = answer(&script, &w.script, &question, Some(choice.clone()));
                                    }
                                },
                                {l.pick(&c.label_en, &c.label_es)}
                            }
                        }
                        button {
                            class: if skipped(&f.script, &q.key) { "choice skip selected" } else { "choice skip" },
                            r#type: "button",
                            "data-skip": "{q.key}",
                            "aria-pressed": if skipped(&f.script, &q.key) { "true" } else { "false" },
                            onclick: {
                                let (script, question) = (script.clone(), q.key.clone());
                                move |_| {
                                    let mut w = form.write();
                                    w.script = answer(&script, &w.script, &question, None);
                                }
                            },
                            {l.t(Msg::SkipQuestion)}
                        }
                    }
                    if q.kind == QuestionKind::Pledge && chosen(&f.script, &q.key) == Some("yes") {
                        div { class: "plan",
                            label { r#for: "plan-when", {l.t(Msg::PledgeWhen)} }
                            input { id: "plan-when", r#type: "text", value: "{f.plan.when}",
                                oninput: move |e| form.write().plan.when = e.value() }
                            label { r#for: "plan-where", {l.t(Msg::PledgeWhere)} }
                            input { id: "plan-where", r#type: "text", value: "{f.plan.place}",
                                oninput: move |e| form.write().plan.place = e.value() }
                            label { r#for: "plan-how", {l.t(Msg::PledgeHow)} }
                            input { id: "plan-how", r#type: "text", value: "{f.plan.how}",
                                oninput: move |e| form.write().plan.how = e.value() }
                        }
                    }
                }
            }
            if ended {
                p { class: "script-end", role: "status", {l.t(Msg::ScriptEnd)} }
            }
        }
    }
}

/// The choice given to `question`, if one was.
fn chosen<'a>(answers: &'a ScriptAnswers, question: &str) -> Option<&'a str> {
    answers.get(question).and_then(|a| a.as_deref())
}

/// Whether `question` was skipped.
fn skipped(answers: &ScriptAnswers, question: &str) -> bool {
    matches!(answers.get(question), Some(None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use groundgame_core::script::{ScriptChoice, END};

    fn choice(key: &str, next: Option<&str>) -> ScriptChoice {
        ScriptChoice {
            key: key.into(),
            label_en: key.into(),
            label_es: key.into(),
            next: next.map(Into::into),
        }
    }

    fn question(
        key: &str,
        kind: QuestionKind,
        next: Option<&str>,
        choices: Vec<ScriptChoice>,
    ) -> ScriptQuestion {
        ScriptQuestion {
            key: key.into(),
            kind,
            text_en: format!("{key}?"),
            text_es: format!("¿{key}?"),
            next: next.map(Into::into),
            choices,
        }
    }

    /// support: 1 → pledge → volunteer; 3 → volunteer; 5 → end.
    fn script() -> Script {
        Script {
            key: "door".into(),
            name_en: "Door".into(),
            name_es: "Puerta".into(),
            intro_en: "Hi".into(),
            intro_es: "Hola".into(),
            questions: vec![
                question(
                    "support",
                    QuestionKind::Survey,
                    Some("volunteer"),
                    vec![
                        choice("1", Some("pledge")),
                        choice("3", None),
                        choice("5", Some(END)),
                    ],
                ),
                question(
                    "pledge",
                    QuestionKind::Pledge,
                    None,
                    vec![choice("yes", None), choice("no", None)],
                ),
                question(
                    "volunteer",
                    QuestionKind::VolunteerAsk,
                    None,
                    vec![choice("yes", None), choice("no", None)],
                ),
            ],
        }
    }

    fn keys(p: &ScriptPath) -> Vec<String> {
        p.questions.iter().map(|q| q.key.clone()).collect()
    }

    #[test]
    fn the_path_follows_answers_and_stops_at_the_open_question() {
        let s = script();
        let none = ScriptAnswers::new();
        assert_eq!(keys(&path(&s, &none)), ["support"]);
        assert!(!path(&s, &none).ended);
        let a = answer(&s, &none, "support", Some("1".into()));
        assert_eq!(keys(&path(&s, &a)), ["support", "pledge"]);
        let a = answer(&s, &a, "pledge", Some("yes".into()));
        let a = answer(&s, &a, "volunteer", Some("no".into()));
        let p = path(&s, &a);
        assert_eq!(keys(&p), ["support", "pledge", "volunteer"]);
        assert!(p.ended);
        let recorded: Vec<_> = on_path(&s, &a)
            .iter()
            .map(|(q, c)| (q.key.clone(), c.to_string()))
            .collect();
        assert_eq!(
            recorded,
            [
                ("support".into(), "1".into()),
                ("pledge".into(), "yes".into()),
                ("volunteer".into(), "no".into())
            ]
        );

        // Changing the first answer drops the pledge (off the path), keeps the volunteer ask.
        let changed = answer(&s, &a, "support", Some("3".into()));
        assert_eq!(changed.len(), 2);
        assert!(!changed.contains_key("pledge"));
        assert_eq!(keys(&path(&s, &changed)), ["support", "volunteer"]);
        // An opponent ends the script at once.
        let ended = answer(&s, &a, "support", Some("5".into()));
        assert_eq!(ended.len(), 1);
        assert!(path(&s, &ended).ended);
        // Skipping follows the question's default and records nothing for it.
        let skipped = answer(&s, &none, "support", None);
        assert_eq!(keys(&path(&s, &skipped)), ["support", "volunteer"]);
        assert!(on_path(&s, &skipped).is_empty());
        // An answer this script does not know asks the question again, and is not recorded.
        let stale: ScriptAnswers = [("support".to_string(), Some("9".to_string()))].into();
        assert_eq!(keys(&path(&s, &stale)), ["support"]);
        assert!(on_path(&s, &stale).is_empty());
    }
}

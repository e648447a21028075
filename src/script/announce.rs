//! What a recording says about itself: the opening announcement the UK
//! minimum standard for audio asks for, and the closing.

use super::normalize::Lang;
use super::{Pauses, Role, Utterance};
use crate::leaflet::Leaflet;

/// Stands in the script for the total listening time, which is only known
/// after narration; narration replaces it (see [`listening_time`]).
pub const LISTENING_TIME: &str = "[listening time]";

/// The announcement after the title: who publishes the leaflet, how many
/// sections it has and how long it lasts.
pub fn opening(
    leaflet: &Leaflet,
    lang: Lang,
    say: &dyn Fn(&str) -> String,
    pauses: Pauses,
) -> Vec<Utterance> {
    let sections = leaflet.chapters.len();
    let text = match (lang, &leaflet.organisation) {
        (Lang::En, Some(org)) => format!(
            "An audio version of a leaflet from {org}. It has {sections} {}, and lasts {LISTENING_TIME}.",
            if sections == 1 { "section" } else { "sections" }
        ),
        (Lang::En, None) => format!(
            "An audio version of this leaflet. It has {sections} {}, and lasts {LISTENING_TIME}.",
            if sections == 1 { "section" } else { "sections" }
        ),
        (Lang::Es, Some(org)) => format!(
            "Versión en audio de un folleto de {org}. Tiene {sections} {} y dura {LISTENING_TIME}.",
            if sections == 1 {
                "sección"
            } else {
                "secciones"
            }
        ),
        (Lang::Es, None) => format!(
            "Versión en audio de este folleto. Tiene {sections} {} y dura {LISTENING_TIME}.",
            if sections == 1 {
                "sección"
            } else {
                "secciones"
            }
        ),
    };
    let hint = match lang {
        Lang::En if sections > 1 => {
            Some("Use your player's next and previous buttons to move between sections.")
        }
        Lang::Es if sections > 1 => {
            Some("Use los botones de siguiente y anterior para pasar de una sección a otra.")
        }
        _ => None,
    };
    let mut out = vec![Utterance {
        role: Role::Announcement,
        text: say_keeping_placeholder(&text, say),
        display: text,
        pause_after_ms: pauses.after_paragraph,
    }];
    if let Some(hint) = hint {
        out.push(Utterance {
            role: Role::Announcement,
            display: hint.to_string(),
            text: say(hint),
            pause_after_ms: pauses.after_heading,
        });
    }
    out
}

/// Normalise the text around the placeholder, not the placeholder itself.
fn say_keeping_placeholder(text: &str, say: &dyn Fn(&str) -> String) -> String {
    match text.split_once(LISTENING_TIME) {
        Some((before, after)) => format!("{} {LISTENING_TIME}{}", say(before), say(after)),
        None => say(text),
    }
}

pub fn closing(leaflet: &Leaflet, lang: Lang, say: &dyn Fn(&str) -> String) -> Utterance {
    let text = match lang {
        Lang::En => format!("This is the end of the leaflet: {}.", leaflet.title),
        Lang::Es => format!("Fin del folleto: {}.", leaflet.title),
    };
    let text = text.replace("?.", "?");
    Utterance {
        role: Role::Announcement,
        text: say(&text),
        display: text,
        pause_after_ms: 0,
    }
}

/// A caption is introduced, so it is not taken for the running text.
pub fn caption(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Picture caption: {text}"),
        Lang::Es => format!("Pie de imagen: {text}"),
    }
}

/// The spoken listening time, e.g. "about 12 minutes".
pub fn listening_time(seconds: f64, language: &str) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    match (Lang::from_code(language), minutes) {
        (Lang::En, 0) => "less than a minute".into(),
        (Lang::En, 1) => "about 1 minute".into(),
        (Lang::En, m) => format!("about {m} minutes"),
        (Lang::Es, 0) => "menos de un minuto".into(),
        (Lang::Es, 1) => "alrededor de un minuto".into(),
        (Lang::Es, m) => format!("alrededor de {m} minutos"),
    }
}

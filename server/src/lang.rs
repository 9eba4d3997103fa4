//! The language of the server's own sentences — an import's report reasons and why an
//! import or a geocoding file failed, a refused script's problems — chosen from the request's `Accept-Language` (as the lead's app sends
//! its own language), English when it names neither English nor Spanish first.
//!
//! The header is parsed by the `accept-language` crate (quality values and all); only the
//! primary subtag counts, so `es-MX` and `es-419` are Spanish.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;

/// A language the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// The most preferred of English and Spanish in an `Accept-Language` value.
    pub fn from_accept_language(header: &str) -> Lang {
        accept_language::parse(header)
            .iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or_default();
                if primary.eq_ignore_ascii_case("es") {
                    Some(Lang::Es)
                } else if primary.eq_ignore_ascii_case("en") {
                    Some(Lang::En)
                } else {
                    None
                }
            })
            .unwrap_or_default()
    }

    /// `en` or `es`, whichever this is.
    pub fn pick(self, en: &'static str, es: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_accept_language))
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn the_first_of_english_and_spanish_by_quality() {
        for (header, want) in [
            ("es", Lang::Es),
            ("es-MX,es;q=0.9,en;q=0.8", Lang::Es),
            ("es-419", Lang::Es),
            ("en-US,en;q=0.9,es;q=0.8", Lang::En),
            ("fr-CA, es;q=0.5", Lang::Es),
            ("en;q=0.2, es;q=0.7", Lang::Es),
            ("fr, de", Lang::En),
            ("", Lang::En),
            ("*", Lang::En),
            (";;;q=x,,", Lang::En),
        ] {
            assert_eq!(Lang::from_accept_language(header), want, "{header:?}");
        }
    }
}

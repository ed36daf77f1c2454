//! The address people and other systems reach the server at ([`PublicUrl`]), set by the
//! deployer (`--public-url`), for links that must be absolute: the HSDS profile and OpenAPI
//! URLs of `/hsds/`.

/// An absolute `http` or `https` URL without query or fragment, kept without a trailing slash
/// (`https://tsunagu.pref.example.jp` or `https://example.jp/tsunagu`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

/// Why a public URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the public URL must be an absolute http(s) URL without query or fragment, such as https://tsunagu.example.jp: {0}")]
pub struct BadPublicUrl(String);

impl PublicUrl {
    /// Reads a URL as the deployer writes it.
    pub fn parse(raw: &str) -> Result<PublicUrl, BadPublicUrl> {
        let u = url::Url::parse(raw.trim()).map_err(|e| BadPublicUrl(format!("{raw:?}: {e}")))?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
            return Err(BadPublicUrl(format!(
                "{raw:?} is not an http(s) URL with a host"
            )));
        }
        if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() {
            return Err(BadPublicUrl(format!(
                "{raw:?} has a query, a fragment or a user name"
            )));
        }
        Ok(PublicUrl(u.as_str().trim_end_matches('/').to_owned()))
    }

    /// The URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    #[test]
    fn public_urls_are_absolute_http_without_query() {
        assert_eq!(
            PublicUrl::parse("https://tsunagu.example.jp/").map(|u| u.as_str().to_owned()),
            Ok("https://tsunagu.example.jp".to_owned())
        );
        assert_eq!(
            PublicUrl::parse(" http://127.0.0.1:8080/tsunagu ").map(|u| u.as_str().to_owned()),
            Ok("http://127.0.0.1:8080/tsunagu".to_owned())
        );
        for bad in [
            "",
            "tsunagu.example.jp",
            "/hsds",
            "ftp://example.jp",
            "https://example.jp/?a=1",
            "https://example.jp/#x",
            "https://user@example.jp",
            "file:///etc",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}

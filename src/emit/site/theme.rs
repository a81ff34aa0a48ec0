//! The theme: templates and assets embedded in the binary, each
//! overridable by a file of the same name in the project's `theme/` folder
//! (`theme/service.html`, `theme/assets/style.css`). Other files there are
//! added: `.html` files at its top as templates, the rest as assets. A
//! symbolic link there (`theme/` itself included) is followed only when it
//! leads inside the project; any other stops the build
//! ([`ThemeError::Link`]), so nothing outside the project is published.

use std::collections::BTreeMap;
use std::path::Path;

use crate::discover::{self, Bounds};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("theme/", $name)) as &[u8])),*]
    };
}

/// The default theme's templates.
const TEMPLATES: &[(&str, &[u8])] = embed!(
    "base.html",
    "macros.html",
    "index.html",
    "function.html",
    "service.html",
    "gate.html",
    "customer.html",
    "objectives.html",
    "slas.html",
    "lifecycle.html",
    "dependencies.html",
    "triggers.html",
    "people.html",
    "health.html",
    "roadmap.html",
    "capacity.html",
    "change-load.html",
    "improvements.html",
    "improvement.html",
    "404.html",
);

/// The default theme's assets, copied into the site as they are.
const ASSETS: &[(&str, &[u8])] =
    embed!("assets/style.css", "assets/search.js", "assets/favicon.svg");

/// Why the project's `theme/` cannot be loaded.
#[derive(Debug)]
pub enum ThemeError {
    Walk(walkdir::Error),
    /// A file (its name inside `theme/`) cannot be read.
    Read {
        name: String,
        source: std::io::Error,
    },
    /// A link (its name inside the project) leads outside the project or
    /// nowhere (`why`).
    Link {
        name: String,
        why: String,
    },
    /// A template (its name inside `theme/`) is not UTF-8 text.
    NotUtf8 {
        name: String,
    },
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThemeError::Walk(e) => write!(f, "cannot read the theme: {e}"),
            ThemeError::Read { name, source } => write!(f, "cannot read `theme/{name}`: {source}"),
            ThemeError::Link { name, why } => write!(
                f,
                "cannot read the theme: `{name}` {why}; put the theme's files themselves in `theme/`"
            ),
            ThemeError::NotUtf8 { name } => write!(f, "`theme/{name}` is not UTF-8 text"),
        }
    }
}

/// Templates by name and assets by site path.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Whether the project's `theme/` holds templates of its own.
    pub custom_templates: bool,
}

impl Theme {
    /// The default theme with the project's `theme/` folder laid over it.
    pub fn load(project_root: &Path) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default();
        for (name, bytes) in TEMPLATES {
            theme
                .templates
                .insert((*name).into(), String::from_utf8_lossy(bytes).into_owned());
        }
        for (name, bytes) in ASSETS {
            theme.assets.insert((*name).into(), bytes.to_vec());
        }
        let dir = project_root.join("theme");
        if !dir.is_dir() && !dir.is_symlink() {
            return Ok(theme);
        }
        let hidden = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().starts_with('.');
        let bounds = Bounds::new([project_root]);
        let (mut files, refused) =
            discover::walk(&dir, &bounds, |e| !hidden(e), |_| false).map_err(ThemeError::Walk)?;
        if let Some(link) = refused.into_iter().next() {
            let rel = link.path.strip_prefix(project_root).unwrap_or(&link.path);
            return Err(ThemeError::Link {
                name: rel.to_string_lossy().into_owned(),
                why: link.why,
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for entry in files {
            let rel = entry.path.strip_prefix(&dir).unwrap_or(&entry.path);
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = match std::fs::read(&entry.real) {
                Ok(bytes) => bytes,
                Err(source) => return Err(ThemeError::Read { name, source }),
            };
            if !name.contains('/') && name.ends_with(".html") {
                let Ok(text) = String::from_utf8(bytes) else {
                    return Err(ThemeError::NotUtf8 { name });
                };
                theme.templates.insert(name, text);
                theme.custom_templates = true;
            } else {
                theme.assets.insert(name, bytes);
            }
        }
        Ok(theme)
    }
}

//! Diagnostics: stages return their output plus these; only I/O fails.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Where something was read: 1-based input line and page (text input).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Loc {
    pub page: Option<u32>,
    pub line: usize,
    /// PDF input: where on the page, `[x0, y0, x1, y1]` in user space.
    pub bbox: Option<[f64; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub at: Option<Loc>,
}

impl Diag {
    pub fn new(level: Level, code: &'static str, message: impl Into<String>) -> Diag {
        Diag { level, code, message: message.into(), field: None, at: None }
    }
    pub fn at(mut self, at: Loc) -> Diag {
        self.at = Some(at);
        self
    }
    pub fn field(mut self, id: &str) -> Diag {
        self.field = Some(id.to_string());
        self
    }
}

/// A stage's output together with what it noticed.
#[derive(Debug, Clone)]
pub struct Warned<T> {
    pub value: T,
    pub diags: Vec<Diag>,
}

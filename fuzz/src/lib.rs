//! What the fuzz targets share: the default pack loaded once, a scratch folder for the inputs
//! that dealrisk reads from disk, and the checks every output must pass whatever the input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dealrisk::pack::RulePack;

/// The default pack, loaded once per process: loading it compiles every CEL expression.
pub fn pack() -> &'static RulePack {
    static PACK: OnceLock<RulePack> = OnceLock::new();
    PACK.get_or_init(|| RulePack::load(&[]).expect("the default pack loads"))
}

/// A folder of this process's own, in memory where the system has one, holding the example
/// samples so that a deal naming them is scanned as it would be beside the examples.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("dealrisk-fuzz-{}", std::process::id()));
        let samples = dir.join("samples");
        std::fs::create_dir_all(&samples).expect("a scratch folder");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/samples");
        for entry in std::fs::read_dir(examples).expect("examples/samples").flatten() {
            let _ = std::fs::copy(entry.path(), samples.join(entry.file_name()));
        }
        dir
    })
}

/// Writes `bytes` to `name` in the scratch folder and returns its path.
pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("the scratch folder is writable");
    path
}

/// Text meant for a terminal or a log must carry no escape sequence, no other control character
/// but tab and newline, and no bidi override, whatever the deal said (issue: untrusted input).
pub fn assert_terminal_safe(format: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    }) {
        panic!("{format} output carries U+{:04X}", u32::from(c));
    }
}

/// Machine formats must stay parseable: JSON and SARIF as JSON; XML with no character XML 1.0
/// forbids.
pub fn assert_json(format: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("{format} output is not JSON: {e}");
    }
}

pub fn assert_xml_chars(format: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
    {
        panic!("{format} output carries U+{:04X}, which XML forbids", u32::from(c));
    }
}

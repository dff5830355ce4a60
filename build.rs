//! Rebuilds when anything under rules/ changes: the default pack is embedded in the binary,
//! and cargo does not otherwise notice a rule file added or edited.

fn main() {
    println!("cargo:rerun-if-changed=rules");
}

//! Rebuilds when anything under rules/ or cases/ changes: the default pack and the case
//! library are embedded in the binary, and cargo does not otherwise notice a file added or
//! edited there.

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=cases");
}

//! A deal file assessed end to end (samples it names in `samples/` are scanned) and rendered in
//! every format: terminal formats must carry no control text, JSON and SARIF must parse, XML must
//! hold only characters XML allows, and SARIF written deal by deal must be the log written whole.
#![no_main]

use dealrisk::ci::batch::{Tally, Threshold};
use dealrisk::engine::deal_check::{EvidenceMode, load};
use dealrisk::render::output::Sink;
use dealrisk::render;
use dealrisk::render::stream::{Streamed, Writer};
use dealrisk::engine::whatif::{WhatIf, report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let pack = dealrisk_fuzz::pack();
    let path = dealrisk_fuzz::write("deal.toml", bytes);
    let mode = EvidenceMode {
        scan: true,
        strict: false,
        allowed: &[],
        seen: None,
    };
    let Ok(loaded) = load(&path, pack, mode) else {
        return;
    };
    // Full what-if only for small deals: it re-assesses the deal once per mitigation and answer.
    let what_if = if bytes.len() < 2048 {
        WhatIf::Full
    } else {
        WhatIf::ScenariosOnly
    };
    let Ok(r) = report("deal.toml", &loaded, pack, None, what_if) else {
        return;
    };
    let reports = [r];
    let threshold = Threshold {
        fail_on: Some("high".to_string()),
        max_score: None,
        scenarios: true,
    };
    for (format, text) in [
        ("table", render::table::render(&reports)),
        ("summary", render::summary::render(&reports)),
        ("markdown", render::markdown::render(&reports)),
        ("github", render::github::render(&reports, pack, &threshold)),
        ("worksheet", render::worksheet::render(&reports, pack)),
    ] {
        dealrisk_fuzz::assert_terminal_safe(format, &text);
    }
    dealrisk_fuzz::assert_json(
        "json",
        &render::json::render(&reports, &pack.files).expect("JSON renders"),
    );
    dealrisk_fuzz::assert_json(
        "sarif",
        &render::sarif::render(&reports, pack, &threshold).expect("SARIF renders"),
    );
    dealrisk_fuzz::assert_xml_chars("junit", &render::junit::render(&reports, pack, &threshold));
    let colophon = render::html::Colophon {
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 31).expect("a date"),
        pack: pack.fingerprint(),
    };
    dealrisk_fuzz::assert_xml_chars("html", &render::html::render(&reports, &colophon));
    let _ = render::csv::render(&reports).expect("CSV renders");
    let mut tally = Tally::default();
    let band = reports[0].gated().band.clone();
    tally.add("deal.toml", &band, threshold.exceeded_as(&reports[0], pack).as_deref());
    let _ = threshold.decision(&tally);
    // Written deal by deal (through its spool), SARIF is the log written whole.
    let streamed = path.with_file_name("streamed.sarif");
    let mut sink = Sink::file(&streamed).expect("the report file opens");
    let writer = Writer::start(Streamed::Sarif, pack, &threshold, &mut sink).expect("SARIF starts");
    let part = writer.render(&reports[0]).expect("SARIF results render");
    writer.write(&part, &mut sink).expect("SARIF results are spooled");
    writer.finish(&mut sink).expect("SARIF finishes");
    sink.finish().expect("the report file is written");
    let whole = render::sarif::render(&reports, pack, &threshold).expect("SARIF renders");
    assert_eq!(
        std::fs::read_to_string(&streamed).expect("the report reads back"),
        whole
    );
});

//! See `dl::model::fuzz::dylink_parse` for the input format and the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dl::model::fuzz::dylink_parse(data));

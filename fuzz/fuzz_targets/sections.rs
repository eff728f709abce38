//! See `dl::model::fuzz::sections` for the input format and the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dl::model::fuzz::sections(data));

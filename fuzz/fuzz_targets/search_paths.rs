//! See `dl::model::fuzz::search_paths` for the input format and the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dl::model::fuzz::search_paths(data));

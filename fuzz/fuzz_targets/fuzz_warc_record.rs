//! Feeds arbitrary bytes to the WARC and ARC readers and the HTTP parser: none may panic, loop forever,
//! or report an error past the bytes it consumed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saring_warc::{ArcReader, Limits, WarcReader, decode_chunked, parse_http_response};

fuzz_target!(|data: &[u8]| {
    // Small limits reach the too-large and too-long paths with small inputs; default ones the rest.
    for limits in [
        Limits {
            max_header_bytes: 64,
            max_record_bytes: 256,
        },
        Limits::default(),
    ] {
        let mut warc = WarcReader::new(data, limits);
        let mut items = 0usize;
        while let Some(item) = warc.next_record() {
            items += 1;
            assert!(items <= data.len() + 1, "more items than bytes");
            match item {
                Ok(record) => {
                    assert!(record.offset < warc.bytes_consumed());
                    if let Ok(http) = parse_http_response(&record.body) {
                        let _ = http.payload(&record.body);
                    }
                }
                Err(err) => assert!(err.offset <= warc.bytes_consumed()),
            }
        }
        assert!(warc.next_record().is_none());

        let mut arc = ArcReader::new(data, limits);
        while let Some(item) = arc.next_record() {
            if let Err(err) = item {
                assert!(err.offset <= arc.bytes_consumed());
            }
        }
    }
    if let Ok(http) = parse_http_response(data) {
        assert!(http.body_offset <= data.len());
        if let Some(body) = decode_chunked(http.payload(data)) {
            assert!(body.len() <= data.len());
        }
    }
});

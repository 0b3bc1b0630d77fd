//! Reading one object as a blocking stream that survives dropped connections.

use std::io::{self, Read};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore};

use super::{Remote, block_on, store_error};

/// Times a stream broken mid-body is resumed before the read fails.
const MAX_RESUMES: u32 = 10;
/// The first wait before a resume; it doubles at each further attempt, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait before a resume.
const MAX_BACKOFF: Duration = Duration::from_secs(15);

/// A blocking [`Read`] over one object, streamed: only the chunk in hand is held in memory.
///
/// When the connection breaks mid-body (after the store's own retries), the reader waits (exponential
/// backoff with jitter) and asks again for the rest with a ranged GET from the offset it reached,
/// pinned to the object's ETag so that the bytes cannot come from a newer version of the object; after
/// ten failed attempts in a row it returns an error naming the URL and the offset. The bytes
/// read are the object's whatever the retries.
pub struct ObjectReader {
    remote: Remote,
    path: ObjectPath,
    url: String,
    /// Bytes of the object handed out so far.
    offset: u64,
    /// The object's size, once known.
    size: Option<u64>,
    /// The ETag of the first answer, required of every resumed one.
    etag: Option<String>,
    stream: Option<BoxStream<'static, object_store::Result<Bytes>>>,
    chunk: Bytes,
    /// Resumes in a row that failed.
    failures: u32,
}

impl ObjectReader {
    /// Opens the object at `url` and starts reading it. Fails when the object is missing or the store
    /// cannot be reached (after retries).
    pub fn open(url: &str) -> io::Result<ObjectReader> {
        let (remote, path) = Remote::for_url(url)?;
        let mut reader = ObjectReader {
            remote,
            path,
            url: url.to_owned(),
            offset: 0,
            size: None,
            etag: None,
            stream: None,
            chunk: Bytes::new(),
            failures: 0,
        };
        reader.request()?;
        Ok(reader)
    }

    /// The object's size in bytes, as its store reported it.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Sends a GET for the object from the current offset.
    fn request(&mut self) -> io::Result<()> {
        let options = GetOptions {
            if_match: self.etag.clone(),
            range: (self.offset > 0).then_some(GetRange::Offset(self.offset)),
            ..GetOptions::default()
        };
        let result =
            block_on(self.remote.store.get_opts(&self.path, options)).map_err(|e| self.error_at(e))?;
        if self.etag.is_none() {
            self.etag = result.meta.e_tag.clone();
        }
        self.size = Some(result.meta.size);
        self.stream = Some(result.into_stream());
        Ok(())
    }

    fn error_at(&self, e: object_store::Error) -> io::Error {
        let e = store_error(&self.url, e);
        io::Error::new(e.kind(), format!("{e} (at byte {})", self.offset))
    }

    /// The next chunk of the body, resuming after a broken stream; an empty chunk at the end.
    fn next_chunk(&mut self) -> io::Result<Bytes> {
        loop {
            if self.size.is_some_and(|size| self.offset >= size) {
                return Ok(Bytes::new());
            }
            let next = match self.stream.as_mut() {
                Some(stream) => block_on(stream.next()),
                None => None,
            };
            let failure = match next {
                Some(Ok(chunk)) => {
                    self.failures = 0;
                    return Ok(chunk);
                }
                Some(Err(e)) => self.error_at(e),
                None => io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{}: the body ended early at byte {}", self.url, self.offset),
                ),
            };
            self.stream = None;
            self.failures += 1;
            if self.failures > MAX_RESUMES {
                return Err(failure);
            }
            std::thread::sleep(backoff(self.failures));
            if let Err(e) = self.request() {
                // A resume that fails to start counts as a failed attempt too, unless the object is gone
                // or changed, which no retry mends.
                if matches!(e.kind(), io::ErrorKind::NotFound) || self.failures >= MAX_RESUMES {
                    return Err(e);
                }
            }
        }
    }
}

/// The wait before resume `attempt` (1-based): 100 ms doubled per attempt, capped at 15 s, less a
/// random part of up to half, so that many readers do not come back at once.
fn backoff(attempt: u32) -> Duration {
    let full = FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = xorshift(u64::from(nanos) ^ u64::from(attempt)) % 1000;
    full.mul_f64(1.0 - jitter as f64 / 2000.0)
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^ (x << 17)
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.chunk.is_empty() {
            self.chunk = self.next_chunk()?;
        }
        let n = self.chunk.len().min(buf.len());
        let head = self.chunk.split_to(n);
        buf.get_mut(..n)
            .ok_or_else(|| io::Error::other("read buffer shorter than reported"))?
            .copy_from_slice(&head);
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let waits: Vec<Duration> = (1..=12).map(backoff).collect();
        assert!(waits[0] >= Duration::from_millis(50) && waits[0] <= FIRST_BACKOFF);
        assert!(waits[3] >= Duration::from_millis(400));
        assert!(waits.iter().all(|w| *w <= MAX_BACKOFF));
        assert!(waits[11] >= MAX_BACKOFF / 2);
    }
}

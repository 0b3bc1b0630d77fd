//! Object storage: inputs read from and outputs written to S3, GCS, Azure Blob Storage or HTTP(S), through
//! the `object_store` crate.
//!
//! An object is named by a URL (`s3://bucket/key`, `gs://…`, `az://…`, `abfs://…`, `http(s)://…`) and,
//! where the rest of saring passes paths, travels as a [`Path`](std::path::Path) whose text is that URL
//! ([`is_url`] tells the two apart). Clients are built once per bucket or host, with credentials and
//! endpoint from the usual environment variables (`AWS_*`, `GOOGLE_*`, `AZURE_*`), retries with
//! exponential backoff on throttling (503 SlowDown, 429), other 5xx answers and connection errors, and a
//! read timeout. The calls are blocking: they run on one small shared Tokio runtime.

mod list;
mod output;
mod reader;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, ObjectStoreScheme, RetryConfig};

pub use list::list_objects;
pub use output::{AtomicFile, OutputDir, write_atomic};
pub use reader::ObjectReader;

/// URL schemes read and written through object storage.
const SCHEMES: &[&str] = &[
    "s3", "s3a", "gs", "az", "azure", "abfs", "abfss", "adl", "http", "https",
];

/// Whether `text` is an object URL (`s3://`, `gs://`, `az://`, `abfs://`, `http(s)://`, …) rather than a
/// local path.
pub fn is_url(text: &str) -> bool {
    text.split_once("://")
        .is_some_and(|(scheme, _)| SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// The runtime the blocking calls of this module run on: two worker threads are plenty for the
/// streaming reads and uploads of one process.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        // The TLS stack has no crypto provider compiled in by default (see the workspace manifest); a
        // second install fails harmlessly when the process already has one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("saring-store")
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            // Only fails when the OS refuses threads or timers, and then nothing can run at all.
            Err(e) => panic!("cannot start the object-store runtime: {e}"),
        }
    })
}

/// Runs a future to completion on the shared runtime.
fn block_on<F: Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

/// One bucket, container or HTTP host, and the object a URL names in it.
#[derive(Clone)]
pub(crate) struct Remote {
    store: Arc<dyn ObjectStore>,
    /// The URL of the bucket: scheme and authority, no trailing slash (`s3://bucket`).
    base: String,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base)
    }
}

impl Remote {
    /// The store of `url`'s bucket (built once per bucket and reused) and the object path in it.
    pub(crate) fn for_url(url: &str) -> std::io::Result<(Remote, ObjectPath)> {
        static STORES: OnceLock<Mutex<HashMap<String, Remote>>> = OnceLock::new();
        let parsed = url::Url::parse(url).map_err(|e| invalid(url, e))?;
        let (scheme, path) = ObjectStoreScheme::parse(&parsed).map_err(|e| invalid(url, e))?;
        let base = parsed[..url::Position::BeforePath].to_owned();
        let mut stores = STORES
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(remote) = stores.get(&base) {
            return Ok((remote.clone(), path));
        }
        let store = build(&scheme, &base).map_err(|e| invalid(url, e))?;
        let remote = Remote {
            store,
            base: base.clone(),
        };
        stores.insert(base, remote.clone());
        Ok((remote, path))
    }

    /// The URL of object `path`.
    pub(crate) fn url(&self, path: &ObjectPath) -> String {
        format!("{}/{path}", self.base)
    }
}

/// Retries: up to 10 per request with exponential backoff (with jitter) from 100 ms to 15 s, over at
/// most 3 minutes; the same for a 503 SlowDown, a 429, any other 5xx, and a dropped connection.
fn retry_config() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(15),
            base: 2.0,
        },
        max_retries: 10,
        retry_timeout: Duration::from_secs(180),
    }
}

/// Timeouts: 10 s to connect, 60 s without a byte read; none on a whole request, since a 1 GB WARC
/// streamed to the pipeline can take minutes.
fn client_options() -> ClientOptions {
    ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(10))
        .with_read_timeout(Duration::from_secs(60))
        .with_timeout_disabled()
}

/// Environment variables starting with `prefix`, lower-cased, as the stores' config keys spell them.
fn env_config(prefix: &str) -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(key, _)| key.starts_with(prefix))
        .map(|(key, value)| (key.to_ascii_lowercase(), value))
        .collect()
}

/// Builds the client of one bucket or host: our retry and timeout settings first, then the environment's
/// settings (credentials, endpoint, region, `AWS_ALLOW_HTTP`, …), which win.
fn build(scheme: &ObjectStoreScheme, base: &str) -> object_store::Result<Arc<dyn ObjectStore>> {
    use object_store::aws::AmazonS3Builder;
    use object_store::azure::MicrosoftAzureBuilder;
    use object_store::gcp::GoogleCloudStorageBuilder;
    use object_store::http::HttpBuilder;

    // The runtime installs the TLS crypto provider the HTTP client needs, and the client is built inside it.
    let _inside = runtime().enter();
    Ok(match scheme {
        ObjectStoreScheme::AmazonS3 => {
            let mut builder = AmazonS3Builder::new()
                .with_client_options(client_options())
                .with_retry(retry_config());
            for (key, value) in env_config("AWS_") {
                if let Ok(key) = key.parse() {
                    builder = builder.with_config(key, value);
                }
            }
            Arc::new(builder.with_url(base).build()?)
        }
        ObjectStoreScheme::GoogleCloudStorage => {
            let mut builder = GoogleCloudStorageBuilder::new()
                .with_client_options(client_options())
                .with_retry(retry_config());
            for (key, value) in env_config("GOOGLE_") {
                if let Ok(key) = key.parse() {
                    builder = builder.with_config(key, value);
                }
            }
            Arc::new(builder.with_url(base).build()?)
        }
        ObjectStoreScheme::MicrosoftAzure => {
            let mut builder = MicrosoftAzureBuilder::new()
                .with_client_options(client_options())
                .with_retry(retry_config());
            for (key, value) in env_config("AZURE_") {
                if let Ok(key) = key.parse() {
                    builder = builder.with_config(key, value);
                }
            }
            Arc::new(builder.with_url(base).build()?)
        }
        _ => Arc::new(
            HttpBuilder::new()
                .with_client_options(client_options().with_allow_http(true))
                .with_retry(retry_config())
                .with_url(base)
                .build()?,
        ),
    })
}

/// The error for a URL that names no object store saring can open.
fn invalid(url: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{url}: {e}"))
}

/// An `object_store` error as an I/O error naming the URL, with a missing object as `NotFound`.
fn store_error(url: &str, e: object_store::Error) -> std::io::Error {
    let kind = match e {
        object_store::Error::NotFound { .. } => std::io::ErrorKind::NotFound,
        _ => std::io::ErrorKind::Other,
    };
    std::io::Error::new(kind, format!("{url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_urls_from_paths() {
        for url in [
            "s3://b/k",
            "S3://b/",
            "gs://b/x",
            "az://c/p",
            "abfs://c/p",
            "https://h/x.warc.gz",
        ] {
            assert!(is_url(url), "{url}");
        }
        for path in ["a/b.warc.gz", "/abs/path", "file:///x", "c:\\x", "s3:/b"] {
            assert!(!is_url(path), "{path}");
        }
    }

    #[test]
    fn remotes_name_their_objects() {
        let (remote, path) = Remote::for_url("s3://bucket/dir/a.warc.gz").unwrap();
        assert_eq!(path.as_ref(), "dir/a.warc.gz");
        assert_eq!(remote.url(&path), "s3://bucket/dir/a.warc.gz");
        let err = Remote::for_url("s3://").unwrap_err();
        assert!(err.to_string().starts_with("s3://"), "{err}");
    }
}

//! polars' environment variables, checked before polars reads them (finding F2).
//!
//! polars sizes its thread pools and streaming chunks from `POLARS_*` variables that a CI
//! environment may set for other tools. Some values make polars panic (`POLARS_MAX_THREADS=0`:
//! "Worker threads cannot be set to 0") or fail inside its Parquet reader, which nps would then
//! report as a damaged file (`POLARS_STREAMING_CHUNK_SIZE=0`: a division by zero); a huge thread
//! count starts that many threads. Such a value is not the input's fault and not a usage error of
//! `nps`, so it is ignored, as polars itself ignores a value it cannot parse: [`sanitize`] removes
//! it from the process environment before anything reads it (polars then uses its default) and
//! says so in a warning.

/// The variables checked, with the range of values that works. Thread counts above 256 start
/// hundreds of threads on any machine (polars does not cap them); chunk sizes outside the range
/// overflow or divide by zero.
const CHECKED: [(&str, u64, u64); 5] = [
    ("POLARS_MAX_THREADS", 1, 256),
    ("POLARS_ASYNC_THREAD_COUNT", 1, 256),
    ("POLARS_MAX_BLOCKING_THREAD_COUNT", 1, 256),
    ("POLARS_STREAMING_CHUNK_SIZE", 1, 100_000_000),
    ("POLARS_IDEAL_MORSEL_SIZE", 1, 100_000_000),
];

/// Remove every checked `POLARS_*` variable whose value polars cannot work with, and return one
/// warning per variable removed. Call it first thing in `main`, while the process has one thread
/// (changing the environment is only sound then) and before polars reads its configuration.
pub fn sanitize() -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, min, max) in CHECKED {
        let Some(value) = std::env::var_os(name) else {
            continue;
        };
        let text = value.to_string_lossy();
        let usable = text
            .trim_ascii()
            .parse::<u64>()
            .is_ok_and(|n| (min..=max).contains(&n));
        if !usable {
            warnings.push(format!(
                "{name}={text:?} is not usable (a whole number from {min} to {max} is); \
                 nps ignores it and polars uses its default"
            ));
            std::env::remove_var(name);
        }
    }
    warnings
}

//! JSON and NDJSON text into records: objects flattened with dotted keys, scalars as text.

use std::fmt;

use csv::StringRecord;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::{json_text, Body};
use crate::error::{Error, Location};

pub(crate) fn json_error(file: &str, e: serde_json::Error, line_offset: u64) -> Error {
    // serde's message ends with its own position, counted from the start of what it was given
    // (one NDJSON line): the location says the line, the message the column (finding F32).
    let text = e.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text);
    Error::Data {
        file: file.to_string(),
        location: Some(Location::Line(e.line() as u64 + line_offset)),
        column: None,
        message: format!(
            "is not valid JSON here ({what}, column {}); fix the file or export it again",
            e.column()
        ),
    }
}

/// A JSON array of response objects. Its elements are read and flattened one at a time, so
/// memory holds the flattened records, never the whole document as a tree of values (which
/// took ten times the file: finding F23). Text that the streaming read refuses — not an
/// array, invalid, or in need of `json_text`'s repairs — is parsed whole, which gives the
/// repairs and the exact error.
pub(super) fn parse_json_array(file: &str, text: &str) -> Result<Body, Error> {
    let mut rows = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let streamed = ArraySeed { rows: &mut rows }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if streamed.is_ok() {
        return records_from_flat(rows);
    }
    let value: Value = json_text::parse(text).map_err(|e| json_error(file, e, 0))?;
    let Value::Array(items) = value else {
        return Err(Error::data(
            file,
            "is a JSON document whose top level is not an array; give an array of response objects, or NDJSON (one object per line)",
        ));
    };
    let mut objects = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        objects.push((Location::Record(i as u64 + 1), item));
    }
    records_from_objects(file, objects)
}

/// The streaming read of [`parse_json_array`]: each element flattened as it is read. An element
/// that is not an object stops it (the whole parse then names it).
struct ArraySeed<'r> {
    rows: &'r mut Vec<(Location, Vec<(String, String)>)>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of response objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            if !item.is_object() {
                return Err(de::Error::custom("an element is not an object"));
            }
            let mut flat = Vec::new();
            flatten("", &item, &mut flat);
            let record = Location::Record(self.rows.len() as u64 + 1);
            self.rows.push((record, flat));
        }
        Ok(())
    }
}

pub(super) fn parse_ndjson(file: &str, text: &str) -> Result<Body, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut objects = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = match json_text::parse(line) {
            Ok(v) => v,
            // A pretty-printed object (an API dump, a saved report) is valid JSON, just not
            // responses: say so rather than blame its first line (finding F32).
            Err(_) if serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object()) => {
                return Err(Error::data(
                    file,
                    "is one JSON object spread over several lines, not responses; give an array of response objects, or NDJSON (one object per line)",
                ));
            }
            Err(e) => return Err(json_error(file, e, i as u64)),
        };
        objects.push((Location::Line(i as u64 + 1), value));
    }
    records_from_objects(file, objects)
}

/// A JSON value that is not an object where a response should be.
pub(crate) fn not_an_object_error(file: &str, location: Location) -> Error {
    Error::Data {
        file: file.to_string(),
        location: Some(location),
        column: None,
        message: "is not a JSON object; each response must be an object like {\"score\": 9, …}"
            .into(),
    }
}

/// Flatten objects into records under the union of their keys (first appearance order).
fn records_from_objects(file: &str, objects: Vec<(Location, Value)>) -> Result<Body, Error> {
    let mut flat_rows = Vec::with_capacity(objects.len());
    for (loc, value) in objects {
        if !value.is_object() {
            return Err(not_an_object_error(file, loc));
        }
        let mut flat = Vec::new();
        flatten("", &value, &mut flat);
        flat_rows.push((loc, flat));
    }
    records_from_flat(flat_rows)
}

/// Flattened objects as records under the union of their keys (first appearance order).
fn records_from_flat(flat_rows: Vec<(Location, Vec<(String, String)>)>) -> Result<Body, Error> {
    let mut columns: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (_, flat) in &flat_rows {
        for (key, _) in flat {
            if !index.contains_key(key) {
                index.insert(key.clone(), columns.len());
                columns.push(key.clone());
            }
        }
    }
    let mut rows = Vec::with_capacity(flat_rows.len() + 1);
    rows.push((Location::Record(0), StringRecord::from(columns.clone())));
    let mut fields = vec![String::new(); columns.len()];
    for (loc, flat) in flat_rows {
        fields.iter_mut().for_each(String::clear);
        for (key, value) in flat {
            fields[index[&key]] = value;
        }
        rows.push((loc, StringRecord::from(fields.clone())));
    }
    Ok(Body::Records(rows))
}

/// Flatten nested objects to dotted keys; scalars to text (null to empty); arrays to compact JSON.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_string(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
    }
}

//! JSON request text to a `Value`, refusing a key that appears twice in one object at any
//! depth. serde_json keeps the last of two equal keys without a word, so `"cash": -5,
//! "cash": 20000` would run with 20000; here it is refused, naming the key by its path.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The text as a `Value`, or the offending field's path (for a repeated key) and a message.
pub fn parse(text: &str) -> Result<Value, (Option<String>, String)> {
    let dup = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed =
        Node { path: String::new(), dup: &dup }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (parsed, dup.into_inner()) {
        (_, Some(path)) => {
            Err((Some(path.clone()), format!("the request repeats the field '{path}'; give each field once")))
        }
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err((None, format!("the request is not valid JSON: {e}"))),
    }
}

/// One value at `path`; records the first repeated key's path in `dup`.
struct Node<'a> {
    path: String,
    dup: &'a RefCell<Option<String>>,
}

impl Node<'_> {
    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("{}: {v} is not a finite number", self.path)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(v) = seq.next_element_seed(Node { path: self.child(&i.to_string()), dup: self.dup })? {
            out.push(v);
            i += 1;
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = self.child(&key);
            if out.contains_key(&key) {
                self.dup.borrow_mut().get_or_insert(path.clone());
                return Err(de::Error::custom(format!("repeated field '{path}'")));
            }
            let v = map.next_value_seed(Node { path, dup: self.dup })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn repeated_keys_are_refused_at_every_depth() {
        assert!(parse(r#"{"a": 1, "b": {"c": [1, {"d": 2}]}}"#).is_ok());
        let (field, msg) = parse(r#"{"cash": -5, "cash": 20000}"#).unwrap_err();
        assert_eq!(field.as_deref(), Some("cash"));
        assert!(msg.contains("repeats the field 'cash'"), "{msg}");
        let (field, _) = parse(r#"{"params": {"p": {"fast": 1, "fast": 2}}}"#).unwrap_err();
        assert_eq!(field.as_deref(), Some("params.p.fast"));
        let (field, _) = parse(r#"{"a": [{"x": 1, "x": 1}]}"#).unwrap_err();
        assert_eq!(field.as_deref(), Some("a.0.x"));
        let (field, msg) = parse(r#"{"a": 1"#).unwrap_err();
        assert!(field.is_none() && msg.contains("not valid JSON"), "{msg}");
        assert!(parse(r#"{"a": 1} {"b": 2}"#).is_err());
    }
}

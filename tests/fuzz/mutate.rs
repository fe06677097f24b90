//! Inputs: arbitrary bytes, and real files mutated with what breaks parsers in the wild
//! (byte flips, truncation, repeated lines and fields, numeric edge values, wrong types, deep
//! nesting, a BOM, invalid UTF-8).

use std::fmt;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// One input; its Debug is the readable text (or escaped bytes), so failures show it.
#[derive(Clone)]
pub struct Input(pub Vec<u8>);

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::harness::show(&self.0))
    }
}

impl Input {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

/// Values that sit on an edge of some numeric or textual range.
pub const EDGES: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e309",
    "4e-324",
    "-0",
    "-0.0",
    "0",
    "0.0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.0000000000000000000000000000001",
    "123456789012345678901234567890.123456789012345678901234567890",
    "1e-30",
    "1.7976931348623157e308",
    "",
    " ",
    "\"",
    "\\",
    "true",
    "null",
    "[]",
    "{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "\u{0}",
    "\u{feff}",
    "é",
    "ééééééééééééééééééééééééééééééééé",
    "\u{202e}",
    "0x",
    "0x0000000000000000000000000000000g",
    "-262144-01-01",
    "+262143-12-31T23:59:59Z",
    "9999-12-31T23:59:59.999999999+23:59",
    "1970-01-01T00:00:00Z",
    "2017-07-01 11:00",
    "12/31/2019 11 PM",
    "999999999999999999w",
    "99999999999999999999h",
    "-9223372036854775808:9223372036854775807:1e-300",
    "-1e308:1e308:1e-308",
    "1:3:0",
    "sharpe > 1e308 and max_drawdown < -0%",
    ">=<=",
    "ctrl+",
    "f99999999999",
];

/// One change to a byte string.
#[derive(Debug, Clone)]
pub enum Mut {
    FlipBit(usize, u8),
    SetByte(usize, u8),
    Truncate(usize),
    DeleteRange(usize, usize),
    DupLine(usize, usize),
    DelLine(usize),
    SwapLines(usize, usize),
    DupField(usize, usize),
    Edge(usize, usize),
    InsertEdge(usize, usize),
    Bom,
    InvalidUtf8(usize, u8),
    Repeat(usize, usize, usize),
}

pub fn mutation() -> impl Strategy<Value = Mut> {
    let u = any::<usize>;
    prop_oneof![
        1 => (u(), 0u8..8).prop_map(|(a, b)| Mut::FlipBit(a, b)),
        1 => (u(), any::<u8>()).prop_map(|(a, b)| Mut::SetByte(a, b)),
        1 => u().prop_map(Mut::Truncate),
        1 => (u(), 1usize..64).prop_map(|(a, b)| Mut::DeleteRange(a, b)),
        1 => (u(), 1usize..20).prop_map(|(a, b)| Mut::DupLine(a, b)),
        1 => u().prop_map(Mut::DelLine),
        1 => (u(), u()).prop_map(|(a, b)| Mut::SwapLines(a, b)),
        1 => (u(), u()).prop_map(|(a, b)| Mut::DupField(a, b)),
        3 => (u(), u()).prop_map(|(a, b)| Mut::Edge(a, b)),
        1 => (u(), u()).prop_map(|(a, b)| Mut::InsertEdge(a, b)),
        1 => Just(Mut::Bom),
        1 => (u(), 0x80u8..=0xff).prop_map(|(a, b)| Mut::InvalidUtf8(a, b)),
        1 => (u(), 1usize..64, 2usize..200).prop_map(|(a, b, c)| Mut::Repeat(a, b, c)),
    ]
}

fn lines(b: &[u8]) -> Vec<Vec<u8>> {
    b.split_inclusive(|&c| c == b'\n').map(<[u8]>::to_vec).collect()
}

/// Token boundaries: spans between separators, so an edge value replaces a cell, a value, a
/// key or a number.
fn tokens(b: &[u8]) -> Vec<(usize, usize)> {
    let sep = |c: u8| b",\n\r=: \"[]{}\t;".contains(&c);
    let mut out = Vec::new();
    let mut start = None;
    for (i, &c) in b.iter().enumerate() {
        match (sep(c), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, b.len()));
    }
    out
}

pub fn apply(mut b: Vec<u8>, m: &Mut) -> Vec<u8> {
    let at = |i: usize, n: usize| if n == 0 { 0 } else { i % n };
    match *m {
        Mut::FlipBit(i, bit) if !b.is_empty() => {
            let i = at(i, b.len());
            b[i] ^= 1 << bit;
        }
        Mut::SetByte(i, v) if !b.is_empty() => {
            let i = at(i, b.len());
            b[i] = v;
        }
        Mut::Truncate(i) => b.truncate(at(i, b.len() + 1)),
        Mut::DeleteRange(i, n) if !b.is_empty() => {
            let s = at(i, b.len());
            let e = (s + n).min(b.len());
            b.drain(s..e);
        }
        Mut::DupLine(i, times) => {
            let mut ls = lines(&b);
            if !ls.is_empty() {
                let i = at(i, ls.len());
                let l = ls[i].clone();
                for _ in 0..times {
                    ls.insert(i, l.clone());
                }
                b = ls.concat();
            }
        }
        Mut::DelLine(i) => {
            let mut ls = lines(&b);
            if !ls.is_empty() {
                ls.remove(at(i, ls.len()));
                b = ls.concat();
            }
        }
        Mut::SwapLines(i, j) => {
            let mut ls = lines(&b);
            if !ls.is_empty() {
                let (i, j) = (at(i, ls.len()), at(j, ls.len()));
                ls.swap(i, j);
                b = ls.concat();
            }
        }
        Mut::DupField(i, times) => {
            let t = tokens(&b);
            if !t.is_empty() {
                let (s, e) = t[at(i, t.len())];
                let mut field = b[s..e].to_vec();
                field.push(b',');
                let copies = field.repeat(times % 8 + 1);
                b.splice(s..s, copies);
            }
        }
        Mut::Edge(i, k) => {
            let t = tokens(&b);
            let edge = EDGES[k % EDGES.len()].as_bytes();
            if t.is_empty() {
                b.extend_from_slice(edge);
            } else {
                let (s, e) = t[at(i, t.len())];
                b.splice(s..e, edge.iter().copied());
            }
        }
        Mut::InsertEdge(i, k) => {
            let edge = EDGES[k % EDGES.len()].as_bytes();
            let p = at(i, b.len() + 1);
            b.splice(p..p, edge.iter().copied());
        }
        Mut::Bom => {
            b.splice(0..0, [0xef, 0xbb, 0xbf]);
        }
        Mut::InvalidUtf8(i, v) => {
            let p = at(i, b.len() + 1);
            b.insert(p, v);
        }
        Mut::Repeat(i, n, times) if !b.is_empty() => {
            let s = at(i, b.len());
            let e = (s + n).min(b.len());
            let chunk = b[s..e].to_vec();
            let rep: Vec<u8> = chunk.iter().copied().cycle().take(chunk.len() * times).collect();
            b.splice(s..e, rep);
        }
        _ => {}
    }
    b
}

/// One change to a JSON document, addressed by a node's pre-order index.
#[derive(Debug, Clone)]
pub enum JMut {
    Edge(usize, usize),
    WrongType(usize, u8),
    Delete(usize),
    Dup(usize, usize),
    Nest(usize, usize),
    Rename(usize, usize),
}

pub fn json_mutation() -> impl Strategy<Value = JMut> {
    let u = any::<usize>;
    prop_oneof![
        4 => (u(), u()).prop_map(|(a, b)| JMut::Edge(a, b)),
        2 => (u(), any::<u8>()).prop_map(|(a, b)| JMut::WrongType(a, b)),
        2 => u().prop_map(JMut::Delete),
        1 => (u(), 1usize..50).prop_map(|(a, b)| JMut::Dup(a, b)),
        1 => (u(), 1usize..300).prop_map(|(a, b)| JMut::Nest(a, b)),
        1 => (u(), u()).prop_map(|(a, b)| JMut::Rename(a, b)),
    ]
}

/// Edge values as JSON: numbers at the ends of every range serde_json can hold, numbers as
/// strings (the venues' decimal strings), and the text edges above.
fn edge_value(k: usize) -> Value {
    let numeric: Vec<Value> = vec![
        json!(f64::MAX),
        json!(f64::MIN),
        json!(f64::MIN_POSITIVE),
        json!(-0.0),
        json!(0),
        json!(-1),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(4e28),
        json!(7.922816251426434e28),
        json!(1e-30),
        json!(0.1),
        json!(u32::MAX),
        json!(u32::MAX as u64 + 1),
    ];
    if k % 3 == 0 {
        numeric[(k / 3) % numeric.len()].clone()
    } else {
        Value::String(EDGES[(k / 3) % EDGES.len()].to_string())
    }
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// The node at pre-order index `i`.
fn node_mut(v: &mut Value, i: usize) -> &mut Value {
    fn go<'a>(v: &'a mut Value, i: &mut usize) -> Option<&'a mut Value> {
        if *i == 0 {
            return Some(v);
        }
        *i -= 1;
        match v {
            Value::Array(a) => a.iter_mut().find_map(|x| go(x, i)),
            Value::Object(m) => m.values_mut().find_map(|x| go(x, i)),
            _ => None,
        }
    }
    let mut i = i;
    go(v, &mut i).expect("index within count")
}

/// Containers (arrays/objects) in pre-order, for mutations that act on a parent.
fn containers(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(containers).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(containers).sum::<usize>(),
        _ => 0,
    }
}

fn container_mut(v: &mut Value, i: usize) -> Option<&mut Value> {
    fn go<'a>(v: &'a mut Value, i: &mut usize) -> Option<&'a mut Value> {
        if !matches!(v, Value::Array(_) | Value::Object(_)) {
            return None;
        }
        if *i == 0 {
            return Some(v);
        }
        *i -= 1;
        match v {
            Value::Array(a) => a.iter_mut().find_map(|x| go(x, i)),
            Value::Object(m) => m.values_mut().find_map(|x| go(x, i)),
            _ => None,
        }
    }
    let mut i = i;
    go(v, &mut i)
}

pub fn apply_json(mut v: Value, m: &JMut) -> Value {
    let n = count(&v);
    match *m {
        JMut::Edge(i, k) => *node_mut(&mut v, i % n) = edge_value(k),
        JMut::WrongType(i, t) => {
            *node_mut(&mut v, i % n) = match t % 7 {
                0 => json!([]),
                1 => json!({}),
                2 => json!(""),
                3 => json!(true),
                4 => Value::Null,
                5 => json!(0),
                _ => json!([null, 1, "x", {}]),
            }
        }
        JMut::Delete(i) | JMut::Dup(i, _) | JMut::Rename(i, _) => {
            let c = containers(&v);
            if c == 0 {
                return v;
            }
            let Some(parent) = container_mut(&mut v, i % c) else { return v };
            match (parent, m) {
                (Value::Array(a), JMut::Delete(j)) if !a.is_empty() => {
                    a.remove(j % a.len());
                }
                (Value::Object(o), JMut::Delete(j)) if !o.is_empty() => {
                    let k = o.keys().nth(j % o.len()).cloned().unwrap();
                    o.remove(&k);
                }
                (Value::Array(a), JMut::Dup(j, times)) if !a.is_empty() => {
                    let x = a[j % a.len()].clone();
                    for _ in 0..*times {
                        a.push(x.clone());
                    }
                }
                (Value::Object(o), JMut::Dup(j, times)) if !o.is_empty() => {
                    let (k, x) = o.iter().nth(j % o.len()).map(|(k, x)| (k.clone(), x.clone())).unwrap();
                    for t in 0..(*times).min(5) {
                        o.insert(format!("{k}{t}"), x.clone());
                    }
                }
                (Value::Object(o), JMut::Rename(j, k)) if !o.is_empty() => {
                    let key = o.keys().nth(j % o.len()).cloned().unwrap();
                    let x = o.remove(&key).unwrap();
                    let new = match k % 4 {
                        0 => key.to_uppercase(),
                        1 => format!(" {key}"),
                        2 => EDGES[k % EDGES.len()].to_string(),
                        _ => format!("{key}\u{0}"),
                    };
                    o.insert(new, x);
                }
                _ => {}
            }
        }
        JMut::Nest(i, depth) => {
            let node = node_mut(&mut v, i % n);
            let mut x = node.take();
            for d in 0..depth {
                x = if d % 2 == 0 {
                    json!([x])
                } else {
                    Value::Object(Map::from_iter([("a".to_string(), x)]))
                };
            }
            *node = x;
        }
    }
    v
}

/// Arbitrary bytes, up to `max` long.
pub fn bytes(max: usize) -> impl Strategy<Value = Input> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(Input)
}

/// A seed file with byte- and line-level mutations: `seeds` are real files.
pub fn mutated_text(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Input> {
    let n = seeds.len();
    (0..n, prop::collection::vec(mutation(), 1..6))
        .prop_map(move |(i, ms)| Input(ms.iter().fold(seeds[i].clone(), |b, m| apply(b, m))))
}

/// A JSON seed changed as a document (most stay valid JSON and reach the parser's checks), then
/// sometimes as bytes.
pub fn mutated_json(seeds: Vec<Value>) -> impl Strategy<Value = Input> {
    let n = seeds.len();
    let byte_muts = prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(mutation(), 1..3)];
    (0..n, prop::collection::vec(json_mutation(), 0..5), byte_muts, any::<bool>()).prop_map(
        move |(i, jm, bm, pretty)| {
            let v = jm.iter().fold(seeds[i].clone(), |v, m| apply_json(v, m));
            let text = if pretty { serde_json::to_vec_pretty(&v) } else { serde_json::to_vec(&v) };
            Input(bm.iter().fold(text.unwrap(), |b, m| apply(b, m)))
        },
    )
}

/// Mutated seeds most of the time, arbitrary bytes the rest.
pub fn text_inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Input> {
    prop_oneof![1 => bytes(2048), 4 => mutated_text(seeds)]
}

pub fn json_inputs(seeds: Vec<Value>) -> impl Strategy<Value = Input> {
    let raw: Vec<Vec<u8>> = seeds.iter().map(|v| serde_json::to_vec(v).unwrap()).collect();
    prop_oneof![1 => bytes(1024), 2 => mutated_text(raw), 5 => mutated_json(seeds)]
}

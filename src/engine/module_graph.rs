//! The engine's module import graph, read from its source (test only). Rust lets any module of
//! a crate import any other, so the layering the engine keeps (no import rings; execution
//! reaching venues only through the adapter factory it is given) is checked here instead.
//!
//! A module is a file (`x.rs`, or a folder's `mod.rs`). Module `a` imports `b` when a `use` or
//! a path in `a`'s code (comments, literals and `#[cfg(test)]` items aside) names `b` or an
//! item in it; an item re-exported by a `pub use` counts as its source module's. A path to an
//! enclosing module's own items is not an edge: a `mod.rs` is its children's glue.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

pub struct Graph {
    /// Each import edge with one path that makes it, for the failure message.
    pub edges: BTreeMap<Module, BTreeMap<Module, String>>,
}

fn name(m: &[String]) -> String {
    m.join("::")
}

/// The graph of the modules under `src/<root>`, named from the crate root.
pub fn read(src: &Path, root: &str) -> Graph {
    let mut files = BTreeMap::new();
    files.insert(vec![root.to_string()], src.join(root).join("mod.rs"));
    walk(&src.join(root), &[root.to_string()], &mut files);
    let mut code = BTreeMap::new();
    let mut test_only = BTreeSet::new();
    for (m, f) in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let (kept, test_mods) = without_test_items(&tokens(&strip(&text)));
        test_only.extend(test_mods.into_iter().map(|t| [m.clone(), vec![t]].concat()));
        code.insert(m.clone(), kept);
    }
    let is_test = |m: &Module| (1..=m.len()).any(|i| test_only.contains(&m[..i]));
    let mut reexports: BTreeMap<Module, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut paths = BTreeMap::new();
    for (m, toks) in &code {
        let (ps, re) = paths_in(toks, |first| files.contains_key(&[m.clone(), vec![first.into()]].concat()));
        reexports.insert(m.clone(), re);
        paths.insert(m.clone(), ps);
    }
    let ctx = Resolver { files: &files, reexports: &reexports };
    let mut edges: BTreeMap<Module, BTreeMap<Module, String>> = BTreeMap::new();
    for (m, ps) in &paths {
        if is_test(m) {
            continue;
        }
        for p in ps {
            let Some(to) = ctx.target(m, p, 0) else { continue };
            if to == *m || is_test(&to) || m.starts_with(&to) {
                continue;
            }
            edges.entry(m.clone()).or_default().entry(to).or_insert_with(|| p.join("::"));
        }
    }
    Graph { edges }
}

fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<Module, PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let m = [prefix, std::slice::from_ref(&stem)].concat();
        if p.is_dir() {
            if p.join("mod.rs").exists() {
                out.insert(m.clone(), p.join("mod.rs"));
            }
            walk(&p, &m, out);
        } else if p.extension().is_some_and(|e| e == "rs") && stem != "mod" {
            out.insert(m, p);
        }
    }
}

impl Graph {
    /// The import rings: every strongly connected set of two or more modules (Tarjan).
    pub fn rings(&self) -> Vec<Vec<Module>> {
        struct T<'a> {
            g: &'a Graph,
            index: BTreeMap<&'a Module, (usize, usize)>,
            stack: Vec<&'a Module>,
            on: BTreeSet<&'a Module>,
            out: Vec<Vec<Module>>,
        }
        fn visit<'a>(t: &mut T<'a>, v: &'a Module) {
            let n = t.index.len();
            t.index.insert(v, (n, n));
            t.stack.push(v);
            t.on.insert(v);
            let g: &'a Graph = t.g;
            for w in g.edges.get(v).into_iter().flat_map(|e| e.keys()) {
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let low = t.index[w].1.min(t.index[v].1);
                    t.index.get_mut(v).unwrap().1 = low;
                } else if t.on.contains(w) {
                    let low = t.index[w].0.min(t.index[v].1);
                    t.index.get_mut(v).unwrap().1 = low;
                }
            }
            if t.index[v].0 == t.index[v].1 {
                let mut ring = Vec::new();
                while let Some(w) = t.stack.pop() {
                    t.on.remove(w);
                    ring.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if ring.len() > 1 {
                    ring.sort();
                    t.out.push(ring);
                }
            }
        }
        let mut t =
            T { g: self, index: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
        for v in self.edges.keys() {
            if !t.index.contains_key(v) {
                visit(&mut t, v);
            }
        }
        t.out
    }

    /// A ring as text: its modules, and each edge inside it with a path that makes it.
    pub fn describe(&self, ring: &[Module]) -> String {
        let mut s = ring.iter().map(|m| name(m)).collect::<Vec<_>>().join(", ");
        for a in ring {
            for (b, why) in self.edges.get(a).into_iter().flatten() {
                if ring.contains(b) {
                    s.push_str(&format!("\n  {} -> {} ({why})", name(a), name(b)));
                }
            }
        }
        s
    }

    /// Every edge from a module under `from` to one under `to`, as text.
    pub fn crossing(&self, from: &[&str], to: &[&str]) -> Vec<String> {
        let under = |m: &Module, p: &[&str]| m.len() >= p.len() && m.iter().zip(p).all(|(a, b)| a == b);
        let mut out = Vec::new();
        for (a, bs) in self.edges.iter().filter(|(a, _)| under(a, from)) {
            for (b, why) in bs.iter().filter(|(b, _)| under(b, to)) {
                out.push(format!("{} -> {} ({why})", name(a), name(b)));
            }
        }
        out
    }
}

struct Resolver<'a> {
    files: &'a BTreeMap<Module, PathBuf>,
    reexports: &'a BTreeMap<Module, BTreeMap<String, Vec<String>>>,
}

impl Resolver<'_> {
    /// The module path `p` (as written in module `m`) lands in, following re-exports.
    fn target(&self, m: &Module, p: &[String], depth: usize) -> Option<Module> {
        let (mut at, rest) = match p.first()?.as_str() {
            "crate" => (Vec::new(), &p[1..]),
            "super" | "self" => {
                let mut at = m.clone();
                let n = p.iter().take_while(|s| *s == "super" || *s == "self").count();
                for s in &p[..n] {
                    if s == "super" {
                        at.pop()?;
                    }
                }
                (at, &p[n..])
            }
            first if self.files.contains_key(&[m.clone(), vec![first.into()]].concat()) => (m.clone(), p),
            _ => return None,
        };
        let mut i = 0;
        while i < rest.len() && self.files.contains_key(&[at.clone(), vec![rest[i].clone()]].concat()) {
            at.push(rest[i].clone());
            i += 1;
        }
        if !self.files.contains_key(&at) {
            return None;
        }
        if let (Some(item), true) = (rest.get(i), depth < 8) {
            if let Some(source) = self.reexports.get(&at).and_then(|r| r.get(item)) {
                let next = [source.clone(), rest[i + 1..].to_vec()].concat();
                if let Some(t) = self.target(&at, &next, depth + 1) {
                    return Some(t);
                }
            }
        }
        Some(at)
    }
}

/// `text` with comments gone and string and char literals emptied, so neither can hold a path.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (i == 0 || !ident(c[i - 1]) || c[i - 1] == 'b')
            && matches!(at(i + 1), '"' | '#')
        {
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if at(i + 1 + hashes) != '"' {
                out.push(c[i]);
                i += 1;
                continue;
            }
            i += hashes + 2;
            while i < c.len() && !(c[i] == '"' && (0..hashes).all(|k| at(i + 1 + k) == '#')) {
                i += 1;
            }
            i += 1 + hashes;
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && at(i + 1) == '\\' {
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && at(i + 2) == '\'' {
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers, `::`, and every other character but whitespace, one token each.
fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(c[i].to_string());
            }
            i += 1;
        }
    }
    out
}

/// The tokens without `#[cfg(test)]` items, and the names of `#[cfg(test)] mod x;` files.
fn without_test_items(t: &[String]) -> (Vec<String>, Vec<String>) {
    const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let (mut kept, mut test_mods) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < t.len() {
        if t.len() - i < CFG_TEST.len() || t[i..i + CFG_TEST.len()] != CFG_TEST {
            kept.push(t[i].clone());
            i += 1;
            continue;
        }
        i += CFG_TEST.len();
        let item = i;
        let mut depth = 0;
        while i < t.len() {
            match t[i].as_str() {
                "{" => depth += 1,
                "}" => depth -= 1,
                ";" if depth == 0 => break,
                _ => {}
            }
            i += 1;
            if depth == 0 && t[i - 1] == "}" {
                break;
            }
        }
        if t.get(i).is_some_and(|s| s == ";") {
            if let Some(k) = t[item..i].iter().position(|s| s == "mod") {
                test_mods.extend(t.get(item + k + 1).cloned());
            }
            i += 1;
        }
    }
    (kept, test_mods)
}

/// The module paths named in `t`: every `use` (its trees expanded) and every other path that
/// starts at `crate`, `super`, `self` or a child module (`is_child`). Also the `pub use`
/// re-exports: name -> the path it stands for.
fn paths_in(
    t: &[String],
    is_child: impl Fn(&str) -> bool,
) -> (Vec<Vec<String>>, BTreeMap<String, Vec<String>>) {
    let (mut paths, mut reexports) = (Vec::new(), BTreeMap::new());
    let mut i = 0;
    while i < t.len() {
        let word_start = i == 0 || t[i - 1] != "::";
        if t[i] == "use" && word_start {
            let public = i > 0
                && (t[i - 1] == "pub"
                    || (t[i - 1] == ")" && t[..i].iter().rev().nth(3).is_some_and(|s| s == "pub")));
            let end = t[i..].iter().position(|s| s == ";").map_or(t.len(), |k| i + k);
            let mut trees = Vec::new();
            use_tree(&t[i + 1..end], &mut Vec::new(), &mut trees);
            for (path, alias) in trees {
                if public && alias != "*" {
                    reexports.insert(alias, path.clone());
                }
                paths.push(path);
            }
            i = end + 1;
            continue;
        }
        let ident = |s: &str| s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
        if word_start && ident(&t[i]) && t.get(i + 1).is_some_and(|s| s == "::") {
            let mut path = vec![t[i].clone()];
            let mut k = i + 1;
            while k + 1 < t.len() && t[k] == "::" && ident(&t[k + 1]) {
                path.push(t[k + 1].clone());
                k += 2;
            }
            if matches!(path[0].as_str(), "crate" | "super" | "self") || is_child(&path[0]) {
                paths.push(path);
            }
            i = k;
            continue;
        }
        i += 1;
    }
    (paths, reexports)
}

/// Expand one use tree (`a::b::{c, d::{e as f}, *}`) into (path, the name it binds).
fn use_tree(t: &[String], prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let n = prefix.len();
    let mut i = 0;
    while i < t.len() {
        match t[i].as_str() {
            "::" => i += 1,
            "{" => {
                let mut depth = 0;
                let mut start = i + 1;
                for k in i..t.len() {
                    match t[k].as_str() {
                        "{" => depth += 1,
                        "}" => depth -= 1,
                        "," if depth == 1 => {
                            use_tree(&t[start..k], prefix, out);
                            start = k + 1;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        use_tree(&t[start..k], prefix, out);
                        break;
                    }
                }
                prefix.truncate(n);
                return;
            }
            "as" => {
                let alias = t.get(i + 1).cloned().unwrap_or_default();
                out.push((prefix.clone(), alias));
                prefix.truncate(n);
                return;
            }
            "*" => {
                out.push((prefix.clone(), "*".into()));
                prefix.truncate(n);
                return;
            }
            s => {
                prefix.push(s.to_string());
                i += 1;
            }
        }
    }
    if prefix.len() > n {
        let bound = prefix.last().cloned().unwrap_or_default();
        out.push((prefix.clone(), bound));
    }
    prefix.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Graph {
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "engine")
    }

    /// No two engine modules import each other, directly or round a longer ring.
    #[test]
    fn the_engine_has_no_import_rings() {
        let g = engine();
        let rings: Vec<String> = g.rings().iter().map(|r| g.describe(r)).collect();
        assert!(rings.is_empty(), "import rings in src/engine:\n{}", rings.join("\n"));
    }

    /// Execution knows a live venue only as the adapter factory it is given: no module under
    /// engine::execution imports one under engine::venues, re-exports followed.
    #[test]
    fn execution_imports_no_venue_module() {
        let g = engine();
        let hits = g.crossing(&["engine", "execution"], &["engine", "venues"]);
        assert!(hits.is_empty(), "execution imports venues:\n{}", hits.join("\n"));
        let known = g.crossing(&["engine", "venues"], &["engine", "execution"]);
        assert!(!known.is_empty(), "the graph misses venues' imports of execution: it reads nothing");
    }

    /// The reader sees what it must: a ring through a re-export, a child path and a `use`
    /// tree; and it ignores what it must: comments, literals, test modules, parent glue.
    #[test]
    fn the_reader_finds_a_planted_ring_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("k");
        std::fs::create_dir_all(root.join("inner")).unwrap();
        let file = |p: &str, s: &str| std::fs::write(root.join(p), s).unwrap();
        file("mod.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod inner;\npub use b::Thing;\n");
        file(
            "a.rs",
            "use crate::k::{inner::y, Thing as T};\n// use super::b;\nfn f() -> &'static str { \"super::b\" }\n",
        );
        file(
            "b.rs",
            "pub struct Thing;\nfn g() { let _ = '\"'; super::inner::x(); super::inner::y::z(); }\n",
        );
        file("c.rs", "#[cfg(test)]\nmod tests { use super::super::a; }\nuse super::Thing;\n");
        file("inner/mod.rs", "pub mod y;\npub fn x() { super::a::f(); }\n");
        file("inner/y.rs", "pub fn z() { r#\"crate::k::c\"#; }\n");
        let g = read(dir.path(), "k");
        let rings: Vec<String> =
            g.rings().iter().map(|r| r.iter().map(|m| name(m)).collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(rings, ["k::a k::b k::inner"], "{:#?}", g.edges);
        let c: Vec<&Module> = g.edges[&vec!["k".to_string(), "c".to_string()]].keys().collect();
        assert_eq!(c, [&vec!["k".to_string(), "b".to_string()]], "a re-export is its source's; tests aside");
        assert!(!g.edges.contains_key(&vec!["k".to_string(), "inner".to_string(), "y".to_string()]));
    }
}

//! What changed between two deliveries of one record: the JSON values that differ, by JSON
//! Pointer (RFC 6901), in the order of the newer body (removed ones where they were).

use serde::Serialize;
use serde_json::Value;

/// One value that differs: `before` is absent when it was added, `after` when it was removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every value that differs between `before` and `after`.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(String::new(), before, after, &mut out);
    out
}

fn pointer(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn walk(path: String, before: &Value, after: &Value, out: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = pointer(&path, k);
                match b.get(k) {
                    Some(vb) => walk(p, va, vb, out),
                    None => out.push(Change {
                        path: p,
                        before: Some(va.clone()),
                        after: None,
                    }),
                }
            }
            for (k, vb) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                out.push(Change {
                    path: pointer(&path, k),
                    before: None,
                    after: Some(vb.clone()),
                });
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = format!("{path}/{i}");
                match (a.get(i), b.get(i)) {
                    (Some(va), Some(vb)) => walk(p, va, vb, out),
                    (va, vb) => out.push(Change {
                        path: p,
                        before: va.cloned(),
                        after: vb.cloned(),
                    }),
                }
            }
        }
        _ if before == after => {}
        _ => out.push(Change {
            path,
            before: Some(before.clone()),
            after: Some(after.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_added_and_removed_values_by_pointer() {
        let a = json!({"uid": "1", "name": "Ada", "a/b": 1, "tags": [1, 2], "x": {"y": true}});
        let b = json!({"uid": "1", "name": "Ann", "a/b": 2, "tags": [1], "x": {"y": true, "z": null}, "new": 3});
        let d = diff(&a, &b);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/name", "/a~1b", "/tags/1", "/x/z", "/new"]);
        assert_eq!(d[0].before, Some(json!("Ada")));
        assert_eq!(d[0].after, Some(json!("Ann")));
        assert_eq!(d[2].after, None);
        assert_eq!(d[3].before, None);
        assert!(diff(&a, &a).is_empty());
        // A whole value of another kind is one change.
        assert_eq!(diff(&json!([1]), &json!({"a": 1})).len(), 1);
    }
}

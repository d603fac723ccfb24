//! Walking a JSON document: every scalar is visited in document order with its path, the class
//! of its key and the context of the object it sits in.

use serde_json::Value;

use super::rules::{classify, object_ctx, Class, Ctx};

/// Where a scalar sits.
pub(super) struct Site<'a> {
    /// Keys joined by `.`, array indexes in brackets (`purchase_items[0].text_info`).
    pub path: &'a str,
    pub class: Class,
    pub ctx: Ctx,
}

/// Call `f` on every scalar of `value`, in document order.
pub(super) fn walk(value: &mut Value, f: &mut dyn FnMut(&Site<'_>, &mut Value)) {
    visit(value, &mut String::new(), None, Ctx::Other, f);
}

/// Walk a container reached through `key` (for an array element, the array's key).
fn walk_in(
    value: &mut Value,
    path: &mut String,
    key: Option<&str>,
    parent: Ctx,
    f: &mut dyn FnMut(&Site<'_>, &mut Value),
) {
    match value {
        Value::Object(map) => {
            let ctx = object_ctx(key, parent, map);
            for (k, v) in map.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                visit(v, path, Some(k), ctx, f);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                visit(v, path, key, parent, f);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Visit the value of field `key` in an object of context `ctx`.
fn visit(
    v: &mut Value,
    path: &mut String,
    key: Option<&str>,
    ctx: Ctx,
    f: &mut dyn FnMut(&Site<'_>, &mut Value),
) {
    match v {
        Value::Object(_) | Value::Array(_) => walk_in(v, path, key, ctx, f),
        _ => {
            let site = Site {
                path: path.as_str(),
                class: key.map_or(Class::Plain, |k| classify(k, ctx)),
                ctx,
            };
            f(&site, v);
        }
    }
}

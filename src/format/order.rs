//! The order of each block's fields: the order of the language's schema
//! ([`crate::model::schema`], which follows the language reference), for
//! its child nodes and for its properties. Alternatives (`at-least` or
//! `at-most`) share a rank and keep their written order. Blocks the schema
//! does not sort keep their order: `lints`, where the last level given to a
//! code wins, and anything the language does not know.

use crate::model::schema::{self, Item};

/// A table: the items of a block, in order.
pub(super) type Table = &'static [Item];

/// The table of the block at `path` (node names from the top), if sorted.
pub(super) fn children(path: &[&str]) -> Option<Table> {
    schema::block(path).filter(|b| b.sorted).map(|b| b.children)
}

/// The table of the properties of the node at `path`, if it has any.
pub(super) fn properties(path: &[&str]) -> Option<Table> {
    schema::block(path).map(|b| b.properties)
}

/// A name's rank in a table: alternatives share one, unknown names come
/// after the known ones.
pub(super) fn rank(table: Table, name: &str) -> usize {
    let mut rank = 0;
    for (i, item) in table.iter().enumerate() {
        if i > 0 && !item.or_previous {
            rank += 1;
        }
        if item.name == name {
            return rank;
        }
    }
    rank + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_share_a_rank_and_unknown_names_come_last() {
        let target = properties(&["service", "sla", "target"]).unwrap();
        assert_eq!(rank(target, "at-least"), rank(target, "at-most"));
        assert!(rank(target, "at-most") < rank(target, "warn"));
        assert!(rank(target, "warn") < rank(target, "bogus"));
        assert!(children(&["pmo", "lints"]).is_none());
        let service = children(&["service"]).unwrap();
        assert!(rank(service, "name") < rank(service, "function"));
    }
}

//! A catalogue entry as a template value that copies nothing up front: a
//! map of the entry's fields (in the order `catalog.json` writes them, the
//! skipped ones left out), each converted to a template value when a
//! template reads it. The entry stays in the shared catalogue; a render
//! holds the catalogue once, not again as template values.
//!
//! A field is found by serializing the entry into [`Pick`], a serializer
//! that looks at the field names and converts only the field asked for
//! (through `minijinja`'s own conversion, so the value is the one a whole
//! conversion would have held).

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Serde, Value};
use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::catalog::Catalog;

/// The entry at `index` of the list `list` reads from the catalogue.
pub(super) struct Entry<T: 'static> {
    pub(super) catalog: Arc<Catalog>,
    pub(super) list: fn(&Catalog) -> &[T],
    pub(super) index: usize,
}

impl<T> Entry<T> {
    fn entry(&self) -> &T {
        &(self.list)(&self.catalog)[self.index]
    }
}

impl<T> fmt::Debug for Entry<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<entry {}>", self.index)
    }
}

impl<T: Serialize + Send + Sync + 'static> Object for Entry<T> {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let mut pick = Pick {
            wanted: Some(key),
            names: Vec::new(),
            found: None,
        };
        self.entry().serialize(&mut pick).ok()?;
        pick.found
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(names(self.entry()).into_iter().map(Value::from).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(names(self.entry()).len())
    }
}

/// The fields a struct serializes, in order.
fn names<T: Serialize>(entry: &T) -> Vec<&'static str> {
    let mut pick = Pick {
        wanted: None,
        names: Vec::new(),
        found: None,
    };
    let _ = entry.serialize(&mut pick);
    pick.names
}

/// Serializes a struct looking for one field (`wanted`: its value goes in
/// `found`), or for the names of its fields (`wanted` none). Anything but
/// a struct is refused.
struct Pick<'k> {
    wanted: Option<&'k str>,
    names: Vec<&'static str>,
    found: Option<Value>,
}

/// What [`Pick`] refuses: anything that is not a struct.
#[derive(Debug)]
struct NotAStruct;

impl fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: fmt::Display>(_: M) -> NotAStruct {
        NotAStruct
    }
}

impl ser::SerializeStruct for &mut Pick<'_> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), NotAStruct> {
        match self.wanted {
            Some(wanted) if wanted == key && self.found.is_none() => {
                self.found = Some(Value::from(Serde(value)));
            }
            Some(_) => {}
            None => self.names.push(key),
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// The methods of a serializer that refuse what they are given.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), NotAStruct> {
            Err(NotAStruct)
        }
    )*};
}

impl ser::Serializer for &mut Pick<'_> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = Impossible<(), NotAStruct>;
    type SerializeTuple = Impossible<(), NotAStruct>;
    type SerializeTupleStruct = Impossible<(), NotAStruct>;
    type SerializeTupleVariant = Impossible<(), NotAStruct>;
    type SerializeMap = Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotAStruct>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAStruct> {
        Ok(self)
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<V: Serialize + ?Sized>(self, _: &V) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        count: u32,
    }

    /// A field reads as the whole conversion holds it; a skipped field is
    /// absent, as are the names of no field.
    #[test]
    fn fields_read_as_the_whole_conversion() {
        let sample = Sample {
            id: "a".into(),
            note: None,
            count: 3,
        };
        let mut pick = Pick {
            wanted: Some("count"),
            names: Vec::new(),
            found: None,
        };
        sample.serialize(&mut pick).unwrap();
        let whole = Value::from(Serde(&sample));
        assert_eq!(pick.found, Some(whole.get_attr("count").unwrap()));
        assert_eq!(names(&sample), ["id", "count"]);
        let mut pick = Pick {
            wanted: Some("note"),
            names: Vec::new(),
            found: None,
        };
        sample.serialize(&mut pick).unwrap();
        assert_eq!(pick.found, None);
    }
}

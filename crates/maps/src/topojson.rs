//! A small TopoJSON decoder: just enough of the format for the embedded
//! world-atlas file.
//!
//! Guarantees: quantized (delta-encoded, with `transform`) and plain topologies
//! both decode; `Polygon` and `MultiPolygon` geometries (also inside nested
//! `GeometryCollection`s) come out as closed rings of `(lon, lat)`; negative arc
//! indices are read as reversed arcs (`!i`). Other geometry types are skipped.
//! Malformed input yields an error, never a panic.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One ring: closed list of `(lon, lat)` positions.
pub(crate) type Ring = Vec<(f64, f64)>;
/// One polygon: the outer ring first, then holes.
pub(crate) type Polygon = Vec<Ring>;

/// A decoded polygonal geometry of a TopoJSON object.
#[derive(Debug, Clone)]
pub(crate) struct Geometry {
    /// `id` member as text (numbers are formatted), if any.
    pub id: Option<String>,
    /// `properties.name`, if it is a string.
    pub name: Option<String>,
    pub polygons: Vec<Polygon>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TopoError {
    #[error("invalid TopoJSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no object named {0:?} in the topology")]
    NoObject(String),
    #[error("arc reference {0} does not exist")]
    BadArc(i64),
    #[error("malformed arcs member in a {0} geometry")]
    BadArcs(String),
}

#[derive(Deserialize)]
struct Topology {
    #[serde(default)]
    transform: Option<Transform>,
    arcs: Vec<Vec<Position>>,
    objects: BTreeMap<String, RawGeometry>,
}

#[derive(Deserialize, Clone, Copy)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    arcs: Value,
    #[serde(default)]
    geometries: Vec<RawGeometry>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Value>,
}

/// A TopoJSON position. Positions may carry more than two numbers; only the
/// first two matter here, and reading them without a `Vec` per position keeps
/// the one-off parse of ~100k positions cheap.
#[derive(Clone, Copy)]
struct Position(f64, f64);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Position;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a position array of at least two numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let x: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Position(x, y))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Decodes the polygonal geometries of the object `object` of a topology.
pub(crate) fn decode(json: &str, object: &str) -> Result<Vec<Geometry>, TopoError> {
    let topo: Topology = serde_json::from_str(json)?;
    let arcs = absolute_arcs(&topo.arcs, topo.transform);
    let root = topo
        .objects
        .get(object)
        .ok_or_else(|| TopoError::NoObject(object.to_owned()))?;
    let mut out = Vec::new();
    collect(root, &arcs, &mut out)?;
    Ok(out)
}

/// Undoes the delta encoding and quantization once, so that stitching rings
/// is plain copying.
fn absolute_arcs(arcs: &[Vec<Position>], transform: Option<Transform>) -> Vec<Ring> {
    arcs.iter()
        .map(|arc| match transform {
            Some(t) => {
                let (mut x, mut y) = (0.0, 0.0);
                arc.iter()
                    .map(|p| {
                        x += p.0;
                        y += p.1;
                        (
                            x * t.scale[0] + t.translate[0],
                            y * t.scale[1] + t.translate[1],
                        )
                    })
                    .collect()
            }
            None => arc.iter().map(|p| (p.0, p.1)).collect(),
        })
        .collect()
}

fn collect(g: &RawGeometry, arcs: &[Ring], out: &mut Vec<Geometry>) -> Result<(), TopoError> {
    let polygons = match g.kind.as_str() {
        "GeometryCollection" => {
            for child in &g.geometries {
                collect(child, arcs, out)?;
            }
            return Ok(());
        }
        "Polygon" => vec![polygon(&g.arcs, arcs, &g.kind)?],
        "MultiPolygon" => list(&g.arcs, &g.kind)?
            .iter()
            .map(|p| polygon(p, arcs, &g.kind))
            .collect::<Result<Vec<_>, _>>()?,
        // Points and lines have no area; nothing on a country map needs them.
        _ => return Ok(()),
    };
    let id = match &g.id {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let name = g
        .properties
        .as_ref()
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    out.push(Geometry { id, name, polygons });
    Ok(())
}

fn list<'v>(v: &'v Value, kind: &str) -> Result<&'v Vec<Value>, TopoError> {
    v.as_array()
        .ok_or_else(|| TopoError::BadArcs(kind.to_owned()))
}

fn polygon(v: &Value, arcs: &[Ring], kind: &str) -> Result<Polygon, TopoError> {
    list(v, kind)?
        .iter()
        .map(|refs| ring(list(refs, kind)?, arcs, kind))
        .collect()
}

fn ring(refs: &[Value], arcs: &[Ring], kind: &str) -> Result<Ring, TopoError> {
    let mut out: Ring = Vec::new();
    for r in refs {
        let i = r
            .as_i64()
            .ok_or_else(|| TopoError::BadArcs(kind.to_owned()))?;
        // A negative index -n-1 (that is, !n) means arc n walked backwards.
        let (index, reversed) = if i < 0 { (!i, true) } else { (i, false) };
        let arc = usize::try_from(index)
            .ok()
            .and_then(|k| arcs.get(k))
            .ok_or(TopoError::BadArc(i))?;
        // Consecutive arcs share their joining position.
        if !out.is_empty() {
            out.pop();
        }
        if reversed {
            out.extend(arc.iter().rev());
        } else {
            out.extend(arc.iter());
        }
    }
    if let (Some(&first), Some(&last)) = (out.first(), out.last()) {
        if first != last {
            out.push(first);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two squares sharing an edge, quantized, with the shared arc used
    // forwards by one polygon and backwards by the other.
    const SMALL: &str = r#"{
      "type": "Topology",
      "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
      "objects": {"things": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "id": "001", "properties": {"name": "West"}, "arcs": [[0, 1]]},
        {"type": "MultiPolygon", "id": 2, "arcs": [[[2, -1]]]},
        {"type": "Point", "coordinates": [0, 0]},
        {"type": "Polygon", "arcs": [[3]]}
      ]}},
      "arcs": [
        [[2, 0], [0, 4]],
        [[2, 4], [-2, 0], [0, -4], [2, 0]],
        [[2, 0], [2, 0], [0, 4], [-2, 0]],
        [[0, 0, 99], [1, 0], [0, 1], [-1, 0], [0, -1]]
      ]
    }"#;

    #[test]
    fn decodes_quantized_arcs_and_reversal() -> Result<(), TopoError> {
        let g = decode(SMALL, "things")?;
        assert_eq!(g.len(), 3, "the point is skipped");
        assert_eq!(g[0].id.as_deref(), Some("001"));
        assert_eq!(g[0].name.as_deref(), Some("West"));
        // Arc 0 runs (11,20)->(11,21); arc 1 closes the west square.
        assert_eq!(
            g[0].polygons[0][0],
            vec![
                (11.0, 20.0),
                (11.0, 21.0),
                (10.0, 21.0),
                (10.0, 20.0),
                (11.0, 20.0)
            ]
        );
        assert_eq!(g[1].id.as_deref(), Some("2"));
        assert_eq!(g[1].name, None);
        // Arc 2 then arc 0 reversed: (11,21)->(11,20).
        assert_eq!(
            g[1].polygons[0][0],
            vec![
                (11.0, 20.0),
                (12.0, 20.0),
                (12.0, 21.0),
                (11.0, 21.0),
                (11.0, 20.0)
            ]
        );
        assert_eq!(g[2].polygons[0][0].len(), 5);
        Ok(())
    }

    #[test]
    fn plain_topology_without_transform() -> Result<(), TopoError> {
        let json = r#"{"type":"Topology","objects":{"o":{"type":"Polygon","arcs":[[0]]}},
            "arcs":[[[1.5,2.5],[3,2.5],[3,4],[1.5,2.5]]]}"#;
        let g = decode(json, "o")?;
        assert_eq!(g[0].polygons[0][0][1], (3.0, 2.5));
        Ok(())
    }

    #[test]
    fn malformed_input_is_an_error() {
        let bad_ref =
            r#"{"type":"Topology","objects":{"o":{"type":"Polygon","arcs":[[5]]}},"arcs":[]}"#;
        assert!(matches!(decode(bad_ref, "o"), Err(TopoError::BadArc(5))));
        let bad_ref =
            r#"{"type":"Topology","objects":{"o":{"type":"Polygon","arcs":[[-3]]}},"arcs":[]}"#;
        assert!(matches!(decode(bad_ref, "o"), Err(TopoError::BadArc(-3))));
        assert!(matches!(decode(SMALL, "nope"), Err(TopoError::NoObject(_))));
        assert!(matches!(decode("{", "o"), Err(TopoError::Json(_))));
        let bad_arcs =
            r#"{"type":"Topology","objects":{"o":{"type":"Polygon","arcs":3}},"arcs":[]}"#;
        assert!(matches!(decode(bad_arcs, "o"), Err(TopoError::BadArcs(_))));
    }
}

//! The campaign's map (streets and address points from an OpenStreetMap extract).

use groundgame_core::map::{AddressPoint, Bounds, GeoPoint, Street};
use groundgame_core::{CampaignId, TurfId};
use rusqlite::{Connection, Transaction};

use super::{campaigns, StoreError};

/// A household's address as the geocoder needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdAddress {
    /// The household key (`number|street|unit|city|zip`).
    pub key: String,
    pub number: String,
    /// Normalised, as the key has it ("N ELM ST").
    pub street: String,
}

pub(crate) fn points_json(points: &[GeoPoint]) -> Result<String, StoreError> {
    let pairs: Vec<[f64; 2]> = points.iter().map(|p| [p.lat, p.lon]).collect();
    serde_json::to_string(&pairs).map_err(|e| StoreError::Corrupt(format!("street points: {e}")))
}

pub(crate) fn points_from_json(text: &str) -> Result<Vec<GeoPoint>, StoreError> {
    let pairs: Vec<[f64; 2]> = serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("street points: {e}")))?;
    Ok(pairs
        .into_iter()
        .map(|[lat, lon]| GeoPoint { lat, lon })
        .collect())
}

/// A street's box, for finding the streets around a turf; None for fewer than two points.
pub(crate) fn street_box(s: &Street) -> Option<Bounds> {
    if s.points.len() < 2 {
        return None;
    }
    Bounds::of(s.points.iter().copied())
}

/// The campaign's map as loaded, named by its highest street id (ids are never reused, so
/// every load is another); None when it has no streets.
pub(crate) fn revision(conn: &Connection, campaign: CampaignId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT max(id) FROM map_streets WHERE campaign_id = ?1")?
        .query_row([campaign.0], |r| r.get(0))?)
}

/// The box of the turf's placed households (None: none placed).
pub(crate) fn turf_bounds(conn: &Connection, turf: TurfId) -> Result<Option<Bounds>, StoreError> {
    let row: (Option<f64>, Option<f64>, Option<f64>, Option<f64>) = conn
        .prepare_cached(
            "SELECT min(lat), min(lon), max(lat), max(lon) FROM households
             WHERE turf_id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL",
        )?
        .query_row([turf.0], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    Ok(bounds_from(row))
}

/// A box from `min(lat), min(lon), max(lat), max(lon)` (all NULL when no row matched).
pub(crate) fn bounds_from(
    (min_lat, min_lon, max_lat, max_lon): (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
) -> Option<Bounds> {
    Some(Bounds {
        min_lat: min_lat?,
        min_lon: min_lon?,
        max_lat: max_lat?,
        max_lon: max_lon?,
    })
}

/// The campaign's streets whose box meets `b`, in load order.
pub(crate) fn streets_within(
    conn: &Connection,
    campaign: CampaignId,
    b: &Bounds,
) -> Result<Vec<Street>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, street_key, class, points FROM map_streets
         WHERE campaign_id = ?1 AND min_lat <= ?2 AND max_lat >= ?3
           AND min_lon <= ?4 AND max_lon >= ?5
         ORDER BY id",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        campaign.0, b.max_lat, b.min_lat, b.max_lon, b.min_lon
    ])?;
    let mut streets = Vec::new();
    while let Some(r) = rows.next()? {
        streets.push(Street {
            name: r.get(0)?,
            key: r.get(1)?,
            class: r.get(2)?,
            points: points_from_json(&r.get::<_, String>(3)?)?,
        });
    }
    Ok(streets)
}

pub(crate) fn replace(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    streets: &[Street],
    points: &[AddressPoint],
) -> Result<(), StoreError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    tx.execute(
        "DELETE FROM map_streets WHERE campaign_id = ?1",
        [campaign.0],
    )?;
    tx.execute(
        "DELETE FROM map_address_points WHERE campaign_id = ?1",
        [campaign.0],
    )?;
    let mut street = tx.prepare_cached(
        "INSERT INTO map_streets (campaign_id, name, street_key, class, points,
                                  min_lat, min_lon, max_lat, max_lon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for s in streets {
        // A street of fewer than two points draws nothing (the reader keeps none).
        let Some(b) = street_box(s) else { continue };
        street.execute(rusqlite::params![
            campaign.0,
            s.name,
            s.key,
            s.class,
            points_json(&s.points)?,
            b.min_lat,
            b.min_lon,
            b.max_lat,
            b.max_lon
        ])?;
    }
    let mut point = tx.prepare_cached(
        "INSERT INTO map_address_points (campaign_id, street_key, number, lat, lon)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for p in points {
        point.execute(rusqlite::params![
            campaign.0,
            p.street_key,
            p.number,
            p.at.lat,
            p.at.lon
        ])?;
    }
    Ok(())
}

pub(crate) fn load(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<(Vec<Street>, Vec<AddressPoint>), StoreError> {
    let mut streets = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT name, street_key, class, points FROM map_streets
         WHERE campaign_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([campaign.0])?;
    while let Some(r) = rows.next()? {
        streets.push(Street {
            name: r.get(0)?,
            key: r.get(1)?,
            class: r.get(2)?,
            points: points_from_json(&r.get::<_, String>(3)?)?,
        });
    }
    let points = conn
        .prepare_cached(
            "SELECT street_key, number, lat, lon FROM map_address_points
             WHERE campaign_id = ?1 ORDER BY id",
        )?
        .query_map([campaign.0], |r| {
            Ok(AddressPoint {
                street_key: r.get(0)?,
                number: r.get(1)?,
                at: GeoPoint {
                    lat: r.get(2)?,
                    lon: r.get(3)?,
                },
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((streets, points))
}

pub(crate) fn household_addresses(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<HouseholdAddress>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT address_key, number, street FROM households
             WHERE campaign_id = ?1 AND address_key <> '' ORDER BY id",
        )?
        .query_map([campaign.0], |r| {
            Ok(HouseholdAddress {
                key: r.get(0)?,
                number: r.get(1)?,
                street: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

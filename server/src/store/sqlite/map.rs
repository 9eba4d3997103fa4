//! The campaign's map (streets and address points from an OpenStreetMap extract).

use groundgame_core::map::{AddressPoint, GeoPoint, Street};
use groundgame_core::CampaignId;
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
        "INSERT INTO map_streets (campaign_id, name, street_key, class, points)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for s in streets {
        street.execute(rusqlite::params![
            campaign.0,
            s.name,
            s.key,
            s.class,
            points_json(&s.points)?
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

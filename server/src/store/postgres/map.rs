//! The campaign's map on PostgreSQL (see `sqlite/map.rs`; the same rows).

use groundgame_core::map::Bounds;
use groundgame_core::map::{AddressPoint, GeoPoint, Street};
use groundgame_core::{CampaignId, TurfId};

use super::rows::Db;
use super::PgStore;
use crate::store::sqlite::map::{bounds_from, points_from_json, points_json, street_box};
use crate::store::{HouseholdAddress, StoreError};

impl PgStore {
    pub(super) fn replace_map_rows(
        &self,
        campaign: CampaignId,
        streets: &[Street],
        points: &[AddressPoint],
    ) -> Result<(), StoreError> {
        // A street of fewer than two points draws nothing (the reader keeps none).
        let kept: Vec<(&Street, groundgame_core::map::Bounds)> = streets
            .iter()
            .filter_map(|s| street_box(s).map(|b| (s, b)))
            .collect();
        let rows: Vec<(String, String, String, String)> = kept
            .iter()
            .map(|(s, _)| {
                Ok((
                    s.name.clone(),
                    s.key.clone(),
                    s.class.clone(),
                    points_json(&s.points)?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        let boxes = |f: fn(&groundgame_core::map::Bounds) -> f64| -> Vec<f64> {
            kept.iter().map(|(_, b)| f(b)).collect()
        };
        let (min_lat, min_lon, max_lat, max_lon) = (
            boxes(|b| b.min_lat),
            boxes(|b| b.min_lon),
            boxes(|b| b.max_lat),
            boxes(|b| b.max_lon),
        );
        self.write(|tx| {
            let found = tx.query_opt("SELECT 1 FROM campaigns WHERE id = $1", &[&campaign.0])?;
            if found.is_none() {
                return Err(StoreError::NotFound("campaign"));
            }
            tx.execute(
                "DELETE FROM map_streets WHERE campaign_id = $1",
                &[&campaign.0],
            )?;
            tx.execute(
                "DELETE FROM map_address_points WHERE campaign_id = $1",
                &[&campaign.0],
            )?;
            // One statement per table: arrays unnested, not a round trip per row.
            let (names, keys, classes, geometry): (Vec<_>, Vec<_>, Vec<_>, Vec<_>) =
                rows.iter().cloned().fold(
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new()),
                    |mut acc, (n, k, c, g)| {
                        acc.0.push(n);
                        acc.1.push(k);
                        acc.2.push(c);
                        acc.3.push(g);
                        acc
                    },
                );
            tx.execute(
                "INSERT INTO map_streets (campaign_id, name, street_key, class, points,
                                          min_lat, min_lon, max_lat, max_lon)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],
                                          $6::float8[], $7::float8[], $8::float8[], $9::float8[])",
                &[
                    &campaign.0,
                    &names,
                    &keys,
                    &classes,
                    &geometry,
                    &min_lat,
                    &min_lon,
                    &max_lat,
                    &max_lon,
                ],
            )?;
            let keys: Vec<&str> = points.iter().map(|p| p.street_key.as_str()).collect();
            let numbers: Vec<&str> = points.iter().map(|p| p.number.as_str()).collect();
            let lats: Vec<f64> = points.iter().map(|p| p.at.lat).collect();
            let lons: Vec<f64> = points.iter().map(|p| p.at.lon).collect();
            tx.execute(
                "INSERT INTO map_address_points (campaign_id, street_key, number, lat, lon)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[])",
                &[&campaign.0, &keys, &numbers, &lats, &lons],
            )?;
            Ok(())
        })
    }

    pub(super) fn map_rows(
        &self,
        campaign: CampaignId,
    ) -> Result<(Vec<Street>, Vec<AddressPoint>), StoreError> {
        self.read(|tx| {
            let mut streets = Vec::new();
            for r in tx.query(
                "SELECT name, street_key, class, points FROM map_streets
                 WHERE campaign_id = $1 ORDER BY id",
                &[&campaign.0],
            )? {
                streets.push(Street {
                    name: r.get(0),
                    key: r.get(1),
                    class: r.get(2),
                    points: points_from_json(r.get(3))?,
                });
            }
            let points = tx
                .query(
                    "SELECT street_key, number, lat, lon FROM map_address_points
                     WHERE campaign_id = $1 ORDER BY id",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| AddressPoint {
                    street_key: r.get(0),
                    number: r.get(1),
                    at: GeoPoint {
                        lat: r.get(2),
                        lon: r.get(3),
                    },
                })
                .collect();
            Ok((streets, points))
        })
    }

    pub(super) fn household_address_rows(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<HouseholdAddress>, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query(
                    "SELECT address_key, number, street FROM households
                     WHERE campaign_id = $1 AND address_key <> '' ORDER BY id",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| HouseholdAddress {
                    key: r.get(0),
                    number: r.get(1),
                    street: r.get(2),
                })
                .collect())
        })
    }
}

/// The campaign's map as loaded (see `sqlite::map::revision`).
pub(crate) fn revision(db: Db<'_>, campaign: CampaignId) -> Result<Option<i64>, StoreError> {
    Ok(db
        .rows(
            "SELECT max(id) FROM map_streets WHERE campaign_id = $1",
            &[&campaign.0],
        )?
        .first()
        .and_then(|r| r.get::<_, Option<i64>>(0)))
}

/// The box of the turf's placed households (None: none placed).
pub(crate) fn turf_bounds(db: Db<'_>, turf: TurfId) -> Result<Option<Bounds>, StoreError> {
    let rows = db.rows(
        "SELECT min(lat), min(lon), max(lat), max(lon) FROM households
         WHERE turf_id = $1 AND lat IS NOT NULL AND lon IS NOT NULL",
        &[&turf.0],
    )?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let get = |i| r.get::<_, Option<f64>>(i);
    Ok(bounds_from((get(0), get(1), get(2), get(3))))
}

/// The campaign's streets whose box meets `b`, in load order.
pub(crate) fn streets_within(
    db: Db<'_>,
    campaign: CampaignId,
    b: &Bounds,
) -> Result<Vec<Street>, StoreError> {
    db.rows(
        "SELECT name, street_key, class, points FROM map_streets
         WHERE campaign_id = $1 AND min_lat <= $2 AND max_lat >= $3
           AND min_lon <= $4 AND max_lon >= $5
         ORDER BY id",
        &[&campaign.0, &b.max_lat, &b.min_lat, &b.max_lon, &b.min_lon],
    )?
    .iter()
    .map(|r| {
        Ok(Street {
            name: r.get(0),
            key: r.get(1),
            class: r.get(2),
            points: points_from_json(r.get(3))?,
        })
    })
    .collect()
}

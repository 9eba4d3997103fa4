//! The campaign's map on PostgreSQL (see `sqlite/map.rs`; the same rows).

use groundgame_core::map::{AddressPoint, GeoPoint, Street};
use groundgame_core::CampaignId;

use super::PgStore;
use crate::store::sqlite::map::{points_from_json, points_json};
use crate::store::{HouseholdAddress, StoreError};

impl PgStore {
    pub(super) fn replace_map_rows(
        &self,
        campaign: CampaignId,
        streets: &[Street],
        points: &[AddressPoint],
    ) -> Result<(), StoreError> {
        let rows: Vec<(String, String, String, String)> = streets
            .iter()
            .map(|s| {
                Ok((
                    s.name.clone(),
                    s.key.clone(),
                    s.class.clone(),
                    points_json(&s.points)?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
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
                "INSERT INTO map_streets (campaign_id, name, street_key, class, points)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])",
                &[&campaign.0, &names, &keys, &classes, &geometry],
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
